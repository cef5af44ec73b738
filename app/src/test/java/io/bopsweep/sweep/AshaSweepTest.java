package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ASHA sweep on real MNIST: stopped trials keep their epochs, the promoted one continues, nothing is trained twice. */
class AshaSweepTest {
  static final String SPEC = """
      name: asha-it
      fixed: {dataset: mnist, model: mlp, width: 32, epochs: 3, train_limit: 1000, test_limit: 500}
      grid: {gamma: [1.0e-4, 1.0e-3, 1.0e-2]}
      scheduler: {type: asha, min_epochs: 1, eta: 3, metric: test_acc, mode: max}
      """;

  @TempDir Path tmp;

  @Test
  void stoppedTrialsKeepTheirEpochsAndTheBestContinuesFromItsCheckpoint() throws Exception {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
    Path spec = Files.writeString(tmp.resolve("asha-it.yaml"), SPEC);
    Path results = tmp.resolve("results");
    SweepLocalModeTest.Run run = SweepLocalModeTest.cli("sweep", spec.toString(), "--results", results.toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("sweep asha-it: 1 done, 0 diverged, 0 failed, 2 stopped (of 3 run; 0 were already"
        + " done); 5 epochs trained in 2 rounds; wall "), run.out());

    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    Map<String, TrialStatus> status = store.committed();
    Trial best = null;
    double bestAcc = -1;
    for (Trial t : trials) {
      double acc = store.committedMetric(t.id(), "test_acc").get(1);
      if (acc > bestAcc || acc == bestAcc && t.id().compareTo(best.id()) < 0) {
        bestAcc = acc;
        best = t;
      }
    }
    for (Trial t : trials) {
      boolean promoted = t == best;
      assertEquals(promoted ? TrialStatus.DONE : TrialStatus.STOPPED, status.get(t.id()), t.swept().toString());
      assertEquals(promoted ? 3 : 1, store.committedMetric(t.id(), "test_acc").size());
    }
    Group row = ParquetRows.read(results.resolve("trials/" + best.id() + ".parquet")).get(0);
    assertEquals(1, row.getInteger("start_epoch", 0), "the promoted trial continued after its first epoch");

    // the continued trial stored exactly what an uninterrupted run of it gives
    TrialConfig cfg = best.config();
    DataCache.Loaded data = DataCache.resolve(null).load(Choices.Dataset.MNIST);
    TrialOutcome alone = TrialRunner.run(cfg, Splits.forTrial(cfg, data.variant(), data.train(), data.test()),
        TrialRunner.Options.defaults().withDevice("cpu", 1));
    assertEquals(alone.epochs().stream().map(EpochRecord::testAcc).toList(),
        List.copyOf(store.committedMetric(best.id(), "test_acc").values()));

    // reports count stopped trials apart and average only the finished one
    Path reportDir = tmp.resolve("report");
    SweepLocalModeTest.Run report = SweepLocalModeTest.cli("report", spec.toString(), "--results", results.toString(),
        "--out", reportDir.toString());
    assertEquals(0, report.exit(), report.out() + report.err());
    List<String> summary = Files.readAllLines(reportDir.resolve("summary.csv"));
    List<String> header = List.of(summary.get(0).split(","));
    int seeds = header.indexOf("seeds");
    int stopped = header.indexOf("stopped");
    assertTrue(stopped > 0, summary.get(0));
    int stoppedSum = 0;
    int seedsSum = 0;
    for (String line : summary.subList(1, summary.size())) {
      String[] cells = line.split(",");
      stoppedSum += Integer.parseInt(cells[stopped]);
      seedsSum += Integer.parseInt(cells[seeds]);
    }
    assertEquals(2, stoppedSum, summary.toString());
    assertEquals(1, seedsSum, summary.toString());

    SweepLocalModeTest.Run again = SweepLocalModeTest.cli("sweep", spec.toString(), "--results", results.toString());
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("sweep asha-it: all 3 trials done (2 of them stopped early); nothing to run"),
        again.out());
  }
}
