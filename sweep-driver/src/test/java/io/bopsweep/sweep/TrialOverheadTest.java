package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.sweep.TrialTask.RunStateWriter;
import io.bopsweep.trainer.train.Checkpoint;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a trial does besides training, moved out of its way: checkpoint and progress writes, warm-up. */
class TrialOverheadTest {
  @TempDir java.nio.file.Path tmp;

  private static Checkpoint afterEpochs(int n) {
    return new Checkpoint("{}", n * 10L, Collections.nCopies(n, (EpochRecord) null), Map.of(), Map.of());
  }

  /** A checkpoint store that records the epochs it saved, optionally waiting for a latch or failing. */
  static final class Recording implements CheckpointStore {
    final List<Integer> saved = Collections.synchronizedList(new ArrayList<>());
    final java.util.concurrent.CountDownLatch open;
    final boolean fail;

    Recording(java.util.concurrent.CountDownLatch open, boolean fail) {
      this.open = open;
      this.fail = fail;
    }

    @Override
    public Optional<Checkpoint> load() {
      return Optional.of(afterEpochs(2));
    }

    @Override
    public void save(Checkpoint c) throws IOException {
      try {
        open.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (fail) {
        throw new IOException("No space left on device");
      }
      saved.add(c.records().size());
    }

    @Override
    public void clear() {
      saved.add(-1);
    }
  }

  private RunStateWriter writer(ResultStore store, CheckpointStore checkpoints, int epochs) {
    return new RunStateWriter(store, checkpoints, new org.apache.hadoop.fs.Path(store.root(), "_checkpoints/t1/progress.json"),
        epochs, null);
  }

  private java.nio.file.Path progressFile() {
    return tmp.resolve("results/_checkpoints/t1/progress.json");
  }

  @Test
  void theCheckpointAfterTheLastEpochIsNotWritten() throws IOException {
    ResultStore results = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    Recording recording = new Recording(new java.util.concurrent.CountDownLatch(0), false);
    RunStateWriter store = writer(results, recording, 3);
    for (int e = 1; e <= 3; e++) {
      store.save(afterEpochs(e));
    }
    store.drain();
    assertEquals(List.of(1, 2), recording.saved, "epochs 1 and 2 saved, epoch 3 (the last) not");
    assertEquals(2, store.load().orElseThrow().records().size(), "loads pass through");
    store.clear();
    assertEquals(List.of(1, 2, -1), recording.saved);
  }

  @Test
  void progressNeverAnnouncesAnEpochBeforeItsCheckpointIsWritten() throws Exception {
    ResultStore results = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    Recording recording = new Recording(open, false);
    List<Boolean> announcedWhenSaved = Collections.synchronizedList(new ArrayList<>());
    CheckpointStore watched = new CheckpointStore() {
      @Override
      public Optional<Checkpoint> load() {
        return recording.load();
      }

      @Override
      public void save(Checkpoint c) throws IOException {
        recording.save(c);
        announcedWhenSaved.add(Files.exists(progressFile()));
      }

      @Override
      public void clear() {
        recording.clear();
      }
    };
    RunStateWriter store = writer(results, watched, 3);
    store.save(afterEpochs(1)); // returns while the write waits
    store.progress(1, null);
    open.countDown();
    store.drain();
    assertEquals(List.of(1), recording.saved);
    assertEquals(List.of(false), announcedWhenSaved, "epoch 1 announced before its checkpoint was written");
    assertTrue(Files.readString(progressFile()).contains("\"epoch\":1"));
  }

  @Test
  void aCheckpointThatCannotBeWrittenFailsTheTrialAtItsNextCheckpoint() throws IOException {
    ResultStore results = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    RunStateWriter store = writer(results, new Recording(new java.util.concurrent.CountDownLatch(0), true), 5);
    store.save(afterEpochs(1));
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> store.save(afterEpochs(2)));
    assertEquals("No space left on device", e.getMessage());
  }

  @Test
  void progressWritesLandInOrderAndNoneAfterTheTrialDrainsThem() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    RunStateWriter progress = writer(store, CheckpointStore.NONE, 50);
    for (int e = 0; e <= 50; e++) {
      progress.progress(e, null);
    }
    progress.drain();
    assertTrue(Files.readString(progressFile()).contains("\"epoch\":50"), Files.readString(progressFile()));
    store.clearRunState("t1");
    // the run-state writes of all trials share one writer thread, in order: once another trial's
    // write is done, every write queued before it has landed
    RunStateWriter later = new RunStateWriter(store, CheckpointStore.NONE,
        new org.apache.hadoop.fs.Path(store.root(), "_checkpoints/t2/progress.json"), 1, null);
    later.progress(0, null);
    later.drain();
    assertTrue(Files.exists(tmp.resolve("results/_checkpoints/t2/progress.json")));
    assertFalse(Files.exists(tmp.resolve("results/_checkpoints/t1")), "nothing written after the drain");
  }

  @Test
  void warmingUpTheWriterLeavesNoFilesBehind() throws IOException {
    java.nio.file.Path temp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    long before = warmupDirs(temp);
    ResultStore.warmUpWriter(new Configuration());
    assertEquals(before, warmupDirs(temp));
  }

  @Test
  void theWarmUpStartsOncePerJvm() throws InterruptedException {
    Warmup.STARTED.set(false); // another test in this JVM may have started it
    Thread first = Warmup.startInBackground(List.of(), tmp.resolve("no-cache").toString());
    Thread second = Warmup.startInBackground(List.of(), tmp.resolve("no-cache").toString());
    assertNotNull(first);
    assertNull(second);
    first.join();
    assertTrue(Warmup.STARTED.get(), "a finished warm-up still counts as started");
    assertNull(Warmup.startInBackground(List.of(), tmp.resolve("no-cache").toString()));
  }

  @Test
  void executorsWarmUpTheSweepsDatasets() {
    org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf(false)
        .set(WarmupPlugin.DATASETS, "mnist, fashion-mnist,no-such-set");
    assertEquals(List.of(io.bopsweep.trainer.config.Choices.Dataset.MNIST,
        io.bopsweep.trainer.config.Choices.Dataset.FASHION_MNIST), WarmupPlugin.datasets(conf));
    assertEquals(List.of(), WarmupPlugin.datasets(new org.apache.spark.SparkConf(false)));
  }

  private static long warmupDirs(java.nio.file.Path temp) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(temp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("bopsweep-warmup")).count();
    }
  }
}
