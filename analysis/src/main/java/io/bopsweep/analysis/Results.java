package io.bopsweep.analysis;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Registers a results store as Spark SQL views: {@code epochs_raw} and {@code trials_raw} (the
 * Parquet files as stored) and {@code trials} and {@code epochs} (deduplicated, committed only;
 * see views.sql). Knows the stored columns, never the trainer.
 */
public final class Results {
  private Results() {}

  public static void register(SparkSession spark, String resultsUri) {
    Path root = new Path(resultsUri.contains(":") ? URI.create(resultsUri) : new java.io.File(resultsUri).toURI());
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw new AnalysisException(resultsUri + ": no such results directory");
      }
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new AnalysisException(resultsUri + ": is a file, not a results directory");
      }
      if (!fs.exists(new Path(root, "STORE.json"))) {
        throw new AnalysisException(resultsUri + ": not a bopsweep results store (no STORE.json)");
      }
      checkVersion(fs, root, resultsUri);
      if (!hasParquet(fs, new Path(root, "trials"))) {
        throw new AnalysisException(resultsUri + ": the results store holds no trials yet");
      }
    } catch (IOException e) {
      throw new AnalysisException(resultsUri + ": cannot read (" + e.getMessage() + ")");
    }
    spark.read().option("mergeSchema", "true").parquet(new Path(root, "trials").toString()).createOrReplaceTempView("trials_raw");
    if (hasParquetQuietly(spark, new Path(root, "epochs"))) {
      spark.read().option("mergeSchema", "true").parquet(new Path(root, "epochs").toString()).createOrReplaceTempView("epochs_raw");
    } else {
      spark.sql("SELECT * FROM trials_raw WHERE false").createOrReplaceTempView("epochs_raw");
    }
    for (String statement : SqlFile.statements(SqlFile.text("views"))) {
      spark.sql(statement);
    }
  }

  private static void checkVersion(FileSystem fs, Path root, String resultsUri) throws IOException {
    try {
      io.bopsweep.store.StoreFormat.checkMarker(fs, root, resultsUri);
    } catch (io.bopsweep.store.StoreFormatException e) {
      throw new AnalysisException(e.getMessage());
    }
  }

  private static boolean hasParquet(FileSystem fs, Path dir) throws IOException {
    return fs.exists(dir) && fs.listStatus(dir, p -> p.getName().endsWith(".parquet")).length > 0;
  }

  private static boolean hasParquetQuietly(SparkSession spark, Path dir) {
    try {
      return hasParquet(dir.getFileSystem(spark.sparkContext().hadoopConfiguration()), dir);
    } catch (IOException e) {
      return false;
    }
  }

  /** Names of the sweeps in the store. */
  public static List<String> sweeps(SparkSession spark) {
    List<String> out = new ArrayList<>();
    spark.sql("SELECT DISTINCT sweep FROM trials ORDER BY sweep").collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
