package io.bopsweep.trainer.config;

import static io.bopsweep.trainer.config.Settings.Applicability.ALWAYS;

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every setting of a trial, each declared once below as a typed key: its name (snake_case, as in
 * specs, flags and result columns), type, default, allowed range, where it acts and its help text.
 * The single source for {@link TrialConfig} (read as {@code cfg.get(Settings.GAMMA)}), the
 * validation of sweep specs, the flags of {@code bopsweep train}, the result columns and trial
 * identity.
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
   * One setting: everything the trial config, the validation of specs and flags, the flags of
   * {@code bopsweep train} and the result columns know of it. {@code defaults} sees the settings
   * resolved before it (in declaration order).
   *
   * @param <T> the type of its value: Integer, Long, Double, Boolean, its {@link Choice} or {@link Schedule}
   * @param applies where the setting acts on the computation (see the class comment)
   * @param neutral for settings added after schema version 1: the value that keeps the old
   *     behaviour, left out of the identity; null for the settings of version 1
   */
  public record Setting<T>(
      String name,
      Type type,
      Class<? extends Choice> choices,
      Function<Map<String, Object>, T> defaults,
      Check<T> check,
      String doc,
      Applicability applies,
      Object neutral) {

    @SuppressWarnings("unchecked")
    public T coerce(Object raw) {
      return (T) Settings.coerce(this, raw);
    }

    /** The value if its range check passes; else throws naming this setting. */
    T checked(T value) {
      String error = check == null ? null : check.test(value);
      if (error != null) {
        throw new ConfigException(name, error + ", got " + display(value));
      }
      return value;
    }

    /** Its value in a map of resolved settings (by name). */
    @SuppressWarnings("unchecked")
    public T in(Map<String, ?> resolved) {
      return (T) resolved.get(name);
    }

    /** Its flag of {@code bopsweep train}: {@code --lr-scale} for {@code lr_scale}. */
    public String flag() {
      return "--" + name.replace('_', '-');
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

  /** A range test on a coerced value; returns an error message or null. */
  @FunctionalInterface
  public interface Check<T> {
    String test(T value);
  }

  private static final List<Setting<?>> ALL = new CopyOnWriteArrayList<>();

  public static final Setting<Dataset> DATASET = choice("dataset", Dataset.class, r -> Dataset.MNIST, ALWAYS,
      "mnist, fashion-mnist, cifar10 (the cifar10 copy in the cache decides the recorded variant) or imagenet");
  public static final Setting<Model> MODEL = choice("model", Model.class, r -> Model.MLP, ALWAYS,
      "mlp, convnet, binarynet, or the ImageNet models binary-alexnet, xnornet, birealnet");
  public static final Setting<Double> WIDTH = real("width", r -> MODEL.in(r) == Model.MLP ? 2048.0 : 1.0, positive(),
      ALWAYS, "mlp: hidden units per layer; the other models: multiplier of channels and hidden units");
  public static final Setting<Padding> PADDING = choice("padding", Padding.class, r -> Padding.AUTHORS, paddedModels(),
      "authors (binarynet: first conv valid, rest same; convnet: valid) or same-all (padding 1 everywhere)");
  public static final Setting<Boolean> BN_AFFINE = bool("bn_affine",
      r -> MODEL.in(r) == Model.BINARY_ALEXNET || MODEL.in(r) == Model.XNORNET || MODEL.in(r) == Model.BIREALNET, ALWAYS,
      "BatchNorm with a learned scale (reproduction, and the authors' ImageNet models: on by default for them);"
          + " the authors' CIFAR BN has none");
  public static final Setting<Double> BN_MOMENTUM = real("bn_momentum", r -> 0.01, openClosedUnit(), ALWAYS,
      "weight of the new batch in BN running statistics (Keras momentum 0.99)");
  public static final Setting<Optimizer> OPTIMIZER = choice("optimizer", Optimizer.class, r -> Optimizer.BOP, ALWAYS,
      "bop, adam-latent, sgd-latent, or an optimizer registered in code");
  public static final Setting<Double> GAMMA = real("gamma", r -> 1e-3, openClosedUnit(), bopOnly(),
      "Bop adaptivity rate, in (0, 1]");
  public static final Setting<Double> TAU = real("tau", r -> 1e-6, nonNegative(), bopOnly(), "Bop flip threshold, >= 0");
  public static final Setting<FlipRule> FLIP_RULE = choice("flip_rule", FlipRule.class, r -> FlipRule.STRICT, bopOnly(),
      "strict (authors' code: w*m > tau) or inclusive (paper: |m| >= tau)");
  public static final Setting<MomentumStart> MOMENTUM_START = choice("momentum_start", MomentumStart.class,
      r -> MomentumStart.ZERO, bopOnly(), "Bop momentum at step 0: zero (authors' code) or first-grad (reproduction)");
  public static final Setting<BopStart> BOP_START = choice("bop_start", BopStart.class, r -> BopStart.REAL, bopOnly(),
      "Bop kernels before the first step: real initial values (authors' code) or their signs");
  public static final Setting<Double> ADAM_LR = real("adam_lr", r -> 1e-2, positive(), bopOnly(),
      "Adam learning rate of the non-binary parameters (BatchNorm) under Bop");
  public static final Setting<Double> LR = real("lr", r -> OPTIMIZER.in(r) == Optimizer.SGD_LATENT ? 1e-2 : 1e-3,
      positive(), latentOnly(), "base learning rate of latent-weight optimizers (all their parameters)");
  public static final Setting<Double> LR_SCALE = real("lr_scale", r -> 1.0, positive(), latentOnly(),
      "multiplies the learning rate of the latent kernels");
  public static final Setting<Init> INIT = choice("init", Init.class, r -> Init.GLOROT, realStart(),
      "kernel init: glorot (uniform) or uniform on [-1, 1]");
  public static final Setting<Double> INIT_SCALE = real("init_scale", r -> 1.0, positive(), realStart(),
      "multiplies the initial kernel values");
  public static final Setting<Boolean> CLIP = bool("clip", r -> OPTIMIZER.in(r) == Optimizer.ADAM_LATENT, latentOnly(),
      "clip latent weights to [-1, 1] after each step (default: on for adam-latent, off for sgd-latent)");
  public static final Setting<LatentDtype> LATENT_DTYPE = choice("latent_dtype", LatentDtype.class,
      r -> LatentDtype.FLOAT32, latentOnly(),
      "storage of latent weights: float32, or float64 (rounding then cannot break Theorem 1's scale equivalence)");
  public static final Setting<Boolean> XAVIER_LR_SCALING = bool("xavier_lr_scaling", r -> false, latentOnly(),
      "scale each latent kernel's learning rate by 1/sqrt(1.5/(fan_in+fan_out)) (BinaryConnect)");
  public static final Setting<Schedule> GAMMA_SCHEDULE = schedule("gamma_schedule", bopOnly(),
      "constant, step:FACTOR:EVERY_EPOCHS or linear:END");
  public static final Setting<Schedule> LR_SCHEDULE = schedule("lr_schedule", ALWAYS,
      "schedule of every learning rate: constant, step:FACTOR:EVERY_EPOCHS or linear:END");
  public static final Setting<Integer> EPOCHS = integer("epochs", r -> 5, atLeast(1), ALWAYS, "epochs to train, >= 1");
  public static final Setting<Integer> BATCH_SIZE = integer("batch_size", r -> 100, atLeast(1), ALWAYS, "mini-batch size");
  public static final Setting<Long> SEED = add(new Setting<>("seed", Type.LONG, null, r -> 0L, null,
      "seed of initialization, shuffling and augmentation", ALWAYS, null));
  public static final Setting<Boolean> AUGMENT = bool("augment",
      r -> DATASET.in(r) == Dataset.CIFAR10 || DATASET.in(r) == Dataset.IMAGENET, ALWAYS,
      "training images: cifar10 pad 4, random 32x32 crop, random horizontal flip; imagenet random resized crop to 224"
          + " and flip (default: on for both)");
  public static final Setting<Integer> VALIDATION_SPLIT = integer("validation_split", r -> 0, atLeast(0), ALWAYS,
      "hold out the last N training images as a validation set (0: none)");
  public static final Setting<Boolean> EVAL_LATENT = bool("eval_latent", r -> false, latentOnly(),
      "also evaluate with the latent real weights, and with them after re-estimating BN statistics");
  public static final Setting<Integer> TRAIN_LIMIT = integer("train_limit", r -> 0, atLeast(0), ALWAYS,
      "use only the first N training images (0: all)");
  public static final Setting<Integer> TEST_LIMIT = integer("test_limit", r -> 0, atLeast(0), ALWAYS,
      "use only the first N test images (0: all)");

  private static Applicability bopOnly() {
    return new Applicability(List.of(OPTIMIZER.name()), r -> OPTIMIZER.in(r) == Optimizer.BOP, "optimizer bop");
  }

  private static Applicability latentOnly() {
    return new Applicability(List.of(OPTIMIZER.name()), r -> OPTIMIZER.in(r).hasLatentWeights(),
        "optimizers adam-latent and sgd-latent");
  }

  // padding: Models reads it for convnet and binarynet only (mlp has no convolutions; the ImageNet
  // models refuse any value but authors)
  private static Applicability paddedModels() {
    return new Applicability(List.of(MODEL.name()), r -> MODEL.in(r) == Model.CONVNET || MODEL.in(r) == Model.BINARYNET,
        "models convnet and binarynet");
  }

  // init, init_scale: a Bop kernel started from signs keeps only the sign of its scaled initial value
  private static Applicability realStart() {
    return new Applicability(List.of(OPTIMIZER.name(), BOP_START.name()),
        r -> !(OPTIMIZER.in(r) == Optimizer.BOP && BOP_START.in(r) == BopStart.SIGN),
        "every trial but optimizer bop with bop_start sign");
  }

  private static Setting<Double> real(String name, Function<Map<String, Object>, Double> defaults, Check<Double> check,
      Applicability applies, String doc) {
    return add(new Setting<>(name, Type.DOUBLE, null, defaults, check, doc, applies, null));
  }

  private static Setting<Integer> integer(String name, Function<Map<String, Object>, Integer> defaults,
      Check<Integer> check, Applicability applies, String doc) {
    return add(new Setting<>(name, Type.INT, null, defaults, check, doc, applies, null));
  }

  private static Setting<Boolean> bool(String name, Function<Map<String, Object>, Boolean> defaults,
      Applicability applies, String doc) {
    return add(new Setting<>(name, Type.BOOL, null, defaults, null, doc, applies, null));
  }

  private static <C extends Choice> Setting<C> choice(String name, Class<C> choices,
      Function<Map<String, Object>, C> defaults, Applicability applies, String doc) {
    return add(new Setting<>(name, Type.CHOICE, choices, defaults, null, doc, applies, null));
  }

  private static Setting<Schedule> schedule(String name, Applicability applies, String doc) {
    return add(new Setting<>(name, Type.SCHEDULE, null, r -> Schedule.CONSTANT, null, doc, applies, null));
  }

  private static <T> Setting<T> add(Setting<T> setting) {
    ALL.add(setting);
    return setting;
  }

  /** Takes a registered setting back (tests that declare one for their own run). */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Adds a setting declared outside this class (a plugged optimizer's hyperparameter, a test's)
   * after the built-in ones, until the returned registration is closed. It must have a neutral
   * value, so that no existing trial id changes.
   */
  public static synchronized Registration register(Setting<?> setting) {
    if (setting.neutral() == null) {
      throw new IllegalArgumentException(setting.name() + ": a setting added later needs a neutral value");
    }
    if (byName(setting.name()) != null) {
      throw new IllegalStateException("setting '" + setting.name() + "' is already declared");
    }
    ALL.add(setting);
    return () -> ALL.remove(setting);
  }

  /** Every setting, in declaration order: the order of resolution, of {@link TrialConfig#toMap} and of the columns. */
  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  public static Setting<?> byName(String name) {
    for (Setting<?> s : ALL) {
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
    for (Setting<?> s : ALL) {
      resolved.put(s.name(), resolveOne(s, raw, resolved));
    }
    return resolved;
  }

  private static <T> T resolveOne(Setting<T> s, Map<String, ?> raw, Map<String, Object> resolvedBefore) {
    Object given = raw.get(s.name());
    return s.checked(given != null ? s.coerce(given) : s.defaults().apply(resolvedBefore));
  }

  /**
   * The resolved settings with every setting that does not act replaced by its default, resolved
   * in declaration order over the values so replaced: two configs that compute the same are equal
   * here.
   */
  public static Map<String, Object> normalize(List<Setting<?>> settings, Map<String, Object> resolved) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Setting<?> s : settings) {
      Object value = resolved.get(s.name());
      if (!s.applies().test(resolved)) {
        value = s.defaults().apply(out);
      }
      out.put(s.name(), value);
    }
    return out;
  }

  /** The names of the settings that do not act on a trial with these resolved settings. */
  public static Set<String> notApplying(List<Setting<?>> settings, Map<String, Object> resolved) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Setting<?> s : settings) {
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
  public static Map<String, Object> identity(List<Setting<?>> settings, Map<String, Object> resolved) {
    Map<String, Object> normal = normalize(settings, resolved);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Setting<?> s : settings) {
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
  static Object coerce(Setting<?> s, Object raw) {
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

  private static Check<Double> positive() {
    return v -> v > 0 ? null : "must be > 0";
  }

  private static Check<Double> nonNegative() {
    return v -> v >= 0 ? null : "must be >= 0";
  }

  private static Check<Double> openClosedUnit() {
    return v -> v > 0 && v <= 1 ? null : "must be in (0, 1]";
  }

  private static Check<Integer> atLeast(int min) {
    return v -> v >= min ? null : "must be >= " + min;
  }
}
