package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** max(x, 0). */
final class ReluLayer implements Layer {
  @Override
  public NDArray forward(NDArray x, Pass pass) {
    return Activation.relu(x);
  }
}
