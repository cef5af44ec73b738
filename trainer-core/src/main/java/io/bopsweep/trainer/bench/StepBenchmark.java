package io.bopsweep.trainer.bench;

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
import java.util.Arrays;
import java.util.Random;

/**
 * Measures the trainer on random data of the right shape: training steps split into forward,
 * backward and optimizer; achieved GFLOP/s; peak memory; and one epoch end to end through the
 * real training loop (batching, shuffling, evaluation included).
 */
public final class StepBenchmark {

  /** What one configuration measured (medians over repeats of the timed steps). */
  public record Result(String name, int batch, int threads, double samplesPerSec, double msForward, double msBackward,
      double msOptimizer, double msStep, double optimizerShare, double gflops, double peakRssMb,
      double epochSeconds, int epochImages, double epochSamplesPerSec) {}

  private StepBenchmark() {}

  /**
   * @param warmup untimed steps first, at least
   * @param warmupSeconds and for at least this long: the JIT recompiles the optimizer kernels a few
   *     times in the first second of steps (each time a branch is first taken), running their
   *     Vector API code uncompiled in between
   * @param profile if not null, runs {@code steps} more steps (not timed) under libtorch's profiler
   *     and writes its Chrome trace (chrome://tracing, Perfetto) to this file
   */
  public static Result run(String name, TrialConfig cfg, int threads, int warmup, double warmupSeconds, int steps,
      int repeats, int epochImages, Path profile) {
    TorchRuntime.enter(threads);
    int batch = cfg.batchSize();
    int c = cfg.dataset().channels();
    int size = cfg.dataset().imageSize();
    Random rnd = new Random(1);
    double[] fwd = new double[repeats];
    double[] bwd = new double[repeats];
    double[] opt = new double[repeats];
    long macs;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Network net = Models.build(cfg, c, size, 10, TrialOptimizer.kernelStart(cfg), manager);
      macs = net.macsPerSample();
      // so many steps per epoch that the schedules stay at (or next to) their base values
      TrialOptimizer optimizer = new TrialOptimizer(cfg, net, manager, Integer.MAX_VALUE);
      Pass pass = new Pass(true, Pass.KernelView.BINARY, cfg.bnMomentum());
      float[] pixels = new float[batch * c * size * size];
      long[] labels = new long[batch];
      int profiled = profile == null ? 0 : 1;
      for (int r = -1; r < repeats + profiled; r++) {
        long[] nanos = new long[3];
        int n = r < 0 ? warmup : steps;
        long warmUntil = r < 0 ? System.nanoTime() + (long) (warmupSeconds * 1e9) : Long.MIN_VALUE;
        boolean profiling = r == repeats;
        if (profiling) {
          JniUtils.startProfile(false, true, false);
        }
        for (int s = 0; s < n || System.nanoTime() < warmUntil; s++) {
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
          fwd[r] = nanos[0] / 1e6 / steps;
          bwd[r] = nanos[1] / 1e6 / steps;
          opt[r] = nanos[2] / 1e6 / steps;
        }
      }
    }
    double f = median(fwd);
    double b = median(bwd);
    double o = median(opt);
    double step = f + b + o;
    double gflops = 6.0 * macs * batch / (step / 1e3) / 1e9;

    ImageSet train = random(Math.max(epochImages, batch), c, size, 2);
    ImageSet test = random(Math.max(1000, batch), c, size, 3);
    TrialConfig one = cfg.with("epochs", 1);
    TrialOutcome o1 = TrialRunner.run(one, new Splits("bench", train, test, null),
        TrialRunner.Options.defaults().withDevice("cpu", threads));
    double epochSeconds = o1.epochs().isEmpty() ? Double.NaN
        : o1.epochs().get(0).trainSeconds() + o1.epochs().get(0).evalSeconds();
    return new Result(name, batch, threads, batch / (step / 1e3), f, b, o, step, o / step, gflops, peakRssMb(),
        epochSeconds, train.size(), train.size() / epochSeconds);
  }

  /** Achieved float32 matmul GFLOP/s on this machine with the current thread setting (n x n times n x n). */
  public static double matmulPeak(int threads, int n, int repeats) {
    TorchRuntime.enter(threads);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
      NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
      a.matMul(b).close();
      double[] t = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        a.matMul(b).close();
        t[r] = (System.nanoTime() - t0) / 1e9;
      }
      return 2.0 * n * n * (double) n / median(t) / 1e9;
    }
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
