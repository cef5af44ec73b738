package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;

/** One step of a sequential network. */
public interface Layer {
  NDArray forward(NDArray x, Pass pass);

  /** Multiply-adds of one forward pass for one sample, given the input shape without the batch axis. */
  default long macs() {
    return 0;
  }
}
