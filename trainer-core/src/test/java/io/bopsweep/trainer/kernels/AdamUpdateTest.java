package io.bopsweep.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import io.bopsweep.trainer.TorchTest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Adam (Keras form) and the sign copy of the latent-weight optimizers on every path against a
 * plain-Java reference: the host kernels bitwise, the tensor path within rounding.
 */
class AdamUpdateTest extends TorchTest {
  @ParameterizedTest(name = "clip={0} n={1} kernel threads={2}")
  @CsvSource({"false, 70003, 1", "true, 70003, 1", "false, 590000, 3", "true, 590000, 3"})
  void everyPathMatchesThePlainJavaReference(boolean clip, int n, int threads) {
    KernelThreads.set(threads);
    try {
      compareWithReference(clip, n);
    } finally {
      KernelThreads.set(1);
    }
  }

  private static void compareWithReference(boolean clip, int n) {
    Random rnd = new Random(clip ? 1 : 2);
    float[] w0 = new float[n];
    for (int i = 0; i < n; i++) {
      w0[i] = (float) (rnd.nextGaussian() * 0.8);
    }
    w0[5] = 0f;
    w0[6] = -0f;
    float[][] grads = new float[5][n];
    for (float[] g : grads) {
      for (int i = 0; i < n; i++) {
        g[i] = i % 13 == 0 ? 0f : (float) (rnd.nextGaussian() * Math.pow(10, -rnd.nextInt(5)));
      }
    }
    double lr = 0.01;
    // reference
    float[] w = w0.clone();
    float[] m = new float[n];
    float[] v = new float[n];
    float[][] expected = new float[grads.length][];
    long[] expectedFlips = new long[grads.length];
    for (int t = 1; t <= grads.length; t++) {
      float lrT = (float) (lr * Math.sqrt(1 - Math.pow(AdamUpdate.BETA2, t)) / (1 - Math.pow(AdamUpdate.BETA1, t)));
      for (int i = 0; i < n; i++) {
        float g = grads[t - 1][i];
        float before = w[i];
        m[i] = m[i] * AdamUpdate.BETA1 + g * (1 - AdamUpdate.BETA1);
        v[i] = v[i] * AdamUpdate.BETA2 + (g * g) * (1 - AdamUpdate.BETA2);
        w[i] = w[i] - (m[i] / ((float) Math.sqrt(v[i]) + AdamUpdate.EPSILON)) * lrT;
        if (clip) {
          w[i] = Math.max(-1f, Math.min(1f, w[i]));
        }
        expectedFlips[t - 1] += sign(before) != sign(w[i]) ? 1 : 0;
      }
      expected[t - 1] = w.clone();
    }
    for (HostKernels kernels : Paths.all()) {
      for (boolean withSigns : new boolean[] {false, true}) {
        NDArray weights = manager.create(w0);
        NDArray binary = manager.create(signs(w0));
        AdamUpdate adam = new AdamUpdate(manager, weights, kernels);
        for (int t = 0; t < grads.length; t++) {
          String where = Paths.name(kernels) + " path" + (withSigns ? " with signs" : "") + ", step " + (t + 1);
          try (NDArray g = manager.create(grads[t])) {
            NDArray flips = adam.step(weights, g, lr, clip, withSigns ? binary : null);
            if (withSigns) {
              assertEquals(expectedFlips[t], flips.getLong(), "flips, " + where);
              assertArrayEquals(signs(weights.toFloatArray()), binary.toFloatArray(), 0f, "signs, " + where);
            }
          }
          // the host kernels round exactly as the reference; libtorch's vectorized kernels may differ in the last bit
          assertArrayEquals(expected[t], weights.toFloatArray(), kernels != null ? 0f : 1e-6f, where);
        }
      }
    }
  }

  @ParameterizedTest(name = "repeated {0} times, kernel threads={1}")
  @CsvSource({"7, 1", "70000, 3"})
  void signCopyOfEdgeValues(int times, int threads) {
    float nan = Float.NaN;
    float[] latent = {0f, -0f, 1e-30f, -1e-30f, nan, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, -0.5f};
    // repeated so that the values fall both in full vectors and in the tail of every lane width
    float[] l = BopUpdateTest.repeat(latent, times);
    float[] b0 = new float[l.length];
    for (int i = 0; i < b0.length; i++) {
      b0[i] = i % 3 == 0 ? 1f : -1f;
    }
    float[] expected = signs(l);
    long expectedChanges = 0;
    for (int i = 0; i < l.length; i++) {
      expectedChanges += expected[i] != b0[i] ? 1 : 0;
    }
    KernelThreads.set(threads);
    try {
      for (HostKernels kernels : Paths.all()) {
        NDArray binary = manager.create(b0);
        try (NDArray lat = manager.create(l); NDArray changes = SignCopy.copy(lat, binary, kernels)) {
          assertArrayEquals(expected, binary.toFloatArray(), 0f, Paths.name(kernels));
          assertEquals(expectedChanges, changes.getLong(), Paths.name(kernels));
        }
      }
    } finally {
      KernelThreads.set(1);
    }
  }

  /** +1 where x >= 0, -1 elsewhere (NaN included), as the binary kernels hold it. */
  private static float sign(float x) {
    return x >= 0f ? 1f : -1f;
  }

  private static float[] signs(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = sign(x[i]);
    }
    return out;
  }
}
