package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.store.SweepManifest;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.train.Checkpoint;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.Provenance;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract, run against every file system a store can live on (one subclass each): what
 * a writer commits, a reader reads back whole (trials, epochs, attempts, manifests), or, where the
 * disk is full, nothing becomes visible; every checkpoint store replaces its checkpoint atomically
 * and loads back exactly what it saved.
 */
abstract class StoreContract {
  @TempDir Path tmp;

  /** The store's URI for a local directory. */
  abstract String uri(Path dir);

  abstract Configuration conf();

  /** Whether results can be written there (false: the disk is full). */
  abstract boolean writable();

  /** Every checkpoint store of this file system, for a trial of {@code store}. */
  abstract List<CheckpointStore> checkpointStores(ResultStore store, String trialId, Path dir);

  static final String SPEC = "fixed: {epochs: 2, width: 16}\ngrid: {gamma: [1.0e-4, 1.0e-3]}\n";

  ResultStore store() {
    return ResultStore.openOrCreate(uri(tmp.resolve("results")), conf());
  }

  @Test
  void aCommitIsReadBackWholeOrIsNotVisibleAtAll() throws Exception {
    ResultStore store = store();
    List<Trial> trials = Grid.expand(SpecParser.parse(SPEC, "c.yaml", "c"));
    boolean committed;
    try {
      StoreFixtures.commit(store, trials);
      committed = true;
    } catch (IOException e) {
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      committed = false;
    }
    assertEquals(writable(), committed);
    List<FrozenTrial> rows = store.trials();
    if (committed) {
      assertEquals(trials.stream().map(Trial::id).sorted().toList(),
          rows.stream().map(FrozenTrial::trialId).sorted().toList());
      for (FrozenTrial r : rows) {
        assertEquals(r.trialId(), r.currentId());
        assertEquals("c", r.sweep());
        assertEquals(TrialStatus.DONE, r.status());
      }
      assertEquals(Map.of(trials.get(0).id(), TrialStatus.DONE, trials.get(1).id(), TrialStatus.DONE),
          store.committedByCurrentId());
      assertEquals(2, files(tmp.resolve("results/epochs")));
    } else {
      assertEquals(List.of(), rows);
      assertEquals(0, files(tmp.resolve("results/epochs")), "no epochs without their trials row");
    }
    assertEquals(0, files(tmp.resolve("results/_staging")), "nothing left in _staging");
  }

  @Test
  void aRecommittedTrialReplacesItsRows() throws Exception {
    ResultStore store = store();
    List<Trial> trials = Grid.expand(SpecParser.parse(SPEC, "c.yaml", "c"));
    if (!writable()) {
      assertThrows(IOException.class, () -> StoreFixtures.commit(store, trials.subList(0, 1)));
      return;
    }
    StoreFixtures.commit(store, trials.subList(0, 1));
    StoreFixtures.commit(store, trials.subList(0, 1));
    assertEquals(1, store.trials().size());
    assertEquals(1, files(tmp.resolve("results/epochs")));
  }

  /** Attempts of every status: with and without epochs, errors, optional metrics, provenance, swept values. */
  static List<FrozenTrial> everyKindOfAttempt() {
    TrialConfig bop = TrialConfig.of(Map.of("epochs", 3, "width", 16.0, "seed", 7L));
    TrialConfig adam = bop.with("optimizer", "adam-latent");
    Instant start = Instant.parse("2026-11-26T10:00:00.123456789Z"); // stored to the millisecond
    Provenance gpu = new Provenance("Test CPU", "none (tensor operations)", "tensor operations", 1, 2, "2.7.1",
        "cu124", "0.36.0", "17", "Test GPU");
    Map<String, Object> swept = new LinkedHashMap<>();
    swept.put("gamma", 1e-3);
    swept.put("optimizer", "bop");
    swept.put("seed", 7L); // JSON reads back 7: the record holds it as JSON does
    List<EpochRecord> epochs = List.of(
        epoch(1, 0.91, null, null, 1e-3), epoch(2, 0.93, 0.5, 0.92, 1e-3), epoch(3, 0.93, 0.4, null, 1e-3));
    return List.of(
        FrozenTrial.of("a1", "s", bop.effectiveMap(), swept, TrialStatus.DONE, null, 1, 0, "v", "host", "cpu", start,
            start.plusMillis(2500), "mnist", epochs, StoreFixtures.PROVENANCE),
        FrozenTrial.of("a2", "s", adam.effectiveMap(), Map.of("optimizer", "adam-latent"), TrialStatus.DIVERGED, null, 2,
            1, "v", "host", "gpu:0", start, start.plusSeconds(3), "mnist",
            List.of(epoch(1, 0.5, null, null, null), epoch(2, Double.NaN, null, null, null)), gpu),
        FrozenTrial.of("a3", "t", bop.effectiveMap(), Map.of(), TrialStatus.FAILED, "RuntimeException: boom", 3, 2, "v",
            "host", "cpu", start, start, "mnist", List.of(), StoreFixtures.PROVENANCE),
        FrozenTrial.of("a4", "s", bop.effectiveMap(), swept, TrialStatus.STOPPED, null, 1, 0, "v", "host", "cpu", start,
            start.plusSeconds(1), "mnist", epochs.subList(0, 1), null));
  }

