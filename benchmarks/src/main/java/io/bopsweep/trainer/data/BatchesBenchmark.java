package io.bopsweep.trainer.data;

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

/** Assembling one batch of floats from the byte images (MNIST-shaped and CIFAR-shaped with augmentation). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class BatchesBenchmark {
  @Param({"mnist-100", "cifar-50-augmented"})
  String shape;

  ImageSet set;
  int[] order;
  float[] out;
  int batch;
  SplittableRandom augment;

  @Setup
  public void setup() {
    boolean cifar = shape.startsWith("cifar");
    int c = cifar ? 3 : 1;
    int hw = cifar ? 32 : 28;
    int n = 5_000;
    batch = cifar ? 50 : 100;
    byte[] pixels = new byte[n * c * hw * hw];
    byte[] labels = new byte[n];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rnd.nextInt(256);
    }
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) rnd.nextInt(10);
    }
    set = new ImageSet(pixels, labels, c, hw, hw);
    order = Batches.shuffled(n, new SplittableRandom(1));
    out = new float[batch * c * hw * hw];
    augment = shape.endsWith("augmented") ? new SplittableRandom(3) : null;
  }

  @Benchmark
  public float[] fill() {
    Batches.fill(set, order, 0, batch, out, augment);
    return out;
  }
}
