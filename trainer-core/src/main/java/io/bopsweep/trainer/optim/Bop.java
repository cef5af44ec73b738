package io.bopsweep.trainer.optim;

import static io.bopsweep.trainer.config.Settings.BOP_START;
import static io.bopsweep.trainer.config.Settings.FLIP_RULE;
import static io.bopsweep.trainer.config.Settings.GAMMA;
import static io.bopsweep.trainer.config.Settings.GAMMA_SCHEDULE;
import static io.bopsweep.trainer.config.Settings.MOMENTUM_START;
import static io.bopsweep.trainer.config.Settings.TAU;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Choices.BopStart;
import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.MomentumStart;
import io.bopsweep.trainer.config.Schedule;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.kernels.BopUpdate;
import io.bopsweep.trainer.model.KernelStart;
import io.bopsweep.trainer.model.Param;
import java.util.Map;

/**
 * Bop (Helwegen et al. 2019) for binary kernels: adaptivity rate gamma on its schedule, flip
 * threshold tau, the flip test and the momentum's start; see {@link BopUpdate}.
 */
record Bop(double gamma, Schedule gammaSchedule, double tau, FlipRule flipRule, MomentumStart momentumStart,
    BopStart bopStart) implements UpdateRule {

  static Bop of(TrialConfig cfg) {
    return new Bop(cfg.get(GAMMA), cfg.get(GAMMA_SCHEDULE), cfg.get(TAU), cfg.get(FLIP_RULE), cfg.get(MOMENTUM_START),
        cfg.get(BOP_START));
  }

  @Override
  public KernelStart kernelStart() {
    return bopStart == BopStart.SIGN ? KernelStart.SIGNS : KernelStart.VALUES;
  }

  @Override
  public Map<String, Double> scheduled(Progress at) {
    return Map.of("gamma", at.valueOf(gammaSchedule, gamma));
  }

  @Override
  public State attach(Param param, NDManager manager) {
    if (!param.isBinaryKernel()) {
      throw new IllegalArgumentException("Bop updates binary kernels only, not " + param.name());
    }
    BopUpdate update = new BopUpdate(manager, param.value(), flipRule, momentumStart);
    return new State() {
      @Override
      public NDArray step(NDArray gradient, Progress at) {
        return update.step(param.value(), gradient, at.valueOf(gammaSchedule, gamma), tau);
      }

      @Override
      public Map<String, NDArray> arrays() {
        return Map.of("bop_m", update.momentum());
      }

      @Override
      public Map<String, Long> counters() {
        return Map.of("bop_started", update.started() ? 1L : 0L);
      }

      @Override
      public void restore(Map<String, Long> counters) {
        update.restore(counters.getOrDefault("bop_started", 0L) == 1L);
      }
    };
  }
}
