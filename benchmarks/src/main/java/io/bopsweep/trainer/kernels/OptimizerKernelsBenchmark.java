package io.bopsweep.trainer.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One optimizer update over all binary weights of the MLP 784-2048x3-10 (10.5 M floats), single
 * threaded, per implementation. {@link MemoryCopyBenchmark} copies one such array: the memory
 * bandwidth these kernels are bounded by. Bop reads g, m and w and writes m (w only where a sign
 * flips): 4 arrays of traffic, 2 copies' worth; once the momentum has settled most signs, mostly
 * g and m alone: 3 arrays. Adam with the sign copy moves 8 arrays, 4 copies.
 * The straight-through sign's kernels run over one VGG activation of batch 50 at width 1.0
 * (50 x 128 x 32 x 32): sign reads and writes one array, the backward mask reads two and writes one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class OptimizerKernelsBenchmark {
  @Param({"10508800"})
  int n;

  @Param({"vector", "scalar"})
  String kernels;

  HostKernels k;
  ByteBuffer w;
  ByteBuffer m;
  ByteBuffer g;
  ByteBuffer v;
  ByteBuffer binary;
  ByteBuffer settledW;
  ByteBuffer settledM;
  ByteBuffer activation;
  ByteBuffer activationGrad;
  ByteBuffer activationOut;

  @Setup
  public void setup() {
    k = "vector".equals(kernels) ? HostKernels.vector() : HostKernels.scalar();
    if (k == null) {
      throw new IllegalStateException("start the JVM with --add-modules=jdk.incubator.vector");
    }
    SplittableRandom rnd = new SplittableRandom(42);
    w = floats(n);
    m = floats(n);
    g = floats(n);
    v = floats(n);
    binary = floats(n);
    for (int i = 0; i < n; i++) {
      w.putFloat(i << 2, rnd.nextBoolean() ? 1f : -1f);
      binary.putFloat(i << 2, w.getFloat(i << 2));
      g.putFloat(i << 2, (float) (rnd.nextGaussian() * 1e-3));
    }
    settledW = floats(n);
    settledM = floats(n);
    for (int i = 0; i < n; i++) {
      float gi = g.getFloat(i << 2);
      settledM.putFloat(i << 2, gi);
      settledW.putFloat(i << 2, gi > 0 ? -1f : 1f);
    }
    int a = 50 * 128 * 32 * 32;
    activation = floats(a);
    activationGrad = floats(a);
    activationOut = floats(a);
    for (int i = 0; i < a; i++) {
      activation.putFloat(i << 2, (float) rnd.nextGaussian());
      activationGrad.putFloat(i << 2, (float) rnd.nextGaussian());
    }
  }

  static ByteBuffer floats(int n) {
    return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder());
  }

  @Benchmark
  public long bopStrict() {
    return k.bop(w, m, g, 0, n, 0.999f, 1e-3f, 1e-6f, false, true, Float.NaN);
  }

  /**
   * The strict rule when the previous step left w = -sign(m) wherever |m| > tau, as Bop does: w
   * is read only in vectors where a lane's m turns or rises through tau. Here m stays at g, so no
   * vector reads w: the floor of the update.
   */
  @Benchmark
  public long bopStrictSettled() {
    return k.bop(settledW, settledM, g, 0, n, 0.999f, 1e-3f, 1e-6f, false, true, 1e-6f);
  }

  @Benchmark
  public long bopInclusive() {
    return k.bop(w, m, g, 0, n, 0.999f, 1e-3f, 1e-6f, false, false, Float.NaN);
  }

  @Benchmark
  public ByteBuffer steSignForward() {
    k.sign(activation, activationOut, 0, activation.capacity() / Float.BYTES);
    return activationOut;
  }

  @Benchmark
  public ByteBuffer steSignBackward() {
    k.steMask(activationGrad, activation, activationOut, 0, activation.capacity() / Float.BYTES);
    return activationOut;
  }

  @Benchmark
  public long adamWithSigns() {
    return k.adam(w, g, m, v, binary, 0, n, 1e-5f, true);
  }

  @Benchmark
  public long copySigns() {
    return k.copySigns(w, binary, 0, n);
  }
}
