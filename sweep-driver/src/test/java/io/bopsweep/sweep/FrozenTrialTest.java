package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bopsweep.store.ResultRows;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trial record's own rules: its rows, its final metrics, and a row it cannot be read from. */
class FrozenTrialTest {
  @TempDir Path tmp;

  @Test
  void itsRowsHoldItsColumnsAndItsFinalMetricsAreItsEpochs() {
    FrozenTrial done = StoreContract.everyKindOfAttempt().get(0);
    Map<String, Object> row = done.trialRow(ResultStore.schema());
    assertEquals(ResultStore.schema().trials().getFields().stream().map(org.apache.parquet.schema.Type::getName)
        .collect(java.util.stream.Collectors.toSet()), row.keySet(), "every trials column");
    assertEquals("DONE", row.get("status"));
    assertEquals(3, row.get("epochs_done"));
    assertEquals(2, row.get("best_epoch"));
    assertEquals("{\"gamma\":0.001,\"optimizer\":\"bop\",\"seed\":7}", row.get("swept"));
    assertEquals(FrozenTrial.configJson(done.config()), row.get("config_json"));
    assertEquals(done, FrozenTrial.fromTrialRow(row, ResultStore.schema()).withEpochs(done.epochs()));
    assertEquals(3, done.epochRows(ResultStore.schema()).size());
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> done.withoutEpochs().epochRows(ResultStore.schema()));
    assertEquals("the epochs of trial a1 are not loaded", e.getMessage());
  }

  @Test
  void aRecordCrossesSparksTaskResultSerializerEqualToItself() {
    // what a TrialTask returns to the driver: the committed attempt without its epochs
    org.apache.spark.serializer.SerializerInstance spark =
        new org.apache.spark.serializer.JavaSerializer(new org.apache.spark.SparkConf()).newInstance();
    scala.reflect.ClassTag<FrozenTrial> tag = scala.reflect.ClassTag$.MODULE$.apply(FrozenTrial.class);
    for (FrozenTrial t : StoreContract.everyKindOfAttempt()) {
      for (FrozenTrial sent : List.of(t, t.withoutEpochs())) {
        java.nio.ByteBuffer bytes = spark.serialize(sent, tag);
        assertEquals(sent, spark.deserialize(bytes, tag));
      }
    }
  }

  @Test
  void aTrialsRowOfAnUnknownStatusIsOneLineNamingItsFile() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    Map<String, Object> row = new LinkedHashMap<>(StoreContract.everyKindOfAttempt().get(2).trialRow(ResultStore.schema()));
    assertEquals(TrialStatus.FAILED.name(), row.get("status"));
    row.put("status", "RUNNING");
    Files.createDirectories(tmp.resolve("results/trials"));
    ResultRows.write(new org.apache.hadoop.fs.Path(tmp.resolve("results/trials/a3.parquet").toUri()),
        ResultStore.schema().trials(), List.of(row), new Configuration());
    StoreException e = assertThrows(StoreException.class, () -> store.trial("a3"));
    assertEquals(store.uri() + "/trials/a3.parquet: not a trials row (unknown trial status 'RUNNING')", e.getMessage());
    assertEquals(e.getMessage(), assertThrows(StoreException.class, store::trials).getMessage());
  }
}
