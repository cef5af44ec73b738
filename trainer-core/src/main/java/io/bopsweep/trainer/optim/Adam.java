package io.bopsweep.trainer.optim;

import static io.bopsweep.trainer.config.Settings.LR;
import static io.bopsweep.trainer.config.Settings.LR_SCHEDULE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Schedule;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.kernels.AdamUpdate;
import io.bopsweep.trainer.model.Param;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Keras' form, see {@link AdamUpdate}) at learning rate lr on its schedule. With latent
 * weights it also trains binary kernels through them; without, it updates real parameters only.
 */
record Adam(double lr, Schedule lrSchedule, LatentWeights latent) implements LearningRateRule {

  /** Adam for real parameters (BatchNorm under Bop). */
  static Adam real(double lr, Schedule lrSchedule) {
    return new Adam(lr, lrSchedule, null);
  }

  /** Latent-weight Adam for every parameter, as the trial config sets it. */
  static Adam latent(TrialConfig cfg) {
    return new Adam(cfg.get(LR), cfg.get(LR_SCHEDULE), LatentWeights.of(cfg));
  }

  @Override
  public State attach(Param param, NDManager manager) {
    boolean kernel = param.isBinaryKernel();
    if (kernel && (latent == null || param.latent() == null)) {
      throw new IllegalArgumentException("this Adam has no latent weights for the binary kernel " + param.name());
    }
    NDArray target = kernel ? param.latent() : param.value();
    AdamUpdate update = new AdamUpdate(manager, target);
    return new State() {
      @Override
      public NDArray step(NDArray gradient, Progress at) {
        double rate = rate(at);
        if (kernel) {
          return update.step(target, LatentWeights.gradientFor(target, gradient), latent.kernelLr(param, rate),
              latent.clip(), param.value());
        }
        return update.step(target, gradient, rate, false, null);
      }

      @Override
      public Map<String, NDArray> arrays() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("adam_m", update.firstMoment());
        out.put("adam_v", update.secondMoment());
        return out;
      }

      @Override
      public Map<String, Long> counters() {
        return Map.of("adam_t", update.steps());
      }

      @Override
      public void restore(Map<String, Long> counters) {
        update.restore(counters.getOrDefault("adam_t", 0L));
      }
    };
  }
}
