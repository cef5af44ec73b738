package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.train.Checkpoint;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.EpochRecord;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep that returns closes its fence: the checkpoint being written finishes first, none is written after. */
class RunStateFenceTest {
  @TempDir java.nio.file.Path tmp;

  private static Checkpoint afterEpochs(int n) {
    return new Checkpoint("{}", n * 10L, Collections.nCopies(n, (EpochRecord) null), Map.of(), Map.of());
  }

  @Test
  void closingTheFenceWaitsForTheWriteInProgressAndStopsEveryLaterOne() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CheckpointStore slow = new CheckpointStore() {
      @Override
      public Optional<Checkpoint> load() {
        return Optional.empty();
      }

      @Override
      public void save(Checkpoint c) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        events.add("checkpoint " + c.epochsDone() + " written");
      }

      @Override
      public void clear() {}
    };
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    String group = "bopsweep-fence-test-" + System.nanoTime();
    TrialTask.RunStateWriter writer = new TrialTask.RunStateWriter(store, slow,
        new org.apache.hadoop.fs.Path(store.root(), "_checkpoints/t1/progress.json"), 5, group);
    writer.save(afterEpochs(1));
    assertTrue(writing.await(30, TimeUnit.SECONDS));

    Thread sweepReturning = new Thread(() -> {
      TrialTask.Fence.close(group);
      events.add("fence closed");
    });
    sweepReturning.start();
    while (sweepReturning.getState() != Thread.State.WAITING && sweepReturning.isAlive()) {
      Thread.onSpinWait();
    }
    release.countDown();
    sweepReturning.join();
    assertEquals(List.of("checkpoint 1 written", "fence closed"), events, "close() waits for the write in progress");

    // the cancelled trial goes on to its next epoch: nothing of it reaches the store any more
    writer.save(afterEpochs(2));
    writer.progress(2, null);
    writer.drain();
    assertEquals(List.of("checkpoint 1 written", "fence closed"), events);
    assertTrue(Files.notExists(tmp.resolve("results/_checkpoints/t1/progress.json")), "no progress written");
  }
}
