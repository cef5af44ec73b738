package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.FloatBuffer;
import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.MomentumStart;
import io.bopsweep.trainer.model.Binarize;

/**
 * Bop for one binary kernel: an exponential moving average m of the gradient, and a sign flip
 * where m is strong enough and agrees in sign with the weight.
 *
 * <pre>
 * m = (1 - gamma) m + gamma g              (first step with first-grad: m = g)
 * strict:    w = sign(-sign(w m - tau) w)  (authors' code; +1 where w m == tau)
 * inclusive: w = -w where |m| >= tau and sign(m) == sign(w), else w   (paper, Eq. 6)
 * </pre>
 *
 * Real-valued w (first step with bop_start real) follow the same formulas and come out as +-1.
 */
public final class BopUpdate {
  private final FlipRule rule;
  private final MomentumStart start;
  private final NDArray momentum;
  private final boolean hostPath;
  private boolean started;

  public BopUpdate(NDManager manager, NDArray kernel, FlipRule rule, MomentumStart start) {
    this(manager, kernel, rule, start, true);
  }

  /** @param hostPath use the one-pass update on the tensors' memory when they are on the CPU */
  BopUpdate(NDManager manager, NDArray kernel, FlipRule rule, MomentumStart start, boolean hostPath) {
    this.hostPath = hostPath;
    this.rule = rule;
    this.start = start;
    this.momentum = manager.zeros(kernel.getShape());
  }

  public NDArray momentum() {
    return momentum;
  }

  public boolean started() {
    return started;
  }

  public void restore(boolean started) {
    this.started = started;
  }

  /**
   * Updates m and w in place.
   *
   * @return the number of weights whose sign changed, as an int64 scalar array
   */
  public NDArray step(NDArray w, NDArray grad, double gamma, double tau) {
    if (hostPath && HostBuffers.usable(w) && HostBuffers.usable(grad)) {
      long flips = fusedStep(HostBuffers.floats(w), HostBuffers.floats(momentum), HostBuffers.floats(grad), gamma, tau);
      return w.getManager().create(flips);
    }
    if (start == MomentumStart.FIRST_GRAD && !started) {
      momentum.muli(0f).addi(grad);
    } else {
      momentum.muli((float) (1 - gamma)).addi(grad.mul((float) gamma));
    }
    started = true;
    NDArray oldSign = Binarize.sign(w);
    NDArray wm = w.mul(momentum);
    NDArray newW;
    if (rule == FlipRule.STRICT) {
      NDArray flip = wm.gt(tau);
      NDArray kept = wm.lt(tau).toType(DataType.FLOAT32, false).mul(oldSign.sub(1f)).addi(1f);
      // kept: oldSign where w m < tau, +1 where w m == tau (and where it flips, overwritten below)
      newW = NDArrays.where(flip, oldSign.neg(), kept);
    } else {
      NDArray agree = oldSign.mul(momentum);
      NDArray flip = agree.gte(tau).logicalAnd(agree.gt(0f));
      newW = NDArrays.where(flip, oldSign.neg(), oldSign);
    }
    NDArray flips = newW.neq(oldSign).sum();
    w.muli(0f).addi(newW);
    return flips;
  }

  private static final int CHUNK = 1 << 16;

  /**
   * The same update in one pass over w, m and g, on the tensors' memory (CPU), split into chunks
   * that run in parallel. Element for element the same float arithmetic as the tensor path:
   * m = m * (1 - gamma) + g * gamma, rounded after each operation.
   */
  long fusedStep(FloatBuffer w, FloatBuffer m, FloatBuffer g, double gamma, double tau) {
    float a = (float) (1 - gamma);
    float b = (float) gamma;
    float t = (float) tau;
    boolean copyGrad = start == MomentumStart.FIRST_GRAD && !started;
    boolean strict = rule == FlipRule.STRICT;
    started = true;
    int n = w.capacity();
    int chunks = (n + CHUNK - 1) / CHUNK;
    if (chunks == 1) {
      return fusedRange(w, m, g, 0, n, a, b, t, copyGrad, strict);
    }
    return java.util.stream.IntStream.range(0, chunks).parallel()
        .mapToLong(c -> fusedRange(w, m, g, c * CHUNK, Math.min(n, (c + 1) * CHUNK), a, b, t, copyGrad, strict))
        .sum();
  }

  private static final int ONE = Float.floatToRawIntBits(1f);

  /**
   * Written without data-dependent branches (flip decisions are close to random, and mispredicted
   * branches made this loop four times slower); the rare ties and NaNs take the one branch.
   */
  private static long fusedRange(FloatBuffer w, FloatBuffer m, FloatBuffer g, int from, int to, float a, float b,
      float t, boolean copyGrad, boolean strict) {
    long flips = 0;
    for (int i = from; i < to; i++) {
      float gi = g.get(i);
      float mi = copyGrad ? gi : m.get(i) * a + gi * b;
      m.put(i, mi);
      float wi = w.get(i);
      int sBits = ONE | ((wi < 0f ? 1 : 0) << 31); // larq sign: +1 for 0 and -0
      int flip;
      int next;
      if (strict) {
        float z = wi * mi;
        flip = z > t ? 1 : 0;
        next = sBits ^ (flip << 31);
        if (flip == 0 && !(z < t)) {
          next = ONE; // w m == tau (or NaN): the authors' formula gives +1
        }
      } else {
        float agree = Float.intBitsToFloat(sBits) * mi;
        flip = agree >= t && agree > 0f ? 1 : 0;
        next = sBits ^ (flip << 31);
      }
      flips += next != sBits ? 1 : 0;
      w.put(i, Float.intBitsToFloat(next));
    }
    return flips;
  }

}
