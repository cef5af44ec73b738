package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.bopsweep.trainer.model.Pass.KernelView;

/**
 * A convolution or dense layer without bias (dense: optionally with one). Its kernel is binary
 * (a Bop or latent-weight kernel) or real; its input passes through an input quantizer or, in a
 * network's first layer and the real-valued layers of the ImageNet models, is used as it is.
 */
final class QuantLayer implements Layer {

  /** What a layer does to its input before multiplying. */
  public enum InputQuantizer {
    /** Real input. */
    NONE,
    /** Sign with BinaryNet's straight-through estimator (gradient 1 where |x| <= 1). */
    STE_SIGN,
    /** Sign with Bi-Real Net's piecewise-polynomial estimator (gradient 2 - 2|x| where |x| <= 1). */
    APPROX_SIGN
  }

  private final Param kernel;
  private final Param bias;
  private final boolean conv;
  private final int stride;
  private final int padding;
  private final InputQuantizer input;
  private final long macs;

  private QuantLayer(Param kernel, Param bias, boolean conv, int stride, int padding, InputQuantizer input, long macs) {
    this.kernel = kernel;
    this.bias = bias;
    this.conv = conv;
    this.stride = stride;
    this.padding = padding;
    this.input = input;
    this.macs = macs;
  }

  /** A dense layer; {@code bias} may be null. */
  public static QuantLayer dense(Param kernel, Param bias, InputQuantizer input) {
    Shape s = kernel.value().getShape();
    return new QuantLayer(kernel, bias, false, 1, 0, input, s.get(0) * s.get(1));
  }

  /** A square convolution of the kernel's size, producing outHeight x outWidth per channel. */
  public static QuantLayer conv(Param kernel, int stride, int padding, InputQuantizer input, long outHeight,
      long outWidth) {
    return new QuantLayer(kernel, null, true, stride, padding, input, kernel.size() * outHeight * outWidth);
  }

  public Param kernel() {
    return kernel;
  }

  public InputQuantizer input() {
    return input;
  }

  @Override
  public NDArray forward(NDArray x, Pass pass) {
    NDArray in = switch (input) {
      case NONE -> x;
      case STE_SIGN -> Binarize.steSign(x, pass.training());
      case APPROX_SIGN -> Binarize.approxSign(x, pass.training());
    };
    return multiply(in, pass);
  }

  /** The layer on an input that is already quantized. */
  NDArray multiply(NDArray in, Pass pass) {
    NDArray w = kernel.leaf();
    if (pass.kernels() == KernelView.LATENT_REAL && kernel.latent() != null) {
      w = kernel.latent();
      if (w.getDataType() != DataType.FLOAT32) {
        w = w.toType(DataType.FLOAT32, false);
      }
    }
    if (conv) {
      return Conv2d.conv2d(in, w, null, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
          .singletonOrThrow();
    }
    return Linear.linear(in, w, bias == null ? null : bias.leaf()).singletonOrThrow();
  }

  @Override
  public long macs() {
    return macs;
  }
}
