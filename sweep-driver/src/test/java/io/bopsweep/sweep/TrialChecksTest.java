package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.TrialConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialChecksTest {
  static TrialConfig mlp(int width, int batch) {
    return TrialConfig.of(Map.of("dataset", "mnist", "model", "mlp", "width", width, "batch_size", batch));
  }

  @Test
  void theMemoryEstimateOfAnMlpIsItsBatchTwiceAndItsDenseWeightsFourTimesAsFloats() {
    int[][] layers = {{28 * 28, 2048}, {2048, 2048}, {2048, 2048}, {2048, 10}};
    long weights = 0;
    for (int[] l : layers) {
      weights += (long) l[0] * l[1];
    }
    long batch = 100L * 28 * 28;
    assertEquals(4 * (2 * batch + 4 * weights), TrialChecks.memoryBytes(mlp(2048, 100)));
  }

  @Test
  void aTrialAboveTheHeapIsRefusedWithTheSizesAndOneBelowPasses() {
    TrialConfig cfg = mlp(2048, 100);
    long need = TrialChecks.memoryBytes(cfg);
    assertNull(TrialChecks.problem(cfg, need));
    String problem = TrialChecks.problem(cfg, need - 1);
    assertTrue(problem != null && problem.startsWith("needs about 0.1 GiB of memory (batch_size 100, width 2048)"), problem);
  }

  @Test
  void layersAreCheckedAtTheWidestAndNarrowestOfEachModel() {
    TrialConfig alexnet = TrialConfig.of(Map.of("dataset", "imagenet", "model", "binary-alexnet", "width", 4.0));
    assertNull(TrialChecks.problem(alexnet, Long.MAX_VALUE), "4096 x 4 = 16384 units: the limit itself");
    String wider = TrialChecks.problem(alexnet.with(Map.of("width", 4.001)), Long.MAX_VALUE);
    assertTrue(wider != null && wider.contains("gives binary-alexnet layers of 16388 units"), wider);
    String empty = TrialChecks.problem(TrialConfig.of(Map.of("dataset", "mnist", "model", "convnet", "width", 0.01)),
        Long.MAX_VALUE);
    assertTrue(empty != null && empty.contains("gives convnet layers of 0 units"), empty);
  }
}
