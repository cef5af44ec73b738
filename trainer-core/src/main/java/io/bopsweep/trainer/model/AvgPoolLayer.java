package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** 2x2 average pooling, stride 2, ceil (an odd side keeps its last row and column, as Keras' "same"). */
final class AvgPoolLayer implements Layer {
  @Override
  public NDArray forward(NDArray x, Pass pass) {
    return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true, false);
  }
}
