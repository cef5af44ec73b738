package io.bopsweep.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;

/**
 * Adam as in Keras (epsilon 1e-7, bias correction folded into the step size) for one array,
 * optionally clipping the result to [-1, 1]. On the CPU it runs as one pass over the tensors'
 * memory; elsewhere as tensor operations. Both round after every operation in the same order.
 */
public final class AdamUpdate {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-7f;

  private final NDArray m;
  private final NDArray v;
  private final HostKernels kernels;
  private long t;

  public AdamUpdate(NDManager manager, NDArray param) {
    this(manager, param, HostKernels.bestFor(param.size()));
  }

  /** @param kernels the one-pass update on the tensors' memory when they are on the CPU; null: tensor operations */
  AdamUpdate(NDManager manager, NDArray param, HostKernels kernels) {
    this.m = manager.zeros(param.getShape(), param.getDataType());
    this.v = manager.zeros(param.getShape(), param.getDataType());
    this.kernels = kernels;
  }

  public NDArray firstMoment() {
    return m;
  }

  public NDArray secondMoment() {
    return v;
  }

  public long steps() {
    return t;
  }

  public void restore(long steps) {
    this.t = steps;
  }

  public void step(NDArray w, NDArray grad, double lr, boolean clip) {
    step(w, grad, lr, clip, null);
  }

  /**
   * Updates w in place and, if binary is not null, sets binary = sign(w) (+1 where w >= 0) in the
   * same pass.
   *
   * @return the number of binary weights whose value changed (int64 scalar), or null without binary
   */
  public NDArray step(NDArray w, NDArray grad, double lr, boolean clip, NDArray binary) {
    t++;
    float lrT = (float) (lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
    if (kernels != null && HostBuffers.usable(w) && HostBuffers.usable(grad)
        && (binary == null || HostBuffers.usable(binary))) {
      ByteBuffer wb = HostBuffers.bytes(w);
      ByteBuffer gb = HostBuffers.bytes(grad);
      ByteBuffer mb = HostBuffers.bytes(m);
      ByteBuffer vb = HostBuffers.bytes(v);
      ByteBuffer bb = binary == null ? null : HostBuffers.bytes(binary);
      long flips = HostBuffers.overChunksShared(wb.capacity() / Float.BYTES,
          (from, to) -> kernels.adam(wb, gb, mb, vb, bb, from, to, lrT, clip));
      return binary == null ? null : binary.getManager().create(flips);
    }
    m.muli(BETA1).addi(grad.mul(1 - BETA1));
    v.muli(BETA2).addi(grad.square().muli(1 - BETA2));
    w.subi(m.div(v.sqrt().addi(EPSILON)).muli(lrT));
    if (clip) {
      NDArray clipped = w.clip(-1f, 1f);
      w.muli(0f).addi(clipped);
    }
    return binary == null ? null : SignCopy.tensors(w, binary);
  }
}
