package io.bopsweep.trainer.train;

import java.util.List;

/**
 * The frozen result of one trial run: what analysis reads.
 *
 * @param dataVariant what the data really was (e.g. cifar10-jpeg75)
 * @param startEpoch epochs restored from a checkpoint before this run trained (0 if none)
 * @param error one line, for FAILED, DIVERGED and STOPPED; null for DONE
 */
public record TrialOutcome(
    TrialStatus status,
    List<EpochRecord> epochs,
    String dataVariant,
    int startEpoch,
    String error,
    double seconds) {

  public TrialOutcome {
    epochs = List.copyOf(epochs);
  }
}
