package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A trainable array. Binary kernels are the weights of quantized layers: the value the network
 * computes with is +-1 (under Bop from the first step on), and the gradient lands on it. Under a
 * latent-weight optimizer the kernel also has latent real weights, which only that optimizer
 * updates and whose signs it copies into the value: the latent weights are optimizer state, and
 * the straight-through estimator for them is the identity by construction. Everything else
 * (BatchNorm) is an ordinary real parameter.
 *
 * <p>The network computes with {@link #leaf()}, a handle on the same memory that collects the
 * gradient; the optimizer writes {@link #value()}. {@link #dropGradient()} replaces the leaf, so
 * that libtorch hands the next backward pass's gradient over as it is instead of adding it to a
 * zeroed one (PyTorch's {@code zero_grad(set_to_none=True)}, which DJL's JNI does not offer).
 */
public final class Param {
  private final String name;
  private final String layer;
  private final NDArray value;
  private final boolean binaryKernel;
  private final int fanIn;
  private final int fanOut;
  private final NDArray latent;
  private NDArray leaf;

  public Param(String name, String layer, NDArray value, boolean binaryKernel, int fanIn, int fanOut) {
    this(name, layer, value, null, binaryKernel, fanIn, fanOut);
  }

  public Param(String name, String layer, NDArray value, NDArray latent, boolean binaryKernel, int fanIn, int fanOut) {
    this.latent = latent;
    this.name = name;
    this.layer = layer;
    this.value = value;
    this.binaryKernel = binaryKernel;
    this.fanIn = fanIn;
    this.fanOut = fanOut;
  }

  public String name() { return name; }

  /** The layer this parameter belongs to (flip statistics are reported per layer). */
  public String layer() { return layer; }

  /** The parameter's values; updated in place by the optimizer, never part of an autograd graph. */
  public NDArray value() { return value; }

  /** What the forward pass computes with: the same memory as {@link #value()}, collecting its gradient. */
  public NDArray leaf() {
    if (leaf == null) {
      leaf = JniUtils.detachGradient((PtNDArray) value);
      NDScope.unregister(leaf);
      leaf.setRequiresGradient(true);
    }
    return leaf;
  }

  /** The gradient the last backward pass left on {@link #leaf()}. */
  public NDArray gradient() {
    return leaf().getGradient();
  }

  /** Forgets the gradient: the next backward pass starts without one. */
  public void dropGradient() {
    if (leaf != null) {
      leaf.close();
      leaf = null;
    }
  }

  public boolean isBinaryKernel() { return binaryKernel; }

  /** The latent real weights of a kernel under a latent-weight optimizer, else null. */
  public NDArray latent() { return latent; }

  public long size() { return value.getShape().size(); }

  /** BinaryConnect's per-layer learning-rate multiplier 1 / sqrt(1.5 / (fan_in + fan_out)). */
  public double xavierLrMultiplier() {
    return 1.0 / Math.sqrt(1.5 / (fanIn + fanOut));
  }
}
