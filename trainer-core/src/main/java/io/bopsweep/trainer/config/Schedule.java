package io.bopsweep.trainer.config;

import java.util.Locale;

/**
 * How a hyperparameter (gamma, a learning rate) changes over training.
 *
 * <p>Written as text so that it can be a grid axis and a column: {@code constant},
 * {@code step:FACTOR:EVERY_EPOCHS} (multiply by FACTOR every EVERY_EPOCHS epochs, staircase) or
 * {@code linear:END} (linear per step from the base value to END at the last step).
 */
public record Schedule(Kind kind, double factor, int everyEpochs, double end) {

  public enum Kind { CONSTANT, STEP, LINEAR }

  public static final Schedule CONSTANT = new Schedule(Kind.CONSTANT, 1.0, 0, Double.NaN);

  public static Schedule parse(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    String[] parts = t.split(":");
    try {
      switch (parts[0]) {
        case "constant":
          if (parts.length == 1) {
            return CONSTANT;
          }
          break;
        case "step":
          if (parts.length == 3) {
            double factor = Double.parseDouble(parts[1]);
            int every = Integer.parseInt(parts[2]);
            if (!(factor > 0) || every < 1) {
              throw new ConfigException(key, "step schedule needs factor > 0 and every >= 1, got '" + text + "'");
            }
            return new Schedule(Kind.STEP, factor, every, Double.NaN);
          }
          break;
        case "linear":
          if (parts.length == 2) {
            double end = Double.parseDouble(parts[1]);
            if (!(end >= 0) || Double.isInfinite(end)) {
              throw new ConfigException(key, "linear schedule needs a final value >= 0, got '" + text + "'");
            }
            return new Schedule(Kind.LINEAR, 1.0, 0, end);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "not a number in schedule '" + text + "'");
    }
    throw new ConfigException(
        key, "unknown schedule '" + text + "' (use constant, step:FACTOR:EVERY_EPOCHS or linear:END)");
  }

  /**
   * The value in effect at a step.
   *
   * @param base the value at the start of training
   * @param globalStep steps taken before this one (0-based)
   * @param stepsPerEpoch optimizer steps in one epoch
   * @param totalEpochs epochs the trial runs
   */
  public double valueAt(double base, long globalStep, long stepsPerEpoch, int totalEpochs) {
    switch (kind) {
      case STEP:
        long epoch = globalStep / stepsPerEpoch;
        return base * Math.pow(factor, epoch / everyEpochs);
      case LINEAR:
        long totalSteps = Math.max(1, stepsPerEpoch * totalEpochs - 1);
        double t = Math.min(1.0, (double) globalStep / totalSteps);
        return base + (end - base) * t;
      default:
        return base;
    }
  }

  @Override
  public String toString() {
    switch (kind) {
      case STEP:
        return "step:" + Settings.formatNumber(factor) + ":" + everyEpochs;
      case LINEAR:
        return "linear:" + Settings.formatNumber(end);
      default:
        return "constant";
    }
  }
}
