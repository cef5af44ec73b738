package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures that belong to one trial end as that trial's FAILED row, not as a failed Spark task. */
class TrialTaskFailureTest {
  @TempDir Path tmp;

  @Test
  void aValidationSplitLargerThanTheDataIsThatTrialsFailedRow() throws Exception {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "mnist", "model", "mlp", "width", 8, "epochs", 1,
        "validation_split", 70_000));
    String id = TrialId.of(cfg);
    Path results = tmp.resolve("results");
    TrialTask task = new TrialTask(id, "split", cfg.canonicalJson(), Map.of("validation_split", 70_000),
        results.toString(), Map.of(), new TrialTask.ExecutionSettings(1, null, Map.of(), "test", DriverLock.Fence.NONE));
    FrozenTrial ended = task.run();
    assertEquals(TrialStatus.FAILED, ended.status());
    assertEquals("IllegalArgumentException: validation_split 70000 leaves no training images", ended.error());
    ResultStore store = ResultStore.open(results.toString(), new Configuration());
    assertEquals(Map.of(id, TrialStatus.FAILED), store.committed());
    assertEquals(store.trials(), java.util.List.of(ended), "the task returns the trials row it committed");
    Group row = ParquetRows.read(results.resolve("trials/" + id + ".parquet")).get(0);
    assertEquals(ended.error(), row.getString("error", 0));
    assertEquals(0, row.getInteger("epochs_done", 0));
  }

  @Test
  void aTaskOfADriverThatLostItsLockRecordsNoAttemptAndCommitsNothing() throws Exception {
    Path results = tmp.resolve("results");
    ResultStore store = ResultStore.openOrCreate(results.toString(), new Configuration());
    DriverLock first = DriverLock.acquire(store, "a", DriverLockTest.policy("h", 60_000));
    DriverLock.Fence lost = first.fence();
    first.close();
    DriverLock second = DriverLock.acquire(store, "b", DriverLockTest.policy("h", 60_000));
    try {
      TrialConfig cfg = TrialConfig.of(Map.of("dataset", "mnist", "model", "mlp", "width", 8, "epochs", 1));
      String id = TrialId.of(cfg);
      TrialTask task = new TrialTask(id, "a", cfg.canonicalJson(), Map.of(), results.toString(), Map.of(),
          new TrialTask.ExecutionSettings(1, null, Map.of(), "test", lost));
      DriverLock.LockLostException e = org.junit.jupiter.api.Assertions.assertThrows(DriverLock.LockLostException.class,
          task::run);
      assertTrue(e.getMessage().contains("lost its lock to the sweep driver of 'b'"), e.getMessage());
      assertEquals(0, store.attempts(id).size());
      assertEquals(Map.of(), store.committed());
    } finally {
      second.close();
    }
  }
}
