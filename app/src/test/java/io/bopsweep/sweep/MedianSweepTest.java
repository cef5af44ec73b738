package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A median-stopping sweep on real MNIST: the decisions are those the stored epochs give by hand,
 * stopped trials keep their epochs and checkpoints (which store check does not call damage), the
 * others continue from their checkpoints, and a rerun trains nothing.
 */
class MedianSweepTest {
  static final String SPEC = """
      name: median-it
      fixed: {dataset: mnist, model: mlp, width: 32, epochs: 3, train_limit: 1000, test_limit: 500}
      grid: {gamma: [1.0e-4, 1.0e-3, 1.0e-2, 1.0e-1]}
      scheduler: {type: median, grace_epochs: 1, min_trials: 2, metric: test_acc, mode: max}
      """;

  @TempDir Path tmp;

  /** The median as the README defines it: the middle value, or the mean of the two middle ones. */
  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(null);
    return v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
  }

  @Test
  void trialsBelowTheMedianStopAtTheCheckAndTheOthersContinueFromTheirCheckpoints() throws Exception {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
    Path spec = Files.writeString(tmp.resolve("median-it.yaml"), SPEC);
    Path results = tmp.resolve("results");

    SweepLocalModeTest.Run plan = SweepLocalModeTest.cli("plan", spec.toString(), "--no-probe");
    assertEquals(0, plan.exit(), plan.out() + plan.err());
    assertTrue(plan.out().contains("scheduler: median stopping by test_acc (max): checks at epochs 1, 2 (below each"
        + " trial's epochs)"), plan.out());
    // trial i has metric i in plan's count: at 1, trials 0 and 1 stop; 2 and 3 have one other each at 2 and go on
    assertTrue(plan.out().contains("  8 of the 12 epochs when the trials keep their order"), plan.out());

    SweepLocalModeTest.Run run = SweepLocalModeTest.cli("sweep", spec.toString(), "--results", results.toString(),
        "--progress-interval", "0.5");
    assertEquals(0, run.exit(), run.out() + run.err());

    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    Map<String, Map<Integer, Double>> acc = new LinkedHashMap<>();
    trials.forEach(t -> acc.put(t.id(), store.committedMetric(t.id(), "test_acc")));
    Map<String, TrialStatus> status = store.committed();
    // the decisions, worked out from the stored epochs: at epochs 1 and 2, a trial still going whose best test
    // accuracy so far is below the median of the other trials that have that epoch stored (at least 2 of them)
    Set<String> going = new HashSet<>(acc.keySet());
    Map<String, Integer> expectedEpochs = new LinkedHashMap<>();
    for (int check = 1; check <= 2; check++) {
      Map<String, Double> best = new LinkedHashMap<>();
      for (Map.Entry<String, Map<Integer, Double>> e : acc.entrySet()) {
        if (e.getValue().size() >= check) {
          double b = Double.NEGATIVE_INFINITY;
          for (int epoch = 1; epoch <= check; epoch++) {
            b = Math.max(b, e.getValue().get(epoch));
          }
          best.put(e.getKey(), b);
        }
      }
      Set<String> stop = new HashSet<>();
      for (String id : going) {
        List<Double> others = new ArrayList<>();
        best.forEach((other, b) -> {
          if (!other.equals(id)) {
            others.add(b);
          }
        });
        if (others.size() >= 2 && best.get(id) < median(others)) {
          stop.add(id);
          expectedEpochs.put(id, check);
        }
      }
      going.removeAll(stop);
    }
    going.forEach(id -> expectedEpochs.put(id, 3));
    assertTrue(expectedEpochs.containsValue(1), "the sweep stopped a trial at the first check: " + acc);
    int stopped = 0;
    long epochs = 0;
    for (Trial t : trials) {
      int e = expectedEpochs.get(t.id());
      epochs += e;
      assertEquals(e, acc.get(t.id()).size(), t.swept() + ": " + acc);
      assertEquals(e == 3 ? TrialStatus.DONE : TrialStatus.STOPPED, status.get(t.id()), t.swept() + ": " + acc);
      if (e < 3) {
        stopped++;
        assertTrue(Files.isDirectory(results.resolve("_checkpoints/" + t.id())), "a stopped trial keeps its checkpoint");
      } else {
        Group row = ParquetRows.read(results.resolve("trials/" + t.id() + ".parquet")).get(0);
        assertEquals(2, row.getInteger("start_epoch", 0), "continued from its checkpoint at the last check");
      }
    }
    assertTrue(run.out().contains(String.format("sweep median-it: %d done, 0 diverged, 0 failed, %d stopped (of 4 run;"
        + " 0 were already done); %d epochs trained in 3 rounds; wall ", 4 - stopped, stopped, epochs)), run.out());
    String log = Files.readString(results.resolve("_logs/median-it.log"));
    assertTrue(log.contains("; round 1: epochs ") && log.contains("; round 3: epochs ") && log.contains(" this round"),
        log);

    SweepLocalModeTest.Run check = SweepLocalModeTest.cli("store", "check", results.toString());
    assertEquals(0, check.exit(), "checkpoints of stopped trials are not damage: " + check.out() + check.err());

    // reports count stopped trials apart
    Path reportDir = tmp.resolve("report");
    SweepLocalModeTest.Run report = SweepLocalModeTest.cli("report", spec.toString(), "--results", results.toString(),
        "--out", reportDir.toString());
    assertEquals(0, report.exit(), report.out() + report.err());
    List<String> summary = Files.readAllLines(reportDir.resolve("summary.csv"));
    int stoppedColumn = List.of(summary.get(0).split(",")).indexOf("stopped");
    assertTrue(stoppedColumn > 0, summary.get(0));
    assertEquals(stopped, summary.subList(1, summary.size()).stream()
        .mapToInt(line -> Integer.parseInt(line.split(",")[stoppedColumn])).sum(), summary.toString());

    SweepLocalModeTest.Run again = SweepLocalModeTest.cli("sweep", spec.toString(), "--results", results.toString());
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("sweep median-it: all 4 trials done (" + stopped + " of them stopped early);"
        + " nothing to run"), again.out());
  }
}
