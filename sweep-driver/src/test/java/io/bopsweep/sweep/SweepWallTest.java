package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class SweepWallTest {
  @Test
  void outsideIsTheWallLessTheJob() {
    SweepWall w = new SweepWall(31.25, 22.5);
    assertEquals(8.75, w.outsideSeconds(), 1e-12);
    assertEquals("wall 31.3 s since the JVM started: 22.5 s running trials, 8.8 s outside them", w.describe());
  }

  @Test
  void theWallRunsFromTheJvmsStart() {
    double before = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    SweepWall w = SweepWall.sinceJvmStart(2_000_000_000L);
    assertEquals(2.0, w.inTrialsSeconds(), 1e-12);
    assertTrue(w.totalSeconds() >= before, w.toString());
  }

  @Test
  void trainingSecondsCountEvaluationImagesAsAThirdOfATrainingImage() {
    // 2 epochs of 600 training and 300 evaluation images: 2 * (600 + 100) = 1400 image-steps at 100/s
    assertEquals(14.0, CostEstimate.trainingSeconds(2, new CostEstimate.Work(600, 300, 1), 100), 1e-12);
    assertEquals(0.0, CostEstimate.trainingSeconds(0, new CostEstimate.Work(600, 300, 1), 100), "no epochs left");
  }

  @Test
  void localWallIsTheFixedCostAndTheTrialsSpreadOverTheSlots() {
    double fixed = CostEstimate.LOCAL_SWEEP_FIXED_SECONDS;
    assertEquals(fixed + 30, CostEstimate.localWallSeconds(60, 12, 2), 1e-12);
    assertEquals(fixed + 60, CostEstimate.localWallSeconds(60, 1, 2), 1e-12, "one trial runs on one slot");
    assertEquals(0, CostEstimate.localWallSeconds(0, 0, 2), "no trials, no sweep");
  }
}
