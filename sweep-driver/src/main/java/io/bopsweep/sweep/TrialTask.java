package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.DATASET;
import static io.bopsweep.trainer.config.Settings.EPOCHS;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.train.Checkpoint;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.Json;
import io.bopsweep.trainer.train.Provenance;
import io.bopsweep.trainer.train.SavedModel;
import io.bopsweep.trainer.train.TrainingListener;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * What one Spark task runs: one trial, from its checkpoint if an earlier attempt left one, with
 * its results committed to the store before the task returns. Everything it needs travels in
 * this object; executors read nothing from the driver's machine.
 */
public record TrialTask(
    String trialId,
    String sweep,
    String configJson,
    Map<String, Object> swept,
    String storeUri,
    Map<String, String> hadoopConf,
    ExecutionSettings settings,
    int stopAtEpoch) implements Serializable {

  /** A task that trains its trial to the end. */
  public TrialTask(String trialId, String sweep, String configJson, Map<String, Object> swept, String storeUri,
      Map<String, String> hadoopConf, ExecutionSettings settings) {
    this(trialId, sweep, configJson, swept, storeUri, hadoopConf, settings, 0);
  }

  /** How executors run trials (not part of any trial's identity). */
  public record ExecutionSettings(
      int threadsPerTrial, String dataDir, Map<String, String> dataSources, String codeVersion,
      DriverLock.Fence fence) implements Serializable {}

  /**
   * Runs the trial and commits it.
   *
   * @return the attempt as committed, without its epochs (the driver reads its status, error and epoch
   *     counts; the epochs stay in the store instead of travelling back with every task); for an attempt
   *     cancelled with its sweep, the attempt as it ended, not committed, with the error "cancelled"
   */
  public FrozenTrial run() throws IOException {
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    ResultStore store = ResultStore.openOrCreate(storeUri, conf);
    TrialConfig cfg = TrialConfig.fromCanonicalJson(configJson);
    String device = device();
    String host = InetAddress.getLocalHost().getHostName();
    Instant started = Instant.now();
    TaskContext ctx = TaskContext.get();
    Map<String, Object> attemptInfo = new LinkedHashMap<>();
    attemptInfo.put("host", host);
    attemptInfo.put("device", device);
    attemptInfo.put("started_at", started.toString());
    attemptInfo.put("spark_stage", ctx == null ? -1 : ctx.stageId());
    attemptInfo.put("spark_attempt", ctx == null ? 0 : ctx.attemptNumber());
    settings.fence().check(store);
    int attempt = store.recordAttempt(trialId, attemptInfo);

    DataCache cache = cachedData(cfg.get(DATASET), conf);
    Splits trialSplits;
    try {
      trialSplits = cache.splits(cfg);
    } catch (IllegalArgumentException e) {
      // the trial's own split does not fit its data: its FAILED row, not a failed Spark task
      return finish(store, cfg, attempt, host, device, started, new TrialOutcome(TrialStatus.FAILED,
          java.util.List.of(), cache.load(cfg.get(DATASET)).variant(), 0,
          e.getClass().getSimpleName() + ": " + ResultStore.oneLine(e), 0), null);
    }
    Splits splits = trialSplits;
    Provenance provenance = Provenance.here(settings.threadsPerTrial(), device);
    String jobGroup = ctx == null ? null : ctx.getLocalProperty("spark.jobGroup.id");
    RunStateWriter runState = new RunStateWriter(store, trialId, cfg.get(EPOCHS), jobGroup);
    SavedModel[] finalModel = {null};
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onFinalModel(TrialConfig c, SavedModel model) {
        finalModel[0] = model;
      }

      @Override
      public boolean stopAfter(TrialConfig c, EpochRecord r) {
        return cancelled(ctx, jobGroup) || stopAtEpoch > 0 && r.epoch() >= stopAtEpoch;
      }

      @Override
      public void onTrialStart(TrialConfig c, int startEpoch) {
        runState.progress(startEpoch, null);
      }

      @Override
      public void onEpoch(TrialConfig c, EpochRecord r) {
        // live rows first: a progress file that shows an epoch implies its live rows are written
        runState.live(FrozenTrial.of(trialId, sweep, cfg.effectiveMap(), swept, null, null, attempt, 0,
            settings.codeVersion(), host, device, started, Instant.now(), splits.variant(), List.of(r), provenance));
        runState.progress(r.epoch(), r);
      }
    };
    TrialRunner.Options options = TrialRunner.Options.defaults()
        .withDevice(device, settings.threadsPerTrial())
        .withCheckpoints(runState)
        .withListener(listener);
    TrialOutcome outcome;
    try {
      outcome = TrialRunner.run(cfg, splits, options);
    } finally {
      runState.drain();
    }
    if (cancelled(ctx, jobGroup)) {
      // the sweep has returned (or Spark killed this task): nothing more of this attempt is written
      return ended(cfg, attempt, host, device, started, outcome, "cancelled").withoutEpochs();
    }
    return finish(store, cfg, attempt, host, device, started, outcome,
        outcome.status() == TrialStatus.DONE ? finalModel[0] : null);
  }

  private FrozenTrial finish(ResultStore store, TrialConfig cfg, int attempt, String host, String device,
      Instant started, TrialOutcome outcome, SavedModel model) throws IOException {
    FrozenTrial result = ended(cfg, attempt, host, device, started, outcome, outcome.error());
    store.commit(result, model, settings.fence());
    if (outcome.status() == TrialStatus.STOPPED) {
      store.clearProgressKeepingCheckpoint(trialId);
    } else {
      store.clearRunState(trialId);
    }
    return result.withoutEpochs();
  }

  private FrozenTrial ended(TrialConfig cfg, int attempt, String host, String device, Instant started,
      TrialOutcome outcome, String error) {
    return FrozenTrial.of(trialId, sweep, cfg.effectiveMap(), swept, outcome.status(), error, attempt,
        outcome.startEpoch(), settings.codeVersion(), host, device, started, Instant.now(), outcome.dataVariant(),
        outcome.epochs(), Provenance.here(settings.threadsPerTrial(), device));
  }

  private static boolean cancelled(TaskContext ctx, String jobGroup) {
    return Fence.closed(jobGroup) || ctx != null && ctx.isInterrupted();
  }

  /**
   * The Spark job groups of sweeps that have returned. In local mode a task of a failed or
   * cancelled job goes on running in the driver's JVM until its trial notices; from the moment its
   * sweep closes the fence, its trial stops at the next epoch's end and no write of its run state
   * (checkpoint, progress, live rows) and no commit happens any more.
   */
  public static final class Fence {
    private static final java.util.Set<String> CLOSED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Fence() {}

    static boolean closed(String jobGroup) {
      return jobGroup != null && CLOSED.contains(jobGroup);
    }

    /** Closes a job group's fence; returns once every run-state write that had started is done. */
    public static void close(String jobGroup) {
      CLOSED.add(jobGroup);
      // the writer runs one write at a time, in order: when this no-op runs, the write before it is done
      RunStateWriter.await(RunStateWriter.WRITER.submit(() -> {}));
    }
  }

  /**
   * A running trial's checkpoints and progress file, written off the training thread by one
   * JVM-wide writer, in the order the trial gave them: a progress file never announces an epoch
   * whose checkpoint is not written yet. At most one checkpoint of a trial waits (its host copy
   * is held until written). A checkpoint that cannot be written fails the trial at its next
   * checkpoint; the one after the last epoch is not written at all, since the commit follows at
   * once and removes it. Progress is informational: a write that fails is skipped.
   */
  static final class RunStateWriter implements CheckpointStore {
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bopsweep-run-state");
      t.setDaemon(true);
      return t;
    });
    private final ResultStore store;
    private final CheckpointStore checkpoints;
    private final Path progressFile;
    private final int epochs;
    private Future<?> last = CompletableFuture.completedFuture(null);
    private Future<?> lastCheckpoint = last;
    private volatile Exception checkpointFailure;
    private double bestTestAcc = Double.NaN;
    private final String jobGroup;

    RunStateWriter(ResultStore store, String trialId, int epochs, String jobGroup) {
      this(store, store.checkpoints(trialId), new Path(store.root(), "_checkpoints/" + trialId + "/progress.json"),
          epochs, jobGroup);
    }

    /** @param jobGroup the Spark job group of the trial's sweep: once its {@link Fence} is closed, nothing is written */
    RunStateWriter(ResultStore store, CheckpointStore checkpoints, Path progressFile, int epochs, String jobGroup) {
      this.store = store;
      this.checkpoints = checkpoints;
      this.progressFile = progressFile;
      this.epochs = epochs;
      this.jobGroup = jobGroup;
    }

    /** Submits a write that is skipped if the fence of this trial's sweep is closed by the time it runs. */
    private Future<?> submit(Runnable write) {
      return WRITER.submit(() -> {
        if (!Fence.closed(jobGroup)) {
          write.run();
        }
      });
    }

    @Override
    public Optional<Checkpoint> load() throws IOException {
      return checkpoints.load();
    }

    @Override
    public void save(Checkpoint checkpoint) throws IOException {
      if (checkpoint.records().size() >= epochs) {
        return;
      }
      await(lastCheckpoint);
      Exception failed = checkpointFailure;
      if (failed != null) {
        throw failed instanceof IOException io ? io : new IOException(failed.getMessage(), failed);
      }
      lastCheckpoint = submit(() -> {
        try {
          checkpoints.save(checkpoint);
        } catch (IOException | RuntimeException e) {
          checkpointFailure = e;
        }
      });
      last = lastCheckpoint;
    }

    @Override
    public void clear() throws IOException {
      drain();
      checkpoints.clear();
    }

    void progress(int epoch, EpochRecord r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("epochs", epochs);
      m.put("time", Instant.now().toString());
      if (r != null) {
        bestTestAcc = r.testAcc() <= bestTestAcc ? bestTestAcc : r.testAcc();
        m.put("test_acc", r.testAcc());
        m.put("best_test_acc", bestTestAcc);
        m.put("epoch_seconds", r.trainSeconds() + r.evalSeconds());
      }
      String line = Json.line(m);
      last = submit(() -> {
        try {
          store.writeSmall(progressFile, line);
        } catch (IOException e) {
          // progress is informational; the trial goes on
        }
      });
    }

    /** The rows of an epoch that just finished, for readers of running trials; skipped if the write fails. */
    void live(FrozenTrial oneEpoch) {
      last = submit(() -> {
        try {
          store.writeLiveEpochs(oneEpoch);
        } catch (IOException | RuntimeException e) {
          // live rows are informational; the commit writes the epochs
        }
      });
    }

    /** Waits for this trial's writes, so that none lands after its run state is removed. */
    void drain() {
      await(last);
    }

    static void await(Future<?> f) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        // cannot happen: the writes catch their own failures
      }
    }
  }

  /** The GPU Spark assigned to this task, else the CPU. */
  static String device() {
    TaskContext ctx = TaskContext.get();
    if (ctx != null) {
      ResourceInformation gpu = ctx.resources().get("gpu").getOrElse(() -> null);
      if (gpu != null && gpu.addresses().length > 0) {
        return "gpu:" + gpu.addresses()[0];
      }
    }
    return "cpu";
  }

  /**
   * This machine's data cache, holding the dataset, fetched if missing from the configured source for it
   * (a local path, URL, or Hadoop URI such as hdfs:// or s3a://, copied here first), else the
   * built-in sources.
   */
  private DataCache cachedData(Dataset dataset, Configuration conf) throws IOException {
    DataCache cache = DataCache.resolve(settings.dataDir());
    if (cache.entry(dataset) == null) {
      String from = settings.dataSources().get(dataset.id());
      if (from != null && from.contains("://") && !from.startsWith("http://") && !from.startsWith("https://")
          && !from.startsWith("file:")) {
        Path remote = new Path(from);
        java.nio.file.Path local = Files.createTempFile("bopsweep-" + dataset.id(), "-" + remote.getName());
        try {
          FileSystem fs = remote.getFileSystem(conf);
          try (InputStream in = fs.open(remote)) {
            Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          cache.ensure(dataset, local.toString());
        } finally {
          Files.deleteIfExists(local);
        }
      } else {
        cache.ensure(dataset, from);
      }
    }
    return cache;
  }
}
