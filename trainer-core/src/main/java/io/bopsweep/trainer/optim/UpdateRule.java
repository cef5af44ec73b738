package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.model.KernelStart;
import io.bopsweep.trainer.model.Param;
import java.util.Map;

/**
 * An optimizer's update for the parameters a trial assigns to it ({@link Optimizers}): it holds its
 * hyperparameters and their schedules, and creates the state of each parameter, which updates the
 * parameter in place and lists what a checkpoint must keep.
 */
public interface UpdateRule {

  /**
   * What a binary kernel must hold at the start for this rule, or null if this rule never
   * updates binary kernels.
   */
  KernelStart kernelStart();

  /** The scheduled hyperparameters in effect at a step, by name ("gamma", "lr"), as epoch records report them. */
  Map<String, Double> scheduled(Progress at);

  /** This rule's state for one parameter, created once before the first step. */
  State attach(Param param, NDManager manager);

  /** One parameter's optimizer state and its update. */
  interface State {
    /**
     * Updates the parameter from its gradient. Called with libtorch's grad mode off.
     *
     * @return for a binary kernel, how many of its +-1 values changed (int64 scalar); else null
     */
    NDArray step(NDArray gradient, Progress at);

    /** Arrays a checkpoint must keep, by a name unique within this parameter ("adam_m"). */
    Map<String, NDArray> arrays();

    /** Step counts and flags a checkpoint must keep, by a name unique within this parameter. */
    Map<String, Long> counters();

    /**
     * After a checkpoint wrote the parameter and {@link #arrays()}: takes over its counters (a
     * name missing from the map reads 0).
     */
    void restore(Map<String, Long> counters);
  }
}
