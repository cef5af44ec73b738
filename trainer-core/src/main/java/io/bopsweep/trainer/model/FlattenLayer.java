package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;

/** Keeps the batch axis, flattens the rest. */
final class FlattenLayer implements Layer {
  @Override
  public NDArray forward(NDArray x, Pass pass) {
    return x.reshape(x.getShape().get(0), -1);
  }
}
