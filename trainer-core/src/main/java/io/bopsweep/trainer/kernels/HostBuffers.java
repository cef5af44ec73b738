package io.bopsweep.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Zero-copy views of CPU tensors as Java buffers, for optimizer steps that do in one pass over
 * memory what takes a dozen tensor operations (and their temporaries) otherwise.
 *
 * <p>The updates run on the trial's own thread, and on helpers only for the cores the trial owns
 * and only when libtorch's OpenMP workers leave them soon after the backward pass (see {@link
 * KernelThreads}). A shared pool was slower: a worker spinning on the core it used competed with
 * it, and under Spark the pool's other threads belong to other trials.
 */
final class HostBuffers {
  private HostBuffers() {}

  /** -Dbopsweep.hostOptimizer=false forces the tensor-operation path (for benchmarks). */
  static final boolean ENABLED = !"false".equals(System.getProperty("bopsweep.hostOptimizer"));

  /** Whether fused host updates can run on this array: a float32 tensor in CPU memory. */
  static boolean usable(NDArray a) {
    return ENABLED && !a.getDevice().isGpu() && a.getDataType() == DataType.FLOAT32 && a instanceof PtNDArray;
  }

  /** The tensor's own memory, in native byte order (writes go to the tensor). */
  static ByteBuffer bytes(NDArray a) {
    ByteBuffer bb = JniUtils.getByteBuffer((PtNDArray) a, true);
    if (!bb.isDirect()) {
      throw new IllegalStateException("libtorch did not expose the tensor's memory");
    }
    return bb.order(ByteOrder.nativeOrder());
  }

  /**
   * Elements per call of a kernel. Many short calls rather than one long loop: the JIT compiles a
   * method that is called often fully, and a long loop only through on-stack replacement, where
   * the Vector API's lanes ran about half as fast. A multiple of every vector length.
   */
  static final int CHUNK = 1 << 16;

  /** A kernel over the element range [from, to) that returns a count. */
  interface RangeOp {
    long apply(int from, int to);
  }

  /**
   * {@link #overChunks} with the calling thread's {@link KernelThreads}: for the optimizer's
   * updates, which run after the backward pass (the activation kernels run between libtorch's
   * operators, while its workers still spin, and stay on the calling thread).
   */
  static long overChunksShared(int n, RangeOp op) {
    return KernelThreads.overChunks(n, KernelThreads.current(), op);
  }

  /** Runs op over [0, n) in chunks, one after another, and sums the counts. */
  static long overChunks(int n, RangeOp op) {
    long sum = 0;
    for (int from = 0; from < n; from += CHUNK) {
      sum += op.apply(from, Math.min(n, from + CHUNK));
    }
    return sum;
  }
}
