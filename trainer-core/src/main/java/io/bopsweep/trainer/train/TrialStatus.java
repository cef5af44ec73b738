package io.bopsweep.trainer.train;

/** How a trial ended. */
public enum TrialStatus {
  /** All epochs trained. */
  DONE,
  /** The loss became NaN or infinite; the epochs before it are kept. */
  DIVERGED,
  /** The training code threw; the error is recorded. */
  FAILED,
  /** A listener (a sweep's scheduler) stopped it after an epoch; the epochs trained are kept. */
  STOPPED
}
