package io.bopsweep.trainer.kernels;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;

/** binary = sign(latent), for the latent-weight optimizers. */
public final class SignCopy {
  private SignCopy() {}

  /** @return how many binary weights changed (int64 scalar) */
  public static NDArray copy(NDArray latent, NDArray binary) {
    return copy(latent, binary, HostKernels.best());
  }

  /** @return how many binary weights changed (int64 scalar) */
  static NDArray copy(NDArray latent, NDArray binary, HostKernels kernels) {
    if (kernels != null && HostBuffers.usable(latent) && HostBuffers.usable(binary)) {
      ByteBuffer l = HostBuffers.bytes(latent);
      ByteBuffer b = HostBuffers.bytes(binary);
      long flips = HostBuffers.overChunksShared(l.capacity() / Float.BYTES, (from, to) -> kernels.copySigns(l, b, from, to));
      return binary.getManager().create(flips);
    }
    return tensors(latent, binary);
  }

  static NDArray tensors(NDArray latent, NDArray binary) {
    NDArray signs = ActivationKernels.signByTensors(latent);
    NDArray flips = signs.neq(binary).sum();
    binary.muli(0f).addi(signs);
    return flips;
  }
}
