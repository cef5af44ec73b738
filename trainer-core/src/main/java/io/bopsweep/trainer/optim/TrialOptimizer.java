package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Choices.Optimizer;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizers of one trial over all its parameters. Under Bop every binary kernel is updated by
 * Bop and every other parameter by Adam; under a latent-weight optimizer all parameters use it,
 * the kernels at {@code lr * lr_scale} (times the Xavier multiplier if enabled) and the rest at
 * {@code lr}. Gradients are read from the parameters and dropped after each step.
 */
public final class TrialOptimizer {
  private final TrialConfig cfg;
  private final List<Param> params;
  private final Map<Param, BopUpdate> bop = new LinkedHashMap<>();
  private final Map<Param, AdamUpdate> adam = new LinkedHashMap<>();

  public TrialOptimizer(TrialConfig cfg, Network net, NDManager manager) {
    this.cfg = cfg;
    this.params = net.params();
    for (Param p : params) {
      if (cfg.optimizer() == Optimizer.BOP && p.isBinaryKernel()) {
        bop.put(p, new BopUpdate(manager, p.value(), cfg.flipRule(), cfg.momentumStart()));
      } else if (cfg.optimizer() != Optimizer.SGD_LATENT) {
        adam.put(p, new AdamUpdate(manager, p.latent() != null ? p.latent() : p.value()));
      }
    }
  }

  /** Which implementation updates CPU tensors: "vector (...)", "scalar", or "tensor operations". */
  public static String hostKernels() {
    return HostBuffers.ENABLED ? HostKernels.best().describe() : "tensor operations";
  }

  /** The learning rate of the parameters that are not binary kernels, before the schedule. */
  public double baseLr() {
    return cfg.optimizer() == Optimizer.BOP ? cfg.adamLr() : cfg.lr();
  }

  /**
   * One update of every parameter. Call with libtorch's grad mode off.
   *
   * @param gamma Bop's adaptivity rate in effect
   * @param lr the learning rate in effect for non-kernel parameters (see {@link #baseLr()})
   * @return per binary kernel, in network order, the number of weights whose sign changed (int64 scalars)
   */
  public List<NDArray> step(double gamma, double lr) {
    List<NDArray> flips = new ArrayList<>();
    double kernelLr = lr * cfg.lrScale();
    for (Param p : params) {
      NDArray w = p.value();
      NDArray g = p.gradient();
      if (p.isBinaryKernel() && cfg.optimizer() == Optimizer.BOP) {
        flips.add(bop.get(p).step(w, g, gamma, cfg.tau()));
      } else if (p.isBinaryKernel()) {
        NDArray latent = p.latent();
        NDArray lg = g.getDataType() == latent.getDataType() ? g : g.toType(latent.getDataType(), false);
        double plr = cfg.xavierLrScaling() ? kernelLr * p.xavierLrMultiplier() : kernelLr;
        flips.add(update(p, latent, lg, plr, cfg.clip(), w));
      } else {
        update(p, w, g, lr, false, null);
      }
      p.dropGradient();
    }
    return flips;
  }

  /** Drops every gradient without updating (a step whose loss was not finite). */
  public void discardGradients() {
    params.forEach(Param::dropGradient);
  }

  /**
   * One step of the latent-weight optimizer on w; with binary, also binary = sign(w).
   *
   * @return how many binary weights changed (int64 scalar), or null without binary
   */
  private NDArray update(Param p, NDArray w, NDArray g, double lr, boolean clip, NDArray binary) {
    if (cfg.optimizer() == Optimizer.SGD_LATENT) {
      sgd(w, g, lr, clip);
      return binary == null ? null : SignCopy.copy(w, binary, HostKernels.best());
    }
    return adam.get(p).step(w, g, lr, clip, binary);
  }

  private static void sgd(NDArray w, NDArray g, double lr, boolean clip) {
    w.subi(g.mul(lr));
    if (clip) {
      NDArray clipped = w.clip(-1f, 1f);
      w.muli(0f).addi(clipped);
    }
  }

  /** Arrays a checkpoint must keep, by name. */
  public Map<String, NDArray> stateArrays() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Param p : params) {
      if (p.latent() != null) {
        out.put(p.name() + ".latent", p.latent());
      }
    }
    bop.forEach((p, u) -> out.put(p.name() + ".bop_m", u.momentum()));
    adam.forEach((p, u) -> {
      out.put(p.name() + ".adam_m", u.firstMoment());
      out.put(p.name() + ".adam_v", u.secondMoment());
    });
    return out;
  }

  /** Scalars a checkpoint must keep, by name. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    bop.forEach((p, u) -> out.put(p.name() + ".bop_started", u.started() ? 1L : 0L));
    adam.forEach((p, u) -> out.put(p.name() + ".adam_t", u.steps()));
    return out;
  }

  public void restoreCounters(Map<String, Long> counters) {
    bop.forEach((p, u) -> u.restore(counters.getOrDefault(p.name() + ".bop_started", 0L) == 1L));
    adam.forEach((p, u) -> u.restore(counters.getOrDefault(p.name() + ".adam_t", 0L)));
  }
}
