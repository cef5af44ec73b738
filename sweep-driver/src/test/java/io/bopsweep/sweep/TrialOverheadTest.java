package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** What a trial does besides training, moved out of its way: the last checkpoint, progress writes, warm-up. */
class TrialOverheadTest {
  @TempDir java.nio.file.Path tmp;

  private static Checkpoint afterEpochs(int n) {
    return new Checkpoint("{}", n * 10L, Collections.nCopies(n, (EpochRecord) null), Map.of(), Map.of());
  }

  @Test
  void theCheckpointAfterTheLastEpochIsNotWritten() throws IOException {
    List<Integer> saved = new ArrayList<>();
    CheckpointStore recording = new CheckpointStore() {
      @Override
      public Optional<Checkpoint> load() {
        return Optional.of(afterEpochs(2));
      }

      @Override
      public void save(Checkpoint c) {
        saved.add(c.records().size());
      }

      @Override
      public void clear() {
        saved.add(-1);
      }
    };
    CheckpointStore store = TrialTask.beforeLastEpoch(recording, 3);
    for (int e = 1; e <= 3; e++) {
      store.save(afterEpochs(e));
    }
    assertEquals(List.of(1, 2), saved, "epochs 1 and 2 saved, epoch 3 (the last) not");
    assertEquals(2, store.load().orElseThrow().records().size(), "loads pass through");
    store.clear();
    assertEquals(List.of(1, 2, -1), saved);
  }

  @Test
  void progressWritesLandInOrderAndNoneAfterTheTrialDrainsThem() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(store.root(), "_checkpoints/t1/progress.json");
    TrialTask.ProgressWriter progress = new TrialTask.ProgressWriter(store, file);
    for (int e = 0; e <= 50; e++) {
      progress.write(e, 50, null);
    }
    progress.drain();
    java.nio.file.Path local = tmp.resolve("results/_checkpoints/t1/progress.json");
    assertTrue(Files.readString(local).contains("\"epoch\":50"), Files.readString(local));
    store.clearRunState("t1");
    Thread.sleep(200);
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
    Thread first = Warmup.startInBackground(List.of(), tmp.resolve("no-cache").toString());
    Thread second = Warmup.startInBackground(List.of(), tmp.resolve("no-cache").toString());
    assertNull(second);
    if (first != null) { // another test in this JVM may have started it
      first.join(60_000);
      assertFalse(first.isAlive());
    }
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
