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
}
