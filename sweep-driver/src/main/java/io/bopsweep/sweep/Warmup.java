package io.bopsweep.sweep;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.TrialRunner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the first trial in a JVM would otherwise pay for before its first step and at its first
 * commit (about a second on 2 cores: libtorch's engine and first operators, the optimizer's
 * kernels, the dataset, Parquet's writer and its codec), done once per JVM on a background thread. In local mode it runs while Spark starts;
 * tasks that start before it is done simply wait on the same class and library loading.
 */
public final class Warmup {
  private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
  /** Whether this JVM has started the warm-up (tests reset it). */
  static final AtomicBoolean STARTED = new AtomicBoolean();

  private Warmup() {}

  /**
   * Starts the warm-up unless this JVM has started one; the datasets must be in the cache of
   * {@code dataDir} (null: the default cache). Returns the thread, or null if already started.
   */
  public static Thread startInBackground(Collection<Dataset> datasets, String dataDir) {
    if (!STARTED.compareAndSet(false, true)) {
      return null;
    }
    List<Dataset> copy = new ArrayList<>(datasets);
    Thread t = new Thread(() -> run(copy, dataDir), "bopsweep-warmup");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void run(List<Dataset> datasets, String dataDir) {
    long t0 = System.nanoTime();
    try {
      TrialRunner.warmUp();
      DataCache cache = DataCache.resolve(dataDir);
      for (Dataset d : datasets) {
        if (cache.entry(d) != null) {
          cache.load(d);
        }
      }
      ResultStore.warmUpWriter(new Configuration());
      LOG.debug("warm-up done in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError e) {
      // only a head start: the trial that needs the failing part reports the error itself
      LOG.debug("warm-up stopped: {}", e.toString());
    }
  }
}
