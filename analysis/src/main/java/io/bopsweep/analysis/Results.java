package io.bopsweep.analysis;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers a results store as Spark SQL views: {@code epochs_raw} and {@code trials_raw} (the
 * Parquet files as stored), {@code epochs_running_raw} (running trials' epoch rows, _live/),
 * {@code trials} and {@code epochs} (deduplicated, committed only) and {@code epochs_live}
 * (committed epochs and those of running trials; see views.sql). Knows the stored columns, never
 * the trainer.
 */
public final class Results {
  private Results() {}

  /** Where running trials' epoch rows are, one file per finished epoch (removed when the trial commits). */
  static final String LIVE_EPOCHS = "_live/*/epoch-*.parquet";

  /** Above how many paths Spark lists files with a job rather than on the driver. */
  static final String LISTING_THRESHOLD = "spark.sql.sources.parallelPartitionDiscovery.threshold";

  /** Checks the store, registers the views over the files it found intact, and returns the check. */
  public static io.bopsweep.store.StoreCheck.Result register(SparkSession spark, String resultsUri) {
    return register(spark, resultsUri, true, null);
  }

  /**
   * With {@code check} false, the views read every {@code *.parquet} in trials/ and epochs/ as they
   * are, unchecked: only for tests of the views over rows laid out by Spark rather than the writer.
   */
  static void register(SparkSession spark, String resultsUri, boolean check) {
    register(spark, resultsUri, check, null);
  }

  /**
   * Registers the views over the files of a check the caller already made of this store (a
   * command that checked it once shares the result rather than listing and reading it again);
   * a damaged result is refused with its one line.
   */
  public static void register(SparkSession spark, String resultsUri, io.bopsweep.store.StoreCheck.Result checked) {
    register(spark, resultsUri, true, java.util.Objects.requireNonNull(checked, "checked"));
  }

  private static io.bopsweep.store.StoreCheck.Result register(SparkSession spark, String resultsUri, boolean check,
      io.bopsweep.store.StoreCheck.Result given) {
    io.bopsweep.store.StoreCheck.Result used = null;
    boolean hasTrials;
    String[] liveFiles;
    String[] trialsFiles;
    String[] epochsFiles;
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
      // the files the writer wrote, each read to its end first: damage is one line, never a Spark stack trace
      if (check) {
        io.bopsweep.store.StoreCheck.Result checked = given != null ? given
            : io.bopsweep.store.StoreCheck.check(fs, root, spark.sparkContext().hadoopConfiguration());
        if (!checked.intact()) {
          throw new AnalysisException(checked.refusal(resultsUri));
        }
        used = checked;
        trialsFiles = checked.trialsFiles().stream().map(Path::toString).toArray(String[]::new);
        epochsFiles = checked.epochsFiles().stream().map(Path::toString).toArray(String[]::new);
      } else {
        trialsFiles = parquet(fs, new Path(root, "trials"));
        epochsFiles = parquet(fs, new Path(root, "epochs"));
      }
      if ("file".equals(fs.getUri().getScheme()) && !spark.conf().contains(LISTING_THRESHOLD)) {
        // Spark lists more than 32 paths with a job of one task per path; on the local file system
        // each task costs far more than the listing it does (a store as written is 10,000s of files).
        // A threshold the user set wins.
        spark.conf().set(LISTING_THRESHOLD, Integer.MAX_VALUE);
      }
      hasTrials = trialsFiles.length > 0;
      FileStatus[] live = fs.globStatus(new Path(root, LIVE_EPOCHS));
      liveFiles = live == null ? new String[0]
          : java.util.Arrays.stream(live).map(f -> f.getPath().toString()).toArray(String[]::new);
      if (!hasTrials && liveFiles.length == 0) {
        throw new AnalysisException(resultsUri + ": the results store holds no trials yet");
      }
    } catch (IOException e) {
      throw new AnalysisException(resultsUri + ": cannot read (" + e.getMessage() + ")");
    }
    // the files, not the glob: Spark would look for a streaming sink's metadata under a glob and log that it is not there
    Dataset<Row> running = liveFiles.length > 0 ? spark.read().option("mergeSchema", "true").parquet(liveFiles) : null;
    if (hasTrials) {
      spark.read().option("mergeSchema", "true").parquet(trialsFiles).createOrReplaceTempView("trials_raw");
    } else {
      // only running trials so far: no trials row yet, and only the columns trials share with epochs
      running.where("false").createOrReplaceTempView("trials_raw");
    }
    if (epochsFiles.length > 0) {
      spark.read().option("mergeSchema", "true").parquet(epochsFiles).createOrReplaceTempView("epochs_raw");
    } else if (running != null) {
      running.where("false").createOrReplaceTempView("epochs_raw");
    } else {
      spark.sql("SELECT * FROM trials_raw WHERE false").createOrReplaceTempView("epochs_raw");
    }
    (running != null ? running : spark.table("epochs_raw").where("false")).createOrReplaceTempView("epochs_running_raw");
    for (String statement : SqlFile.statements(SqlFile.text("views"))) {
      spark.sql(statement);
    }
    return used;
  }

  private static void checkVersion(FileSystem fs, Path root, String resultsUri) throws IOException {
    try {
      io.bopsweep.store.StoreFormat.checkMarker(fs, root, resultsUri);
    } catch (io.bopsweep.store.StoreFormatException e) {
      throw new AnalysisException(e.getMessage());
    }
  }

  private static String[] parquet(FileSystem fs, Path dir) throws IOException {
    return !fs.exists(dir) ? new String[0] : java.util.Arrays.stream(fs.listStatus(dir, p -> p.getName().endsWith(".parquet")))
        .map(f -> f.getPath().toString()).toArray(String[]::new);
  }

  /** Names of the sweeps in the store. */
  public static List<String> sweeps(SparkSession spark) {
    List<String> out = new ArrayList<>();
    spark.sql("SELECT DISTINCT sweep FROM trials ORDER BY sweep").collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
