package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.BATCH_SIZE;
import static io.bopsweep.trainer.config.Settings.GAMMA;
import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static io.bopsweep.trainer.config.Settings.SEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.cli.Main;
import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep command end to end in Spark local mode, on the real MNIST (a small slice of it). */
class SweepLocalModeTest {
  static final String SPEC = """
      name: it
      fixed: {dataset: mnist, model: mlp, width: 32, epochs: 2, batch_size: 100, train_limit: 1000, test_limit: 500}
      points:
        - {optimizer: bop, bop_start: sign}
        - {optimizer: adam-latent}
        - {optimizer: sgd-latent, lr: 1.0e300}
        - {optimizer: bop, batch_size: 5000}
      seeds: 2
      """;

  @TempDir static Path tmp;

  @BeforeAll
  static void data() {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void sweepCommitsEveryTrialOnceAndResumesOnlyWhatIsNotFinished() throws Exception {
    Path spec = Files.writeString(tmp.resolve("it.yaml"), SPEC);
    Path results = tmp.resolve("results");
    Run first = cli("sweep", spec.toString(), "--results", results.toString(), "--progress-interval", "0.5");
    assertEquals(1, first.exit(), "a failed trial makes the exit code non-zero\n" + first.out() + first.err());
    assertTrue(first.out().contains("sweep it: 4 done, 2 diverged, 2 failed"), first.out());
    assertTrue(first.out().matches("(?s).*sweep it: 4 done, .*; wall \\d+\\.\\d s since the JVM started: "
        + "\\d+\\.\\d s running trials, \\d+\\.\\d s outside them\n.*"), first.out());

    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    Map<String, TrialStatus> committed = store.committed();
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    assertEquals(8, committed.size());
    Map<String, Integer> expectedEpochs = new HashMap<>();
    for (Trial t : trials) {
      TrialStatus expected = t.config().get(OPTIMIZER) == Choices.Optimizer.SGD_LATENT ? TrialStatus.DIVERGED
          : t.config().get(BATCH_SIZE) == 5000 ? TrialStatus.FAILED : TrialStatus.DONE;
      assertEquals(expected, committed.get(t.id()), t.swept().toString());
      assertEquals(1, store.attempts(t.id()).size());
      expectedEpochs.put(t.id(), expected == TrialStatus.DONE ? 2 : 0);
    }

    SparkSession spark = SparkSession.builder().master("local[2]").appName("read")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      Dataset<Row> epochs = spark.read().parquet(store.epochsDir());
      Dataset<Row> trialRows = spark.read().parquet(store.trialsDir());
      assertEquals(8, trialRows.count());
      assertEquals(0, epochs.groupBy("trial_id", "epoch").count().where("count > 1").count(), "no duplicate epochs");
      for (Row r : trialRows.collectAsList()) {
        String id = r.getAs("trial_id");
        assertEquals((int) expectedEpochs.get(id), (int) r.<Integer>getAs("epochs_done"));
        assertEquals(expectedEpochs.get(id).longValue(), epochs.where("trial_id = '" + id + "'").count());
        assertEquals("mnist", r.getAs("data_variant"));
        assertEquals("it", r.getAs("sweep"));
        assertEquals(1, (int) r.<Integer>getAs("attempt"));
        if (!"DONE".equals(r.getAs("status"))) {
          assertTrue(((String) r.getAs("error")).length() > 0);
        }
      }
      // metrics equal an independent run of the same config outside Spark (same seed, bitwise)
      Trial bop = trials.get(1);
      TrialConfig cfg = bop.config();
      DataCache.Loaded data = DataCache.resolve(null).load(Choices.Dataset.MNIST);
      TrialOutcome alone = TrialRunner.run(cfg, Splits.forTrial(cfg, data.variant(), data.train(), data.test()),
          TrialRunner.Options.defaults().withDevice("cpu", 1)); // as the sweep: 1 libtorch thread per trial
      List<Row> rows = epochs.where("trial_id = '" + bop.id() + "'").orderBy("epoch").collectAsList();
      for (EpochRecord e : alone.epochs()) {
        Row r = rows.get(e.epoch() - 1);
        assertEquals(e.testAcc(), r.<Double>getAs("test_acc"));
        assertEquals(e.trainLoss(), r.<Double>getAs("train_loss"));
        assertEquals(e.flips(), (long) r.<Long>getAs("flips"));
        assertEquals(cfg.get(GAMMA), r.<Double>getAs("gamma"));
        assertEquals(cfg.get(SEED), (long) r.<Long>getAs("seed"));
        assertEquals("bop", r.getAs("optimizer"));
      }
    } finally {
      spark.stop();
    }

    Run sql = cli("sql", "SELECT optimizer, count(*) AS n FROM epochs GROUP BY optimizer ORDER BY optimizer",
        "--results", results.toString(), "--format", "csv");
    assertEquals(0, sql.exit(), sql.err());
    assertEquals("optimizer,n\nadam-latent,4\nbop,4\n", sql.out(), "DONE trials' epochs only");
    Run badQuery = cli("sql", "SELECT nope FROM trials", "--results", results.toString());
    assertEquals(2, badQuery.exit());
    assertTrue(badQuery.err().startsWith("bopsweep: error: query error: "), badQuery.err());
    Path reportDir = tmp.resolve("report");
    Run report = cli("report", spec.toString(), "--results", results.toString(), "--out", reportDir.toString());
    assertEquals(0, report.exit(), report.err());
    assertTrue(Files.readString(reportDir.resolve("table-5.2-bop-vs-adam.md")).contains("| adam-latent |"));
    assertTrue(Files.exists(reportDir.resolve("test-accuracy.png")));
    Run notStore = cli("sql", "SELECT 1", "--results", tmp.toString());
    assertEquals(2, notStore.exit());
    assertTrue(notStore.err().contains("not a bopsweep results store"), notStore.err());

    Run second = cli("sweep", spec.toString(), "--results", results.toString());
    assertEquals(1, second.exit(), second.out() + second.err());
    assertTrue(second.out().contains("8 trials, 6 already done, 2 to run"), second.out());
    for (Trial t : trials) {
      int attempts = store.attempts(t.id()).size();
      assertEquals(committed.get(t.id()) == TrialStatus.FAILED ? 2 : 1, attempts, "DONE and DIVERGED are not rerun");
    }
  }

