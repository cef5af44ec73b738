package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.analysis.Results;
import io.bopsweep.dashboard.StoreAccess;
import io.bopsweep.store.StorePacks;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * store compact: the readers see the same rows before and after; a compaction stopped at every one
 * of its steps (as by kill -9: nothing after the step runs) leaves a store every reader reads
 * whole and once, and the next compaction or sweep finishes or rolls it back.
 */
class StoreCompactionTest {
  static SparkSession spark;

  @TempDir Path tmp;

  /** What the readers read from {@link #fixture}, before any compaction. */
  static Map<String, List<String>> fixtureReaders;

  @BeforeAll
  static void spark() {
    spark = SparkSession.builder().master("local[1]").appName("compaction").config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** What a test makes the compaction die of. */
  static final class Killed extends Error {
    Killed() {
      super("killed", null, false, false);
    }
  }

  static FrozenTrial withStatus(FrozenTrial r, TrialStatus status, int attempt) {
    return FrozenTrial.of(r.trialId(), r.sweep(), r.config(), r.swept(), status,
        status == TrialStatus.FAILED ? "RuntimeException: made up" : null, attempt, r.startEpoch(), r.codeVersion(),
        r.host(), r.device(), r.startedAt().plusSeconds(attempt), r.finishedAt().plusSeconds(attempt),
        r.dataVariant(), r.epochs(), r.provenance());
  }

  /** Every row of the views trials and epochs, columns by name, rows by key; and the raw row counts. */
  static Map<String, List<String>> readers(Path root) throws Exception {
    Results.register(spark, root.toString());
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String view : List.of("trials", "epochs")) {
      String[] cols = spark.table(view).columns();
      Arrays.sort(cols);
      out.put(view, spark.sql("SELECT " + String.join(", ", cols) + " FROM " + view + " ORDER BY trial_id"
          + (view.equals("epochs") ? ", epoch" : "")).collectAsList().stream().map(Row::toString).toList());
    }
    Row raw = spark.sql("SELECT count(*), count(DISTINCT trial_id) FROM trials_raw").first();
    assertEquals(raw.getLong(1), raw.getLong(0), "trials_raw holds each trial once");
    Row rawEpochs = spark.sql("SELECT count(*), count(DISTINCT trial_id, epoch) FROM epochs_raw").first();
    assertEquals(rawEpochs.getLong(1), rawEpochs.getLong(0), "epochs_raw holds each (trial, epoch) once");
    ResultStore store = ResultStore.open(root.toString(), new Configuration());
    assertTrue(store.check().intact(), store.check().damage().toString());
    out.put("committed", List.of(new TreeMap<>(store.committedByCurrentId()).toString()));
    List<String> byId = new ArrayList<>();
    List<String> trialRows = new ArrayList<>();
    StoreAccess dashboard = StoreAccess.open(root.toString(), new Configuration());
    for (StoreAccess.StoredFile f : dashboard.trialFiles()) {
      dashboard.readTrialRows(f).forEach(r -> trialRows.add(String.valueOf(r.get("trial_id"))));
    }
    assertEquals(new TreeSet<>(trialRows).size(), trialRows.size(), "the dashboard reads each trial once");
    Map<String, Integer> attempts = new TreeMap<>();
    spark.sql("SELECT trial_id, attempt FROM trials").collectAsList().forEach(r -> attempts.put(r.getString(0),
        r.getInt(1)));
    for (String id : new TreeSet<>(store.committed().keySet())) {
      FrozenTrial t = store.trial(id).orElseThrow();
      int attempt = attempts.get(id);
      byId.add(t + " " + store.committedMetric(id, "test_acc") + " "
          + dashboard.readEpochs(dashboard.epochsFile(id), id, attempt).stream().map(StoreAccess.EpochRow::testAcc).toList());
    }
    out.put("by id", byId);
    out.put("dashboard", List.of(new TreeSet<>(trialRows).toString()));
    return out;
  }

