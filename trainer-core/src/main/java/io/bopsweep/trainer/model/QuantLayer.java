package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.bopsweep.trainer.model.Pass.KernelView;

/**
 * A dense or 3x3 convolution layer with a binary kernel and no bias. Its input passes through the
 * straight-through sign unless it is the network's first layer (which sees real input).
 */
public final class QuantLayer implements Layer {
  private final Param kernel;
  private final boolean conv;
  private final int padding;
  private final boolean binarizeInput;
  private final long macs;

  private QuantLayer(Param kernel, boolean conv, int padding, boolean binarizeInput, long macs) {
    this.kernel = kernel;
    this.conv = conv;
    this.padding = padding;
    this.binarizeInput = binarizeInput;
    this.macs = macs;
  }

  public static QuantLayer dense(Param kernel, boolean binarizeInput) {
    Shape s = kernel.value().getShape();
    return new QuantLayer(kernel, false, 0, binarizeInput, s.get(0) * s.get(1));
  }

  public static QuantLayer conv3x3(Param kernel, int padding, boolean binarizeInput, long outHeight, long outWidth) {
    return new QuantLayer(kernel, true, padding, binarizeInput, kernel.size() * outHeight * outWidth);
  }

  public Param kernel() {
    return kernel;
  }

  @Override
  public NDArray forward(NDArray x, Pass pass) {
    NDArray in = binarizeInput ? Binarize.steSign(x, pass.training()) : x;
    NDArray w = kernel.value();
    if (pass.kernels() == KernelView.LATENT_REAL && kernel.latent() != null) {
      w = kernel.latent();
      if (w.getDataType() != DataType.FLOAT32) {
        w = w.toType(DataType.FLOAT32, false);
      }
    }
    if (conv) {
      return Conv2d.conv2d(in, w, null, new Shape(1, 1), new Shape(padding, padding), new Shape(1, 1), 1)
          .singletonOrThrow();
    }
    return Linear.linear(in, w).singletonOrThrow();
  }

  @Override
  public long macs() {
    return macs;
  }
}
