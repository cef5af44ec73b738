package io.bopsweep.cli;

import io.bopsweep.sweep.SweepOptions;
import io.bopsweep.sweep.SweepOutcome;
import io.bopsweep.sweep.SweepService;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bopsweep sweep SPEC}: runs the trials of a spec that are not done yet, one Spark task
 * each ({@link SweepService}). Local mode unless a master is given here or by spark-submit.
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
    SweepOptions options = new SweepOptions(specFile, specLimit.maxTrials, results, master, threadsPerTrial, dataDir,
        dataSources, progressInterval, ui, logFile);
    SweepOutcome outcome = new SweepService(CodeVersion.get()).run(options, spec.commandLine().getOut(),
        spec.commandLine().getErr());
    return outcome.anyFailed() ? Main.EXIT_FAILED : 0;
  }
}
