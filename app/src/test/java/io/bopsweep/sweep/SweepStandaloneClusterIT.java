package io.bopsweep.sweep;

import static io.bopsweep.sweep.ParquetRows.read;
import static io.bopsweep.trainer.config.Settings.GAMMA;
import static io.bopsweep.trainer.config.Settings.TAU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar submitted with org.apache.spark.deploy.SparkSubmit (exactly what
 * spark-submit runs) to a real standalone cluster of one Master and two Workers on 127.0.0.1.
 */
class SweepStandaloneClusterIT {
  @TempDir Path tmp;

  @BeforeAll
  static void data() {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
  }

  static List<String> submitArgs(StandaloneCluster cluster, Path spec, Path results) {
    String appJar = System.getProperty("bopsweep.appJar");
    assertTrue(appJar != null && Files.exists(Path.of(appJar)), "application jar " + appJar + " (run mvn verify)");
    return List.of("--master", cluster.masterUrl(), "--deploy-mode", "client", "--class", "io.bopsweep.cli.Main",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g",
        "--conf", "spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector -Dai.djl.offline=true",
        appJar, "sweep", spec.toString(), "--results", results.toString(), "--progress-interval", "1");
  }

  @Test
  void applicationJarRunsTheQuickstartSweepOnAStandaloneCluster() throws Exception {
    Path spec = Path.of("..", "conf", "sweeps", "quickstart.yaml").toAbsolutePath().normalize();
    Path results = tmp.resolve("results");
    try (StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("cluster"), 2)) {
      Process submit = cluster.builder(cluster.java("org.apache.spark.deploy.SparkSubmit", List.of("-Xmx1g"),
          submitArgs(cluster, spec, results)), "submit").start();
      assertTrue(submit.waitFor(6, TimeUnit.MINUTES), "the sweep finished in time");
      String log = Files.readString(cluster.dir.resolve("submit.log"));
      assertEquals(0, submit.exitValue(), log.substring(Math.max(0, log.length() - 4000)));
      assertTrue(log.contains("sweep quickstart: " + Grid.expand(SpecParser.parse(spec)).size() + " done, 0 diverged, 0 failed"), log);
      // every executor started the warm-up (Spark logs each plugin it initializes)
      List<Path> stderrs;
      try (java.util.stream.Stream<Path> files = Files.walk(cluster.dir)) {
        stderrs = files.filter(f -> f.getFileName().toString().equals("stderr")).toList();
      }
      assertEquals(2, stderrs.size(), "one executor per worker");
      for (Path f : stderrs) {
        assertTrue(Files.readString(f).contains("executor component for plugin " + WarmupPlugin.class.getName()), f.toString());
      }
    }

    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    Map<String, TrialStatus> committed = store.committed();
    assertEquals(trials.size(), committed.size());
    List<String> keys = new ArrayList<>();
    for (Trial t : trials) {
      assertEquals(TrialStatus.DONE, committed.get(t.id()));
      List<Group> rows = read(results.resolve("epochs/" + t.id() + ".parquet"));
      assertEquals(3, rows.size(), "rows = epochs");
      for (Group g : rows) {
        keys.add(g.getString("trial_id", 0) + "/" + g.getInteger("epoch", 0));
        assertEquals(t.config().get(GAMMA), g.getDouble("gamma", 0));
        assertEquals(t.config().get(TAU), g.getDouble("tau", 0));
        assertEquals("cpu", g.getString("device", 0));
      }
    }
    assertEquals(keys.size(), keys.stream().distinct().count(), "no duplicate (trial, epoch)");
    assertEquals(trials.size() * 3, keys.size(), "rows = trials x epochs");

