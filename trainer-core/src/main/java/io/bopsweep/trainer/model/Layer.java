package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** One step of a network. */
interface Layer {
  NDArray forward(NDArray x, Pass pass);

  /** Multiply-adds of one forward pass for one sample (with those of the layers inside it). */
  default long macs() {
    return 0;
  }

  /** The layers this one is made of (a residual block's), else none. */
  default List<Layer> inner() {
    return List.of();
  }
}
