package io.bopsweep.trainer.train;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch of one trial measured. Immutable; metrics that were not computed are null.
 *
 * @param epoch 1-based
 * @param flips sign changes of all binary kernels over the epoch
 * @param flipRatio flips / (binary weights x steps): the mean fraction flipped per step
 * @param layerFlips per binary layer, first to last
 * @param layerFlipRatio per binary layer, first to last
 * @param piLast the paper's pi = log(flip ratio + e^-9) of the last layer
 * @param gamma Bop's gamma at the epoch's first step (null for latent optimizers)
 * @param lr learning rate of the non-kernel parameters at the epoch's first step
 * @param trainSeconds wall time of the training steps
 * @param evalSeconds wall time of evaluation
 * @param samplesPerSec training images per second of train time
 * @param signHash first 16 hex digits of SHA-256 over the signs of every binary kernel at the
 *     epoch's end: equal hashes mean identical binary weights (Theorem 1 checks)
 */
public record EpochRecord(
    int epoch,
    int steps,
    double trainLoss,
    double trainAcc,
    double testLoss,
    double testAcc,
    Double valLoss,
    Double valAcc,
    Double latentTestAcc,
    Double latentBnTestAcc,
    long flips,
    double flipRatio,
    Map<String, Long> layerFlips,
    Map<String, Double> layerFlipRatio,
    double piLast,
    Double gamma,
    double lr,
    double trainSeconds,
    double evalSeconds,
    double samplesPerSec,
    String signHash) implements Serializable {

  public EpochRecord {
    layerFlips = Collections.unmodifiableMap(new LinkedHashMap<>(layerFlips));
    layerFlipRatio = Collections.unmodifiableMap(new LinkedHashMap<>(layerFlipRatio));
  }

  /** The metrics that define a trial's results (timings excluded), for reproducibility checks. */
  public EpochRecord withoutTimings() {
    return new EpochRecord(epoch, steps, trainLoss, trainAcc, testLoss, testAcc, valLoss, valAcc, latentTestAcc,
        latentBnTestAcc, flips, flipRatio, layerFlips, layerFlipRatio, piLast, gamma, lr, 0, 0, 0, signHash);
  }

  /** log(ratio + e^-9), the paper's flip diagnostic. */
  public static double pi(double ratio) {
    return Math.log(ratio + Math.exp(-9));
  }
}