    // the cluster computed exactly what the trainer computes alone for the same config and seed
    Trial t = trials.get(3);
    DataCache.Loaded data = DataCache.resolve(null).load(Choices.Dataset.MNIST);
    TrialOutcome alone = TrialRunner.run(t.config(),
        Splits.forTrial(t.config(), data.variant(), data.train(), data.test()),
        TrialRunner.Options.defaults().withDevice("cpu", 1)); // the sweep ran each trial on 1 libtorch thread
    List<Group> rows = read(results.resolve("epochs/" + t.id() + ".parquet"));
    for (EpochRecord e : alone.epochs()) {
      Group g = rows.get(e.epoch() - 1);
      assertEquals(e.epoch(), g.getInteger("epoch", 0));
      assertEquals(e.testAcc(), g.getDouble("test_acc", 0));
      assertEquals(e.trainLoss(), g.getDouble("train_loss", 0));
      assertEquals(e.signHash(), g.getString("sign_hash", 0));
    }
  }

  @Test
  void killingAWorkerMidSweepLosesNothingAndTheRetryResumesFromItsCheckpoint() throws Exception {
    Path spec = Files.writeString(tmp.resolve("kill-it.yaml"), """
        name: kill-it
        fixed: {dataset: mnist, model: mlp, width: 64, optimizer: bop, bop_start: sign, epochs: 6, batch_size: 100,
                train_limit: 6000, test_limit: 500}
        grid: {gamma: [1.0e-3, 1.0e-2]}
        seeds: 1
        """);
    Path results = tmp.resolve("results-kill");
    try (StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("cluster-kill"), 2)) {
      Process submit = cluster.builder(cluster.java("org.apache.spark.deploy.SparkSubmit", List.of("-Xmx1g"),
          submitArgs(cluster, spec, results)), "submit").start();
      // wait until both trials have finished at least two epochs, then kill -9 one worker and its executor
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (System.nanoTime() < end && leastEpochOfTwoRunning(results) < 2) {
        Thread.sleep(200);
      }
      assertTrue(leastEpochOfTwoRunning(results) >= 2, "both trials were past their second checkpoint");
      StandaloneCluster.kill(cluster.workers.get(0));
      assertTrue(submit.waitFor(6, TimeUnit.MINUTES), "the sweep finished in time");
      String log = Files.readString(cluster.dir.resolve("submit.log"));
      assertEquals(0, submit.exitValue(), log.substring(Math.max(0, log.length() - 4000)));
      assertTrue(log.contains("sweep kill-it: 2 done, 0 diverged, 0 failed"), log);
    }
    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    int resumed = 0;
    for (Trial t : trials) {
      assertEquals(TrialStatus.DONE, store.committed().get(t.id()));
      List<Group> rows = read(results.resolve("epochs/" + t.id() + ".parquet"));
      assertEquals(6, rows.size());
      for (int e = 0; e < 6; e++) {
        assertEquals(e + 1, rows.get(e).getInteger("epoch", 0), "every epoch once");
      }
      Group trialRow = read(results.resolve("trials/" + t.id() + ".parquet")).get(0);
      int attempts = store.attempts(t.id()).size();
      if (attempts > 1) {
        resumed++;
        assertEquals(attempts, trialRow.getInteger("attempt", 0));
        assertTrue(trialRow.getInteger("start_epoch", 0) >= 2, "the retry resumed from the checkpoint");
      }
      // same metrics as an uninterrupted run of the same config
      DataCache.Loaded data = DataCache.resolve(null).load(Choices.Dataset.MNIST);
      TrialOutcome alone = TrialRunner.run(t.config(),
          Splits.forTrial(t.config(), data.variant(), data.train(), data.test()),
          TrialRunner.Options.defaults().withDevice("cpu", 1));
      for (EpochRecord e : alone.epochs()) {
        assertEquals(e.testAcc(), rows.get(e.epoch() - 1).getDouble("test_acc", 0));
        assertEquals(e.signHash(), rows.get(e.epoch() - 1).getString("sign_hash", 0));
      }
    }
    assertEquals(1, resumed, "exactly the trial of the killed worker ran twice");
  }

  /** The fewest epochs either of two running trials reports finished (0 unless both report). */
  static int leastEpochOfTwoRunning(Path results) throws Exception {
    Path dir = results.resolve("_checkpoints");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Integer> epochs = new ArrayList<>();
    try (var trials = Files.list(dir)) {
      for (Path t : trials.toList()) {
        Path p = t.resolve("progress.json");
        try {
          String json = Files.readString(p);
          epochs.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("epoch").asInt());
        } catch (java.io.IOException | NumberFormatException e) {
          // not there yet, or being replaced
        }
      }
    }
    return epochs.size() == 2 ? Math.min(epochs.get(0), epochs.get(1)) : 0;
  }
}
