package io.bopsweep.dashboard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-epoch metrics of one trial that the curves show; a value is null where the store does
 * not hold it (a running trial's progress carries test accuracy only).
 */
public record EpochSeries(List<Integer> epoch, List<Double> testAcc, List<Double> testLoss, List<Double> trainLoss,
    List<Double> piLast) {
  public EpochSeries {
    epoch = List.copyOf(epoch);
    testAcc = copy(testAcc);
    testLoss = copy(testLoss);
    trainLoss = copy(trainLoss);
    piLast = copy(piLast);
  }

  private static <T> List<T> copy(List<T> values) {
    return Collections.unmodifiableList(new ArrayList<>(values));
  }

  public static final List<String> METRICS = List.of("test_acc", "test_loss", "train_loss", "pi_last");

  /** The values of one of {@link #METRICS}. */
  public List<Double> metric(String name) {
    return switch (name) {
      case "test_acc" -> testAcc;
      case "test_loss" -> testLoss;
      case "train_loss" -> trainLoss;
      case "pi_last" -> piLast;
      default -> throw new IllegalArgumentException(name);
    };
  }
}
