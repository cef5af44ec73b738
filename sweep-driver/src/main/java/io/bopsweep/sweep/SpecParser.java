package io.bopsweep.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a sweep spec from YAML and checks everything that can be checked without running it:
 * unknown keys (with a suggestion), types, ranges, empty axes, duplicate trials.
 *
 * <pre>
 * name: quickstart              # default: the file name
 * description: what it tests
 * fixed: {dataset: mnist, model: mlp, width: 256, epochs: 3}
 * grid: {gamma: [1e-4, 1e-3], tau: [0, 1e-6]}
 * points: [{optimizer: bop}, {optimizer: adam-latent, lr: 1e-3}]   # optional
 * seeds: 2                      # a count (0..N-1) or a list
 * needs_cluster: false
 * search:                        # instead of grid: seeded random search
 *   {type: random, samples: 20, seed: 0,
 *    space: {gamma: {log_uniform: [1e-5, 1e-2]}, width: {int: [64, 512]}, optimizer: {choice: [bop, adam-latent]}}}
 * scheduler: {type: asha, min_epochs: 1, eta: 3, metric: test_acc, mode: max}   # optional: early stopping
 * scheduler: {type: median, grace_epochs: 1, interval_epochs: 1, min_trials: 3, metric: test_acc, mode: max}
 * </pre>
 */
public final class SpecParser {
  static final List<String> TOP_LEVEL = List.of("name", "description", "fixed", "grid", "points", "seeds", "needs_cluster",
      "search", "scheduler");
  /** Trials a spec may expand to unless the command is given a higher limit ({@code --max-trials}). */
  public static final long DEFAULT_MAX_TRIALS = 10_000;
  /** Characters a spec file may have (SnakeYAML's own limit is 3 MB and its message misleading). */
  static final int MAX_CHARS = 1 << 20;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SpecParser() {}

  public static SweepSpec parse(Path file) {
    return parse(file, DEFAULT_MAX_TRIALS);
  }