  /** 8 DONE synthetic trials of 3 epochs, one FAILED and one STOPPED; a model file and live epochs. */
  static ResultStore fixture(Path root) throws Exception {
    ResultStore store = ResultStore.openOrCreate(root.toString(), new Configuration());
    SyntheticStore.write(store, "syn", 8, 3);
    store.commit(withStatus(SyntheticStore.trial("syn", 8, 3), TrialStatus.FAILED, 1));
    store.commit(withStatus(SyntheticStore.trial("syn", 9, 3), TrialStatus.STOPPED, 1));
    store.writeLiveEpochs(SyntheticStore.trial("syn", 10, 2));
    Files.createDirectories(root.resolve("models"));
    Files.write(root.resolve("models/" + SyntheticStore.trial("syn", 0, 3).trialId() + ".bmodel"), new byte[] {1, 2});
    return store;
  }

  static DriverLock lock(ResultStore store) {
    // a killed compaction's lock is taken over as a dead process's: here its holder is this JVM
    return DriverLock.acquire(store, "store compact", new DriverLock.Policy(1000, 60_000, "h", pid -> false));
  }

  static Set<String> names(Path dir) throws Exception {
    return Files.isDirectory(dir) ? StoreRepairTest.names(dir) : Set.of();
  }

  static String hash(Path root, String sub) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root.resolve(sub))) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return files.toString();
  }

  @Test
  void compactionKeepsEveryRowAndWhatIsDoneStaysDone() throws Exception {
    Path root = tmp.resolve("r");
    ResultStore store = fixture(root);
    Map<String, List<String>> before = readers(root);
    String models = hash(root, "models");
    String live = hash(root, "_live");

    StoreCompaction.Outcome o;
    try (DriverLock lock = lock(store)) {
      o = StoreCompaction.compact(store, lock);
    }
    assertEquals(List.of(new StoreCompaction.Pack(1, 8, 24)), o.packs());
    assertEquals(20, o.filesBefore());
    assertEquals(2 + 4, o.filesAfter(), "one pack pair, and the FAILED and STOPPED trials' own files");
    assertEquals(before, readers(root));
    String failed = SyntheticStore.trial("syn", 8, 3).trialId();
    String stopped = SyntheticStore.trial("syn", 9, 3).trialId();
    assertEquals(Set.of(failed + ".parquet", stopped + ".parquet", "pack.000001.parquet"),
        StoreRepairTest.names(root.resolve("trials")).stream().filter(n -> !n.endsWith(".crc")).collect(
            java.util.stream.Collectors.toSet()));
    assertEquals(models, hash(root, "models"), "models untouched");
    assertEquals(live, hash(root, "_live"), "live epochs untouched");
    assertEquals(Set.of(), names(root.resolve(StorePacks.COMPACTION)));

    // the FAILED trial runs again and commits DONE; the STOPPED one is promoted: their own files are replaced
    store.commit(withStatus(SyntheticStore.trial("syn", 8, 3), TrialStatus.DONE, 2));
    store.commit(withStatus(SyntheticStore.trial("syn", 9, 3), TrialStatus.DONE, 2));
    Map<String, List<String>> rerun = readers(root);
    assertEquals(10, rerun.get("trials").size());
    assertTrue(rerun.get("committed").get(0).contains(failed + "=DONE"), rerun.get("committed").toString());
    try (DriverLock lock = lock(store)) {
      o = StoreCompaction.compact(store, lock);
    }
    assertEquals(List.of(new StoreCompaction.Pack(2, 2, 6)), o.packs());
    assertEquals(rerun, readers(root));
    try (DriverLock lock = lock(store)) {
      o = StoreCompaction.compact(store, lock);
    }
    assertEquals(List.of(), o.packs(), "nothing left to pack");
    assertEquals(4, o.filesAfter());
  }

  @Test
  void filesOfTwoSchemaVersionsGoIntoOnePackEachAndReadTheSame() throws Exception {
    Path root = tmp.resolve("versions");
    StoreVersionsTest.copy(Path.of("../docs/results/paper-3b-approximation-small/store"), root);
    ResultStore store = ResultStore.open(root.toString(), new Configuration());
    SyntheticStore.write(store, "syn", 3, 2);
    Map<String, List<String>> before = readers(root);
    StoreCompaction.Outcome o;
    try (DriverLock lock = lock(store)) {
      o = StoreCompaction.compact(store, lock);
    }
    assertEquals(2, o.packs().size(), o.toString());
    assertEquals(6, o.trialsPacked());
    assertEquals(4, o.filesAfter());
    assertEquals(before, readers(root));
  }

  /** Every point a compaction passes, and where in the removal of the packed trials' own files. */
  static Stream<Arguments> steps() {
    return Stream.of(
        Arguments.of(StoreCompaction.Step.STAGED, 0),
        Arguments.of(StoreCompaction.Step.RECORDED, 0),
        Arguments.of(StoreCompaction.Step.EPOCHS_PACK_RENAMED, 0),
        Arguments.of(StoreCompaction.Step.TRIALS_PACK_RENAMED, 0),
        Arguments.of(StoreCompaction.Step.TRIAL_FILES_REMOVED, 1),
        Arguments.of(StoreCompaction.Step.TRIAL_FILES_REMOVED, 4),
        Arguments.of(StoreCompaction.Step.TRIAL_FILES_REMOVED, 8),
        Arguments.of(StoreCompaction.Step.RECORD_REMOVED, 0));
  }

  @ParameterizedTest(name = "killed at {0} {1}")
  @MethodSource("steps")
  void aCompactionKilledAtAnyStepLosesAndDuplicatesNothing(StoreCompaction.Step at, int n) throws Exception {
    for (boolean bySweep : List.of(false, true)) {
      Path root = tmp.resolve(at + "-" + n + "-" + bySweep);
      ResultStore store = fixture(root);
      if (fixtureReaders == null) {
        fixtureReaders = readers(root); // the fixture is the same every time: read once
      }
      Map<String, List<String>> before = fixtureReaders;
      boolean[] reached = {false};
      try (DriverLock lock = lock(store)) {
        assertThrows(Killed.class, () -> StoreCompaction.compact(store, lock, (step, pack, removed) -> {
          if (step == at && removed == n) {
            reached[0] = true;
            throw new Killed();
          }
        }));
      }
      assertTrue(reached[0], "the compaction reached " + at);
      assertEquals(before, readers(root), "killed at " + at + " " + n + ": the readers' rows");

      // the next holder of the lock finishes or rolls back: a sweep (its leftovers pass) or a compaction
      List<String> recovered;
      try (DriverLock lock = lock(store)) {
        recovered = bySweep ? StoreLeftovers.remove(store, lock) : StoreCompaction.compact(store, lock).recovered();
      }
      boolean committed = at.compareTo(StoreCompaction.Step.TRIALS_PACK_RENAMED) >= 0;
      if (at == StoreCompaction.Step.STAGED || at == StoreCompaction.Step.RECORD_REMOVED) {
        assertFalse(recovered.stream().anyMatch(l -> l.contains("compaction")), recovered.toString());
      } else {
        assertTrue(recovered.stream().anyMatch(l -> l.contains(committed ? "finished" : "rolled back")),
            recovered.toString());
      }
      assertEquals(Set.of(), names(root.resolve(StorePacks.COMPACTION)), "no record left");
      assertEquals(Set.of(), names(root.resolve("_staging")), "nothing staged left");
      assertEquals(before, readers(root), "after recovery");
      Set<String> packs = new TreeSet<>();
      for (String dir : List.of("trials", "epochs")) {
        names(root.resolve(dir)).stream().filter(x -> StorePacks.packOf(x) != null).forEach(x -> packs.add(dir + "/" + x));
      }
      boolean packed = committed || !bySweep; // a compaction rolls back and then packs anew (as pack 1 again)
      assertEquals(packed ? Set.of("epochs/pack.000001.parquet", "trials/pack.000001.parquet") : Set.of(), packs);
      int own = (int) names(root.resolve("trials")).stream().filter(x -> !x.endsWith(".crc") && !x.startsWith("pack."))
          .count();
      assertEquals(packed ? 2 : 10, own, "trials with their own file");
    }
  }
}
