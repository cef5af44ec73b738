package io.bopsweep.cli;

import static io.bopsweep.trainer.config.Settings.DATASET;

import io.bopsweep.sweep.DriverLock;
import io.bopsweep.sweep.CostEstimate;
import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.Progress;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.store.SweepManifest;
import io.bopsweep.sweep.SweepRunner;
import io.bopsweep.sweep.SweepSpec;
import io.bopsweep.sweep.Trial;
import io.bopsweep.sweep.TrialTask;
import io.bopsweep.sweep.Warmup;
import io.bopsweep.sweep.WarmupPlugin;
import io.bopsweep.trainer.kernels.KernelThreads;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bopsweep sweep SPEC}: runs the trials of a spec that are not done yet, one Spark task
 * each. Local mode unless a master is given here or by spark-submit.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, description = "Run a sweep spec on Spark (local mode unless --master or spark-submit says otherwise).")
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SPEC", description = "sweep spec (YAML), e.g. conf/sweeps/quickstart.yaml")
  Path specFile;

  @Option(names = "--results", paramLabel = "DIR_OR_URI",
      description = "results store: local path or Hadoop URI (default: spark.bopsweep.results, else results/)")
  String results;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark.master, else local)")
  String master;

  @Option(names = "--threads-per-trial", paramLabel = "N",
      description = "libtorch threads per trial, also spark.task.cpus (default: spark.bopsweep.threadsPerTrial, else 1)")
  Integer threadsPerTrial;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "dataset cache on every machine (default: $BOPSWEEP_DATA or ~/.cache/bopsweep/data)")
  String dataDir;

  @Option(names = "--data-source", paramLabel = "NAME=PATH_OR_URI",
      description = "where executors fetch a dataset they lack (path, URL, hdfs://, s3a://); repeatable")
  Map<String, String> dataSources = new LinkedHashMap<>();

  @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "2", description = "how often progress is checked (default: 2)")
  double progressInterval;

  @Option(names = "--ui", description = "turn the Spark UI on in local mode (off by default) and print its address")
  boolean ui;

  @Option(names = "--log-file", paramLabel = "FILE", description = "also append progress lines here (default: <results>/_logs/<sweep>.log for local results)")
  Path logFile;

  @Mixin SpecFileLimit specLimit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!(progressInterval > 0) || Double.isInfinite(progressInterval)) {
      throw new BadInputException("--progress-interval: must be a positive number of seconds, got " + progressInterval);
    }
    SweepSpec sweep = specLimit.parse(specFile);
    List<Trial> trials = Grid.expand(sweep);
    try {
      CostEstimate.checkModels(trials);
    } catch (io.bopsweep.trainer.config.ConfigException e) {
      throw new BadInputException(specFile.getFileName() + ": " + e.getMessage());
    }
    SparkConf conf = new SparkConf();
    boolean local = (master != null ? master : conf.get("spark.master", "local")).startsWith("local");
    io.bopsweep.sweep.TrialChecks.check(trials, sweep.source(),
        local ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g"));
    String resultsUri = results != null ? results : conf.get("spark.bopsweep.results", "results");
    int threads = threadsPerTrial != null ? threadsPerTrial : conf.getInt("spark.bopsweep.threadsPerTrial", 1);
    if (threads < 1) {
      throw new BadInputException("--threads-per-trial: must be >= 1, got " + threads);
    }
    String dir = dataDir != null ? dataDir : conf.get("spark.bopsweep.dataDir", null);
    Map<String, String> sources = new LinkedHashMap<>();
    for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix("spark.bopsweep.data.")) {
      sources.put(kv._1(), kv._2());
    }
    sources.putAll(dataSources);
    Set<Dataset> datasets = new LinkedHashSet<>();
    trials.forEach(t -> datasets.add(t.config().get(DATASET)));
    for (String name : sources.keySet()) {
      DataCommand.dataset(name);
    }
    // Fail on data that cannot be had before any Spark job starts.
    DataCache cache = DataCache.resolve(dir);
    for (Dataset d : datasets) {
      cache.ensure(d, sources.get(d.id()));
    }
    if (sweep.needsCluster()) {
      spec.commandLine().getErr().println("bopsweep: warning: " + sweep.name() + " is marked needs_cluster: true");
    }

    // Refuse an unusable results directory before any Spark job starts.
    org.apache.hadoop.conf.Configuration early = new org.apache.hadoop.conf.Configuration();
    for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix("spark.hadoop.")) {
      early.set(kv._1(), kv._2());
    }
    ResultStore earlyStore = ResultStore.openOrCreate(resultsUri, early);
    earlyStore.requireIntact(); // damage is one line and nothing written: see bopsweep store check
    DriverLock lock = DriverLock.acquire(earlyStore, sweep.name());
    try {
      io.bopsweep.sweep.StoreLeftovers.remove(earlyStore, lock);
      return run(out, sweep, trials, datasets, conf, resultsUri, threads, dir, sources, lock);
    } catch (RuntimeException e) {
      throw lock.lost() != null ? new SweepRunner.SweepFailedException(lock.lost()) : e;
    } finally {
      lock.close();
    }
  }

  /** Records which trials this spec asked for (reports select by it), once its trials are all committed. */
  private void writeManifest(ResultStore store, SweepSpec sweep, List<Trial> trials) {
    try {
      store.writeManifest(SweepManifest.of(sweep.name(), Files.readString(specFile),
          trials.stream().map(Trial::id).toList(), CodeVersion.get(), java.time.Instant.now()));
    } catch (java.io.IOException e) {
      throw new io.bopsweep.sweep.StoreException(store.uri() + ": cannot write the sweep manifest (" + e.getMessage()
          + ")");
    }
  }

  private int run(PrintWriter out, SweepSpec sweep, List<Trial> trials, Set<Dataset> datasets, SparkConf conf,
      String resultsUri, int threads, String dir, Map<String, String> sources, DriverLock lock) {

    int cores = Runtime.getRuntime().availableProcessors();
    if ((master != null ? master : conf.get("spark.master", "local")).startsWith("local")) {
      // this JVM runs the trials: load what they need while Spark starts
      Warmup.startInBackground(datasets, dir);
    }
    String plugins = conf.get("spark.plugins", "");
    SparkSession.Builder builder = Spark.builder("bopsweep " + sweep.name(), master, "local[" + Math.max(threads, cores) + ",4]")
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
    if (ui) {
      // the UI without the console progress bar that comes with it on stderr
      builder.config("spark.ui.enabled", "true").config("spark.ui.showConsoleProgress", "false");
    }
    SparkSession spark = builder.getOrCreate();
    lock.onLost(() -> spark.sparkContext().cancelAllJobs());
    if (ui) {
      out.println("Spark UI: " + spark.sparkContext().uiWebUrl().getOrElse(() -> "(not started)"));
    }
    try {
      ResultStore store = ResultStore.openOrCreate(resultsUri, spark.sparkContext().hadoopConfiguration());
      Path log = logFile;
      if (log == null && !resultsUri.contains("://")) {
        log = Path.of(resultsUri, "_logs", sweep.name() + ".log");
      }
      Progress progress = new Progress(store, out, log, (long) (progressInterval * 1000));
      TrialTask.ExecutionSettings settings = new TrialTask.ExecutionSettings(threads, dir, sources, CodeVersion.get(),
          lock.fence());
      SweepRunner.Report report = SweepRunner.run(spark, sweep, trials, store, settings, out, progress);
      writeManifest(store, sweep, trials);
      if (log != null && Files.exists(log)) {
        out.println("progress log: " + log);
      }
      if (lock.lost() != null) {
        throw new SweepRunner.SweepFailedException(lock.lost());
      }
      return report.anyFailed() ? Main.EXIT_FAILED : 0;
    } finally {
      spark.stop();
    }
  }
}
