package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** 2x2 max pooling, stride 2, floor. */
public final class MaxPoolLayer implements Layer {
  @Override
  public NDArray forward(NDArray x, Pass pass) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }
}
