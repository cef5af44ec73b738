package io.bopsweep.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports committed under docs/results are what the report pipeline makes of the committed
 * Parquet results: regenerated here from the stores, every Markdown and CSV file must match the
 * committed one byte for byte, and no committed table may be one the pipeline no longer writes.
 */
class PublishedResultsTest {
  static final Path RESULTS = Path.of("..", "docs", "results").toAbsolutePath().normalize();
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("published")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static boolean isText(String file) {
    return file.endsWith(".md") || file.endsWith(".csv");
  }

  @Test
  void committedTablesAreRegeneratedFromTheCommittedResults(@TempDir Path tmp) throws Exception {
    List<Path> published;
    try (var dirs = Files.list(RESULTS)) {
      published = dirs.filter(d -> Files.exists(d.resolve("store/STORE.json"))).sorted().toList();
    }
    assertTrue(!published.isEmpty(), "docs/results holds at least one published sweep with its store");
    for (Path dir : published) {
      String sweep = dir.getFileName().toString();
      Results.register(spark, dir.resolve("store").toString());
      Path out = tmp.resolve(sweep);
      Report.write(spark, sweep, out);
      List<String> committed;
      List<String> generated;
      try (var files = Files.list(dir)) {
        committed = files.map(f -> f.getFileName().toString()).filter(PublishedResultsTest::isText).sorted().toList();
      }
      try (var files = Files.list(out)) {
        generated = files.map(f -> f.getFileName().toString()).filter(PublishedResultsTest::isText).sorted().toList();
      }
      assertTrue(committed.contains("README.md") && committed.stream().anyMatch(f -> f.endsWith(".csv")), sweep + " has tables");
      assertEquals(generated, committed, sweep + ": the committed tables are the ones the report writes");
      for (String f : committed) {
        assertEquals(Files.readString(out.resolve(f)), Files.readString(dir.resolve(f)),
            sweep + "/" + f + " is not what the committed results give");
      }
    }
  }
}
