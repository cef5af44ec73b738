package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.analysis.AnalysisException;
import io.bopsweep.analysis.Results;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stores of schema version 1 (the committed ones) read and resume under version 2; newer ones are refused. */
class StoreVersionsTest {
  @TempDir Path tmp;

  static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void aVersionOneStoreTakesVersionTwoRowsAndSparkReadsBothWithNullsForTheNewColumns() throws Exception {
    Path dir = tmp.resolve("store");
    // a committed store of schema version 1: 3 trials of 6 epochs (adam-latent, see its report)
    copy(Path.of("../docs/results/paper-3b-approximation-small/store"), dir);
    ResultStore store = ResultStore.open(dir.toString(), new Configuration());
    assertEquals(1, store.schemaVersion());
    List<Trial> extra = Grid.expand(SpecParser.parse("fixed: {optimizer: adam-latent, epochs: 2, width: 16, gamma: 0.5}\n",
        "extra.yaml", "extra"));
    StoreFixtures.commit(store, extra);
    assertTrue(Files.readString(dir.resolve("STORE.json")).contains("\"schema_version\":2"));
    assertEquals(2, ResultStore.open(dir.toString(), new Configuration()).schemaVersion());
    assertEquals(4, store.trials().size());
    for (FrozenTrial old : store.trials()) {
      if (old.sweep().equals("extra")) {
        assertEquals(StoreFixtures.PROVENANCE, old.provenance());
        continue;
      }
      assertNull(old.provenance(), "a version 1 row has no provenance");
      FrozenTrial loaded = store.withEpochs(old);
      assertEquals(6, loaded.epochs().size());
      assertEquals(FrozenTrial.FinalMetrics.of(loaded.epochs()), old.metrics(), "its final metrics are its epochs'");
      assertEquals(old.trialId(), old.currentId());
    }

    SparkSession spark = SparkSession.builder().master("local[1]").appName("versions").config("spark.ui.enabled", "false")
        .getOrCreate();
    try {
      Results.register(spark, dir.toString());
      List<Row> rows = spark.sql("SELECT sweep, cpu_model, threads_per_trial, gamma, lr FROM trials ORDER BY sweep")
          .collectAsList();
      assertEquals(4, rows.size());
      Row added = rows.get(0);
      assertEquals("extra", added.getString(0));
      assertEquals(StoreFixtures.PROVENANCE.cpuModel(), added.getString(1));
      assertEquals(1, added.getInt(2));
      assertTrue(added.isNullAt(3), "gamma does not act on adam-latent: null");
      assertEquals(1e-3, added.getDouble(4));
      for (Row old : rows.subList(1, 4)) {
        assertEquals("paper-3b-approximation-small", old.getString(0));
        assertTrue(old.isNullAt(1) && old.isNullAt(2), "a version 1 row has no provenance: " + old);
        assertTrue(!old.isNullAt(3), "its gamma as stored");
      }
      assertEquals(2 + 3 * 6, spark.sql("SELECT count(*) FROM epochs").first().getLong(0));
      assertEquals(2, spark.sql("SELECT count(*) FROM epochs WHERE kernel_path IS NOT NULL").first().getLong(0));
    } finally {
      spark.stop();
    }
  }

  @Test
  void aStoreOfANewerVersionIsRefusedByEveryReader() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("newer"));
    Files.writeString(dir.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":3}");
    StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(dir.toString(), new Configuration()));
    assertTrue(e.getMessage().contains("written with result schema version 3 by a newer bopsweep; this one reads"
        + " versions up to 2"), e.getMessage());
    Files.createDirectories(dir.resolve("trials"));
    Files.writeString(dir.resolve("trials/x.parquet"), "not read");
    SparkSession spark = SparkSession.builder().master("local[1]").appName("newer").config("spark.ui.enabled", "false")
        .getOrCreate();
    try {
      AnalysisException a = assertThrows(AnalysisException.class, () -> Results.register(spark, dir.toString()));
      assertTrue(a.getMessage().contains("by a newer bopsweep; this one reads versions up to 2"), a.getMessage());
    } finally {
      spark.stop();
    }
  }

  @Test
  void provenanceColumnsAreInTheSchemaOfEveryFile() throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("fresh").toString(), new Configuration());
    StoreFixtures.commit(store, Grid.expand(SpecParser.parse("fixed: {epochs: 1, width: 16}\n", "one.yaml", "one")));
    org.apache.parquet.schema.MessageType schema;
    Path file;
    try (Stream<Path> s = Files.list(tmp.resolve("fresh/trials"))) {
      file = s.findFirst().orElseThrow();
    }
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      schema = r.getFooter().getFileMetaData().getSchema();
    }
    for (String c : Map.of("cpu_model", 1, "vector_isa", 1, "kernel_path", 1, "kernel_threads", 1, "threads_per_trial", 1,
        "libtorch_version", 1, "libtorch_flavor", 1, "djl_version", 1, "jvm_version", 1, "gpu_name", 1).keySet()) {
      assertTrue(schema.containsField(c), c);
    }
  }
}
