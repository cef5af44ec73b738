package io.bopsweep.sweep;

import static io.bopsweep.sweep.StoreFixtures.epoch;
import static io.bopsweep.sweep.StoreFixtures.trial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.analysis.Results;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    store.writeLiveEpochs(trial("running", null, 1, List.of(epoch(1, 0.5))));
    assertEquals(List.of("running/1/0.5/1"), live(store));

    store.commit(trial("done", TrialStatus.DONE, 1, List.of(epoch(1, 0.6), epoch(2, 0.7), epoch(3, 0.8))));
    store.commit(trial("rerun", TrialStatus.FAILED, 1, List.of(epoch(1, 0.1))));
    store.writeLiveEpochs(trial("running", null, 1, List.of(epoch(2, 0.55))));
    store.writeLiveEpochs(trial("rerun", null, 2, List.of(epoch(1, 0.2), epoch(2, 0.3))));
    // the rerun's first epoch once more (a resumed attempt): replaced, not added
    store.writeLiveEpochs(trial("rerun", null, 2, List.of(epoch(2, 0.35))));
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
    store.commit(trial("running", TrialStatus.DONE, 1, List.of(epoch(1, 0.5), epoch(2, 0.55), epoch(3, 0.65))));
    store.clearRunState("running");
    assertFalse(Files.exists(tmp.resolve("results/_live/running")));
    List<String> rows = live(store);
    assertEquals(List.of("running/1/0.5/1", "running/2/0.55/1", "running/3/0.65/1"),
        rows.stream().filter(r -> r.startsWith("running/")).toList());
    assertTrue(rows.contains("rerun/2/0.35/2"), rows.toString());
    assertFalse(rows.contains("rerun/1/0.1/1"), "the FAILED attempt's rows give way to the running attempt's");
  }
}
