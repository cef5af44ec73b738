package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftovers of killed writers, a store created on a full disk, and the progress count across a commit. */
class StoreRepairTest {
  @TempDir Path tmp;

  @Test
  void leftoversOfKilledCommitsAndEmptyAttemptRecordsAreRemovedByTheLockHolderOnly() throws Exception {
    Path root = tmp.resolve("r");
    ResultStore store = ResultStore.openOrCreate(root.toString(), new Configuration());
    Files.createDirectories(root.resolve("_staging/t1-0f0e"));
    Files.writeString(root.resolve("_staging/t1-0f0e/epochs.parquet"), "partial");
    Files.createDirectories(root.resolve("_attempts/t1"));
    Files.writeString(root.resolve("_attempts/t1/1.json"), "{\"attempt\":1}");
    Files.createFile(root.resolve("_attempts/t1/2.json"));
    Files.createFile(root.resolve(".STORE.json.1234.tmp"));
    Files.createDirectories(root.resolve("trials"));
    Files.writeString(root.resolve("trials/keep.parquet"), "not touched");

    DriverLock earlier = DriverLock.acquire(store, "earlier", DriverLockTest.policy("h", 60_000));
    earlier.close();
    DriverLock holder = DriverLock.acquire(store, "holder", DriverLockTest.policy("h", 60_000));
    try {
      assertThrows(DriverLock.LockLostException.class, () -> StoreLeftovers.remove(store, earlier));
      assertTrue(Files.exists(root.resolve("_staging/t1-0f0e/epochs.parquet")), "nothing removed without the lock");

      List<String> removed = StoreLeftovers.remove(store, holder);
      assertEquals(3, removed.size(), removed.toString());
      assertEquals(Set.of(".STORE.json.crc", "_attempts", "_lock", "_staging", "STORE.json", "trials"), names(root));
      assertEquals(Set.of(), names(root.resolve("_staging")));
      assertEquals(Set.of("1.json"), names(root.resolve("_attempts/t1")));
      assertEquals(List.of(Map.of("attempt", 1)), store.attempts("t1"));
    } finally {
      holder.close();
    }
  }

  /**
   * A task killed between its commit and the removal of its run state: the next driver removes that
   * state where the committed attempt is the trial's last one, keeps a STOPPED trial's checkpoint,
   * and keeps the state of an attempt that started after the committed one.
   */
  @Test
  void runStateOfACommittedAttemptIsRemovedAndALaterAttemptsIsKept() throws Exception {
    Path root = tmp.resolve("r");
    ResultStore store = ResultStore.openOrCreate(root.toString(), new Configuration());
    List<EpochRecord> one = List.of(StoreFixtures.epoch(1, 0.5));
    store.commit(StoreFixtures.trial("done", TrialStatus.DONE, 1, one));
    store.commit(StoreFixtures.trial("stopped", TrialStatus.STOPPED, 1, one));
    store.commit(StoreFixtures.trial("retried", TrialStatus.FAILED, 1, one));
    for (String id : List.of("done", "stopped", "retried", "running")) {
      store.recordAttempt(id, Map.of());
      Files.createDirectories(root.resolve("_live/" + id));
      Files.writeString(root.resolve("_live/" + id + "/epoch-1.parquet"), "rows");
      Files.createDirectories(root.resolve("_checkpoints/" + id));
      Files.writeString(root.resolve("_checkpoints/" + id + "/epoch-1.ckpt"), "weights");
      Files.writeString(root.resolve("_checkpoints/" + id + "/progress.json"), "{}");
    }
    store.recordAttempt("retried", Map.of()); // attempt 2 started after attempt 1 committed FAILED

    DriverLock holder = DriverLock.acquire(store, "holder", DriverLockTest.policy("h", 60_000));
    try {
      List<String> removed = StoreLeftovers.remove(store, holder);
      assertEquals(4, removed.size(), removed.toString());
    } finally {
      holder.close();
    }
    assertEquals(Set.of("retried", "running"), names(root.resolve("_live")));
    assertEquals(Set.of("retried", "running", "stopped"), names(root.resolve("_checkpoints")));
    assertEquals(Set.of("epoch-1.ckpt"), names(root.resolve("_checkpoints/stopped")));
    assertEquals(Set.of("epoch-1.ckpt", "progress.json"), names(root.resolve("_checkpoints/retried")));
    assertEquals(Set.of("epoch-1.ckpt", "progress.json"), names(root.resolve("_checkpoints/running")));
  }

  static Set<String> names(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aStoreCreatedOnAFullDiskFailsInOneLineAndTheSameCallWorksOnceThereIsSpace() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.fulldisk.impl", FullDiskFileSystem.class.getName());
    conf.set("fs.fulldisk.impl.disable.cache", "true");
    String uri = "fulldisk://" + tmp.resolve("full").toAbsolutePath();
    FullDiskFileSystem.everything = true;
    try {
      StoreException e = assertThrows(StoreException.class, () -> ResultStore.openOrCreate(uri, conf));
      assertEquals(uri + ": cannot create the results store (No space left on device)", e.getMessage());
    } finally {
      FullDiskFileSystem.everything = false;
    }
    assertEquals(Set.of(), names(tmp.resolve("full")), "no marker, temporary or not, left behind");
    Files.createFile(tmp.resolve("full/.STORE.json.killed.tmp"));
    ResultStore store = ResultStore.openOrCreate(uri, conf);
    assertTrue(Files.exists(tmp.resolve("full/STORE.json")));
    assertEquals(Map.of(), store.committed());
  }

  @Test
  void theProgressEpochCountDoesNotGoBackWhileATrialMovesFromRunningToCommitted() throws Exception {
    Path root = tmp.resolve("r");
    ResultStore store = ResultStore.openOrCreate(root.toString(), new Configuration());
    Files.createDirectories(root.resolve("_checkpoints/t1"));
    Files.writeString(root.resolve("_checkpoints/t1/progress.json"), "{\"epoch\":3,\"epochs\":4}");
    Progress progress = new Progress(store, new PrintWriter(new StringWriter()), null, 1000);
    Progress.Round round = new Progress.Round(1, false, Map.of(), Map.of("t1", 4, "t2", 4), Set.of());
    String running = progress.snapshot(Set.of("t1", "t2"), round, System.nanoTime());
    assertTrue(running.contains("epochs 3/8"), running);
    // the commit renamed the trials file and removed the progress file; the listing of trials/ was taken before
    Files.delete(root.resolve("_checkpoints/t1/progress.json"));
    String between = progress.snapshot(Set.of("t1", "t2"), round, System.nanoTime());
    assertTrue(between.contains("epochs 3/8"), between);
    assertFalse(between.contains("epochs 0/8"), between);
  }
}
