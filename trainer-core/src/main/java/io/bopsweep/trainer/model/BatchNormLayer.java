package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** BatchNorm over axis 1, with a learned shift and, if affine, a learned scale (else scale fixed at 1). */
public final class BatchNormLayer implements Layer {
  static final double EPS = 1e-3;

  private final Param beta;
  private final Param scale;
  private final NDArray fixedScale;
  private final NDArray runningMean;
  private final NDArray runningVar;

  public BatchNormLayer(Param beta, Param scale, NDArray fixedScale, NDArray runningMean, NDArray runningVar) {
    this.beta = beta;
    this.scale = scale;
    this.fixedScale = fixedScale;
    this.runningMean = runningMean;
    this.runningVar = runningVar;
  }

  public NDArray runningMean() {
    return runningMean;
  }

  public NDArray runningVar() {
    return runningVar;
  }

  @Override
  public NDArray forward(NDArray x, Pass pass) {
    NDArray gamma = scale != null ? scale.leaf() : fixedScale;
    return JniUtils.batchNorm(
        (PtNDArray) x,
        (PtNDArray) runningMean,
        (PtNDArray) runningVar,
        (PtNDArray) gamma,
        (PtNDArray) beta.leaf(),
        pass.training(),
        pass.bnMomentum(),
        EPS);
  }
}
