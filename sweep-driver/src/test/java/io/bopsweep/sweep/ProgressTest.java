package io.bopsweep.sweep;

import static io.bopsweep.sweep.StoreFixtures.epoch;
import static io.bopsweep.sweep.StoreFixtures.trial;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import io.bopsweep.trainer.train.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
  @TempDir Path tmp;

  @Test
  void stopWaitsForTheReadInProgressInsteadOfInterruptingIt() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.blocking.impl", BlockingFileSystem.class.getName());
    conf.setBoolean("fs.blocking.impl.disable.cache", true);
    ResultStore store = ResultStore.openOrCreate("blocking://" + tmp.resolve("results"), conf);
    Files.createDirectories(tmp.resolve("results/trials"));
    BlockingFileSystem.arm();
    try {
      Progress progress = new Progress(store, new PrintWriter(new StringWriter(), true), null, 1);
      progress.start(List.of(), new Progress.Round(1, false, Map.of(), Map.of(), Set.of()));
      assertTrue(BlockingFileSystem.entered.await(60, TimeUnit.SECONDS), "the progress thread reads the store");
      Thread stopper = new Thread(progress::stop, "stopper");
      stopper.start();
      // stop() has done all it does before waiting once the stopper waits in join
      while (stopper.getState() != Thread.State.TIMED_WAITING && stopper.isAlive()) {
        Thread.onSpinWait();
      }
      assertTrue(stopper.isAlive(), "stop() waits for the read in progress");
      BlockingFileSystem.release.countDown();
      stopper.join();
      assertFalse(BlockingFileSystem.interrupted, "the read was interrupted (its NIO channel would have closed)");
    } finally {
      BlockingFileSystem.release.countDown();
      BlockingFileSystem.release = null;
    }
  }

  @Test
  void aTrialStoppedAtARungCountsItsTrainedEpochsAndIsShownApart() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("stopped").toString(), new Configuration());
    store.commit(trial("stopped", TrialStatus.STOPPED, 1, List.of(epoch(1, 0.8))));
    store.commit(trial("done", TrialStatus.DONE, 1,
        List.of(epoch(1, 0.8), epoch(2, 0.85), epoch(3, 0.9))));
    Progress progress = new Progress(store, new PrintWriter(new StringWriter(), true), null, 1000);
    // a round that trains "stopped" to its rung at epoch 1 and "done" to its 3 epochs
    Progress.Round round = new Progress.Round(1, true, Map.of(), Map.of("stopped", 1, "done", 3), Set.of());
    String line = progress.snapshot(Set.of("stopped", "done"), round, System.nanoTime());
    assertTrue(line.startsWith("trials 1/2 done, 1 stopped, 0 running, 0 failed; round 1: epochs 4/4;"), line);
    assertTrue(line.endsWith("; ETA 0m00s this round"), line);
  }

  @Test
  void aTrialContinuedFromItsRungIsRunningAndTheEtaIsTheRoundsFromItsPace() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("round2").toString(), new Configuration());
    // "a" and "b" were stopped at epoch 1; this round continues "a" to epoch 5 and "c" is done
    store.commit(trial("a", TrialStatus.STOPPED, 1, List.of(epoch(1, 0.8))));
    store.commit(trial("b", TrialStatus.STOPPED, 1, List.of(epoch(1, 0.7))));
    store.commit(trial("c", TrialStatus.DONE, 1, List.of(epoch(1, 0.6))));
    store.writeSmall(new org.apache.hadoop.fs.Path(store.root(), "_checkpoints/a/progress.json"),
        "{\"epoch\":2,\"epochs\":5,\"best_test_acc\":0.95}");
    Progress progress = new Progress(store, new PrintWriter(new StringWriter(), true), null, 1000);
    Progress.Round round = new Progress.Round(2, true, Map.of("a", 1), Map.of("a", 5), Set.of());
    // one of the round's four epochs took 100 s: three more take 300 s
    String line = progress.snapshot(new java.util.LinkedHashSet<>(List.of("a", "b", "c")), round,
        System.nanoTime() - 100_000_000_000L);
    assertTrue(line.startsWith("trials 1/3 done, 1 stopped, 1 running, 0 failed; round 2: epochs 1/4;"
        + " best test acc 0.9500 (a); ETA 5m0"), line);
    assertTrue(line.endsWith("s this round"), line);
  }

  @Test
  void aSweepWithoutEarlyStoppingIsOneRoundOfFullBudgetsAndSaysNothingOfRounds() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("grid").toString(), new Configuration());
    store.commit(trial("old", TrialStatus.DONE, 1, List.of(epoch(1, 0.8))));
    store.commit(trial("failed", TrialStatus.FAILED, 1, List.of()));
    Progress progress = new Progress(store, new PrintWriter(new StringWriter(), true), null, 1000);
    Progress.Round round = new Progress.Round(1, false, Map.of(), Map.of("failed", 2, "new", 2), Set.of("failed"));
    String line = progress.snapshot(new java.util.LinkedHashSet<>(List.of("old", "failed", "new")), round,
        System.nanoTime());
    assertTrue(line.startsWith("trials 1/3 done, 0 running, 0 failed; epochs 0/4; best test acc 0.8000 (old); ETA ?"),
        "a FAILED row from before the round is not this round's failure: " + line);
    assertTrue(line.endsWith("ETA ?"), line);
  }
}
