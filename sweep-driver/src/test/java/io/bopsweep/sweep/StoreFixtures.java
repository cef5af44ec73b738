package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.EPOCHS;
import static io.bopsweep.trainer.config.Settings.GAMMA;

import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.Provenance;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Stores filled without training: committed rows with made-up metrics, for tests of what reads them. */
public final class StoreFixtures {
  private StoreFixtures() {}

  public static final Provenance PROVENANCE = new Provenance("Test CPU", "AVX2", "vector (256-bit, 8 floats)", 1, 1,
      "2.7.1", "cpu", "0.36.0", "17", null);

  /** Commits every trial with {@code epochs} epochs whose test accuracy is 0.5 + 0.1 * epoch / epochs. */
  public static void commit(ResultStore store, List<Trial> trials) throws IOException {
    for (Trial t : trials) {
      int epochs = t.config().get(EPOCHS);
      List<EpochRecord> records = new ArrayList<>();
      for (int e = 1; e <= epochs; e++) {
        double acc = 0.5 + 0.1 * e / epochs;
        records.add(new EpochRecord(e, 10, 1.0 / e, acc, 1.0 / e, acc, null, null, null, null, 100, 0.01,
            Map.of("dense1", 100L), Map.of("dense1", 0.01), -4.6, t.config().get(GAMMA), 1e-3, 1.0, 0.5, 1000.0,
            "0000000000000000"));
      }
      Instant start = Instant.parse("2026-01-01T00:00:00Z");
      store.commit(FrozenTrial.of(t.id(), t.sweep(), t.config().effectiveMap(), t.swept(), TrialStatus.DONE, null, 1, 0,
          "test", "host", "cpu", start, start.plusSeconds(10), "synthetic", records, PROVENANCE));
    }
  }

  /** An epoch row whose only varying metric is its test accuracy. */
  public static EpochRecord epoch(int n, double testAcc) {
    return new EpochRecord(n, 10, 0.5, 0.8, 0.4, testAcc, null, null, null, null, 7, 0.01, Map.of("dense1", 7L),
        Map.of("dense1", 0.01), -4.0, 1e-3, 1e-2, 1.0, 0.5, 1000.0, "00");
  }

  /** A 3-epoch trial of sweep "live" with these epochs; a failed one carries the error "boom". */
  public static FrozenTrial trial(String id, TrialStatus status, int attempt, List<EpochRecord> epochs) {
    TrialConfig cfg = TrialConfig.of(Map.of("epochs", 3));
    return FrozenTrial.of(id, "live", cfg.effectiveMap(), Map.of(), status, status == TrialStatus.FAILED ? "boom" : null,
        attempt, 0, "test", "host", "cpu", Instant.ofEpochMilli(1000), Instant.ofEpochMilli(2000 + attempt), "mnist",
        epochs, PROVENANCE);
  }
}
