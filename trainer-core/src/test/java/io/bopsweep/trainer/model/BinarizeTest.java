package io.bopsweep.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.bopsweep.trainer.TorchTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinarizeTest extends TorchTest {
  private static float[] forwardAndGradient(float[] x, float[] upstream, float[] forwardOut) {
    return forwardAndGradient(x, upstream, forwardOut, false);
  }

  private static float[] forwardAndGradient(float[] x, float[] upstream, float[] forwardOut, boolean approx) {
    NDArray in = manager.create(x);
    in.setRequiresGradient(true);
    JniUtils.setGradMode(true);
    try {
      NDArray out = approx ? Binarize.approxSign(in, true) : Binarize.steSign(in, true);
      System.arraycopy(out.toFloatArray(), 0, forwardOut, 0, x.length);
      NDArray loss = out.mul(manager.create(upstream)).sum();
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
    } finally {
      JniUtils.setGradMode(false);
    }
    return in.getGradient().toFloatArray();
  }

  @Test
  void steSignPassesGradientWhereAbsXAtMostOne() {
    float[] x = {-3f, -1.0001f, -1f, -0.5f, -0f, 0f, 1e-8f, 0.999f, 1f, 1.0001f, 42f};
    Random rnd = new Random(3);
    float[] upstream = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      upstream[i] = (float) rnd.nextGaussian();
    }
    float[] forward = new float[x.length];
    float[] grad = forwardAndGradient(x, upstream, forward);
    float[] expectedForward = new float[x.length];
    float[] expectedGrad = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      expectedForward[i] = x[i] >= 0 ? 1f : -1f;
      expectedGrad[i] = Math.abs(x[i]) <= 1 ? upstream[i] : 0f;
    }
    assertArrayEquals(expectedForward, forward, 0f, "forward is exactly sign(x) with sign(0) = +1");
    assertArrayEquals(expectedGrad, grad, 0f, "gradient passes where |x| <= 1");
  }

  @Test
  void approxSignPassesTwoMinusTwiceAbsXWhereAbsXAtMostOne() {
    Random rnd = new Random(5);
    int n = 2_000;
    float[] x = new float[n + 6];
    System.arraycopy(new float[] {-1f, 1f, -0f, 0f, 1.0001f, -1.5f}, 0, x, 0, 6);
    float[] up = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      if (i >= 6) {
        x[i] = (float) (rnd.nextGaussian() * 1.2);
      }
      up[i] = (float) rnd.nextGaussian();
    }
    float[] forward = new float[x.length];
    float[] grad = forwardAndGradient(x, up, forward, true);
    for (int i = 0; i < x.length; i++) {
      double a = Math.abs((double) x[i]);
      double expected = a <= 1 ? up[i] * (2 - 2 * a) : 0;
      org.junit.jupiter.api.Assertions.assertEquals(x[i] >= 0 ? 1f : -1f, forward[i], 0f, "forward at " + x[i]);
      org.junit.jupiter.api.Assertions.assertEquals(expected, grad[i], 1e-5 * (1 + Math.abs(up[i])), "gradient at " + x[i]);
    }
  }

  @Test
  void randomInputsAgainstPlainJava() {
    Random rnd = new Random(11);
    int n = 10_000;
    float[] x = new float[n];
    float[] up = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextGaussian() * 1.5);
      up[i] = (float) rnd.nextGaussian();
    }
    float[] forward = new float[n];
    float[] grad = forwardAndGradient(x, up, forward);
    for (int i = 0; i < n; i++) {
      if (forward[i] != (x[i] >= 0 ? 1f : -1f) || grad[i] != (Math.abs(x[i]) <= 1 ? up[i] : 0f)) {
        throw new AssertionError("element " + i + " x=" + x[i] + " forward=" + forward[i] + " grad=" + grad[i]);
      }
    }
  }
}
