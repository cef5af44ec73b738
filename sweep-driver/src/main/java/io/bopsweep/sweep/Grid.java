package io.bopsweep.sweep;

import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.Settings;
import io.bopsweep.trainer.config.TrialConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure expansion of a sweep spec into its trials: points x the combinations its {@link Searcher}
 * proposes (the grid, or a random search's samples) x seeds, in a stable order.
 *
 * <p>Trials that differ only in settings without effect on them (see {@link Settings}) are one
 * trial: the first in expansion order is kept and the others are reported as collapsed. A spec
 * that asks for the very same resolved settings twice (e.g. a point listed twice) is refused.
 */
public final class Grid {
  private Grid() {}

  /** How many trials a spec expands to, computed without expanding it; Long.MAX_VALUE if that overflows a long. */
  public static long count(SweepSpec spec) {
    try {
      long n = Math.multiplyExact((long) spec.points().size(), (long) spec.seeds().size());
      if (spec.random() != null) {
        return Math.multiplyExact(n, (long) spec.random().samples());
      }
      for (List<Object> values : spec.grid().values()) {
        n = Math.multiplyExact(n, (long) values.size());
      }
      return n;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }


  /**
   * Trials that collapsed into one.
   *
   * @param kept the trial that stays (1-based position {@code keptNumber} in the expansion)
   * @param dropped where in the spec each collapsed duplicate came from
   */
  public record Collapse(Trial kept, int keptNumber, List<String> dropped) {}

  /**
   * A setting the spec gives that has no effect on some of its trials.
   *
   * @param setting its name
   * @param where the values of the settings deciding it, e.g. "optimizer adam-latent"
   * @param values how many distinct values the spec gives it there
   */
  public record NoEffect(String setting, String where, int values) {
    public String message() {
      return setting + " has no effect for " + where + ": " + (values > 1 ? "its " + values + " values collapse to 1"
          : "its value is ignored");
    }
  }

  /** The distinct trials of a spec, and what collapsed on the way. */
  public record Expansion(List<Trial> trials, List<Collapse> collapsed, List<NoEffect> noEffect) {}

  public static List<Trial> expand(SweepSpec spec) {
    return plan(spec).trials();
  }

  public static Expansion plan(SweepSpec spec) {
    List<Trial> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    Map<TrialConfig, String> asked = new HashMap<>();
    Map<Integer, List<String>> dropped = new LinkedHashMap<>();
    Map<String, Map<String, Set<Object>>> ignored = new LinkedHashMap<>();
    List<Map<String, Object>> combos = spec.searcher().combinations();
    for (int p = 0; p < spec.points().size(); p++) {
      for (Map<String, Object> combo : combos) {
        for (long seed : spec.seeds()) {
          Map<String, Object> raw = new LinkedHashMap<>(spec.fixed());
          raw.putAll(spec.points().get(p));
          raw.putAll(combo);
          raw.put("seed", seed);
          TrialConfig cfg;
          try {
            cfg = TrialConfig.of(raw);
          } catch (ConfigException e) {
            throw new SpecException(spec.source() + ": " + describe(spec, p, combo) + ": " + e.getMessage());
          }
          String here = describe(spec, p, combo) + " seed " + seed;
          String twin = asked.putIfAbsent(cfg, here);
          if (twin != null && spec.random() == null) {
            // a random search may draw the same values twice: those collapse into one trial below
            throw new SpecException(spec.source() + ": duplicate points: " + here + " resolves to the same settings as "
                + twin);
          }
          Set<String> given = new LinkedHashSet<>(spec.fixed().keySet());
          given.addAll(spec.points().get(p).keySet());
          given.addAll(combo.keySet());
          Set<String> notApplying = cfg.notApplying();
          Map<String, Object> values = cfg.toMap();
          for (String key : given) {
            if (notApplying.contains(key)) {
              String where = where(Settings.byName(key).applies().reads(), values);
              ignored.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(where, w -> new LinkedHashSet<>())
                  .add(values.get(key));
            }
          }
          TrialConfig normal = cfg.normalized();
          String id = TrialId.of(normal);
          Integer earlier = seen.putIfAbsent(id, out.size());
          if (earlier != null) {
            dropped.computeIfAbsent(earlier, k -> new ArrayList<>()).add(here);
            continue;
          }
          Map<String, Object> swept = new LinkedHashMap<>(spec.points().get(p));
          swept.putAll(combo);
          swept.keySet().removeAll(notApplying);
          out.add(new Trial(id, spec.name(), normal, swept));
        }
      }
    }
    List<Collapse> collapsed = new ArrayList<>();
    dropped.forEach((i, list) -> collapsed.add(new Collapse(out.get(i), i + 1, List.copyOf(list))));
    List<NoEffect> noEffect = new ArrayList<>();
    ignored.forEach((key, byWhere) -> byWhere.forEach((where, vals) -> noEffect.add(new NoEffect(key, where,
        vals.size()))));
    return new Expansion(List.copyOf(out), List.copyOf(collapsed), List.copyOf(noEffect));
  }

  private static String where(List<String> reads, Map<String, Object> values) {
    List<String> parts = new ArrayList<>();
    for (String r : reads) {
      parts.add(r + " " + values.get(r));
    }
    return String.join(" and ", parts);
  }

  private static String describe(SweepSpec spec, int point, Map<String, Object> combo) {
    String s = spec.points().size() > 1 || !spec.points().get(0).isEmpty() ? "points[" + point + "]" : "";
    if (!combo.isEmpty()) {
      s += (s.isEmpty() ? "" : " with ") + spec.searcher().describe(combo);
    }
    return s.isEmpty() ? "fixed" : s;
  }
}
