package io.bopsweep.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import io.bopsweep.trainer.TorchTest;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Adam (Keras form) on both paths against a plain-Java reference: the host path bitwise, the tensor path within rounding. */
class AdamUpdateTest extends TorchTest {
  @ParameterizedTest(name = "clip={0}")
  @ValueSource(booleans = {false, true})
  void bothPathsMatchThePlainJavaReference(boolean clip) {
    Random rnd = new Random(clip ? 1 : 2);
    int n = 70_000;
    float[] w0 = new float[n];
    for (int i = 0; i < n; i++) {
      w0[i] = (float) (rnd.nextGaussian() * 0.8);
    }
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
    for (int t = 1; t <= grads.length; t++) {
      float lrT = (float) (lr * Math.sqrt(1 - Math.pow(AdamUpdate.BETA2, t)) / (1 - Math.pow(AdamUpdate.BETA1, t)));
      for (int i = 0; i < n; i++) {
        float g = grads[t - 1][i];
        m[i] = m[i] * AdamUpdate.BETA1 + g * (1 - AdamUpdate.BETA1);
        v[i] = v[i] * AdamUpdate.BETA2 + (g * g) * (1 - AdamUpdate.BETA2);
        w[i] = w[i] - (m[i] / ((float) Math.sqrt(v[i]) + AdamUpdate.EPSILON)) * lrT;
        if (clip) {
          w[i] = Math.max(-1f, Math.min(1f, w[i]));
        }
      }
      expected[t - 1] = w.clone();
    }
    for (boolean host : new boolean[] {true, false}) {
      NDArray weights = manager.create(w0);
      AdamUpdate adam = new AdamUpdate(manager, weights, host);
      for (int t = 0; t < grads.length; t++) {
        try (NDArray g = manager.create(grads[t])) {
          adam.step(weights, g, lr, clip);
        }
        // the host path rounds exactly as the reference; libtorch's vectorized kernels may differ in the last bit
        assertArrayEquals(expected[t], weights.toFloatArray(), host ? 0f : 1e-6f, (host ? "host" : "tensor") + " path, step " + (t + 1));
      }
    }
  }
}
