package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import io.bopsweep.trainer.kernels.ActivationKernels;

/**
 * Sign functions of BNNs. sign(0) is +1, as in larq. The straight-through form is written as
 * {@code sign(x) + (f(x) - stop_gradient(f(x)))}: the forward value is exactly +-1 (the added term
 * is exactly 0), and the backward pass is the gradient of f.
 */
public final class Binarize {
  private Binarize() {}

  /** +1 where x >= 0, -1 elsewhere, as float32; no gradient. */
  public static NDArray sign(NDArray x) {
    return ActivationKernels.signByTensors(x);
  }

  /**
   * Sign with the straight-through estimator of BinaryNet: forward sign(x), backward the incoming
   * gradient where |x| <= 1 and zero elsewhere.
   */
  public static NDArray steSign(NDArray x, boolean training) {
    if (!training) {
      return sign(x);
    }
    NDArray clipped = x.clip(-1f, 1f);
    return sign(x).add(clipped.sub(clipped.stopGradient()));
  }

  /**
   * sign(x) as a new leaf that collects its gradient: the straight-through sign with the graph cut
   * after it (see {@link Network#forwardCut}); {@link #steBackward} then carries the gradient over.
   */
  public static NDArray signLeaf(NDArray x) {
    NDArray s = ActivationKernels.sign(x);
    if (s == null) {
      s = sign(x);
    }
    s.setRequiresGradient(true);
    return s;
  }

  /** The straight-through sign's backward pass: the incoming gradient where |x| <= 1, 0 elsewhere. */
  public static NDArray steBackward(NDArray grad, NDArray x) {
    NDArray out = ActivationKernels.steBackward(grad, x);
    return out != null ? out : NDArrays.where(x.abs().lte(1f), grad, grad.zerosLike());
  }

  /**
   * Sign with Bi-Real Net's ApproxSign estimator: forward sign(x), backward the incoming gradient
   * times 2 - 2|x| where |x| <= 1 and zero elsewhere (the derivative of 2c - c|c|, c = clip(x)).
   */
  public static NDArray approxSign(NDArray x, boolean training) {
    if (!training) {
      return sign(x);
    }
    NDArray c = x.clip(-1f, 1f);
    NDArray f = c.mul(2f).sub(c.mul(c.abs()));
    return sign(x).add(f.sub(f.stopGradient()));
  }
}
