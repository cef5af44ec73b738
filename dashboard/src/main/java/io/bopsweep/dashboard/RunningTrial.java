package io.bopsweep.dashboard;

/**
 * A trial with a progress file and no trials row yet: the last epoch it announced.
 *
 * @param testAcc null before its first epoch ends
 * @param epochSeconds null before its first epoch ends
 */
public record RunningTrial(String trialId, int epoch, int epochs, String time, Double testAcc, Double epochSeconds) {
  /** Seconds until this trial's last epoch ends at its last epoch's pace; null while unknown. */
  public Double secondsLeft() {
    return epochSeconds == null ? null : epochSeconds * Math.max(0, epochs - epoch);
  }
}
