package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep run from code through {@link SweepService}, without the CLI, on a small slice of MNIST. */
class SweepServiceTest {
  static final String SPEC = """
      name: service
      fixed: {dataset: mnist, model: mlp, width: 16, epochs: 1, batch_size: 100, train_limit: 300, test_limit: 100}
      points:
        - {optimizer: bop}
        - {optimizer: sgd-latent, lr: 1.0e300}
      """;

  @TempDir static Path tmp;

  @BeforeAll
  static void data() {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
  }

  @Test
  void theOutcomeIsWhatTheStoreHolds() throws Exception {
    Path spec = Files.writeString(tmp.resolve("service.yaml"), SPEC);
    Path results = tmp.resolve("results");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    SweepService service = new SweepService("test-build");

    SweepOutcome outcome = service.run(SweepOptions.of(spec, results.toString()), new PrintWriter(out, true),
        new PrintWriter(err, true));

    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    Map<String, TrialStatus> committed = store.committed();
    assertEquals(Map.of(TrialStatus.DONE, 1L, TrialStatus.DIVERGED, 1L), count(committed), out.toString());
    assertEquals(new SweepOutcome("service", store.uri(), 2, 0, 1, 1, 0, 0, outcome.wall(),
        results.resolve("_logs/service.log")), outcome);
    assertFalse(outcome.anyFailed());
    assertEquals(2, outcome.run());
    List<FrozenTrial> trials = store.trials();
    assertTrue(trials.stream().allMatch(t -> t.codeVersion().equals("test-build")), trials.toString());
    double longestTrial = trials.stream().mapToDouble(FrozenTrial::seconds).max().orElseThrow();
    SweepWall wall = outcome.wall();
    assertTrue(wall.inTrialsSeconds() >= longestTrial, wall + " vs a trial of " + longestTrial + " s");
    assertTrue(wall.totalSeconds() >= wall.inTrialsSeconds(), wall.toString());
    assertTrue(out.toString().contains("sweep service: 1 done, 1 diverged, 0 failed (of 2 run; 0 were already done); "
        + wall.describe()), out.toString());
    assertEquals("", err.toString());

    SweepOutcome again = service.run(SweepOptions.of(spec, results.toString()), new PrintWriter(new StringWriter()),
        new PrintWriter(err, true));
    assertEquals(List.of(2, 2, 0), List.of(again.trials(), again.alreadyDone(), again.run()));
    assertEquals(committed, ResultStore.open(results.toString(), new Configuration()).committed());
  }

  @Test
  void aBadOptionIsOneLineAndWritesNothing() throws Exception {
    Path spec = Files.writeString(tmp.resolve("bad.yaml"), SPEC);
    Path results = tmp.resolve("bad-results");
    SweepOptions zeroThreads = new SweepOptions(spec, SpecParser.DEFAULT_MAX_TRIALS, results.toString(), null, 0,
        null, Map.of(), SweepOptions.DEFAULT_PROGRESS_INTERVAL_SECONDS, false, null);
    StringWriter out = new StringWriter();

    SweepOptionException e = assertThrows(SweepOptionException.class,
        () -> new SweepService("test-build").run(zeroThreads, new PrintWriter(out, true), new PrintWriter(out, true)));

    assertEquals("--threads-per-trial: must be >= 1, got 0", e.getMessage());
    assertFalse(Files.exists(results), "nothing written");
    assertEquals("", out.toString());
  }

  private static Map<TrialStatus, Long> count(Map<String, TrialStatus> committed) {
    return committed.values().stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting()));
  }
}
