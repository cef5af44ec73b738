package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** Max pooling over square windows, symmetric zero padding, floor. */
final class MaxPoolLayer implements Layer {
  private final int size;
  private final int stride;
  private final int padding;

  public MaxPoolLayer(int size, int stride, int padding) {
    this.size = size;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public NDArray forward(NDArray x, Pass pass) {
    return Pool.maxPool2d(x, new Shape(size, size), new Shape(stride, stride), new Shape(padding, padding), false);
  }
}
