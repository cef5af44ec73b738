package io.bopsweep.trainer.kernels;

import java.nio.ByteBuffer;
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

/** One copy of an array of the MLP's binary weights between direct buffers: the bandwidth floor of the kernels. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class MemoryCopyBenchmark {
  @Param({"10508800"})
  int n;

  ByteBuffer from;
  ByteBuffer to;

  @Setup
  public void setup() {
    from = OptimizerKernelsBenchmark.floats(n);
    to = OptimizerKernelsBenchmark.floats(n);
  }

  @Benchmark
  public ByteBuffer copy() {
    return to.clear().put(from.clear());
  }
}
