package io.bopsweep.sweep;

import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Stores of made-up trials, written the way sweeps write (one {@link ResultStore#commit} per trial),
 * to measure readers on stores larger than any test sweep. Trial i of a sweep sets gamma and tau
 * from a 5 x 4 grid and seed i / 20; its curves are smooth with seeded noise. Not results.
 */
public final class SyntheticStore {
  static final double[] GAMMAS = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2};
  static final double[] TAUS = {1e-8, 1e-7, 1e-6, 1e-5};
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private SyntheticStore() {}

  /** The made-up result of trial {@code i} of a synthetic sweep of {@code epochs} epochs per trial. */
  public static FrozenTrial trial(String sweep, int i, int epochs) {
    double gamma = GAMMAS[i % GAMMAS.length];
    double tau = TAUS[(i / GAMMAS.length) % TAUS.length];
    long seed = i / (GAMMAS.length * TAUS.length);
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("gamma", gamma);
    raw.put("tau", tau);
    raw.put("seed", seed);
    raw.put("epochs", epochs);
    TrialConfig config = TrialConfig.of(raw);
    Random noise = new Random(31L * i + 7);
    double ceiling = 0.97 - 3 * Math.abs(Math.log10(gamma) + 3) / 100 - Math.abs(Math.log10(tau) + 7) / 200;
    List<EpochRecord> records = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      double acc = ceiling - (ceiling - 0.1) * Math.exp(-e / 3.0) + noise.nextGaussian() * 0.004;
      double loss = -Math.log(Math.min(0.999, Math.max(0.01, acc))) + 0.05;
      double flipRatio = gamma * 10 * Math.exp(-e / 20.0) / (1 + tau * 1e6);
      records.add(new EpochRecord(e, 469, loss * 0.9, acc + 0.01, loss, acc, null, null, null, null,
          Math.round(flipRatio * 1e5), flipRatio, Map.of("dense3", Math.round(flipRatio * 1e4)),
          Map.of("dense3", flipRatio), Math.log(flipRatio + Math.exp(-9)), gamma, 0.0, 1.0, 0.1, 60000.0,
          Long.toHexString(noise.nextLong())));
    }
    Instant started = START.plusSeconds(60L * i);
    Map<String, Object> swept = new LinkedHashMap<>();
    swept.put("gamma", gamma);
    swept.put("tau", tau);
    swept.put("seed", seed);
    return FrozenTrial.of(TrialId.of(config), sweep, config.effectiveMap(), swept, TrialStatus.DONE, null, 1, 0,
        "synthetic", "synthetic", "cpu", started, started.plusSeconds(epochs), "synthetic", records, PROVENANCE);
  }

  /** Stated as synthetic in every column, so that no reader takes these rows for a measurement. */
  static final io.bopsweep.trainer.train.Provenance PROVENANCE = new io.bopsweep.trainer.train.Provenance(
      "synthetic", "synthetic", "synthetic", 1, 1, "synthetic", "synthetic", "synthetic", "synthetic", null);

  /** Commits trials 0..trials-1 of a synthetic sweep into the store, on all cores. */
  public static void write(ResultStore store, String sweep, int trials, int epochs) throws IOException {
    try {
      IntStream.range(0, trials).parallel().forEach(i -> {
        try {
          store.commit(trial(sweep, i, epochs));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
