package io.bopsweep.trainer.bench;

import static io.bopsweep.trainer.config.Settings.BATCH_SIZE;
import static io.bopsweep.trainer.config.Settings.BN_MOMENTUM;
import static io.bopsweep.trainer.config.Settings.DATASET;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.ImageSet;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.model.Models;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Pass;
import io.bopsweep.trainer.optim.TrialOptimizer;
import io.bopsweep.trainer.train.TorchRuntime;
import io.bopsweep.trainer.train.TrainStep;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures the trainer on random data of the right shape: training steps split into forward,
 * backward and optimizer; achieved GFLOP/s; peak memory; and one epoch end to end through the
 * real training loop (batching, shuffling, evaluation included).
 */
public final class StepBenchmark {

  /**
   * What one configuration measured: medians over repeats of the timed steps, with the fastest and
   * slowest repeat's step time; FLOPs as {@link Network#trainingFlopsPerSample()} counts them.
   */
  public record Result(String name, int batch, int threads, double samplesPerSec, double msForward, double msBackward,
      double msOptimizer, double msStep, double msStepMin, double msStepMax, List<Integer> stepsPerRepeat,
      List<Double> secondsPerRepeat, double optimizerShare, double flopsPerSample, double gflops, double peakRssMb,
      double epochSeconds, int epochImages, double epochSamplesPerSec) {}

  private StepBenchmark() {}

  /**
   * @param steps timed steps per repeat, at least
   * @param repeatSeconds and for at least this long, so that a repeat spans the machine's short swings
   * @param warmup untimed steps first, at least
   * @param warmupSeconds and for at least this long: the JIT recompiles the optimizer kernels a few
   *     times in the first second of steps (each time a branch is first taken), running their
   *     Vector API code uncompiled in between
   * @param profile if not null, runs {@code steps} more steps (not timed) under libtorch's profiler
   *     and writes its Chrome trace (chrome://tracing, Perfetto) to this file
   */
  public static Result run(String name, TrialConfig cfg, int threads, int warmup, double warmupSeconds, int steps,
      double repeatSeconds, int repeats, int epochImages, Path profile) {
    TorchRuntime.enter(threads);
    int batch = cfg.get(BATCH_SIZE);
    int c = cfg.get(DATASET).channels();
    int size = cfg.get(DATASET).imageSize();
    Random rnd = new Random(1);
    double[] fwd = new double[repeats];
    double[] bwd = new double[repeats];
    double[] opt = new double[repeats];
    double[] stepMs = new double[repeats];
    List<Integer> stepsPerRepeat = new ArrayList<>();
    List<Double> secondsPerRepeat = new ArrayList<>();
    double flopsPerSample;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Network net = Models.build(cfg, c, size, 10, TrialOptimizer.kernelStart(cfg), manager);
      flopsPerSample = net.trainingFlopsPerSample();
      // so many steps per epoch that the schedules stay at (or next to) their base values
      TrialOptimizer optimizer = new TrialOptimizer(cfg, net, manager, Integer.MAX_VALUE);
      Pass pass = new Pass(true, Pass.KernelView.BINARY, cfg.get(BN_MOMENTUM));
      float[] pixels = new float[batch * c * size * size];
      long[] labels = new long[batch];
      int profiled = profile == null ? 0 : 1;
      for (int r = -1; r < repeats + profiled; r++) {
        long[] nanos = new long[3];
        boolean profiling = r == repeats;
        int n = r < 0 ? warmup : steps;
        // the timed phases (not the wall, which includes making the random batch) reach the repeat's length
        long target = (long) ((r < 0 ? warmupSeconds : profiling ? 0 : repeatSeconds) * 1e9);
        if (profiling) {
          JniUtils.startProfile(false, true, false);
        }
        int s = 0;
        for (; s < n || nanos[0] + nanos[1] + nanos[2] < target; s++) {
          for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextFloat() * 2 - 1;
          }
          for (int i = 0; i < batch; i++) {
            labels[i] = rnd.nextInt(10);
          }
          try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(pixels, new Shape(batch, c, size, size));
            NDArray y = manager.create(labels);
            TrainStep.run(net, optimizer, pass, x, y, nanos);
          }
        }
        if (profiling) {
          JniUtils.stopProfile(profile.toString());
        } else if (r >= 0) {
          fwd[r] = nanos[0] / 1e6 / s;
          bwd[r] = nanos[1] / 1e6 / s;
          opt[r] = nanos[2] / 1e6 / s;
          stepMs[r] = fwd[r] + bwd[r] + opt[r];
          stepsPerRepeat.add(s);
          secondsPerRepeat.add(stepMs[r] * s / 1e3);
        }
      }
    }
    double f = median(fwd);
    double b = median(bwd);
    double o = median(opt);
    double step = f + b + o;
    double gflops = flopsPerSample * batch / (step / 1e3) / 1e9;

    ImageSet train = random(Math.max(epochImages, batch), c, size, 2);
    ImageSet test = random(Math.max(1000, batch), c, size, 3);
    TrialConfig one = cfg.with("epochs", 1);
    TrialOutcome o1 = TrialRunner.run(one, new Splits("bench", train, test, null),
        TrialRunner.Options.defaults().withDevice("cpu", threads));
    double epochSeconds = o1.epochs().isEmpty() ? Double.NaN
        : o1.epochs().get(0).trainSeconds() + o1.epochs().get(0).evalSeconds();
    return new Result(name, batch, threads, batch / (step / 1e3), f, b, o, step, Arrays.stream(stepMs).min().orElseThrow(),
        Arrays.stream(stepMs).max().orElseThrow(), stepsPerRepeat, secondsPerRepeat, o / step, flopsPerSample, gflops,
        peakRssMb(), epochSeconds, train.size(), train.size() / epochSeconds);
  }

  /**
   * Sustained float32 matmul GFLOP/s with the current thread setting, per size n (n x n times n x n):
   * the best of {@code repeats} repeats, each multiplying for at least {@code seconds}.
   */
  public static Map<Integer, Double> matmulPeak(int threads, List<Integer> sizes, double seconds, int repeats) {
    TorchRuntime.enter(threads);
    Map<Integer, Double> best = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      for (int n : sizes) {
        try (NDManager sub = m.newSubManager()) {
          NDArray a = sub.randomUniform(-1, 1, new Shape(n, n));
          NDArray b = sub.randomUniform(-1, 1, new Shape(n, n));
          a.matMul(b).close();
          double rate = 0;
          for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            long k = 0;
            do {
              a.matMul(b).close();
              k++;
            } while (System.nanoTime() - t0 < seconds * 1e9);
            rate = Math.max(rate, 2.0 * n * n * (double) n * k / ((System.nanoTime() - t0) / 1e9) / 1e9);
          }
          best.put(n, rate);
        }
      }
    }
    return best;
  }

  static ImageSet random(int n, int c, int size, long seed) {
    byte[] px = new byte[n * c * size * size];
    byte[] labels = new byte[n];
    Random r = new Random(seed);
    r.nextBytes(px);
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) r.nextInt(10);
    }
    return new ImageSet(px, labels, c, size, size);
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Peak resident memory of this process (VmHWM), in MiB; NaN where /proc is missing. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return Double.NaN;
  }
}