  public static SweepSpec parse(Path file, long maxTrials) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(file + ": no such file");
    } catch (IOException e) {
      throw new SpecException(file + ": cannot read (" + e.getMessage() + ")");
    }
    String defaultName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return parse(text, file.toString(), defaultName, maxTrials);
  }

  public static SweepSpec parse(String text, String source, String defaultName) {
    return parse(text, source, defaultName, DEFAULT_MAX_TRIALS);
  }

  public static SweepSpec parse(String text, String source, String defaultName, long maxTrials) {
    if (text.length() > MAX_CHARS) {
      throw new SpecException(source + ": " + text.length() + " characters; a sweep spec may have at most " + MAX_CHARS
          + " (use grid axes and seeds: counts instead of listing trials)");
    }
    YamlChecks.refuseAliases(text, source);
    Object root;
    try {
      root = YAML.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      String why = e.getOriginalMessage().lines().findFirst().orElse("");
      if (why.startsWith("Duplicate field '")) {
        String key = why.substring("Duplicate field '".length(), why.indexOf('\'', "Duplicate field '".length()));
        throw new SpecException(source + ": " + key + where + ": duplicate key (each key may appear once per mapping)");
      }
      java.util.regex.Matcher nonFinite = java.util.regex.Pattern.compile("Malformed numeric value '([-+]?\\.(?i:nan|inf))'")
          .matcher(why);
      if (nonFinite.find()) {
        throw new SpecException(source + where + ": " + nonFinite.group(1) + ": settings take finite numbers");
      }
      throw new SpecException(source + ": not valid YAML" + where + ": " + why);
    }
    if (!(root instanceof Map)) {
      throw new SpecException(source + ": a sweep spec is a mapping with keys " + TOP_LEVEL);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> top = (Map<String, Object>) root;
    for (String key : top.keySet()) {
      if (!TOP_LEVEL.contains(key)) {
        String hint = Settings.byName(key) != null ? " (trial settings go under 'fixed', 'grid' or 'points')"
            : Settings.didYouMean(key, TOP_LEVEL);
        throw new SpecException(source + ": " + key + ": unknown key" + hint);
      }
    }
    String name = top.containsKey("name") ? string(top.get("name"), source, "name") : defaultName;
    String nameProblem = nameProblem(name);
    if (nameProblem != null) {
      throw new SpecException(source + ": name: " + nameProblem);
    }
    String description = top.containsKey("description") ? string(top.get("description"), source, "description") : "";
    Map<String, Object> fixed = settingsMap(top.get("fixed"), source, "fixed");
    Map<String, List<Object>> grid = new LinkedHashMap<>();
    if (top.containsKey("grid")) {
      Object g = top.get("grid");
      if (!(g instanceof Map<?, ?> gm) || gm.isEmpty()) {
        throw new SpecException(source + ": grid: must be a non-empty mapping of setting to list of values");
      }
      for (Map.Entry<?, ?> e : gm.entrySet()) {
        String axis = String.valueOf(e.getKey());
        String path = "grid." + axis;
        checkKnown(axis, source, path);
        if (!(e.getValue() instanceof List<?> values) || values.isEmpty()) {
          throw new SpecException(source + ": " + path + ": must be a non-empty list of values");
        }
        for (int i = 0; i < values.size(); i++) {
          checkValue(axis, values.get(i), source, path + "[" + i + "]");
        }
        if (fixed.containsKey(axis)) {
          throw new SpecException(source + ": " + path + ": also set in fixed; set it in one place");
        }
        grid.put(axis, new ArrayList<>(values));
      }
    }
    List<Map<String, Object>> points = new ArrayList<>();
    if (top.containsKey("points")) {
      if (!(top.get("points") instanceof List<?> ps) || ps.isEmpty()) {
        throw new SpecException(source + ": points: must be a non-empty list of mappings");
      }
      for (int i = 0; i < ps.size(); i++) {
        String path = "points[" + i + "]";
        Map<String, Object> p = settingsMap(ps.get(i), source, path);
        for (String k : p.keySet()) {
          if (grid.containsKey(k)) {
            throw new SpecException(source + ": " + path + "." + k + ": also a grid axis; set it in one place");
          }
        }
        points.add(p);
      }
    } else {
      points.add(Map.of());
    }
    List<Long> seeds = seeds(top.get("seeds"), source);
    boolean needsCluster = top.containsKey("needs_cluster") && bool(top.get("needs_cluster"), source, "needs_cluster");
    Searcher.RandomSearch random = null;
    if (top.containsKey("search")) {
      if (!grid.isEmpty()) {
        throw new SpecException(source + ": search: a spec has a grid or a search, not both");
      }
      random = search(top.get("search"), source, fixed, points);
    }
    Scheduler scheduler = top.containsKey("scheduler") ? scheduler(top.get("scheduler"), source) : null;
    SweepSpec spec = new SweepSpec(name, description, source, fixed, grid, points, seeds, needsCluster, random,
        scheduler);
    long count = Grid.count(spec);
    if (count > maxTrials) {
      throw new SpecException(source + ": " + (count == Long.MAX_VALUE ? "more than 9.2e18" : String.format("%,d", count))
          + " trials (points x grid x seeds), more than the limit of " + String.format("%,d", maxTrials)
          + "; give --max-trials N to allow more");
    }
    List<Trial> trials = Grid.expand(spec); // resolves every trial: ranges, dependent defaults, duplicates
    String pointless = spec.scheduler().refusal(trials);
    if (pointless != null) {
      throw new SpecException(source + ": scheduler." + pointless);
    }
    return spec;
  }

  static final List<String> SCHEDULERS = List.of("asha", "median");
  static final List<String> ASHA_KEYS = List.of("type", "min_epochs", "eta", "metric", "mode");
  static final List<String> MEDIAN_KEYS = List.of("type", "grace_epochs", "interval_epochs", "min_trials", "metric",
      "mode");
  static final List<String> METRICS = List.of("test_acc", "test_loss", "train_acc", "train_loss", "val_acc", "val_loss");

  private static Scheduler scheduler(Object node, String source) {
    if (!(node instanceof Map<?, ?> m)) {
      throw new SpecException(source + ": scheduler: must be a mapping with a type (" + String.join(" or ", SCHEDULERS)
          + ") and its keys");
    }
    String type = String.valueOf(m.get("type"));
    if (!SCHEDULERS.contains(type)) {
      throw new SpecException(source + ": scheduler.type: must be " + String.join(" or ", SCHEDULERS) + ", got "
          + m.get("type") + Settings.didYouMean(type, SCHEDULERS));
    }
    List<String> keys = type.equals("asha") ? ASHA_KEYS : MEDIAN_KEYS;
    for (Object key : m.keySet()) {
      if (!keys.contains(String.valueOf(key))) {
        String hint = Settings.didYouMean(String.valueOf(key), keys);
        throw new SpecException(source + ": scheduler." + key + ": unknown key for type " + type
            + (hint.isEmpty() ? " (its keys: " + String.join(", ", keys) + ")" : hint));
      }
    }
    Object metric = m.containsKey("metric") ? m.get("metric") : "test_acc";
    if (!METRICS.contains(String.valueOf(metric))) {
      throw new SpecException(source + ": scheduler.metric: one of " + METRICS + ", got " + metric);
    }
    Object mode = m.containsKey("mode") ? m.get("mode") : String.valueOf(metric).endsWith("loss") ? "min" : "max";
    if (!"max".equals(mode) && !"min".equals(mode)) {
      throw new SpecException(source + ": scheduler.mode: max or min, got " + mode);
    }
    if (type.equals("asha")) {
      return new Scheduler.Asha(count(m, "min_epochs", 1, 1, source), count(m, "eta", 3, 2, source),
          String.valueOf(metric), String.valueOf(mode));
    }
    return new Scheduler.MedianStopping(count(m, "grace_epochs", 1, 1, source), count(m, "interval_epochs", 1, 1, source),
        count(m, "min_trials", 3, 1, source), String.valueOf(metric), String.valueOf(mode));
  }

  /** An integer key of the scheduler, at least {@code min}. */
  private static int count(Map<?, ?> m, String key, int otherwise, int min, String source) {
    Object v = m.containsKey(key) ? m.get(key) : otherwise;
    if (!(v instanceof Integer i) || i < min) {
      throw new SpecException(source + ": scheduler." + key + ": an integer >= " + min + ", got " + v);
    }
    return i;
  }

  static final List<String> SEARCH_KEYS = List.of("type", "samples", "seed", "space");
  static final List<String> DISTRIBUTIONS = List.of("uniform", "log_uniform", "int", "choice");

  private static Searcher.RandomSearch search(Object node, String source, Map<String, Object> fixed,
      List<Map<String, Object>> points) {
    if (!(node instanceof Map<?, ?> m)) {
      throw new SpecException(source + ": search: must be a mapping with keys " + SEARCH_KEYS);
    }
    for (Object key : m.keySet()) {
      if (!SEARCH_KEYS.contains(String.valueOf(key))) {
        throw new SpecException(source + ": search." + key + ": unknown key" + Settings.didYouMean(String.valueOf(key),
            SEARCH_KEYS));
      }
    }
    if (!"random".equals(m.get("type"))) {
      throw new SpecException(source + ": search.type: must be random, got " + m.get("type"));
    }
    if (!(m.get("samples") instanceof Integer samples) || samples < 1 || samples > 100_000) {
      throw new SpecException(source + ": search.samples: a count between 1 and 100000, got " + m.get("samples"));
    }
    long seed = 0;
    if (m.containsKey("seed")) {
      if (!(m.get("seed") instanceof Integer || m.get("seed") instanceof Long)) {
        throw new SpecException(source + ": search.seed: expected an integer, got " + m.get("seed"));
      }
      seed = ((Number) m.get("seed")).longValue();
    }
    if (!(m.get("space") instanceof Map<?, ?> space) || space.isEmpty()) {
      throw new SpecException(source + ": search.space: must be a non-empty mapping of setting to distribution");
    }
    Map<String, Searcher.Distribution> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : space.entrySet()) {
      String key = String.valueOf(e.getKey());
      String path = "search.space." + key;
      checkKnown(key, source, path);
      if (key.equals("seed")) {
        throw new SpecException(source + ": " + path + ": set seeds with the top-level 'seeds' key");
      }
      if (fixed.containsKey(key)) {
        throw new SpecException(source + ": " + path + ": also set in fixed; set it in one place");
      }
      for (int i = 0; i < points.size(); i++) {
        if (points.get(i).containsKey(key)) {
          throw new SpecException(source + ": points[" + i + "]." + key + ": also in search.space; set it in one place");
        }
      }
      out.put(key, distribution(key, e.getValue(), source, path));
    }
    return new Searcher.RandomSearch(samples, seed, out);
  }

  private static Searcher.Distribution distribution(String key, Object node, String source, String path) {
    if (!(node instanceof Map<?, ?> d) || d.size() != 1) {
      throw new SpecException(source + ": " + path + ": must be one of " + DISTRIBUTIONS + " with its arguments, e.g. {"
          + "log_uniform: [1.0e-5, 1.0e-2]}");
    }
    String kind = String.valueOf(d.keySet().iterator().next());
    String at = path + "." + kind;
    if (!DISTRIBUTIONS.contains(kind)) {
      throw new SpecException(source + ": " + at + ": unknown distribution" + Settings.didYouMean(kind, DISTRIBUTIONS));
    }
    if (!(d.get(kind) instanceof List<?> args) || args.isEmpty()) {
      throw new SpecException(source + ": " + at + ": expected a non-empty list");
    }
    Settings.Type type = Settings.byName(key).type();
    if (kind.equals("choice")) {
      for (int i = 0; i < args.size(); i++) {
        checkValue(key, args.get(i), source, at + "[" + i + "]");
      }
      return new Searcher.Choice(new ArrayList<>(args));
    }
    if (args.size() != 2) {
      throw new SpecException(source + ": " + at + ": expected [low, high], got " + args);
    }
    if (kind.equals("int")) {
      if (type != Settings.Type.INT && type != Settings.Type.LONG && type != Settings.Type.DOUBLE) {
        throw new SpecException(source + ": " + at + ": " + key + " is not a number; use choice");
      }
      if (!(args.get(0) instanceof Integer || args.get(0) instanceof Long)
          || !(args.get(1) instanceof Integer || args.get(1) instanceof Long)) {
        throw new SpecException(source + ": " + at + ": expected two integers, got " + args);
      }
      long low = ((Number) args.get(0)).longValue();
      long high = ((Number) args.get(1)).longValue();
      if (low > high) {
        throw new SpecException(source + ": " + at + ": low " + low + " is above high " + high);
      }
      checkValue(key, low, source, at + "[0]");
      checkValue(key, high, source, at + "[1]");
      return new Searcher.IntRange(low, high);
    }
    if (type != Settings.Type.DOUBLE) {
      throw new SpecException(source + ": " + at + ": " + key + " takes " + type.name().toLowerCase(java.util.Locale.ROOT)
          + " values; use " + (type == Settings.Type.INT || type == Settings.Type.LONG ? "int" : "choice"));
    }
    double[] bounds = new double[2];
    for (int i = 0; i < 2; i++) {
      Object v = args.get(i);
      if (v instanceof Number n) {
        bounds[i] = n.doubleValue();
      } else {
        try {
          bounds[i] = Double.parseDouble(String.valueOf(v)); // YAML reads 1e-3 as text
        } catch (NumberFormatException e) {
          throw new SpecException(source + ": " + at + "[" + i + "]: expected a number, got " + v);
        }
      }
      checkValue(key, bounds[i], source, at + "[" + i + "]");
    }
    if (!(bounds[0] < bounds[1])) {
      throw new SpecException(source + ": " + at + ": low " + bounds[0] + " must be below high " + bounds[1]);
    }
    if (kind.equals("log_uniform")) {
      if (bounds[0] <= 0) {
        throw new SpecException(source + ": " + at + ": log_uniform needs low > 0, got " + bounds[0]);
      }
      return new Searcher.LogUniform(bounds[0], bounds[1]);
    }
    return new Searcher.Uniform(bounds[0], bounds[1]);
  }

  /**
   * Why a sweep name cannot be used, or null: names become file and folder names (logs, reports),
   * so only letters, digits, '.', '_' and '-', not starting with '.'.
   */
  public static String nameProblem(String name) {
    if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*") || name.length() > 128) {
      return "use letters, digits, '.', '_' and '-' only, not starting with '.', at most 128, got '"
          + Escapes.printable(name) + "'";
    }
    return null;
  }

  private static Map<String, Object> settingsMap(Object node, String source, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    if (!(node instanceof Map<?, ?> m)) {
      throw new SpecException(source + ": " + path + ": must be a mapping of setting to value");
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      checkKnown(key, source, path + "." + key);
      if (key.equals("seed")) {
        throw new SpecException(source + ": " + path + ".seed: set seeds with the top-level 'seeds' key");
      }
      checkValue(key, e.getValue(), source, path + "." + key);
      out.put(key, e.getValue());
    }
    return out;
  }

  private static void checkKnown(String key, String source, String path) {
    if (Settings.byName(key) == null) {
      throw new SpecException(source + ": " + path + ": unknown setting" + Settings.didYouMean(key));
    }
  }

  private static void checkValue(String key, Object value, String source, String path) {
    try {
      Settings.Setting s = Settings.byName(key);
      if (value == null) {
        throw new ConfigException(key, "has no value");
      }
      Object coerced = s.coerce(value);
      if (s.check() != null) {
        String error = s.check().test(coerced);
        if (error != null) {
          throw new ConfigException(key, error + ", got " + value);
        }
      }
    } catch (ConfigException e) {
      String msg = e.getMessage().substring(e.key().length() + 2);
      throw new SpecException(source + ": " + path + ": " + msg);
    }
  }

  private static List<Long> seeds(Object node, String source) {
    if (node == null) {
      return List.of(0L);
    }
    if (node instanceof Integer || node instanceof Long) {
      long n = ((Number) node).longValue();
      if (n < 1 || n > 10_000) {
        throw new SpecException(source + ": seeds: a count must be between 1 and 10000, got " + n);
      }
      List<Long> out = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        out.add(i);
      }
      return out;
    }
    if (node instanceof List<?> list && !list.isEmpty()) {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object v = list.get(i);
        if (!(v instanceof Integer || v instanceof Long)) {
          throw new SpecException(source + ": seeds[" + i + "]: expected an integer, got " + v);
        }
        long seed = ((Number) v).longValue();
        if (out.contains(seed)) {
          throw new SpecException(source + ": seeds[" + i + "]: duplicate seed " + seed);
        }
        out.add(seed);
      }
      return out;
    }
    throw new SpecException(source + ": seeds: expected a count or a non-empty list of integers, got " + node);
  }

  private static String string(Object v, String source, String key) {
    if (!(v instanceof String s) || s.isBlank()) {
      throw new SpecException(source + ": " + key + ": expected text, got " + v);
    }
    return s;
  }

  private static boolean bool(Object v, String source, String key) {
    if (!(v instanceof Boolean b)) {
      throw new SpecException(source + ": " + key + ": expected true or false, got " + v);
    }
    return b;
  }
}
