package io.bopsweep.trainer.optim;

import static io.bopsweep.trainer.config.Settings.CLIP;
import static io.bopsweep.trainer.config.Settings.LATENT_DTYPE;
import static io.bopsweep.trainer.config.Settings.LR_SCALE;
import static io.bopsweep.trainer.config.Settings.XAVIER_LR_SCALING;

import ai.djl.ndarray.NDArray;
import io.bopsweep.trainer.config.Choices.LatentDtype;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.KernelStart;
import io.bopsweep.trainer.model.Param;

/**
 * How a latent-weight optimizer treats binary kernels: it updates their latent real weights (of
 * dtype latentDtype) at {@code lr * lrScale}, times BinaryConnect's per-layer multiplier with
 * xavierLrScaling, optionally clipped to [-1, 1], and copies their signs into the kernel.
 */
record LatentWeights(double lrScale, boolean xavierLrScaling, boolean clip, LatentDtype latentDtype) {

  static LatentWeights of(TrialConfig cfg) {
    return new LatentWeights(cfg.get(LR_SCALE), cfg.get(XAVIER_LR_SCALING), cfg.get(CLIP), cfg.get(LATENT_DTYPE));
  }

  KernelStart kernelStart() {
    return latentDtype == LatentDtype.FLOAT64 ? KernelStart.SIGNS_LATENT_FLOAT64 : KernelStart.SIGNS_LATENT_FLOAT32;
  }

  /** The learning rate of a binary kernel's latent weights when the other parameters' is lr. */
  double kernelLr(Param kernel, double lr) {
    double kernelLr = lr * lrScale;
    return xavierLrScaling ? kernelLr * kernel.xavierLrMultiplier() : kernelLr;
  }

  /** The gradient in the latent weights' dtype. */
  static NDArray gradientFor(NDArray latent, NDArray gradient) {
    return gradient.getDataType() == latent.getDataType() ? gradient : gradient.toType(latent.getDataType(), false);
  }
}
