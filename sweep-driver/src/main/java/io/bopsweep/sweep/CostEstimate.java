package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.BATCH_SIZE;
import static io.bopsweep.trainer.config.Settings.DATASET;
import static io.bopsweep.trainer.config.Settings.EPOCHS;
import static io.bopsweep.trainer.config.Settings.LATENT_DTYPE;
import static io.bopsweep.trainer.config.Settings.MODEL;
import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static io.bopsweep.trainer.config.Settings.PADDING;
import static io.bopsweep.trainer.config.Settings.TEST_LIMIT;
import static io.bopsweep.trainer.config.Settings.TRAIN_LIMIT;
import static io.bopsweep.trainer.config.Settings.VALIDATION_SPLIT;
import static io.bopsweep.trainer.config.Settings.WIDTH;

import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.ImageSet;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.model.Models;
import io.bopsweep.trainer.train.TorchRuntime;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import io.bopsweep.trainer.train.TrialStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** How much a sweep costs: multiply-adds from the models, time from a measured probe or a given throughput. */
public final class CostEstimate {
  private CostEstimate() {}

  /** Images per epoch a trial trains on and evaluates. */
  public record Work(long trainImages, long evalImages, long macsPerImage) {
    /** Forward plus the two backward products of every linear and conv layer, x2 for multiply-add. */
    public double flopsPerEpoch() {
      return 6.0 * macsPerImage * trainImages + 2.0 * macsPerImage * evalImages;
    }
  }

  public static Work work(TrialConfig cfg) {
    long train = cfg.get(DATASET).trainSize();
    long test = cfg.get(DATASET).testSize();
    train -= cfg.get(VALIDATION_SPLIT);
    long val = cfg.get(VALIDATION_SPLIT);
    if (cfg.get(TRAIN_LIMIT) > 0) {
      train = Math.min(train, cfg.get(TRAIN_LIMIT));
    }
    if (cfg.get(TEST_LIMIT) > 0) {
      test = Math.min(test, cfg.get(TEST_LIMIT));
    }
    train = train / cfg.get(BATCH_SIZE) * cfg.get(BATCH_SIZE);
    return new Work(train, test + val, macs(cfg));
  }

  private static final Map<String, Long> MACS = new HashMap<>();

  static synchronized long macs(TrialConfig cfg) {
    String key = cfg.get(DATASET) + "/" + cfg.get(MODEL) + "/" + cfg.get(WIDTH) + "/" + cfg.get(PADDING);
    return MACS.computeIfAbsent(key, k -> {
      TorchRuntime.enter(0);
      try (NDManager m = NDManager.newBaseManager("PyTorch")) {
        return Models.build(cfg.with("optimizer", "bop"), cfg.get(DATASET).channels(), cfg.get(DATASET).imageSize(),
            cfg.get(DATASET).classes(), m)
            .macsPerSample();
      }
    });
  }

