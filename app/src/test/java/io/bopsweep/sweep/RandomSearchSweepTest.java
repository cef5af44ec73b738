package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.GAMMA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A random search over log-uniform gamma and tau: plan shows it, it runs, resumes and reports like a grid. */
class RandomSearchSweepTest {
  static final String SPEC = """
      name: random-it
      fixed: {dataset: mnist, model: mlp, width: 16, epochs: 1, train_limit: 300, test_limit: 100}
      search:
        type: random
        samples: 3
        seed: 0
        space:
          gamma: {log_uniform: [1.0e-4, 1.0e-2]}
          tau: {log_uniform: [1.0e-8, 1.0e-6]}
      """;

  @TempDir Path tmp;

  @Test
  void aRandomSearchRunsResumesAndReportsLikeAGrid() throws Exception {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
    Path spec = Files.writeString(tmp.resolve("random-it.yaml"), SPEC);
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    assertEquals(3, trials.size());

    SweepLocalModeTest.Run plan = SweepLocalModeTest.cli("plan", spec.toString(), "--no-probe");
    assertEquals(0, plan.exit(), plan.err());
    assertTrue(plan.out().contains("3 trials (1 points x 3 random samples (seed 0) x 1 seeds)"), plan.out());
    for (Trial t : trials) {
      assertTrue(plan.out().contains(t.id()) && plan.out().contains(String.valueOf(t.config().get(GAMMA))), plan.out());
    }

    Path results = tmp.resolve("results");
    SweepLocalModeTest.Run first = SweepLocalModeTest.cli("sweep", spec.toString(), "--results", results.toString());
    assertEquals(0, first.exit(), first.out() + first.err());
    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    for (Trial t : trials) {
      assertEquals(TrialStatus.DONE, store.committed().get(t.id()));
    }
    SweepLocalModeTest.Run again = SweepLocalModeTest.cli("sweep", spec.toString(), "--results", results.toString());
    assertTrue(again.out().contains("sweep random-it: all 3 trials done; nothing to run"), again.out());

    SweepLocalModeTest.Run report = SweepLocalModeTest.cli("report", spec.toString(), "--results", results.toString(),
        "--out", tmp.resolve("report").toString());
    assertEquals(0, report.exit(), report.out() + report.err());
    assertTrue(Files.exists(tmp.resolve("report/test-accuracy.png")), report.out());
  }
}
