package io.bopsweep.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.bopsweep.trainer.model.Binarize;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Pass;
import io.bopsweep.trainer.optim.TrialOptimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * One training step: forward with the loss, backward, optimizer. Grad mode is on only for forward
 * and backward (it is per thread in libtorch, and in-place updates of parameters need it off).
 */
public final class TrainStep {
  /** What a step measured; flips are int64 scalars per binary kernel. */
  public record Result(float loss, NDArray correct, List<NDArray> flips) {}

  /** -Dbopsweep.cutAtSigns=false: one backward pass through the composite estimator (for comparisons). */
  static final boolean CUT_AT_SIGNS = !"false".equals(System.getProperty("bopsweep.cutAtSigns"));

  private TrainStep() {}

  /**
   * @param phaseNanos if not null, receives the wall time of forward (with the loss), backward and
   *     optimizer in [0], [1], [2] (CPU operations are synchronous, so the split is exact there)
   */
  public static Result run(Network net, TrialOptimizer optimizer, Pass pass, NDArray x, NDArray y, long[] phaseNanos) {
    return run(net, optimizer, pass, x, y, phaseNanos, CUT_AT_SIGNS);
  }

  /** @param cutAtSigns backward segment by segment ({@link Network#forwardCut}), else through the composite estimator */
  static Result run(Network net, TrialOptimizer optimizer, Pass pass, NDArray x, NDArray y, long[] phaseNanos,
      boolean cutAtSigns) {
    long t0 = System.nanoTime();
    NDArray logits;
    NDArray loss;
    float l;
    try {
      JniUtils.setGradMode(true);
      List<Network.Cut> cuts = new ArrayList<>();
      logits = cutAtSigns ? net.forwardCut(x, pass, cuts) : net.forward(x, pass);
      loss = crossEntropy(logits, y);
      l = loss.getFloat();
      long t1 = System.nanoTime();
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
      for (int i = cuts.size() - 1; i >= 0; i--) {
        Network.Cut cut = cuts.get(i);
        NDArray upstream = Binarize.steBackward(cut.signs().getGradient(), cut.input());
        JniUtils.backward((PtNDArray) cut.input(), (PtNDArray) upstream, false, false);
      }
      long t2 = System.nanoTime();
      if (phaseNanos != null) {
        phaseNanos[0] += t1 - t0;
        phaseNanos[1] += t2 - t1;
      }
    } finally {
      JniUtils.setGradMode(false);
    }
    NDArray correct = logits.argMax(1).eq(y).sum();
    if (!Float.isFinite(l)) {
      optimizer.discardGradients();
      return new Result(l, correct, List.of());
    }
    long t3 = System.nanoTime();
    List<NDArray> flips = optimizer.step();
    if (phaseNanos != null) {
      phaseNanos[2] += System.nanoTime() - t3;
    }
    return new Result(l, correct, flips);
  }

  /** Mean cross-entropy of logits against integer labels. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProbs = logits.logSoftmax(1);
    NDArray picked = logProbs.mul(labels.oneHot(Math.toIntExact(logits.getShape().get(1)))).sum(new int[] {1});
    return picked.mean().neg();
  }
}
