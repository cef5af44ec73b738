package io.bopsweep.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;

/**
 * The straight-through sign of activations as single passes over CPU tensors' memory, with the
 * optimizers' kernels (vector or scalar). Each method returns a new float32 array of x's shape,
 * or null where the inputs are not float32 arrays in CPU memory (the caller then uses tensor
 * operations).
 */
public final class ActivationKernels {
  private ActivationKernels() {}

  /** sign(x) as tensor operations, on any device: +1 where x >= 0, -1 elsewhere, as float32. */
  public static NDArray signByTensors(NDArray x) {
    return x.gte(0f).toType(DataType.FLOAT32, false).muli(2f).subi(1f);
  }

  /** sign(x): +1 where x >= 0, -1 elsewhere. */
  public static NDArray sign(NDArray x) {
    if (!HostBuffers.usable(x)) {
      return null;
    }
    ByteBuffer xb = HostBuffers.bytes(x);
    return intoNew(x, (k, out, from, to) -> k.sign(xb, out, from, to));
  }

  /** grad where |x| <= 1, else 0. */
  public static NDArray steBackward(NDArray grad, NDArray x) {
    if (!HostBuffers.usable(x) || !HostBuffers.usable(grad)) {
      return null;
    }
    ByteBuffer gb = HostBuffers.bytes(grad);
    ByteBuffer xb = HostBuffers.bytes(x);
    return intoNew(x, (k, out, from, to) -> k.steMask(gb, xb, out, from, to));
  }

  /** A kernel that writes the elements [from, to) of out. */
  private interface IntoKernel {
    void run(HostKernels k, ByteBuffer out, int from, int to);
  }

  /** A new float32 array of like's shape, filled by the kernel. */
  private static NDArray intoNew(NDArray like, IntoKernel kernel) {
    NDArray out = like.getManager().create(like.getShape(), DataType.FLOAT32);
    ByteBuffer ob = HostBuffers.bytes(out);
    HostKernels k = HostKernels.best();
    HostBuffers.overChunks(ob.capacity() / Float.BYTES, (from, to) -> {
      kernel.run(k, ob, from, to);
      return 0;
    });
    return out;
  }
}
