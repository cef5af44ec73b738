package io.bopsweep.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.MomentumStart;
import io.bopsweep.trainer.TorchTest;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BopUpdateTest extends TorchTest {
  static Stream<Arguments> settings() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (FlipRule rule : FlipRule.values()) {
      for (MomentumStart start : MomentumStart.values()) {
        for (double gamma : new double[] {1e-3, 0.3, 1.0, 0.0}) {
          for (double tau : new double[] {0.0, 1e-6, 1e-2}) {
            b.add(Arguments.of(rule, start, gamma, tau));
          }
        }
      }
    }
    return b.build();
  }

  /** Runs both implementations for several steps on the same inputs and compares every array. */
  private static void compare(FlipRule rule, MomentumStart start, double gamma, double tau, float[] w0, float[][] grads) {
    // every implementation: one pass on the CPU tensors' memory (vector, scalar), and tensor operations (GPU path)
    for (HostKernels kernels : Paths.all()) {
      compare(rule, start, gamma, tau, w0, grads, kernels);
    }
  }

  private static void compare(FlipRule rule, MomentumStart start, double gamma, double tau, float[] w0, float[][] grads,
      HostKernels kernels) {
    double[] taus = new double[grads.length];
    java.util.Arrays.fill(taus, tau);
    compare(rule, start, gamma, taus, w0, grads, kernels);
  }

  /** As above with a tau per step. */
  private static void compare(FlipRule rule, MomentumStart start, double gamma, double[] taus, float[] w0,
      float[][] grads, HostKernels kernels) {
    BopReference ref = new BopReference(w0, rule, start);
    NDArray w = manager.create(w0);
    BopUpdate bop = new BopUpdate(manager, w, rule, start, kernels);
    for (int s = 0; s < grads.length; s++) {
      double tau = taus[s];
      long expectedFlips = ref.step(grads[s], gamma, tau);
      long flips;
      try (NDArray g = manager.create(grads[s]); NDArray f = bop.step(w, g, gamma, tau)) {
        flips = f.getLong();
      }
      String where = rule + "/" + start + " gamma=" + gamma + " tau=" + tau + " step " + s + " " + Paths.name(kernels);
      assertArrayEquals(ref.m, bop.momentum().toFloatArray(), 0f, "momentum, " + where);
      assertArrayEquals(ref.w, w.toFloatArray(), 0f, "weights, " + where);
      assertEquals(expectedFlips, flips, "flip count, " + where);
    }
  }

  /**
   * Gradients that keep their sign for many steps (most vectors settled, so the kernels skip
   * reading w there) with a few that turn, near-zero and zero ones, and NaN, under a tau that moves
   * up and down between steps.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rulesAndStarts")
  void matchesReferenceWhenMostWeightsAreSettled(FlipRule rule, MomentumStart start) {
    settledCase(rule, start, 70_001, Paths.all());
  }

  /** The same over more chunks than a call keeps on one thread, on three kernel threads. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rulesAndStarts")
  void matchesReferenceOnSeveralKernelThreads(FlipRule rule, MomentumStart start) {
    KernelThreads.set(3);
    try {
      settledCase(rule, start, KernelThreads.MIN_CHUNKS * HostBuffers.CHUNK + 1001,
          List.of(HostKernels.vector(), HostKernels.scalar()));
    } finally {
      KernelThreads.set(1);
    }
  }

  private static void settledCase(FlipRule rule, MomentumStart start, int n, List<HostKernels> paths) {
    Random rnd = new Random(rule.ordinal() * 2 + start.ordinal());
    double[] taus = {1e-4, 1e-4, 1e-4, 1e-3, 1e-5, 1e-5, 0.0, 0.0, 3e-4, 1e-6, 2e-3, 1e-4};
    float[] w = new float[n];
    float[] base = new float[n];
    int[] turnAt = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = rnd.nextBoolean() ? 1f : -1f;
      base[i] = (float) ((rnd.nextBoolean() ? 1 : -1) * Math.pow(10, -2 - rnd.nextInt(4)));
      turnAt[i] = rnd.nextInt(40) < taus.length ? rnd.nextInt(taus.length) : -1;
    }
    float[][] grads = new float[taus.length][n];
    for (int s = 0; s < taus.length; s++) {
      for (int i = 0; i < n; i++) {
        float b = turnAt[i] >= 0 && s >= turnAt[i] ? -base[i] : base[i];
        grads[s][i] = i % 997 == 0 ? 0f : b + (float) (rnd.nextGaussian() * 1e-5);
      }
    }
    grads[5][123] = Float.NaN;
    grads[7][40_000] = Float.POSITIVE_INFINITY;
    grads[9][n - 3] = Float.NaN;
    for (HostKernels kernels : paths) {
      compare(rule, start, 0.3, taus, w, grads, kernels);
    }
  }

  @ParameterizedTest(name = "{0} {1} gamma={2} tau={3}")
  @MethodSource("settings")
  void matchesReferenceOnRandomInputs(FlipRule rule, MomentumStart start, double gamma, double tau) {
    Random rnd = new Random(Double.hashCode(gamma) * 31 + Double.hashCode(tau) + rule.ordinal() * 7 + start.ordinal());
    int n = 70_001; // more than one chunk, and a tail shorter than a vector
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = rnd.nextBoolean() ? 1f : -1f;
    }
    float[][] grads = new float[8][n];
    for (float[] g : grads) {
      for (int i = 0; i < n; i++) {
        // a mix of scales, exact zeros included, so that both sides of tau occur
        g[i] = i % 17 == 0 ? 0f : (float) (rnd.nextGaussian() * Math.pow(10, -1 - rnd.nextInt(6)));
      }
    }
    compare(rule, start, gamma, tau, w, grads);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rulesAndStarts")
  void edgeCases(FlipRule rule, MomentumStart start) {
    float tau = 0.25f;
    // gamma = 1 makes m equal to g exactly, so |m| == tau can be hit exactly
    float[] w = {1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
    float[] g = {tau, -tau, -tau, tau, 0, 0, 0.5f, -0.5f, -0.5f, 0.5f};
    compare(rule, start, 1.0, tau, w, new float[][] {g, g});
    // tau = 0 with m = 0: the strict rule turns the weight into +1, the inclusive rule keeps it
    compare(rule, start, 1.0, 0.0, w, new float[][] {new float[10]});
    // gamma = 0: momentum never moves from zero (or from the first gradient)
    compare(rule, start, 0.0, 0.0, w, new float[][] {g, g, g});
    // real-valued weights before the first step (bop_start real) come out as +-1
    float[] real = {0.3f, -0.2f, 0f, 0.05f, -0.7f, 0.01f, -0.01f, 0.9f, -0.9f, 0f};
    compare(rule, start, 0.5, 1e-3, real, new float[][] {g, g});
    // the same cases repeated to 40 elements, so that they fall in full vectors and in the tail
    for (HostKernels kernels : Paths.all()) {
      // |m| = 0.3 stays below tau = 0.5 for two steps without flipping w = sign(m); then tau falls to 0.1,
      // and the same m flips every weight: m above the new tau is not evidence that w is settled
      float[] same = repeat(new float[] {1, -1}, 20);
      float[] g3 = repeat(new float[] {0.3f, -0.3f}, 20);
      compare(rule, start, 1.0, new double[] {0.5, 0.5, 0.1}, same, new float[][] {g3, g3, g3}, kernels);
      // the same with m exactly at the old tau: not above it, so not settled either
      compare(rule, start, 1.0, new double[] {0.3, 0.3, 0.1}, same, new float[][] {g3, g3, g3}, kernels);
    }
    compare(rule, start, 1.0, tau, repeat(w, 4), new float[][] {repeat(g, 4), repeat(g, 4)});
    compare(rule, start, 0.5, 1e-3, repeat(real, 4), new float[][] {repeat(g, 4), repeat(g, 4)});
  }

  static float[] repeat(float[] a, int times) {
    float[] out = new float[a.length * times];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i % a.length];
    }
    return out;
  }

  static Stream<Arguments> rulesAndStarts() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (FlipRule rule : FlipRule.values()) {
      for (MomentumStart start : MomentumStart.values()) {
        b.add(Arguments.of(rule, start));
      }
    }
    return b.build();
  }

  /**
   * Weights written between steps (a checkpoint restore) are what the next step flips, also where
   * the momentum had settled them (the gradients keep their signs, and the restored weights agree
   * with them: every one of those flips).
   */
  @Test
  void readsTheWeightsAgainAfterARestore() {
    Random rnd = new Random(11);
    int n = 70_001;
    float[] before = new float[n];
    float[] restored = new float[n];
    float[][] grads = new float[4][n];
    for (int i = 0; i < n; i++) {
      before[i] = rnd.nextBoolean() ? 1f : -1f;
      float sign = rnd.nextBoolean() ? 1f : -1f;
      restored[i] = sign;
      for (float[] g : grads) {
        g[i] = sign * (float) (1e-3 + rnd.nextDouble() * 1e-3);
      }
    }
    for (HostKernels kernels : Paths.all()) {
      BopReference ref = new BopReference(before, FlipRule.STRICT, MomentumStart.ZERO);
      NDArray w = manager.create(before);
      BopUpdate bop = new BopUpdate(manager, w, FlipRule.STRICT, MomentumStart.ZERO, kernels);
      for (int s = 0; s < grads.length; s++) {
        if (s == 3) {
          w.set(java.nio.FloatBuffer.wrap(restored));
          System.arraycopy(restored, 0, ref.w, 0, n);
          bop.restore(true);
        }
        long expectedFlips = ref.step(grads[s], 0.5, 1e-4);
        try (NDArray g = manager.create(grads[s]); NDArray f = bop.step(w, g, 0.5, 1e-4)) {
          assertEquals(expectedFlips, f.getLong(), "flip count, step " + s + " " + Paths.name(kernels));
        }
        assertArrayEquals(ref.w, w.toFloatArray(), 0f, "weights, step " + s + " " + Paths.name(kernels));
      }
    }
  }

  @Test
  void strictAndInclusiveDifferExactlyAtTheThreshold() {
    float[] w = {1f, -1f};
    float[] g = {0.5f, -0.5f};
    for (FlipRule rule : FlipRule.values()) {
      NDArray weights = manager.create(w);
      BopUpdate bop = new BopUpdate(manager, weights, rule, MomentumStart.ZERO);
      try (NDArray grad = manager.create(g)) {
        bop.step(weights, grad, 1.0, 0.5).close();
      }
      float[] expected = rule == FlipRule.STRICT ? new float[] {1f, 1f} : new float[] {-1f, 1f};
      assertArrayEquals(expected, weights.toFloatArray(), rule.id());
    }
  }
}
