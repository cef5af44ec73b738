package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.analysis.Results;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running trials' epoch rows under _live/, and the epochs_live view over them and the committed epochs. */
class LiveEpochsTest {
  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").appName("live").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static EpochRecord epoch(int n, double testAcc) {
    return new EpochRecord(n, 10, 0.5, 0.8, 0.4, testAcc, null, null, null, null, 7, 0.01, Map.of("dense1", 7L),
        Map.of("dense1", 0.01), -4.0, 1e-3, 1e-2, 1.0, 0.5, 1000.0, "00");
  }

  static FrozenTrial result(String id, TrialStatus status, int attempt, List<EpochRecord> epochs) {
    TrialConfig cfg = TrialConfig.of(Map.of("epochs", 3));
    return FrozenTrial.of(id, "live", cfg.effectiveMap(), Map.of(), status, status == TrialStatus.FAILED ? "boom" : null,
        attempt, 0, "test", "host", "cpu", Instant.ofEpochMilli(1000), Instant.ofEpochMilli(2000 + attempt), "mnist",
        epochs, StoreFixtures.PROVENANCE);
  }

  /** (trial_id, epoch, test_acc, attempt) of epochs_live, ordered. */
  private List<String> live(ResultStore store) {
    Results.register(spark, store.uri());
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql("SELECT trial_id, epoch, test_acc, attempt FROM epochs_live ORDER BY trial_id, epoch")
        .collectAsList()) {
      out.add(r.getString(0) + "/" + r.getInt(1) + "/" + r.getDouble(2) + "/" + r.getInt(3));
    }
    return out;
  }

  @Test
  void epochsLiveShowsCommittedEpochsAndThoseOfRunningTrialsOncePerEpoch() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    // only a running trial so far: no trials row anywhere
    store.writeLiveEpochs(result("running", null, 1, List.of(epoch(1, 0.5))));
    assertEquals(List.of("running/1/0.5/1"), live(store));

    store.commit(result("done", TrialStatus.DONE, 1, List.of(epoch(1, 0.6), epoch(2, 0.7), epoch(3, 0.8))));
    store.commit(result("rerun", TrialStatus.FAILED, 1, List.of(epoch(1, 0.1))));
    store.writeLiveEpochs(result("running", null, 1, List.of(epoch(2, 0.55))));
    store.writeLiveEpochs(result("rerun", null, 2, List.of(epoch(1, 0.2), epoch(2, 0.3))));
    // the rerun's first epoch once more (a resumed attempt): replaced, not added
    store.writeLiveEpochs(result("rerun", null, 2, List.of(epoch(2, 0.35))));
    assertEquals(List.of("done/1/0.6/1", "done/2/0.7/1", "done/3/0.8/1", "rerun/1/0.2/2", "rerun/2/0.35/2",
        "running/1/0.5/1", "running/2/0.55/1"), live(store));

    // a plain Parquet reader reads a live file: one row, the epochs/ columns
    Path file = tmp.resolve("results/_live/running/epoch-2.parquet");
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
        new org.apache.hadoop.fs.Path(file.toUri())).build()) {
      Group g = reader.read();
      assertEquals(0.55, g.getDouble("test_acc", 0));
      assertEquals("running", g.getString("trial_id", 0));
      assertEquals(null, reader.read());
    }

    // the running trial commits: its live rows go, its committed ones stand for it
    store.commit(result("running", TrialStatus.DONE, 1, List.of(epoch(1, 0.5), epoch(2, 0.55), epoch(3, 0.65))));
    store.clearRunState("running");
    assertFalse(Files.exists(tmp.resolve("results/_live/running")));
    List<String> rows = live(store);
    assertEquals(List.of("running/1/0.5/1", "running/2/0.55/1", "running/3/0.65/1"),
        rows.stream().filter(r -> r.startsWith("running/")).toList());
    assertTrue(rows.contains("rerun/2/0.35/2"), rows.toString());
    assertFalse(rows.contains("rerun/1/0.1/1"), "the FAILED attempt's rows give way to the running attempt's");
  }
}