  private static EpochRecord epoch(int n, double testAcc, Double valLoss, Double latent, Double gamma) {
    Map<String, Long> flips = new LinkedHashMap<>();
    flips.put("dense4", 3L);
    flips.put("dense1", 1L << 35);
    Map<String, Double> ratios = new LinkedHashMap<>();
    ratios.put("dense4", 0.5);
    ratios.put("dense1", 1e-9);
    return new EpochRecord(n, 10, 0.5 / n, 0.8, 0.4 / n, testAcc, valLoss, null, latent, null, 7 * n, 0.01, flips,
        ratios, -4.0, gamma, 1e-2, 1.0 * n, 0.5, 1000.0, "00ff" + n);
  }

  @Test
  void everyAttemptIsReadBackAsWritten() throws Exception {
    ResultStore store = store();
    List<FrozenTrial> written = everyKindOfAttempt();
    if (!writable()) {
      assertThrows(IOException.class, () -> store.commit(written.get(0)));
      assertEquals(List.of(), store.trials());
      return;
    }
    for (FrozenTrial t : written) {
      store.commit(t);
    }
    List<FrozenTrial> read = store.trials();
    assertEquals(written.stream().map(FrozenTrial::withoutEpochs).toList(), read, "trials rows, epochs not loaded");
    for (FrozenTrial t : written) {
      FrozenTrial back = store.trial(t.trialId()).orElseThrow();
      assertEquals(null, back.epochs());
      assertEquals(t, store.withEpochs(back));
    }
    assertEquals(Instant.parse("2026-11-26T10:00:00.123Z"), read.get(0).startedAt());
    assertEquals(2.5, read.get(0).seconds());
    assertEquals(new FrozenTrial.FinalMetrics(3, 0.8, 0.93, 0.4 / 3, 0.93, 2, -4.0), read.get(0).metrics(),
        "the best epoch is the first of the best test accuracy");
    assertEquals(new FrozenTrial.FinalMetrics(0, null, null, null, null, null, null), read.get(2).metrics());
    assertEquals(Map.of("gamma", 1e-3, "optimizer", "bop", "seed", 7), read.get(0).swept());
    assertEquals(null, read.get(0).config().get("lr"), "lr does not act on a bop trial: null");
    assertEquals(Optional.empty(), store.trial("a5"));
  }

  @Test
  void attemptsAreNumberedAndReadBackInOrder() throws Exception {
    ResultStore store = store();
    assertEquals(1, store.recordAttempt("t1", Map.of("host", "a")));
    assertEquals(2, store.recordAttempt("t1", Map.of("host", "b")));
    List<Map<String, Object>> attempts = store.attempts("t1");
    assertEquals(List.of("a", "b"), attempts.stream().map(m -> m.get("host")).toList());
    assertEquals(List.of(1, 2), attempts.stream().map(m -> m.get("attempt")).toList());
    assertEquals(List.of(), store.attempts("t2"));
  }

  @Test
  void manifestsAreReadBackNewestLast() throws Exception {
    ResultStore store = store();
    Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
    SweepManifest first = SweepManifest.of("s", "fixed: {epochs: 1}\n", List.of("a", "b"), "v1", t0);
    SweepManifest second = SweepManifest.of("s", "fixed: {epochs: 2}\n", List.of("c"), "v2", t0.plusMillis(1));
    store.writeManifest(second);
    store.writeManifest(first);
    assertEquals(List.of(first, second), store.manifests("s"));
    assertEquals(List.of(), store.manifests("other"));
  }

  @Test
  void everyCheckpointStoreReplacesItsCheckpointAndLoadsBackWhatItSaved() throws Exception {
    ResultStore store = store();
    List<CheckpointStore> stores = checkpointStores(store, "t1", tmp.resolve("local-checkpoints"));
    assertTrue(!stores.isEmpty());
    for (CheckpointStore c : stores) {
      assertEquals(Optional.empty(), c.load(), c.toString());
      Checkpoint one = checkpoint(1);
      Checkpoint two = checkpoint(2);
      c.save(one);
      assertEquals(1, c.load().orElseThrow().globalStep());
      c.save(two);
      Checkpoint back = c.load().orElseThrow();
      assertEquals(two.configJson(), back.configJson());
      assertEquals(2, back.globalStep());
      assertArrayEquals(two.arrays().get("w").data(), back.arrays().get("w").data());
      assertEquals(two.counters(), back.counters());
      c.clear();
      assertEquals(Optional.empty(), c.load(), c.toString());
    }
  }

  private static Checkpoint checkpoint(long step) {
    byte[] data = new byte[16];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * step);
    }
    return new Checkpoint("{\"seed\":0}", step, List.of(),
        Map.of("w", new Checkpoint.Tensor("float32", new long[] {4}, data)), Map.of("steps", step));
  }

  static long files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc")).count();
    }
  }
}
