package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.store.SweepManifest;
import io.bopsweep.trainer.train.Checkpoint;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
    List<ResultStore.StoredTrial> rows = store.trialRecords();
    if (committed) {
      assertEquals(trials.stream().map(Trial::id).sorted().toList(),
          rows.stream().map(ResultStore.StoredTrial::trialId).sorted().toList());
      for (ResultStore.StoredTrial r : rows) {
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
    assertEquals(1, store.trialRecords().size());
    assertEquals(1, files(tmp.resolve("results/epochs")));
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
