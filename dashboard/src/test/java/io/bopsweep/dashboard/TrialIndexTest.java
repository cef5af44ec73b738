package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialIndexTest {
  @TempDir Path dir;

  private Path quickstartCopy() throws IOException {
    Path store = dir.resolve("store");
    DashboardBrowserTest.copy(Path.of("..", "docs", "results", "quickstart", "store"), store);
    return store;
  }

  /** The trials files of the copied quick-start store, counted (the index must list each once). */
  private static int storedTrials(Path store) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(store.resolve("trials"))) {
      return (int) files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  private static List<Object> ids(TrialIndex.Snapshot s) {
    return s.rows().stream().map(r -> r.get("trial_id")).toList();
  }

  @Test
  void readsNewAndRemovedTrialFilesAndKeepsTheRestAsRead() throws IOException {
    Path store = quickstartCopy();
    TrialIndex index = new TrialIndex(StoreAccess.open(store.toString(), new Configuration()));
    int stored = storedTrials(store);
    TrialIndex.Snapshot first = index.refresh();
    assertEquals(stored, first.rows().size());
    Map<String, Object> kept = first.rows().get(1);

    DashboardBrowserTest.addFailedTrial(store, "an error");
    TrialIndex.Snapshot second = index.refresh();
    assertEquals(stored + 1, second.rows().size());
    assertEquals("ffffffffffffffff", ids(second).get(stored));
    assertSame(kept, second.rows().get(1), "a file that did not change is not read again");

    Files.delete(store.resolve("trials/ffffffffffffffff.parquet"));
    assertEquals(ids(first), ids(index.refresh()));
  }

  @Test
  void aTrialRenamedIntoASettledDirectoryIsSeen() throws IOException {
    Path store = quickstartCopy();
    Path trials = store.resolve("trials");
    int stored = storedTrials(store);
    TrialIndex index = new TrialIndex(StoreAccess.open(store.toString(), new Configuration()));
    Path staged = dir.resolve("staged.parquet");
    DashboardBrowserTest.addFailedTrial(store, "an error");
    Files.move(trials.resolve("ffffffffffffffff.parquet"), staged);
    Files.setLastModifiedTime(trials, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    TrialIndex.Snapshot first = index.refresh();
    assertEquals(stored, first.rows().size());
    assertSame(first, index.refresh());
    // a trial committed the way the store commits: written elsewhere, renamed into trials/
    Files.move(staged, trials.resolve("ffffffffffffffff.parquet"), StandardCopyOption.ATOMIC_MOVE);
    TrialIndex.Snapshot after = index.refresh();
    assertNotSame(first, after);
    assertEquals(stored + 1, after.rows().size());
  }
}
