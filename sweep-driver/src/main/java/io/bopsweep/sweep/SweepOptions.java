package io.bopsweep.sweep;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to run a sweep: what {@code bopsweep sweep} takes. A null {@code results}, {@code master},
 * {@code threadsPerTrial}, {@code dataDir} or {@code logFile} is not given: {@link SweepService}
 * resolves it from the Spark configuration (spark.bopsweep.results, spark.master,
 * spark.bopsweep.threadsPerTrial, spark.bopsweep.dataDir) or its default (results/, local mode, 1,
 * the data cache's default, {@code <results>/_logs/<sweep>.log} for local results).
 *
 * @param spec the sweep spec (YAML)
 * @param maxTrials a spec of more trials is refused
 * @param results the results store: a local path or a Hadoop URI
 * @param master the Spark master
 * @param threadsPerTrial libtorch threads per trial, also spark.task.cpus
 * @param dataDir the dataset cache on every machine
 * @param dataSources dataset name to where executors fetch it; added to spark.bopsweep.data.NAME
 * @param progressIntervalSeconds how often progress is checked
 * @param ui the Spark UI on in local mode, its address printed
 * @param logFile also append progress lines here
 */
public record SweepOptions(Path spec, long maxTrials, String results, String master, Integer threadsPerTrial,
    String dataDir, Map<String, String> dataSources, double progressIntervalSeconds, boolean ui, Path logFile) {

  public static final double DEFAULT_PROGRESS_INTERVAL_SECONDS = 2;

  public SweepOptions {
    dataSources = Collections.unmodifiableMap(new LinkedHashMap<>(dataSources));
  }

  /** The spec with every other option at its default, results in {@code results}. */
  public static SweepOptions of(Path spec, String results) {
    return new SweepOptions(spec, SpecParser.DEFAULT_MAX_TRIALS, results, null, null, null, Map.of(),
        DEFAULT_PROGRESS_INTERVAL_SECONDS, false, null);
  }
}
