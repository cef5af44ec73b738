package io.bopsweep.trainer.optim;

import static io.bopsweep.trainer.config.Settings.ADAM_LR;
import static io.bopsweep.trainer.config.Settings.LR_SCHEDULE;
import static io.bopsweep.trainer.config.Settings.OPTIMIZER;

import io.bopsweep.trainer.config.Choices.Optimizer;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The optimizers by name. An optimizer is a list of (parameter predicate, update rule) pairs: each
 * parameter is updated by the rule of the first pair whose predicate accepts it (larq's
 * {@code CaseOptimizer((is_binary, Bop(...)), default=Adam)}). A new optimizer is one
 * {@link UpdateRule} class and one {@link #register} line.
 */
public final class Optimizers {
  private Optimizers() {}

  /** A rule and the parameters it updates. */
  public record Assignment(Predicate<Param> params, UpdateRule rule) {
    public static Assignment binaryKernels(UpdateRule rule) {
      return new Assignment(Param::isBinaryKernel, rule);
    }

    public static Assignment all(UpdateRule rule) {
      return new Assignment(p -> true, rule);
    }
  }

  /** Builds an optimizer's assignments from a trial's settings. */
  @FunctionalInterface
  public interface Definition {
    List<Assignment> assignments(TrialConfig cfg);
  }

  private static final Map<String, Definition> REGISTRY = new LinkedHashMap<>();

  static {
    register("bop", cfg -> List.of(Assignment.binaryKernels(Bop.of(cfg)),
        Assignment.all(Adam.real(cfg.get(ADAM_LR), cfg.get(LR_SCHEDULE)))));
    register("adam-latent", cfg -> List.of(Assignment.all(Adam.latent(cfg))));
    register("sgd-latent", cfg -> List.of(Assignment.all(LatentSgd.of(cfg))));
  }

  /** Takes a registered optimizer back (tests that register one for their own run). */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Makes an optimizer available under a name, also as a value of the {@code optimizer} setting,
   * until the returned registration is closed; a name is registered once.
   */
  public static synchronized Registration register(String name, Definition definition) {
    if (REGISTRY.putIfAbsent(name, definition) != null) {
      throw new IllegalStateException("optimizer '" + name + "' is already registered");
    }
    Optimizer.declare(name);
    return () -> {
      synchronized (Optimizers.class) {
        REGISTRY.remove(name);
        Optimizer.withdraw(name);
      }
    };
  }

  /** The registered names, in registration order. */
  public static synchronized List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** The assignments of a trial's optimizer. */
  static List<Assignment> assignments(TrialConfig cfg) {
    String name = cfg.get(OPTIMIZER).id();
    Definition definition;
    synchronized (Optimizers.class) {
      definition = REGISTRY.get(name);
    }
    if (definition == null) {
      throw new ConfigException("optimizer", "unknown optimizer '" + name + "' (registered: " + names() + ")");
    }
    return definition.assignments(cfg);
  }
}
