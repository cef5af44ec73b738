package io.bopsweep.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.MomentumStart;

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
 *
 * <p>After a step whose w were all +-1 (tau >= 0), every weight with |m| > tau is -sign(m): it was
 * flipped to that, or kept because it already was. So at the next step a weight whose old m was
 * above the old tau, and whose new m has the same sign, keeps its sign; so does a weight whose new
 * |m| is below the new tau. The CPU kernels skip reading w where a whole vector of lanes is of
 * these two kinds (most of them, since flips are rare), which saves a quarter of the update's
 * memory traffic. This needs w to change only here between steps: call {@link #restore} after
 * writing w or m from outside.
 */
public final class BopUpdate {
  private final FlipRule rule;
  private final MomentumStart start;
  private final NDArray momentum;
  private final HostKernels kernels;
  private boolean started;
  /** Whether w is known to be +-1: it was last written by a step. */
  private boolean binary;
  /** The tau above which |m| implies w = -sign(m) (see the class comment), NaN: unknown. */
  private float settledAbove = Float.NaN;

  /** -Dbopsweep.skipSettled=false reads every weight in every step (for benchmarks). */
  static final boolean SKIP_SETTLED = !"false".equals(System.getProperty("bopsweep.skipSettled"));

  public BopUpdate(NDManager manager, NDArray kernel, FlipRule rule, MomentumStart start) {
    this(manager, kernel, rule, start, HostKernels.bestFor(kernel.size()));
  }

  /** @param kernels the one-pass update on the tensors' memory when they are on the CPU; null: tensor operations */
  BopUpdate(NDManager manager, NDArray kernel, FlipRule rule, MomentumStart start, HostKernels kernels) {
    this.kernels = kernels;
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

  /** After w and m were written from outside (a checkpoint restore): whether m holds a first step. */
  public void restore(boolean started) {
    this.started = started;
    binary = false;
    settledAbove = Float.NaN;
  }

  /**
   * Updates m and w in place.
   *
   * @return the number of weights whose sign changed, as an int64 scalar array
   */
  public NDArray step(NDArray w, NDArray grad, double gamma, double tau) {
    float settled = SKIP_SETTLED ? settledAbove : Float.NaN;
    settledAbove = binary && tau >= 0 ? (float) tau : Float.NaN;
    binary = true;
    if (kernels != null && HostBuffers.usable(w) && HostBuffers.usable(grad)) {
      long flips = fusedStep(HostBuffers.bytes(w), HostBuffers.bytes(momentum), HostBuffers.bytes(grad), gamma, tau,
          settled);
      return w.getManager().create(flips);
    }
    if (start == MomentumStart.FIRST_GRAD && !started) {
      momentum.muli(0f).addi(grad);
    } else {
      momentum.muli((float) (1 - gamma)).addi(grad.mul((float) gamma));
    }
    started = true;
    NDArray oldSign = ActivationKernels.signByTensors(w);
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

  /**
   * The same update in one pass over w, m and g, on the tensors' memory (CPU).
   * Element for element the same float arithmetic as the tensor path:
   * m = m * (1 - gamma) + g * gamma, rounded after each operation.
   */
  private long fusedStep(ByteBuffer w, ByteBuffer m, ByteBuffer g, double gamma, double tau, float settled) {
    float decay = (float) (1 - gamma);
    float rate = (float) gamma;
    float t = (float) tau;
    boolean copyGrad = start == MomentumStart.FIRST_GRAD && !started;
    boolean strict = rule == FlipRule.STRICT;
    started = true;
    return HostBuffers.overChunksShared(w.capacity() / Float.BYTES,
        (from, to) -> kernels.bop(w, m, g, from, to, decay, rate, t, copyGrad, strict, settled));
  }
}