  /**
   * Builds each distinct model of the trials once, at a tiny width (shapes do not depend on it),
   * so that a model that cannot take its dataset's images fails before anything runs.
   *
   * @throws io.bopsweep.trainer.config.ConfigException naming the setting
   */
  public static void checkModels(List<Trial> trials) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Trial t : trials) {
      TrialConfig cfg = t.config();
      if (!seen.add(cfg.get(DATASET) + "/" + cfg.get(MODEL) + "/" + cfg.get(PADDING))) {
        continue;
      }
      TrialConfig small = cfg.with(Map.of("width", cfg.get(MODEL) == io.bopsweep.trainer.config.Choices.Model.MLP ? 8 : 0.01,
          "optimizer", "bop"));
      TorchRuntime.enter(0);
      try (NDManager m = NDManager.newBaseManager("PyTorch")) {
        Models.build(small, cfg.get(DATASET).channels(), cfg.get(DATASET).imageSize(), cfg.get(DATASET).classes(), m);
      }
    }
  }

  /**
   * What a local sweep spends outside its trials, about: the JVM and Spark starting, planning,
   * the trials' commits and the end. The "outside trials" figure of the sweep's last line measures
   * it; docs/performance.md gives the runs behind this value.
   */
  public static final double LOCAL_SWEEP_FIXED_SECONDS = 8;

  /** Seconds of untimed probe epochs before the timed one: the JIT compiles the step's code in the first seconds. */
  static final double PROBE_WARMUP_SECONDS = 3;

  /** The timed probe epoch lasts about this long, so that a fast model is not timed over a few milliseconds. */
  static final double PROBE_TIMED_SECONDS = 1;

  /**
   * Training images per second on this machine for a config's model and batch, on random data,
   * warmed as bench warms: short epochs, untimed, for {@link #PROBE_WARMUP_SECONDS}, then one epoch
   * of about {@link #PROBE_TIMED_SECONDS}, timed.
   */
  public static double probe(TrialConfig cfg, int threads) {
    int batch = cfg.get(BATCH_SIZE);
    int warmSteps = 4;
    long until = System.nanoTime() + (long) (PROBE_WARMUP_SECONDS * 1e9);
    double warm;
    do {
      warm = probeEpoch(cfg, threads, warmSteps);
    } while (!Double.isNaN(warm) && System.nanoTime() < until);
    if (Double.isNaN(warm)) {
      return Double.NaN;
    }
    int steps = (int) Math.max(warmSteps, Math.min(500, Math.ceil(PROBE_TIMED_SECONDS * warm / batch)));
    return probeEpoch(cfg, threads, steps);
  }

  /** Images per second of training time in one epoch of {@code steps} steps of a fresh trial. */
  private static double probeEpoch(TrialConfig cfg, int threads, int steps) {
    TrialConfig probe = cfg.with(Map.of("epochs", 1, "train_limit", 0, "test_limit", 0, "validation_split", 0,
        "gamma_schedule", "constant", "lr_schedule", "constant", "eval_latent", false));
    ImageSet train = random(cfg.get(BATCH_SIZE) * steps, cfg.get(DATASET), 1);
    ImageSet test = random(cfg.get(BATCH_SIZE), cfg.get(DATASET), 2);
    TrialOutcome o = TrialRunner.run(probe, new Splits("probe", train, test, null),
        TrialRunner.Options.defaults().withDevice("cpu", threads));
    if (o.status() != TrialStatus.DONE || o.epochs().isEmpty()) {
      return Double.NaN;
    }
    return o.epochs().get(0).samplesPerSec();
  }

  /**
   * Seconds of {@code epochs} epochs of this work at {@code imagesPerSec} training images per second;
   * evaluation runs forward only, about a third of a training step per image.
   */
  public static double trainingSeconds(long epochs, Work w, double imagesPerSec) {
    return epochs * (w.trainImages() + w.evalImages() / 3.0) / imagesPerSec;
  }

  /**
   * Wall time of a local sweep: its fixed cost, then the trials' time spread over the slots that
   * run at once.
   */
  public static double localWallSeconds(double trialSeconds, int trials, int slots) {
    return trials == 0 ? 0 : LOCAL_SWEEP_FIXED_SECONDS + trialSeconds / Math.max(1, Math.min(slots, trials));
  }

  private static ImageSet random(int n, Dataset d, long seed) {
    int per = d.channels() * d.imageSize() * d.imageSize();
    byte[] px = new byte[n * per];
    byte[] labels = new byte[n];
    Random r = new Random(seed);
    r.nextBytes(px);
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) r.nextInt(10);
    }
    return new ImageSet(px, labels, d.channels(), d.imageSize(), d.imageSize());
  }

  /** A probe key: trials that share it train at the same speed. */
  public static String speedKey(TrialConfig c) {
    return String.join("/", c.get(DATASET).id(), c.get(MODEL).id(), String.valueOf(c.get(WIDTH)), c.get(PADDING).id(),
        c.get(OPTIMIZER).id(), String.valueOf(c.get(BATCH_SIZE)), c.get(LATENT_DTYPE).id());
  }

  public static double totalFlops(List<Trial> trials) {
    double total = 0;
    for (Trial t : trials) {
      total += work(t.config()).flopsPerEpoch() * t.config().get(EPOCHS);
    }
    return total;
  }
}
