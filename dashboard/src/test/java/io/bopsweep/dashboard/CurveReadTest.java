package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the curves read committed epochs: which rows of a file, on which threads, with which configuration. */
class CurveReadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path quickstartCopy() throws IOException {
    Path store = dir.resolve("store");
    DashboardBrowserTest.copy(Path.of("..", "docs", "results", "quickstart", "store"), store);
    return store;
  }

  private static Dashboard dashboard(Path store, Executor readers, Executor curveReaders) {
    return new Dashboard(StoreAccess.open(store.toString(), new Configuration()), () -> {
      throw new AssertionError("curves need no Spark");
    }, readers, curveReaders, Duration.ZERO);
  }

  private static List<String> ids(TrialIndex.Snapshot s) {
    return s.rows().stream().map(r -> String.valueOf(r.get("trial_id"))).toList();
  }

  @Test
  void curvesReadInParallelAreTheCurvesReadOneAfterAnother() throws IOException {
    Path store = quickstartCopy();
    Dashboard serial = dashboard(store, TrialIndex.defaultReaders(), Runnable::run);
    Dashboard parallel = dashboard(store, TrialIndex.defaultReaders(), TrialIndex.defaultReaders("test-curves"));
    serial.refresh();
    parallel.refresh();
    List<Map<String, Object>> rows = serial.trials(null, "trial_id", false, 0, 100).rows();
    List<String> ids = new ArrayList<>(rows.stream().map(r -> String.valueOf(r.get("trial_id"))).toList());
    ids.add(ids.get(0)); // asked twice: answered twice, in place

    List<Dashboard.Curve> expected = serial.curves(ids);
    assertEquals(JSON.writeValueAsString(expected), JSON.writeValueAsString(parallel.curves(ids)));
    assertEquals(ids, expected.stream().map(Dashboard.Curve::trialId).toList());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(((Number) rows.get(i).get("epochs_done")).intValue(), expected.get(i).series().epoch().size(),
          ids.get(i));
    }
  }

  @Test
  void aCurveOfATrialReadAlreadyDoesNotWaitForTheRestOfThePass() throws IOException {
    Path store = quickstartCopy();
    StoreFiles.HeldExecutor readers = new StoreFiles.HeldExecutor();
    Dashboard d = dashboard(store, readers, TrialIndex.defaultReaders("test-curves"));
    d.trials(null, null, false, 0, 0);
    readers.run(1);
    TrialTable read = d.trials(null, null, false, 0, 10);
    assertNotNull(read.indexing(), "the pass is still under way");
    assertEquals(1, read.rows().size());
    String id = String.valueOf(read.rows().get(0).get("trial_id"));
    // the index's readers hold the rest of the pass; the curve is read on readers of its own
    List<Dashboard.Curve> curves = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> d.curves(List.of(id)));
    assertEquals(((Number) read.rows().get(0).get("epochs_done")).intValue(), curves.get(0).series().epoch().size());
    readers.release();
  }

  /**
   * epochs/ID.parquet read whole (no Parquet filter): the rows of the trial and attempt asked for,
   * not those of an earlier attempt or of another trial in the same file; a file named by no trial
   * (filtered by Parquet) gives the same rows.
   */
  @Test
  void aTrialsOwnEpochsFileGivesTheRowsOfItsAttemptOnly() throws IOException {
    Path store = quickstartCopy();
    Path own = StoreFiles.parquet(store.resolve("epochs")).get(0);
    String id = own.getFileName().toString().replace(".parquet", "");
    List<Group> stored = StoreFiles.read(own);
    int attempt = stored.get(0).getInteger("attempt", 0);
    List<Group> rows = new ArrayList<>();
    List<StoreAccess.EpochRow> expected = new ArrayList<>();
    for (Group g : stored) {
      int epoch = g.getInteger("epoch", 0);
      rows.add(StoreFiles.with(g, Map.of("attempt", attempt + 1, "test_acc", epoch / 100.0)));
      rows.add(StoreFiles.with(g, Map.of("test_acc", 0.9)));
      rows.add(StoreFiles.with(g, Map.of("trial_id", "0000another00000", "attempt", attempt + 1, "test_acc", 0.1)));
      expected.add(new StoreAccess.EpochRow(id, attempt + 1, epoch, epoch / 100.0, g.getDouble("test_loss", 0),
          g.getDouble("train_loss", 0), g.getDouble("pi_last", 0)));
    }
    StoreFiles.write(own, rows);
    StoreFiles.write(store.resolve("epochs/packed-0001.parquet"), rows);

    StoreAccess access = StoreAccess.open(store.toString(), new Configuration());
    StoreAccess.StoredFile ownFile = access.epochsFile(id);
    assertEquals(own.getFileName().toString(), ownFile.name());
    assertEquals(expected, access.readEpochs(ownFile, id, attempt + 1));
    StoreAccess.StoredFile pack = access.epochFiles().stream().filter(f -> f.name().startsWith("packed")).findFirst()
        .orElseThrow();
    assertEquals(expected, access.readEpochs(pack, id, attempt + 1));
    assertEquals(stored.size(), access.readEpochs(ownFile, id, attempt).size());
    assertEquals(List.of(), access.readEpochs(ownFile, id, attempt + 2));
  }
}
