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
 * The tables committed under docs/results are what the report pipeline makes of the committed
 * Parquet results: regenerated here from the stores, they must match the committed CSV files
 * byte for byte.
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
      try (var files = Files.list(dir)) {
        List<Path> csvs = files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
        assertTrue(!csvs.isEmpty(), sweep + " has tables");
        for (Path csv : csvs) {
          assertEquals(Files.readString(csv), Files.readString(out.resolve(csv.getFileName())),
              sweep + "/" + csv.getFileName() + " is not what the committed results give");
        }
      }
    }
  }
}