  @Test
  void aFinishedSweepRunsNothing() throws Exception {
    Path spec = Files.writeString(tmp.resolve("small.yaml"),
        "fixed: {dataset: mnist, model: mlp, width: 16, epochs: 1, train_limit: 300, test_limit: 100}\n"
            + "grid: {gamma: [1.0e-3, 1.0e-2]}\n");
    Path results = tmp.resolve("small-results");
    assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()).exit());
    Path log = results.resolve("_logs/small.log");
    List<String> lines = Files.readAllLines(log);
    assertTrue(lines.get(lines.size() - 1).startsWith("sweep small: 2 done, 0 diverged, 0 failed"), lines.toString());
    // the last progress line (a final poll at the end) names the best test accuracy (ties: the smaller id)
    FrozenTrial best = ResultStore.open(results.toString(), new Configuration()).trials()
        .stream().max(java.util.Comparator.comparingDouble((FrozenTrial t) -> t.metrics().bestTestAcc())
            .thenComparing(FrozenTrial::trialId, java.util.Comparator.reverseOrder())).get();
    String bestPart = String.format("best test acc %.4f (%s)", best.metrics().bestTestAcc(), best.trialId());
    assertTrue(lines.get(lines.size() - 2).contains("trials 2/2 done, 0 running, 0 failed; epochs 2/2; " + bestPart),
        lines.toString());
    Run again = cli("sweep", spec.toString(), "--results", results.toString());
    assertEquals(0, again.exit());
    assertTrue(again.out().contains("sweep small: all 2 trials done; nothing to run"), again.out());
    List<String> after = Files.readAllLines(log);
    assertEquals("sweep small: all 2 trials done; nothing to run", after.get(after.size() - 1));
  }

  @Test
  void theSparkUiIsOffUnlessAskedFor() throws Exception {
    Path spec = Files.writeString(tmp.resolve("ui.yaml"),
        "fixed: {dataset: mnist, model: mlp, width: 16, epochs: 1, train_limit: 300, test_limit: 100}\n");
    Run withUi = cli("sweep", spec.toString(), "--results", tmp.resolve("ui-results").toString(), "--ui");
    assertEquals(0, withUi.exit(), withUi.out() + withUi.err());
    assertTrue(withUi.out().contains("Spark UI: http://"), withUi.out());
    Run without = cli("sweep", spec.toString(), "--results", tmp.resolve("no-ui-results").toString());
    assertEquals(0, without.exit(), without.out() + without.err());
    assertFalse(without.out().contains("Spark UI"), without.out());
  }

  @Test
  void unusableResultsDirectoriesAreRefusedBeforeAnythingRuns() throws Exception {
    Path spec = Files.writeString(tmp.resolve("x.yaml"), "fixed: {epochs: 1, width: 16, train_limit: 200}\n");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Run r1 = cli("sweep", spec.toString(), "--results", file.toString());
    assertEquals(2, r1.exit());
    assertTrue(r1.err().contains("is a file, not a results directory"), r1.err());
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    Run r2 = cli("sweep", spec.toString(), "--results", other.toString());
    assertEquals(2, r2.exit());
    assertTrue(r2.err().contains("not a bopsweep results store"), r2.err());
    assertEquals(List.of("notes.txt"), List.of(other.toFile().list()), "nothing written");
    Path old = Files.createDirectories(tmp.resolve("old"));
    Files.writeString(old.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":0}");
    Run r3 = cli("sweep", spec.toString(), "--results", old.toString());
    assertEquals(2, r3.exit());
    assertTrue(r3.err().contains("written with result schema version 0"), r3.err());
  }
}
