package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
      progress.start(List.of(), 0, 0);
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
    store.commit(LiveEpochsTest.result("stopped", io.bopsweep.trainer.train.TrialStatus.STOPPED, 1,
        List.of(LiveEpochsTest.epoch(1, 0.8))));
    store.commit(LiveEpochsTest.result("done", io.bopsweep.trainer.train.TrialStatus.DONE, 1,
        List.of(LiveEpochsTest.epoch(1, 0.8), LiveEpochsTest.epoch(2, 0.85), LiveEpochsTest.epoch(3, 0.9))));
    Progress progress = new Progress(store, new PrintWriter(new StringWriter(), true), null, 1000);
    String line = progress.snapshot(java.util.Set.of("stopped", "done"), java.util.Map.of("stopped", 3, "done", 3), 6, 0,
        2, System.nanoTime());
    assertTrue(line.startsWith("trials 1/2 done, 1 stopped, 0 running, 0 failed; epochs 4/6;"), line);
  }
}
