package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Zero-copy views of CPU tensors as Java buffers, for optimizer steps that do in one pass over
 * memory what takes a dozen tensor operations (and their temporaries) otherwise.
 */
final class HostBuffers {
  private HostBuffers() {}

  /** -Dbopsweep.hostOptimizer=false forces the tensor-operation path (for benchmarks). */
  static final boolean ENABLED = !"false".equals(System.getProperty("bopsweep.hostOptimizer"));

  /** Whether fused host updates can run on this array: a float32 tensor in CPU memory. */
  static boolean usable(NDArray a) {
    return ENABLED && !a.getDevice().isGpu() && a.getDataType() == DataType.FLOAT32 && a instanceof PtNDArray;
  }

  /** The tensor's own memory as a float buffer (writes go to the tensor). */
  static FloatBuffer floats(NDArray a) {
    ByteBuffer bb = JniUtils.getByteBuffer((PtNDArray) a, true);
    if (!bb.isDirect()) {
      throw new IllegalStateException("libtorch did not expose the tensor's memory");
    }
    return bb.order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
