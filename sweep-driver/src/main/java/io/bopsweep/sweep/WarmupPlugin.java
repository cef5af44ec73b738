package io.bopsweep.sweep;

import io.bopsweep.trainer.config.Choice;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Starts {@link Warmup} on each executor as it starts (the sweep command adds this class to
 * {@code spark.plugins}): libtorch, the Parquet writer, and those of the sweep's datasets that
 * the executor's cache already holds. Never fails an executor: the warm-up is only a head start.
 */
public final class WarmupPlugin implements SparkPlugin {
  /** The sweep's dataset ids, comma-separated. */
  public static final String DATASETS = "spark.bopsweep.warmup.datasets";
  /** The executors' dataset cache (unset: the default cache). */
  public static final String DATA_DIR = "spark.bopsweep.warmup.dataDir";

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        start(ctx.conf());
      }
    };
  }

  /** Starts the warm-up this conf asks for; returns its thread, or null if none started. */
  static Thread start(SparkConf conf) {
    try {
      return Warmup.startInBackground(datasets(conf), conf.get(DATA_DIR, null));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The datasets named in {@link #DATASETS}; unknown names are skipped. */
  static List<Dataset> datasets(SparkConf conf) {
    List<Dataset> out = new ArrayList<>();
    for (String id : conf.get(DATASETS, "").split(",")) {
      if (id.isBlank()) {
        continue;
      }
      try {
        out.add(Choice.parse(Dataset.class, DATASETS, id));
      } catch (ConfigException e) {
        // a name this version does not know: nothing to warm up
      }
    }
    return out;
  }
}
