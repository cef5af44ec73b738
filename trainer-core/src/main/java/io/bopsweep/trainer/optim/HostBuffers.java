package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * Zero-copy views of CPU tensors as Java buffers, for optimizer steps that do in one pass over
 * memory what takes a dozen tensor operations (and their temporaries) otherwise.
 */
final class HostBuffers {
  private HostBuffers() {}

  /** -Dbopsweep.hostOptimizer=false forces the tensor-operation path (for benchmarks). */
  static final boolean ENABLED = !"false".equals(System.getProperty("bopsweep.hostOptimizer"));

  /** Elements per parallel piece: large enough to amortize scheduling, a multiple of every vector length. */
  static final int CHUNK = 1 << 16;

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

  /** A kernel over the element range [from, to) that returns a count. */
  interface RangeOp {
    long apply(int from, int to);
  }

  /** Runs op over [0, n) in chunks, in parallel when there is more than one, and sums the counts. */
  static long overChunks(int n, RangeOp op) {
    int chunks = (n + CHUNK - 1) / CHUNK;
    if (chunks <= 1) {
      return op.apply(0, n);
    }
    return IntStream.range(0, chunks).parallel().mapToLong(c -> op.apply(c * CHUNK, Math.min(n, (c + 1) * CHUNK))).sum();
  }
}
