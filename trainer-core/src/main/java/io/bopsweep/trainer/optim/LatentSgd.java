package io.bopsweep.trainer.optim;

import static io.bopsweep.trainer.config.Settings.LR;
import static io.bopsweep.trainer.config.Settings.LR_SCHEDULE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Schedule;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.kernels.SignCopy;
import io.bopsweep.trainer.model.Param;
import java.util.Map;

/** Plain SGD at learning rate lr on its schedule, training binary kernels through latent weights. */
record LatentSgd(double lr, Schedule lrSchedule, LatentWeights latent) implements LearningRateRule {

  static LatentSgd of(TrialConfig cfg) {
    return new LatentSgd(cfg.get(LR), cfg.get(LR_SCHEDULE), LatentWeights.of(cfg));
  }

  @Override
  public State attach(Param param, NDManager manager) {
    boolean kernel = param.isBinaryKernel();
    if (kernel && param.latent() == null) {
      throw new IllegalArgumentException("the binary kernel " + param.name() + " has no latent weights");
    }
    return new State() {
      @Override
      public NDArray step(NDArray gradient, Progress at) {
        double rate = rate(at);
        if (!kernel) {
          sgd(param.value(), gradient, rate, false);
          return null;
        }
        NDArray w = param.latent();
        sgd(w, LatentWeights.gradientFor(w, gradient), latent.kernelLr(param, rate), latent.clip());
        return SignCopy.copy(w, param.value());
      }

      @Override
      public Map<String, NDArray> arrays() {
        return Map.of();
      }

      @Override
      public Map<String, Long> counters() {
        return Map.of();
      }

      @Override
      public void restore(Map<String, Long> counters) {}
    };
  }

  private static void sgd(NDArray w, NDArray g, double lr, boolean clip) {
    w.subi(g.mul(lr));
    if (clip) {
      NDArray clipped = w.clip(-1f, 1f);
      w.muli(0f).addi(clipped);
    }
  }
}
