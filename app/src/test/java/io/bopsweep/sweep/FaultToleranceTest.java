package io.bopsweep.sweep;

import static io.bopsweep.sweep.Conditions.awaitOrFail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.cli.Main;
import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
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

/** Kills of the sweep driver (Spark local mode, a separate JVM) and what a rerun of the same command makes of them. */
class FaultToleranceTest {
  static final String SPEC = """
      name: faults
      fixed: {dataset: mnist, model: mlp, width: 32, optimizer: bop, bop_start: sign, epochs: 4, batch_size: 100,
              train_limit: 4000, test_limit: 500}
      grid: {gamma: [1.0e-3, 1.0e-2]}
      seeds: 2
      """;

  @TempDir Path tmp;

  @BeforeAll
  static void data() {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
  }

  static Process driver(Path spec, Path results, Path log, String... jvmOptions) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(StandaloneCluster.OPENS);
    cmd.add("-Xmx2g");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("--add-modules=jdk.incubator.vector");
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add("io.bopsweep.cli.Main");
    cmd.addAll(List.of("sweep", spec.toString(), "--results", results.toString(), "--progress-interval", "0.5"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  static int cli(String... args) {
    return Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
  }

  static String cliErr(String... args) {
    StringWriter err = new StringWriter();
    Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    return err.toString();
  }

  /** Running (uncommitted) trials that have finished at least one epoch, i.e. have a checkpoint. */
  static java.util.Set<String> checkpointed(ResultStore store) {
    java.util.Set<String> out = new java.util.HashSet<>();
    Map<String, TrialStatus> committed = store.committed();
    store.progress().forEach((id, json) -> {
      try {
        if (!committed.containsKey(id)
            && new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("epoch").asInt() >= 1) {
          out.add(id);
        }
      } catch (java.io.IOException | RuntimeException e) {
        // being replaced
      }
    });
    return out;
  }

  static ResultStore store(Path results) {
    return ResultStore.open(results.toString(), new Configuration());
  }

  /** Per trial: the (epoch, test_acc, sign_hash) sequence stored. */
  static Map<String, List<String>> metrics(Path results) throws Exception {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    try (var files = Files.list(results.resolve("epochs"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        List<String> rows = new ArrayList<>();
        for (Group g : ParquetRows.read(f)) {
          rows.add(g.getInteger("epoch", 0) + ":" + g.getDouble("test_acc", 0) + ":" + g.getString("sign_hash", 0));
        }
        out.put(f.getFileName().toString(), rows);
      }
    }
    return out;
  }

  @Test
  void killedDriverRerunTrainsOnlyWhatWasNotFinishedAndEndsWithTheSameStore() throws Exception {
    Path spec = Files.writeString(tmp.resolve("faults.yaml"), SPEC);
    Path reference = tmp.resolve("reference");
    assertEquals(0, cli("sweep", spec.toString(), "--results", reference.toString()));

    Path results = tmp.resolve("results");
    Process p = driver(spec, results, tmp.resolve("killed.log"));
    awaitOrFail(() -> Files.exists(results.resolve("STORE.json")) && store(results).committed().size() >= 1
        && !checkpointed(store(results)).isEmpty(), 240, "one trial committed and another past its first checkpoint");
    Map<String, TrialStatus> before = store(results).committed();
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    // the killed sweep's running trials: their finished epochs are readable, through epochs_live too
    for (String id : checkpointed(store(results))) {
      assertTrue(Files.exists(results.resolve("_live/" + id + "/epoch-1.parquet")), id);
      StringWriter rows = new StringWriter();
      assertEquals(0, Main.run(new String[] {"sql", "SELECT count(*) AS n FROM epochs_live WHERE trial_id = '" + id
          + "' AND epoch = 1", "--results", results.toString(), "--format", "csv"}, new PrintWriter(rows, true),
          new PrintWriter(new StringWriter(), true)));
      assertEquals("n\n1\n", rows.toString());
    }

    assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()), "the same command again");
    try (var live = Files.list(results.resolve("_live"))) {
      assertEquals(List.of(), live.toList(), "live rows are removed as trials commit");
    }
    ResultStore store = store(results);
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    int resumed = 0;
    for (Trial t : trials) {
      assertEquals(TrialStatus.DONE, store.committed().get(t.id()));
      int attempts = store.attempts(t.id()).size();
      if (before.containsKey(t.id())) {
        assertEquals(1, attempts, "a trial finished before the kill is not trained again");
      } else if (attempts > 1) {
        Group row = ParquetRows.read(results.resolve("trials/" + t.id() + ".parquet")).get(0);
        resumed += row.getInteger("start_epoch", 0) > 0 ? 1 : 0;
      }
    }
    assertTrue(resumed >= 1, "a trial that was running resumed from its checkpoint");
    assertEquals(metrics(reference), metrics(results), "exactly what an uninterrupted sweep stores");
  }

  static final String ASHA_SPEC = """
      name: asha-faults
      fixed: {dataset: mnist, model: mlp, width: 32, optimizer: bop, bop_start: sign, epochs: 3, batch_size: 100,
              train_limit: 4000, test_limit: 500}
      grid: {gamma: [1.0e-4, 1.0e-3, 1.0e-2]}
      scheduler: {type: asha, min_epochs: 1, eta: 3}
      """;

  @Test
  void anAshaSweepKilledMidRungAndRerunPromotesTheSameTrialsAndTrainsNothingTwice() throws Exception {
    Path spec = Files.writeString(tmp.resolve("asha-faults.yaml"), ASHA_SPEC);
    Path reference = tmp.resolve("reference");
    assertEquals(0, cli("sweep", spec.toString(), "--results", reference.toString()));
    Map<String, TrialStatus> promotedBefore = store(reference).committed();

    Path results = tmp.resolve("results");
    Process p = driver(spec, results, tmp.resolve("asha-killed.log"));
    awaitOrFail(() -> Files.exists(results.resolve("STORE.json")) && store(results).committed().size() >= 1
        && store(results).committed().size() < 3, 240, "a rung partly committed");
    Map<String, TrialStatus> before = store(results).committed();
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));

    assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()), "the same command again");
    assertEquals(promotedBefore, store(results).committed(), "the same trials stopped and promoted");
    assertEquals(metrics(reference), metrics(results), "the same epochs stored");
    for (Map.Entry<String, TrialStatus> e : before.entrySet()) {
      if (e.getValue() == TrialStatus.STOPPED) {
        assertEquals(promotedBefore.get(e.getKey()) == TrialStatus.DONE ? 2 : 1, store(results).attempts(e.getKey()).size(),
            "a trial stopped at the rung before the kill is not trained to it again");
      }
    }
    for (Map.Entry<String, TrialStatus> e : promotedBefore.entrySet()) {
      if (e.getValue() == TrialStatus.DONE) {
        Group row = ParquetRows.read(results.resolve("trials/" + e.getKey() + ".parquet")).get(0);
        assertEquals(1, row.getInteger("start_epoch", 0), "the promoted trial continued from its rung checkpoint");
      }
    }
  }

  static final String MEDIAN_SPEC = """
      name: median-faults
      fixed: {dataset: mnist, model: mlp, width: 32, optimizer: bop, bop_start: sign, epochs: 3, batch_size: 100,
              train_limit: 4000, test_limit: 500}
      grid: {gamma: [1.0e-4, 1.0e-3, 1.0e-2, 1.0e-1]}
      scheduler: {type: median, grace_epochs: 1, min_trials: 2}
      """;

  @Test
  void aMedianStoppingSweepKilledMidRoundAndRerunMakesTheSameDecisions() throws Exception {
    Path spec = Files.writeString(tmp.resolve("median-faults.yaml"), MEDIAN_SPEC);
    Path reference = tmp.resolve("reference");
    assertEquals(0, cli("sweep", spec.toString(), "--results", reference.toString()));
    Map<String, TrialStatus> decided = store(reference).committed();
    assertTrue(decided.containsValue(TrialStatus.STOPPED), decided.toString());

    Path results = tmp.resolve("results");
    Process p = driver(spec, results, tmp.resolve("median-killed.log"));
    awaitOrFail(() -> Files.exists(results.resolve("STORE.json")) && store(results).committed().size() >= 1
        && store(results).committed().size() < 4, 240, "the first check's round partly committed");
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));

    assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()), "the same command again");
    assertEquals(decided, store(results).committed(), "the same trials stopped and continued");
    assertEquals(metrics(reference), metrics(results), "the same epochs stored");
  }

  @Test
  void aKillBetweenTheTwoCommitRenamesLeavesTheTrialInvisibleAndTheRerunCompletesIt() throws Exception {
    Path spec = Files.writeString(tmp.resolve("faults.yaml"), SPEC);
    Path results = tmp.resolve("results");
    Process p = driver(spec, results, tmp.resolve("halted.log"), "-Dbopsweep.faultInjection.haltBetweenCommitRenames=true");
    assertTrue(p.waitFor(4, TimeUnit.MINUTES));
    assertEquals(137, p.exitValue(), Files.readString(tmp.resolve("halted.log")));
    assertEquals(Map.of(), store(results).committed(), "no trials row: nothing is visible");
    try (var epochs = Files.list(results.resolve("epochs"))) {
      assertTrue(epochs.anyMatch(f -> f.toString().endsWith(".parquet")), "the epochs file of the killed commit is there");
    }
    assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()));
    ResultStore store = store(results);
    for (Trial t : Grid.expand(SpecParser.parse(spec))) {
      assertEquals(TrialStatus.DONE, store.committed().get(t.id()));
      assertEquals(4, ParquetRows.read(results.resolve("epochs/" + t.id() + ".parquet")).size());
    }
  }

  @Test
  void aFullDiskFailsTheSweepClearlyAndPresentsNoPartialResults(
      // A trial still running when the sweep aborts may write its checkpoint after the CLI returns,
      // so this directory is not removed by JUnit (which would fail on it) but best-effort below.
      @org.junit.jupiter.api.io.TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER) Path disk)
      throws Exception {
    Path spec = Files.writeString(tmp.resolve("faults.yaml"), SPEC);
    String results = "fulldisk://" + disk.resolve("full").toAbsolutePath();
    System.setProperty("spark.hadoop.fs.fulldisk.impl", FullDiskFileSystem.class.getName());
    System.setProperty("spark.hadoop.fs.fulldisk.impl.disable.cache", "true");
    try {
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"sweep", spec.toString(), "--results", results},
          new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
      assertEquals(1, code, err.toString());
      String last = err.toString().strip().lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("bopsweep: failed: sweep faults aborted: ") && last.contains("No space left on device"),
          err.toString());
      Path dir = disk.resolve("full");
      assertTrue(!Files.exists(dir.resolve("trials")) || Files.list(dir.resolve("trials")).findAny().isEmpty(),
          "no trial presented as a result");
      assertTrue(!Files.exists(dir.resolve("epochs")) || Files.list(dir.resolve("epochs")).findAny().isEmpty());
    } finally {
      System.clearProperty("spark.hadoop.fs.fulldisk.impl");
      System.clearProperty("spark.hadoop.fs.fulldisk.impl.disable.cache");
      try (var walk = Files.walk(disk)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aSecondDriverOnTheSameResultsRefusesAndAKilledDriversLockIsTakenOver() throws Exception {
    Path spec = Files.writeString(tmp.resolve("faults.yaml"), SPEC);
    Path results = tmp.resolve("results");
    Process first = driver(spec, results, tmp.resolve("first.log"));
    awaitOrFail(() -> Files.exists(results.resolve("_lock/1.json")), 120, "the first driver holds the lock");
    String err = cliErr("sweep", spec.toString(), "--results", results.toString());
    assertTrue(err.contains("in use by the sweep driver of 'faults'"), err);
    assertEquals(1, err.strip().lines().count(), err);
    first.descendants().forEach(ProcessHandle::destroyForcibly);
    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertTrue(!Files.exists(results.resolve("_lock/1.released")), "kill -9 leaves the lock held");
    assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()), "its process is gone: taken over");
    assertTrue(Files.exists(results.resolve("_lock/2.released")), "taken over as generation 2, released at the end");
    assertTrue(!Files.exists(results.resolve("_lock/1.json")), "the dead driver's generation removed");
    assertEquals(4, store(results).committed().size());
  }

  /** What a rerun cannot change: every trials file's bytes and every trial's attempt records. */
  static Map<String, String> committedState(Path results) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String dir : List.of("trials", "epochs", "_attempts")) {
      if (!Files.exists(results.resolve(dir))) {
        continue;
      }
      try (var walk = Files.walk(results.resolve(dir))) {
        for (Path f : walk.filter(Files::isRegularFile).toList()) {
          out.put(results.relativize(f).toString(), java.util.HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
      }
    }
    return out;
  }

  @Test
  void aDriverPausedPastTheLockTimeoutCommitsNothingAfterAnotherDriverTookOverAndStops() throws Exception {
    Path spec = Files.writeString(tmp.resolve("faults.yaml"), SPEC);
    Path results = tmp.resolve("results");
    Path log = tmp.resolve("paused.log");
    // seen from this JVM as a driver on another host: judged by its heartbeat, stale after 3 s
    Process paused = driver(spec, results, log, "-Dbopsweep.lock.host=paused-host", "-Dbopsweep.lock.staleMillis=3000");
    try {
      awaitOrFail(() -> Files.exists(results.resolve("STORE.json")) && !checkpointed(store(results)).isEmpty(), 240,
          "a trial past its first checkpoint");
      DriverLockTest.signal("STOP", paused.pid());
      System.setProperty("bopsweep.lock.staleMillis", "3000");
      try {
        awaitOrFail(() -> {
          try {
            LockDirectory.Generation g = new LockDirectory(store(results)).highest();
            return System.currentTimeMillis() - g.heartbeat() > 3000;
          } catch (java.io.IOException e) {
            return false;
          }
        }, 60, "the paused driver's heartbeat is stale");
        assertEquals(0, cli("sweep", spec.toString(), "--results", results.toString()), "takes the lock over and completes");
      } finally {
        System.clearProperty("bopsweep.lock.staleMillis");
      }
      Map<String, String> afterTakeover = committedState(results);
      DriverLockTest.signal("CONT", paused.pid());
      assertTrue(paused.waitFor(120, TimeUnit.SECONDS), "the resumed driver stops");
      String out = Files.readString(log);
      assertEquals(1, paused.exitValue(), out);
      String last = out.strip().lines().reduce((a, b) -> b).orElse("");
      // the heartbeat or a task's fence check, whichever finds it first, names the new holder
      assertTrue(last.startsWith("bopsweep: failed: ") && last.contains("this sweep driver lost its lock")
          && last.contains("the sweep driver of 'faults'"), out);
      assertEquals(afterTakeover, committedState(results), "no commit and no attempt after the lock was taken over");
      ResultStore store = store(results);
      for (Trial t : Grid.expand(SpecParser.parse(spec))) {
        assertEquals(TrialStatus.DONE, store.committed().get(t.id()));
      }
    } finally {
      paused.destroyForcibly();
    }
  }
}
