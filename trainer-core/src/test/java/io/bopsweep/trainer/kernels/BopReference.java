package io.bopsweep.trainer.kernels;

import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.MomentumStart;

/**
 * Bop in plain Java, element by element, in float32 arithmetic: written from the paper (Helwegen et
 * al., "Latent Weights Do Not Exist", NeurIPS 2019, Eq. 6) and the authors' code's formula.
 */
final class BopReference {
  final float[] w;
  final float[] m;
  final FlipRule rule;
  final MomentumStart start;
  boolean started;

  BopReference(float[] w, FlipRule rule, MomentumStart start) {
    this.w = w.clone();
    this.m = new float[w.length];
    this.rule = rule;
    this.start = start;
  }

  static float larqSign(float x) {
    return x >= 0 ? 1f : -1f;
  }

  /** One step; returns how many signs changed. */
  long step(float[] g, double gamma, double tau) {
    float a = (float) (1 - gamma);
    float b = (float) gamma;
    float t = (float) tau;
    long flips = 0;
    for (int i = 0; i < w.length; i++) {
      if (start == MomentumStart.FIRST_GRAD && !started) {
        m[i] = g[i];
      } else {
        m[i] = m[i] * a + g[i] * b;
      }
      float old = larqSign(w[i]);
      float next;
      if (rule == FlipRule.STRICT) {
        // authors' code: w = sign(-sign(w * m - tau) * w), with sign(0) = +1 for the outer sign
        float z = w[i] * m[i];
        float inner = z > t ? 1f : (z < t ? -1f : 0f);
        next = larqSign(-inner * w[i]);
        if (inner == 0f) {
          next = 1f;
        }
      } else {
        // paper Eq. 6: flip where |m| >= tau and sign(m) == sign(w)
        boolean sameSign = m[i] != 0 && Math.signum(m[i]) == old;
        next = Math.abs(m[i]) >= t && sameSign ? -old : old;
      }
      if (next != old) {
        flips++;
      }
      w[i] = next;
    }
    started = true;
    return flips;
  }
}
