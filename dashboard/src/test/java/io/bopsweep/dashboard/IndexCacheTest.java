package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's rows kept between runs of serve, outside the store: what a restart reads again. */
class IndexCacheTest {
  @TempDir Path dir;

  /** Runs each read here and notes which trials file it was for. */
  private static final class CountingReaders implements Executor {
    int reads;

    @Override
    public void execute(Runnable task) {
      reads++;
      task.run();
    }
  }

  private Path quickstartCopy() throws IOException {
    Path store = dir.resolve("store");
    DashboardBrowserTest.copy(Path.of("..", "docs", "results", "quickstart", "store"), store);
    return store;
  }

  private TrialIndex index(Path store, Executor readers, Path cacheDir) {
    StoreAccess access = StoreAccess.open(store.toString(), new Configuration());
    return new TrialIndex(access, readers, cacheDir == null ? null : new IndexCache(cacheDir, access.rootUri()));
  }

  /** Every file under a directory with its length and time: what "nothing written" compares. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.toList()) {
        out.put(root.relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f));
      }
    }
    return out;
  }

  @Test
  void aRestartReadsOnlyTheTrialsFilesChangedSinceAndShowsTheirNewRows() throws IOException {
    Path store = quickstartCopy();
    Path cacheDir = dir.resolve("cache");
    Map<String, String> before = tree(store);
    List<Path> files = StoreFiles.parquet(store.resolve("trials"));
    TrialIndex.Snapshot first = index(store, new CountingReaders(), cacheDir).refresh();
    assertEquals(files.size(), first.rows().size());
    assertEquals(before, tree(store), "the store is only read");
    try (Stream<Path> cached = Files.list(cacheDir)) {
      assertEquals(1, cached.count(), "one cache file");
    }

    // restart, nothing changed: no trials file is read, the rows are those read before
    CountingReaders again = new CountingReaders();
    assertEquals(first.rows(), index(store, again, cacheDir).refresh().rows());
    assertEquals(0, again.reads);

    // one trials file rewritten (another value, a later time), one removed, one added; restart
    Path changed = files.get(0);
    Group row = StoreFiles.read(changed).get(0);
    String id = row.getString("trial_id", 0);
    double acc = row.getDouble("final_test_acc", 0);
    StoreFiles.write(changed, List.of(StoreFiles.with(row, Map.of("final_test_acc", acc / 2))));
    Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5000));
    Files.delete(files.get(1));
    DashboardBrowserTest.addFailedTrial(store, "committed while serve was stopped");
    CountingReaders restarted = new CountingReaders();
    TrialIndex.Snapshot after = index(store, restarted, cacheDir).refresh();
    assertEquals(2, restarted.reads, "the rewritten file and the new one");
    assertEquals(index(store, Runnable::run, null).refresh().rows(), after.rows(), "as read without a cache");
    Map<String, Object> shown = after.rows().stream().filter(r -> r.get("trial_id").equals(id)).findFirst().orElseThrow();
    assertEquals(acc / 2, shown.get("final_test_acc"));
    assertNotEquals(acc, shown.get("final_test_acc"));

    // and that state is what the next restart starts from
    CountingReaders third = new CountingReaders();
    assertEquals(after.rows(), index(store, third, cacheDir).refresh().rows());
    assertEquals(0, third.reads);
  }

  @Test
  void aFileChangedToTheSameLengthIsReadAgainByItsTime() throws IOException {
    Path store = quickstartCopy();
    Path cacheDir = dir.resolve("cache");
    Path file = StoreFiles.parquet(store.resolve("trials")).get(0);
    Group row = StoreFiles.read(file).get(0);
    StoreFiles.write(file, List.of(row)); // as the rewrite below writes it
    index(store, Runnable::run, cacheDir).refresh();
    long length = Files.size(file);
    FileTime time = Files.getLastModifiedTime(file);
    // same length: a status of the same number of characters
    String status = row.getString("status", 0).equals("DONE") ? "DEAD" : "DONE";
    StoreFiles.write(file, List.of(StoreFiles.with(row, Map.of("status", status))));
    assertEquals(length, Files.size(file));
    Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 5000));
    CountingReaders readers = new CountingReaders();
    TrialIndex.Snapshot s = index(store, readers, cacheDir).refresh();
    assertEquals(1, readers.reads);
    assertTrue(s.rows().stream().anyMatch(r -> status.equals(r.get("status"))));
  }

  @Test
  void aDamagedCacheIsACacheOfNothing() throws IOException {
    Path store = quickstartCopy();
    Path cacheDir = dir.resolve("cache");
    TrialIndex.Snapshot first = index(store, Runnable::run, cacheDir).refresh();
    List<Path> cached;
    try (Stream<Path> f = Files.list(cacheDir)) {
      cached = new ArrayList<>(f.toList());
    }
    assertEquals(1, cached.size());
    Files.writeString(cached.get(0), "{\"format\": 1, \"files\": {\"x\": [");
    CountingReaders readers = new CountingReaders();
    assertEquals(first.rows(), index(store, readers, cacheDir).refresh().rows());
    assertEquals(first.rows().size(), readers.reads, "every trials file read again");
  }

  @Test
  void rowsComeBackWithTheirValuesAndTypes() {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("trial_id", "0123456789abcdef");
    row.put("attempt", 2);
    row.put("seed", 7L);
    row.put("final_test_loss", Double.NaN);
    row.put("gamma", 1e-6);
    row.put("lr", 3.0);
    row.put("clip", true);
    row.put("error", null);
    row.put("finished_at", "2026-11-26T22:00:00Z");
    Map<String, Object> other = new java.util.LinkedHashMap<>(row);
    other.put("error", "<b>diverged</b>\n\"quoted\"");
    other.put("final_test_loss", Double.POSITIVE_INFINITY);
    IndexCache cache = new IndexCache(dir.resolve("cache"), "file:/store");
    Map<String, IndexCache.Entry> files = Map.of("a.parquet", new IndexCache.Entry(1234L, 99L, List.of(row, other)));
    cache.save(files);
    Map<String, IndexCache.Entry> loaded = cache.load();
    assertEquals(files, loaded);
    assertEquals(List.copyOf(row.keySet()), List.copyOf(loaded.get("a.parquet").rows().get(0).keySet()), "column order");
    assertEquals(Integer.class, loaded.get("a.parquet").rows().get(0).get("attempt").getClass());
    assertEquals(Long.class, loaded.get("a.parquet").rows().get(0).get("seed").getClass());
  }

  @Test
  void anotherStoresCacheIsNotTaken() throws IOException {
    Path store = quickstartCopy();
    Path cacheDir = dir.resolve("cache");
    StoreAccess access = StoreAccess.open(store.toString(), new Configuration());
    new TrialIndex(access, Runnable::run, new IndexCache(cacheDir, access.rootUri())).refresh();
    Path cacheFile = new IndexCache(cacheDir, access.rootUri()).file();
    // the same file found under another store's name (as if its hash collided)
    IndexCache other = new IndexCache(cacheDir, "file:/elsewhere");
    Files.copy(cacheFile, other.file());
    assertEquals(Map.of(), other.load());
    assertEquals(StoreFiles.parquet(store.resolve("trials")).size(), new IndexCache(cacheDir, access.rootUri()).load().size());
  }
}
