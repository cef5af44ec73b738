package io.bopsweep.trainer.train;

import io.bopsweep.trainer.config.TrialConfig;

/** Narrow hooks into a running trial; every method has a no-op default. Called on the training thread. */
public interface TrainingListener {
  TrainingListener NONE = new TrainingListener() {};

  /** Before the first epoch this run trains; {@code startEpoch} epochs were restored from a checkpoint. */
  default void onTrialStart(TrialConfig config, int startEpoch) {}

  /** After each epoch, once its record (and checkpoint) exists. */
  default void onEpoch(TrialConfig config, EpochRecord record) {}

  /**
   * After {@link #onEpoch}, for every epoch but the last: true ends the trial here with status
   * STOPPED, its epochs and checkpoint kept. Also asked once, before training, for the last epoch a
   * checkpoint restored (if not the last): true ends the trial there without training an epoch.
   */
  default boolean stopAfter(TrialConfig config, EpochRecord record) {
    return false;
  }

  /** Once all epochs are trained (status DONE), before {@link #onTrialEnd}: the final network, on the host. */
  default void onFinalModel(TrialConfig config, SavedModel model) {}

  /** When the trial ends, whatever its status. */
  default void onTrialEnd(TrialConfig config, TrialOutcome outcome) {}
}
