package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.DATASET;

import io.bopsweep.store.SweepManifest;
import io.bopsweep.trainer.config.Choice;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.kernels.KernelThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a sweep from its options: checks the spec, the data and the store before any Spark job
 * starts, takes the store's driver lock, starts Spark (local mode unless a master is given here or
 * by spark-submit) and runs the trials that are not done yet, one Spark task each. Bad input is a
 * {@link SpecException}, {@link SweepOptionException}, {@link StoreException} or a trainer-core
 * {@code ConfigException}/{@code DataException} with a one-line message, thrown before anything is
 * written.
 */
public final class SweepService {
  private final String codeVersion;

  /** {@code codeVersion}: the build recorded with every result and the sweep's manifest. */
  public SweepService(String codeVersion) {
    this.codeVersion = codeVersion;
  }

  /**
   * Runs the sweep. Progress lines, the sweep's summary, the Spark UI's address and the progress log's
   * path go to {@code out}, warnings to {@code err}.
   *
   * @throws SweepRunner.SweepFailedException when the Spark job failed as a whole or the driver lock was lost
   */
  public SweepOutcome run(SweepOptions options, PrintWriter out, PrintWriter err) {
    double interval = options.progressIntervalSeconds();
    if (!(interval > 0) || Double.isInfinite(interval)) {
      throw new SweepOptionException("--progress-interval: must be a positive number of seconds, got " + interval);
    }
    if (options.maxTrials() < 1) {
      throw new SweepOptionException("--max-trials: must be >= 1, got " + options.maxTrials());
    }
    Path specFile = options.spec();
    SweepSpec sweep = SpecParser.parse(specFile, options.maxTrials());
    List<Trial> trials = Grid.expand(sweep);
    try {
      CostEstimate.checkModels(trials);
    } catch (ConfigException e) {
      throw new SpecException(specFile.getFileName() + ": " + e.getMessage());
    }
    SparkConf conf = new SparkConf();
    String master = options.master();
    boolean local = (master != null ? master : conf.get("spark.master", "local")).startsWith("local");
    TrialChecks.check(trials, sweep.source(),
        local ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g"));
    String resultsUri = options.results() != null ? options.results() : conf.get("spark.bopsweep.results", "results");
    int threads = options.threadsPerTrial() != null ? options.threadsPerTrial()
        : conf.getInt("spark.bopsweep.threadsPerTrial", 1);
    if (threads < 1) {
      throw new SweepOptionException("--threads-per-trial: must be >= 1, got " + threads);
    }
    String dir = options.dataDir() != null ? options.dataDir() : conf.get("spark.bopsweep.dataDir", null);
    Map<String, String> sources = new LinkedHashMap<>();
    for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix("spark.bopsweep.data.")) {
      sources.put(kv._1(), kv._2());
    }
    sources.putAll(options.dataSources());
    Set<Dataset> datasets = new LinkedHashSet<>();
    trials.forEach(t -> datasets.add(t.config().get(DATASET)));
    for (String name : sources.keySet()) {
      Choice.parse(Dataset.class, "dataset", name);
    }
    // Fail on data that cannot be had before any Spark job starts.
    DataCache cache = DataCache.resolve(dir);
    for (Dataset d : datasets) {
      cache.ensure(d, sources.get(d.id()));
    }
    if (sweep.needsCluster()) {
      err.println("bopsweep: warning: " + sweep.name() + " is marked needs_cluster: true");
    }

    // Refuse an unusable results directory before any Spark job starts.
    Configuration early = new Configuration();
    for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix("spark.hadoop.")) {
      early.set(kv._1(), kv._2());
    }
    ResultStore earlyStore = ResultStore.openOrCreate(resultsUri, early);
    earlyStore.requireIntact(); // damage is one line and nothing written: see bopsweep store check
    DriverLock lock = DriverLock.acquire(earlyStore, sweep.name());
    try {
      StoreLeftovers.remove(earlyStore, lock);
      return runLocked(options, sweep, trials, datasets, conf, local, resultsUri, threads, dir, sources, lock, out);
    } catch (RuntimeException e) {
      throw lock.lost() != null ? new SweepRunner.SweepFailedException(lock.lost()) : e;
    } finally {
      lock.close();
    }
  }

  private SweepOutcome runLocked(SweepOptions options, SweepSpec sweep, List<Trial> trials, Set<Dataset> datasets,
      SparkConf conf, boolean local, String resultsUri, int threads, String dir, Map<String, String> sources,
      DriverLock lock, PrintWriter out) {
    int cores = Runtime.getRuntime().availableProcessors();
    if (local) {
      // this JVM runs the trials: load what they need while Spark starts
      Warmup.startInBackground(datasets, dir);
    }
    String plugins = conf.get("spark.plugins", "");
    SparkSession.Builder builder = SparkSessions.builder("bopsweep " + sweep.name(), options.master(),
            "local[" + Math.max(threads, cores) + ",4]")
        .config("spark.plugins", (plugins.isBlank() ? "" : plugins + ",") + WarmupPlugin.class.getName())
        .config(WarmupPlugin.DATASETS, String.join(",", datasets.stream().map(Dataset::id).toList()))
        // executors spin libtorch's OpenMP workers as briefly as this JVM does (see KernelThreads)
        .config("spark.executorEnv.GOMP_SPINCOUNT", KernelThreads.executorSpinCount(
            conf.get("spark.executorEnv.GOMP_SPINCOUNT", null), System.getenv()))
        .config("spark.speculation", "false")
        .config("spark.task.cpus", String.valueOf(threads))
        .config("spark.task.maxFailures", conf.get("spark.task.maxFailures", "4"));
    if (dir != null) {
      builder.config(WarmupPlugin.DATA_DIR, dir);
    }
    if (options.ui()) {
      // the UI without the console progress bar that comes with it on stderr
      builder.config("spark.ui.enabled", "true").config("spark.ui.showConsoleProgress", "false");
    }
    SparkSession spark = builder.getOrCreate();
    lock.onLost(() -> spark.sparkContext().cancelAllJobs());
    if (options.ui()) {
      out.println("Spark UI: " + spark.sparkContext().uiWebUrl().getOrElse(() -> "(not started)"));
    }
    try {
      ResultStore store = ResultStore.openOrCreate(resultsUri, spark.sparkContext().hadoopConfiguration());
      Path log = options.logFile();
      if (log == null && !resultsUri.contains("://")) {
        log = Path.of(resultsUri, "_logs", sweep.name() + ".log");
      }
      Progress progress = new Progress(store, out, log, (long) (options.progressIntervalSeconds() * 1000));
      TrialTask.ExecutionSettings settings = new TrialTask.ExecutionSettings(threads, dir, sources, codeVersion,
          lock.fence());
      SweepRunner.Report report = SweepRunner.run(spark, sweep, trials, store, settings, out, progress);
      writeManifest(store, options.spec(), sweep, trials);
      Path written = log != null && Files.exists(log) ? log : null;
      if (written != null) {
        out.println("progress log: " + written);
      }
      if (lock.lost() != null) {
        throw new SweepRunner.SweepFailedException(lock.lost());
      }
      return new SweepOutcome(sweep.name(), store.uri(), report.total(), report.alreadyDone(), report.done(),
          report.diverged(), report.failed(), report.stopped(), report.wall(), written);
    } finally {
      spark.stop();
    }
  }

  /** Records which trials this spec asked for (reports select by it), once its trials are all committed. */
  private void writeManifest(ResultStore store, Path specFile, SweepSpec sweep, List<Trial> trials) {
    try {
      store.writeManifest(SweepManifest.of(sweep.name(), Files.readString(specFile),
          trials.stream().map(Trial::id).toList(), codeVersion, Instant.now()));
    } catch (IOException e) {
      throw new StoreException(store.uri() + ": cannot write the sweep manifest (" + e.getMessage() + ")");
    }
  }
}
