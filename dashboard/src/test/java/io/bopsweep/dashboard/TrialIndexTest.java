package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
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
    assertEquals(first.version(), index.refresh().version());
    // a trial committed the way the store commits: written elsewhere, renamed into trials/
    Files.move(staged, trials.resolve("ffffffffffffffff.parquet"), StandardCopyOption.ATOMIC_MOVE);
    TrialIndex.Snapshot after = index.refresh();
    assertNotEquals(first.version(), after.version());
    assertEquals(stored + 1, after.rows().size());
  }

  @Test
  void aPassUnderWaySaysHowFarItIsAndAnswersFromTheRowsReadSoFar() throws IOException {
    Path store = quickstartCopy();
    int stored = storedTrials(store);
    StoreFiles.HeldExecutor readers = new StoreFiles.HeldExecutor();
    TrialIndex index = new TrialIndex(StoreAccess.open(store.toString(), new Configuration()), readers);
    TrialIndex.Snapshot before = index.current(Duration.ZERO);
    assertEquals(new TrialIndex.Progress(0, stored), before.indexing());
    assertEquals(List.of(), before.rows());
    assertEquals(stored, readers.held(), "one read per trials file");

    readers.run(5);
    TrialIndex.Snapshot partial = index.current(Duration.ZERO);
    assertEquals(new TrialIndex.Progress(5, stored), partial.indexing());
    assertEquals(5, partial.rows().size());
    assertEquals(stored - 5, readers.held(), "a request during a pass starts no second one");

    readers.release();
    TrialIndex.Snapshot done = index.current(Duration.ZERO);
    assertNull(done.indexing());
    assertEquals(stored, done.rows().size());
    assertNotEquals(partial.version(), done.version());
  }

  @Test
  void aTrialCommittedAfterTheFirstPassIsPickedUpByALaterOne() throws Exception {
    Path store = quickstartCopy();
    int stored = storedTrials(store);
    TrialIndex index = new TrialIndex(StoreAccess.open(store.toString(), new Configuration()));
    index.start();
    assertEquals(stored, waitForRows(index, stored).rows().size());
    DashboardBrowserTest.addFailedTrial(store, "an error");
    TrialIndex.Snapshot after = waitForRows(index, stored + 1);
    assertEquals("FAILED", after.rows().get(stored).get("status"));
  }

  /** Asks as requests do (waiting briefly for a pass) until the index holds n rows and no pass is under way. */
  private static TrialIndex.Snapshot waitForRows(TrialIndex index, int n) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      TrialIndex.Snapshot s = index.current(Duration.ofMillis(200));
      if (s.complete() && s.rows().size() == n) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        fail("the index holds " + s.rows().size() + " rows, not " + n + ", after 60 s (" + s.indexing() + ")");
      }
    }
  }

  @Test
  void aCompactedStoreIsReadByTheTrialIdOfItsRowsAndTheLatestAttemptStandsForATrial() throws IOException {
    Path perTrial = quickstartCopy();
    Path compacted = dir.resolve("compacted");
    DashboardBrowserTest.copy(perTrial, compacted);
    StoreFiles.compact(compacted, "compacted-0001");
    assertEquals(1, StoreFiles.parquet(compacted.resolve("trials")).size());

    TrialIndex original = new TrialIndex(StoreAccess.open(perTrial.toString(), new Configuration()));
    TrialIndex merged = new TrialIndex(StoreAccess.open(compacted.toString(), new Configuration()));
    TrialIndex.Snapshot a = original.refresh();
    TrialIndex.Snapshot b = merged.refresh();
    assertEquals(ids(a), ids(b));
    for (Map<String, Object> row : a.rows()) {
      String id = (String) row.get("trial_id");
      int attempt = ((Number) row.get("attempt")).intValue();
      EpochSeries expected = original.committedCurve(id, attempt, a);
      assertEquals(((Number) row.get("epochs_done")).intValue(), expected.epoch().size(), id);
      assertEquals(expected, merged.committedCurve(id, attempt, b), id);
    }

    // a later attempt of one trial committed beside the compacted file, in a file of its own
    Map<String, Object> first = a.rows().get(0);
    String id = (String) first.get("trial_id");
    Group row = StoreFiles.read(StoreFiles.parquet(compacted.resolve("trials")).get(0)).stream()
        .filter(g -> g.getString("trial_id", 0).equals(id)).findFirst().orElseThrow();
    StoreFiles.write(compacted.resolve("trials/" + id + ".parquet"), List.of(StoreFiles.with(row,
        Map.of("attempt", 2, "status", "FAILED", "finished_at", row.getLong("finished_at", 0) + 1000))));
    TrialIndex.Snapshot rerun = merged.refresh();
    assertEquals(ids(a), ids(rerun), "still one row per trial");
    Map<String, Object> latest = rerun.rows().get(0);
    assertEquals(List.of("FAILED", 2), List.of(latest.get("status"), latest.get("attempt")));
    assertEquals(List.of(), merged.committedCurve(id, 2, rerun).epoch(), "attempt 2 committed no epochs");
  }

  @Test
  void liveEpochsOfARunningAttemptStandForItsTrialUntilThatAttemptCommits() throws IOException {
    Path store = quickstartCopy();
    TrialIndex index = new TrialIndex(StoreAccess.open(store.toString(), new Configuration()));
    TrialIndex.Snapshot s = index.refresh();
    String committed = (String) s.rows().get(0).get("trial_id");
    int attempt = ((Number) s.rows().get(0).get("attempt")).intValue();
    Map<String, Integer> attempts = Map.of(committed, attempt);

    StoreFiles.writeLiveEpoch(store, "00running0trial0", 1, 1, 0.5, 1.5, -3.0);
    // rows of the attempt that committed (left behind) do not count; those of a rerun do
    StoreFiles.writeLiveEpoch(store, committed, attempt, 1, 0.1, 9.0, -1.0);
    assertEquals(List.of("00running0trial0"), List.copyOf(index.liveCurves(attempts).keySet()));
    StoreFiles.writeLiveEpoch(store, committed, attempt + 1, 1, 0.6, 1.2, -2.0);
    StoreFiles.writeLiveEpoch(store, "00running0trial0", 1, 2, 0.75, 1.0, -3.5);

    Map<String, EpochSeries> live = index.liveCurves(attempts);
    assertEquals(new EpochSeries(List.of(1, 2), List.of(0.5, 0.75), List.of(1.5, 1.0),
        live.get("00running0trial0").trainLoss(), List.of(-3.0, -3.5)), live.get("00running0trial0"));
    assertEquals(List.of(0.6), live.get(committed).testAcc());

    // the rerun commits: its trials row's attempt now covers its live rows
    assertEquals(List.of("00running0trial0"), List.copyOf(index.liveCurves(Map.of(committed, attempt + 1)).keySet()));
  }
}
