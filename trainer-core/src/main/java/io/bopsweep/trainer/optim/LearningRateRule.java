package io.bopsweep.trainer.optim;

import io.bopsweep.trainer.config.Schedule;
import io.bopsweep.trainer.model.KernelStart;
import java.util.Map;

/**
 * An update rule at learning rate lr on its schedule that trains binary kernels through its latent
 * weights, if it has any (Adam, latent SGD).
 */
interface LearningRateRule extends UpdateRule {
  double lr();

  Schedule lrSchedule();

  /** Null for a rule that updates real parameters only. */
  LatentWeights latent();

  /** The learning rate in effect at a step. */
  default double rate(Progress at) {
    return at.valueOf(lrSchedule(), lr());
  }

  @Override
  default KernelStart kernelStart() {
    return latent() == null ? null : latent().kernelStart();
  }

  @Override
  default Map<String, Double> scheduled(Progress at) {
    return Map.of("lr", rate(at));
  }
}
