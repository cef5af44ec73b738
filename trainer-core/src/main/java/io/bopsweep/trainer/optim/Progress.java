package io.bopsweep.trainer.optim;

import io.bopsweep.trainer.config.Schedule;

/**
 * Where training stands, for schedules.
 *
 * @param step optimizer steps taken before this one (0-based)
 * @param stepsPerEpoch optimizer steps in one epoch
 * @param epochs epochs the trial runs
 */
public record Progress(long step, int stepsPerEpoch, int epochs) {

  /** A schedule's value at this step, starting from base. */
  public double valueOf(Schedule schedule, double base) {
    return schedule.valueAt(base, step, stepsPerEpoch, epochs);
  }
}
