package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BandsTest {
  private static EpochSeries series(List<Integer> epochs, Double... acc) {
    List<Double> values = Arrays.asList(acc);
    return new EpochSeries(epochs, values, values, values, values);
  }

  @Test
  void meanAndSampleStdPerEpochOverTheTrialsThatReachedIt() {
    Bands b = Bands.of(List.of(series(List.of(1, 2), 0.5, 0.7), series(List.of(1, 2, 3), 0.7, 0.9, 0.95)), "test_acc");
    assertEquals(List.of(1, 2, 3), b.epoch());
    assertEquals(0.6, b.mean().get(0), 1e-12);
    assertEquals(0.8, b.mean().get(1), 1e-12);
    assertEquals(Math.sqrt(0.02), b.std().get(0), 1e-12);
    assertEquals(0.95, b.mean().get(2), 1e-12);
    assertNull(b.std().get(2));
    assertEquals(List.of(2, 2, 1), b.n());
  }

  @Test
  void missingValuesDoNotCount() {
    Bands b = Bands.of(List.of(series(List.of(1), (Double) null), series(List.of(1), 0.4)), "test_loss");
    assertEquals(List.of(1), b.n());
    assertEquals(0.4, b.mean().get(0), 1e-12);
  }
}
