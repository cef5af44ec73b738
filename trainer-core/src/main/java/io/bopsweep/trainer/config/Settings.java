package io.bopsweep.trainer.config;

import io.bopsweep.trainer.config.Choices.BopStart;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.Init;
import io.bopsweep.trainer.config.Choices.LatentDtype;
import io.bopsweep.trainer.config.Choices.Model;
import io.bopsweep.trainer.config.Choices.MomentumStart;
import io.bopsweep.trainer.config.Choices.Optimizer;
import io.bopsweep.trainer.config.Choices.Padding;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every setting of a trial: its name (snake_case, as in specs, flags and result columns), type,
 * default, allowed range and where it acts. The single source for {@link TrialConfig#of}, the CLI
 * flags of {@code bopsweep train}, the validation of sweep specs and trial identity.
 *
 * <h2>Trial identity</h2>
 * A trial's id hashes {@link #identity}: the sorted-key JSON of its resolved settings where
 * <ol>
 *   <li>every setting that does not act on the trial ({@link Setting#applies} is false: for
 *       example {@code gamma} under {@code adam-latent}) takes its default value, resolved for
 *       that trial, whatever the spec gave it; such settings are stored as null;</li>
 *   <li>every setting added after schema version 1 (it has a {@link Setting#neutral} value, the
 *       one that keeps the behaviour from before it existed) is left out while it has that
 *       value.</li>
 * </ol>
 * So trials that differ only in settings without effect share one id, and adding a setting never
 * changes an existing id. The settings of version 1 (all below, neutral null) are always hashed.
 * Each applicability below was checked against where the setting is read (the update rules in
 * optim, NetBuilder, Models, TrialRunner); a new setting must state its own.
 */
public final class Settings {
  private Settings() {}

  /** The value types a setting can have. */
  public enum Type { INT, LONG, DOUBLE, BOOL, CHOICE, SCHEDULE }

  /**
   * One setting. {@code defaults} sees the settings resolved before it (in declaration order).
   *
   * @param applies where the setting acts on the computation (see the class comment)
   * @param neutral for settings added after schema version 1: the value that keeps the old
   *     behaviour, left out of the identity; null for the settings of version 1
   */
  public record Setting(
      String name,
      Type type,
      Class<? extends Choice> choices,
      Function<Map<String, Object>, Object> defaults,
      Check check,
      String doc,
      Applicability applies,
      Object neutral) {

    public Object coerce(Object raw) {
      return Settings.coerce(this, raw);
    }
  }

  /**
   * Where a setting acts: a test over the resolved settings, the settings that test reads, and
   * the rule in words (for messages: "gamma applies only to optimizer bop").
   */
  public record Applicability(List<String> reads, Predicate<Map<String, Object>> test, String doc) {
    public static final Applicability ALWAYS = new Applicability(List.of(), r -> true, "every trial");

    public boolean test(Map<String, Object> resolved) {
      return test.test(resolved);
    }
  }

  private static final Applicability BOP_ONLY =
      new Applicability(List.of("optimizer"), r -> r.get("optimizer") == Optimizer.BOP, "optimizer bop");
  private static final Applicability LATENT_ONLY = new Applicability(List.of("optimizer"),
      r -> ((Optimizer) r.get("optimizer")).hasLatentWeights(), "optimizers adam-latent and sgd-latent");
  // padding: Models reads it for convnet and binarynet only (mlp has no convolutions; the ImageNet
  // models refuse any value but authors)
  private static final Applicability PADDED_MODELS = new Applicability(List.of("model"),
      r -> r.get("model") == Model.CONVNET || r.get("model") == Model.BINARYNET, "models convnet and binarynet");
  // init, init_scale: a Bop kernel started from signs keeps only the sign of its scaled initial value
  private static final Applicability REAL_START = new Applicability(List.of("optimizer", "bop_start"),
      r -> !(r.get("optimizer") == Optimizer.BOP && r.get("bop_start") == BopStart.SIGN),
      "every trial but optimizer bop with bop_start sign");

  /** A range test on a coerced value; returns an error message or null. */
  @FunctionalInterface
  public interface Check {
    String test(Object value);
  }

  private static final List<Setting> ALL = new ArrayList<>();

  static {
    add("dataset", Type.CHOICE, Dataset.class, r -> Dataset.MNIST, null,
        "mnist, fashion-mnist, cifar10 (the cifar10 copy in the cache decides the recorded variant) or imagenet");
    add("model", Type.CHOICE, Model.class, r -> Model.MLP, null,
        "mlp, convnet, binarynet, or the ImageNet models binary-alexnet, xnornet, birealnet");
    add("width", Type.DOUBLE, null, r -> r.get("model") == Model.MLP ? 2048.0 : 1.0, positive(),
        "mlp: hidden units per layer; the other models: multiplier of channels and hidden units");
    add(PADDED_MODELS, "padding", Type.CHOICE, Padding.class, r -> Padding.AUTHORS, null,
        "authors (binarynet: first conv valid, rest same; convnet: valid) or same-all (padding 1 everywhere)");
    add("bn_affine", Type.BOOL, null, r -> r.get("model") == Model.BINARY_ALEXNET || r.get("model") == Model.XNORNET
        || r.get("model") == Model.BIREALNET, null, "BatchNorm with a learned scale (reproduction, and the authors'"
            + " ImageNet models: on by default for them); the authors' CIFAR BN has none");
    add("bn_momentum", Type.DOUBLE, null, r -> 0.01, openClosedUnit(),
        "weight of the new batch in BN running statistics (Keras momentum 0.99)");
    add("optimizer", Type.CHOICE, Optimizer.class, r -> Optimizer.BOP, null,
        "bop, adam-latent, sgd-latent, or an optimizer registered in code");
    add(BOP_ONLY, "gamma", Type.DOUBLE, null, r -> 1e-3, openClosedUnit(), "Bop adaptivity rate, in (0, 1]");
    add(BOP_ONLY, "tau", Type.DOUBLE, null, r -> 1e-6, nonNegative(), "Bop flip threshold, >= 0");
    add(BOP_ONLY, "flip_rule", Type.CHOICE, FlipRule.class, r -> FlipRule.STRICT, null,
        "strict (authors' code: w*m > tau) or inclusive (paper: |m| >= tau)");
    add(BOP_ONLY, "momentum_start", Type.CHOICE, MomentumStart.class, r -> MomentumStart.ZERO, null,
        "Bop momentum at step 0: zero (authors' code) or first-grad (reproduction)");
    add(BOP_ONLY, "bop_start", Type.CHOICE, BopStart.class, r -> BopStart.REAL, null,
        "Bop kernels before the first step: real initial values (authors' code) or their signs");
    add(BOP_ONLY, "adam_lr", Type.DOUBLE, null, r -> 1e-2, positive(),
        "Adam learning rate of the non-binary parameters (BatchNorm) under Bop");
    add(LATENT_ONLY, "lr", Type.DOUBLE, null, r -> r.get("optimizer") == Optimizer.SGD_LATENT ? 1e-2 : 1e-3, positive(),
        "base learning rate of latent-weight optimizers (all their parameters)");
    add(LATENT_ONLY, "lr_scale", Type.DOUBLE, null, r -> 1.0, positive(), "multiplies the learning rate of the latent kernels");
    add(REAL_START, "init", Type.CHOICE, Init.class, r -> Init.GLOROT, null, "kernel init: glorot (uniform) or uniform on [-1, 1]");
    add(REAL_START, "init_scale", Type.DOUBLE, null, r -> 1.0, positive(), "multiplies the initial kernel values");
    add(LATENT_ONLY, "clip", Type.BOOL, null, r -> r.get("optimizer") == Optimizer.ADAM_LATENT, null,
        "clip latent weights to [-1, 1] after each step (default: on for adam-latent, off for sgd-latent)");
    add(LATENT_ONLY, "latent_dtype", Type.CHOICE, LatentDtype.class, r -> LatentDtype.FLOAT32, null,
        "storage of latent weights: float32, or float64 (rounding then cannot break Theorem 1's scale equivalence)");
    add(LATENT_ONLY, "xavier_lr_scaling", Type.BOOL, null, r -> false, null,
        "scale each latent kernel's learning rate by 1/sqrt(1.5/(fan_in+fan_out)) (BinaryConnect)");
    add(BOP_ONLY, "gamma_schedule", Type.SCHEDULE, null, r -> Schedule.CONSTANT, null,
        "constant, step:FACTOR:EVERY_EPOCHS or linear:END");
    add("lr_schedule", Type.SCHEDULE, null, r -> Schedule.CONSTANT, null,
        "schedule of every learning rate: constant, step:FACTOR:EVERY_EPOCHS or linear:END");
    add("epochs", Type.INT, null, r -> 5, atLeast(1), "epochs to train, >= 1");
    add("batch_size", Type.INT, null, r -> 100, atLeast(1), "mini-batch size");
    add("seed", Type.LONG, null, r -> 0L, null, "seed of initialization, shuffling and augmentation");
    add("augment", Type.BOOL, null, r -> r.get("dataset") == Dataset.CIFAR10 || r.get("dataset") == Dataset.IMAGENET,
        null, "training images: cifar10 pad 4, random 32x32 crop, random horizontal flip; imagenet random resized"
            + " crop to 224 and flip (default: on for both)");
    add("validation_split", Type.INT, null, r -> 0, atLeast(0),
        "hold out the last N training images as a validation set (0: none)");
    add(LATENT_ONLY, "eval_latent", Type.BOOL, null, r -> false, null,
        "also evaluate with the latent real weights, and with them after re-estimating BN statistics");
    add("train_limit", Type.INT, null, r -> 0, atLeast(0), "use only the first N training images (0: all)");
    add("test_limit", Type.INT, null, r -> 0, atLeast(0), "use only the first N test images (0: all)");
  }

  private static void add(String name, Type type, Class<? extends Choice> choices,
      Function<Map<String, Object>, Object> defaults, Check check, String doc) {
    add(Applicability.ALWAYS, name, type, choices, defaults, check, doc);
  }

  private static void add(Applicability applies, String name, Type type, Class<? extends Choice> choices,
      Function<Map<String, Object>, Object> defaults, Check check, String doc) {
    ALL.add(new Setting(name, type, choices, defaults, check, doc, applies, null));
  }

  public static List<Setting> all() {
    return Collections.unmodifiableList(ALL);
  }

  public static Setting byName(String name) {
    for (Setting s : ALL) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Resolves raw values (from YAML, flags or code) into a complete, validated, ordered map.
   *
   * @throws ConfigException naming the first unknown key or bad value
   */
  public static Map<String, Object> resolve(Map<String, ?> raw) {
    for (String key : raw.keySet()) {
      if (byName(key) == null) {
        throw new ConfigException(key, "unknown setting" + didYouMean(key));
      }
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    for (Setting s : ALL) {
      Object value = raw.containsKey(s.name()) && raw.get(s.name()) != null
          ? coerce(s, raw.get(s.name()))
          : s.defaults().apply(resolved);
      if (s.check() != null) {
        String error = s.check().test(value);
        if (error != null) {
          throw new ConfigException(s.name(), error + ", got " + display(value));
        }
      }
      resolved.put(s.name(), value);
    }
    return resolved;
  }

  /**
   * The resolved settings with every setting that does not act replaced by its default, resolved
   * in declaration order over the values so replaced: two configs that compute the same are equal
   * here.
   */
  public static Map<String, Object> normalize(List<Setting> settings, Map<String, Object> resolved) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Setting s : settings) {
      Object value = resolved.get(s.name());
      if (!s.applies().test(resolved)) {
        value = s.defaults().apply(out);
      }
      out.put(s.name(), value);
    }
    return out;
  }

  /** The names of the settings that do not act on a trial with these resolved settings. */
  public static Set<String> notApplying(List<Setting> settings, Map<String, Object> resolved) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Setting s : settings) {
      if (!s.applies().test(resolved)) {
        out.add(s.name());
      }
    }
    return out;
  }

  /**
   * What a trial id hashes (see the class comment): {@link #normalize}d plain values, without the
   * settings added after version 1 that have their neutral value.
   */
  public static Map<String, Object> identity(List<Setting> settings, Map<String, Object> resolved) {
    Map<String, Object> normal = normalize(settings, resolved);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Setting s : settings) {
      Object value = normal.get(s.name());
      if (s.neutral() != null && plain(s.neutral()).equals(plain(value))) {
        continue;
      }
      out.put(s.name(), plain(value));
    }
    return out;
  }

  /** " (did you mean 'x'?)" for the closest known name, or "" if none is close. */
  public static String didYouMean(String key) {
    return didYouMean(key, ALL.stream().map(Setting::name).toList());
  }

  public static String didYouMean(String key, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : known) {
      int d = editDistance(key.toLowerCase(), name);
      if (d < bestDistance) {
        bestDistance = d;
        best = name;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? " (did you mean '" + best + "'?)" : "";
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object coerce(Setting s, Object raw) {
    String key = s.name();
    switch (s.type()) {
      case INT: {
        long v = toLong(key, raw, "an integer");
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw new ConfigException(key, "integer out of range: " + raw);
        }
        return (int) v;
      }
      case LONG:
        return toLong(key, raw, "an integer");
      case DOUBLE: {
        double v;
        if (raw instanceof Number n) {
          v = n.doubleValue();
        } else if (raw instanceof String str) {
          try {
            v = Double.parseDouble(str.trim());
          } catch (NumberFormatException e) {
            throw new ConfigException(key, "expected a number, got '" + str + "'");
          }
        } else {
          throw new ConfigException(key, "expected a number, got " + typeName(raw));
        }
        if (!Double.isFinite(v)) {
          throw new ConfigException(key, "expected a finite number, got " + raw);
        }
        return v;
      }
      case BOOL:
        if (raw instanceof Boolean b) {
          return b;
        }
        if (raw instanceof String str && (str.equalsIgnoreCase("true") || str.equalsIgnoreCase("false"))) {
          return Boolean.parseBoolean(str);
        }
        throw new ConfigException(key, "expected true or false, got " + display(raw));
      case CHOICE:
        if (!(raw instanceof String)) {
          throw new ConfigException(key, "expected a name, got " + display(raw));
        }
        return Choice.parse((Class) s.choices(), key, raw);
      case SCHEDULE:
        if (raw instanceof Schedule sch) {
          return sch;
        }
        if (!(raw instanceof String str)) {
          throw new ConfigException(key, "expected a schedule such as step:0.1:100, got " + display(raw));
        }
        return Schedule.parse(key, str);
      default:
        throw new IllegalStateException(s.type().toString());
    }
  }

  private static long toLong(String key, Object raw, String what) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 9e15) {
        return (long) d;
      }
      throw new ConfigException(key, "expected " + what + ", got " + raw);
    }
    if (raw instanceof String str) {
      try {
        return new BigDecimal(str.trim()).longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw new ConfigException(key, "expected " + what + ", got '" + str + "'");
      }
    }
    throw new ConfigException(key, "expected " + what + ", got " + typeName(raw));
  }

  private static String typeName(Object raw) {
    if (raw instanceof List) {
      return "a list";
    }
    if (raw instanceof Map) {
      return "a mapping";
    }
    return display(raw);
  }

  static String display(Object value) {
    if (value instanceof Choice c) {
      return c.id();
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Double d) {
      return formatNumber(d);
    }
    return String.valueOf(value);
  }

  /** Shortest round-tripping text of a double: 0.001, 1.0E-6, 100.0. */
  public static String formatNumber(double v) {
    return Double.toString(v);
  }

  /** The value as it appears in canonical maps, JSON and result columns. */
  public static Object plain(Object value) {
    if (value instanceof Choice c) {
      return c.id();
    }
    if (value instanceof Schedule s) {
      return s.toString();
    }
    return value;
  }

  private static Check positive() {
    return v -> ((Double) v) > 0 ? null : "must be > 0";
  }

  private static Check nonNegative() {
    return v -> ((Double) v) >= 0 ? null : "must be >= 0";
  }

  private static Check openClosedUnit() {
    return v -> ((Double) v) > 0 && ((Double) v) <= 1 ? null : "must be in (0, 1]";
  }

  private static Check atLeast(int min) {
    return v -> ((Integer) v) >= min ? null : "must be >= " + min;
  }
}
