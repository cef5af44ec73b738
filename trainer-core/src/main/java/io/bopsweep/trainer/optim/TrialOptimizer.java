package io.bopsweep.trainer.optim;

import static io.bopsweep.trainer.config.Settings.EPOCHS;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.kernels.KernelThreads;
import io.bopsweep.trainer.model.KernelStart;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Param;
import io.bopsweep.trainer.optim.Optimizers.Assignment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer of one trial over all its parameters: each parameter with the state of the rule
 * its optimizer assigns it ({@link Optimizers}), and the step count the rules' schedules read.
 * Gradients are read from the parameters and dropped after each step.
 */
public final class TrialOptimizer {
  private record Bound(Param param, UpdateRule.State state) {}

  private final List<UpdateRule> rules = new ArrayList<>();
  private final List<Bound> bound = new ArrayList<>();
  private final List<Param> params;
  private final int stepsPerEpoch;
  private final int epochs;
  private long steps;

  /** @param stepsPerEpoch optimizer steps in one epoch, for the schedules */
  public TrialOptimizer(TrialConfig cfg, Network net, NDManager manager, int stepsPerEpoch) {
    this(Optimizers.assignments(cfg), net, manager, stepsPerEpoch, cfg.get(EPOCHS));
  }

  TrialOptimizer(List<Assignment> assignments, Network net, NDManager manager, int stepsPerEpoch, int epochs) {
    this.params = net.params();
    this.stepsPerEpoch = stepsPerEpoch;
    this.epochs = epochs;
    assignments.forEach(a -> rules.add(a.rule()));
    for (Param p : params) {
      UpdateRule rule = assignments.stream().filter(a -> a.params().test(p)).map(Assignment::rule).findFirst()
          .orElseThrow(() -> new IllegalStateException("no update rule for " + p.name()));
      bound.add(new Bound(p, rule.attach(p, manager)));
    }
  }

  /** What a trial's binary kernels must hold at the start: as the first of its rules that updates binary kernels says. */
  public static KernelStart kernelStart(TrialConfig cfg) {
    return Optimizers.assignments(cfg).stream().map(a -> a.rule().kernelStart()).filter(k -> k != null).findFirst()
        .orElse(KernelStart.VALUES);
  }

  /** Which implementation updates CPU tensors: "vector (...)", "scalar", or "tensor operations". */
  public static String hostKernels() {
    return KernelThreads.hostKernels();
  }

  /** The scheduled hyperparameters in effect at the next step, by name ("gamma", "lr"); the first rule's name wins. */
  public Map<String, Double> scheduled() {
    Progress at = progress();
    Map<String, Double> out = new LinkedHashMap<>();
    rules.forEach(r -> r.scheduled(at).forEach(out::putIfAbsent));
    return out;
  }

  /**
   * One update of every parameter. Call with libtorch's grad mode off.
   *
   * @return per binary kernel, in network order, the number of weights whose sign changed (int64 scalars)
   */
  public List<NDArray> step() {
    Progress at = progress();
    List<NDArray> flips = new ArrayList<>();
    for (Bound b : bound) {
      NDArray changed = b.state().step(b.param().gradient(), at);
      if (b.param().isBinaryKernel()) {
        flips.add(changed);
      }
      b.param().dropGradient();
    }
    steps++;
    return flips;
  }

  /** Drops every gradient without updating (a step whose loss was not finite). */
  public void discardGradients() {
    params.forEach(Param::dropGradient);
  }

  /** Arrays a checkpoint must keep, by name: latent weights, then each parameter's optimizer state. */
  public Map<String, NDArray> stateArrays() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Param p : params) {
      if (p.latent() != null) {
        out.put(p.name() + ".latent", p.latent());
      }
    }
    bound.forEach(b -> b.state().arrays().forEach((name, a) -> out.put(b.param().name() + "." + name, a)));
    return out;
  }

  /** Scalars a checkpoint must keep, by name. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    bound.forEach(b -> b.state().counters().forEach((name, v) -> out.put(b.param().name() + "." + name, v)));
    return out;
  }

  /**
   * After a checkpoint wrote the parameters and {@link #stateArrays()}: takes over its counters
   * and its step count.
   */
  public void restore(Map<String, Long> counters, long globalStep) {
    for (Bound b : bound) {
      String prefix = b.param().name() + ".";
      Map<String, Long> own = new LinkedHashMap<>();
      counters.forEach((name, v) -> {
        if (name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0) {
          own.put(name.substring(prefix.length()), v);
        }
      });
      b.state().restore(own);
    }
    steps = globalStep;
  }

  private Progress progress() {
    return new Progress(steps, stepsPerEpoch, epochs);
  }
}
