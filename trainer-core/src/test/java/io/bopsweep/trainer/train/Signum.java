package io.bopsweep.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Schedule;
import io.bopsweep.trainer.model.Binarize;
import io.bopsweep.trainer.model.KernelStart;
import io.bopsweep.trainer.model.Param;
import io.bopsweep.trainer.optim.Progress;
import io.bopsweep.trainer.optim.UpdateRule;
import java.util.Map;

/**
 * A test-only optimizer, sign-SGD with momentum (signum): m = beta m + (1 - beta) g, then
 * w = w - lr sign(m), on the latent weights of binary kernels (whose signs it copies into the
 * kernels) and on the real parameters. Written against {@link UpdateRule} alone.
 */
record Signum(double lr, Schedule lrSchedule, float beta) implements UpdateRule {

  @Override
  public KernelStart kernelStart() {
    return KernelStart.SIGNS_LATENT_FLOAT32;
  }

  @Override
  public Map<String, Double> scheduled(Progress at) {
    return Map.of("lr", at.valueOf(lrSchedule, lr));
  }

  @Override
  public State attach(Param param, NDManager manager) {
    NDArray w = param.latent() != null ? param.latent() : param.value();
    NDArray m = manager.zeros(w.getShape());
    long[] steps = {0};
    return new State() {
      @Override
      public NDArray step(NDArray gradient, Progress at) {
        m.muli(beta).addi(gradient.mul(1 - beta));
        w.subi(m.sign().muli(at.valueOf(lrSchedule, lr)));
        steps[0]++;
        if (!param.isBinaryKernel()) {
          return null;
        }
        NDArray signs = Binarize.sign(w);
        NDArray flips = signs.neq(param.value()).sum();
        param.value().muli(0f).addi(signs);
        return flips;
      }

      @Override
      public Map<String, NDArray> arrays() {
        return Map.of("signum_m", m);
      }

      @Override
      public Map<String, Long> counters() {
        return Map.of("signum_steps", steps[0]);
      }

      @Override
      public void restore(Map<String, Long> counters) {
        steps[0] = counters.getOrDefault("signum_steps", 0L);
      }
    };
  }
}
