package io.bopsweep.sweep;

import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.TrialConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure expansion of a sweep spec into its trials: points x grid x seeds, in a stable order. */
public final class Grid {
  private Grid() {}

  /** How many trials a spec expands to, computed without expanding it; Long.MAX_VALUE if that overflows a long. */
  public static long count(SweepSpec spec) {
    try {
      long n = Math.multiplyExact((long) spec.points().size(), (long) spec.seeds().size());
      for (List<Object> values : spec.grid().values()) {
        n = Math.multiplyExact(n, (long) values.size());
      }
      return n;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  public static List<Trial> expand(SweepSpec spec) {
    List<Trial> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<String> axes = new ArrayList<>(spec.grid().keySet());
    List<Map<String, Object>> combos = new ArrayList<>();
    product(spec, axes, 0, new LinkedHashMap<>(), combos);
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
          String id = TrialId.of(cfg);
          Integer earlier = seen.putIfAbsent(id, out.size());
          if (earlier != null) {
            throw new SpecException(spec.source() + ": duplicate points: " + describe(spec, p, combo) + " seed " + seed
                + " resolves to the same trial as trial " + (earlier + 1) + " (" + id + ")");
          }
          Map<String, Object> swept = new LinkedHashMap<>(spec.points().get(p));
          swept.putAll(combo);
          out.add(new Trial(id, spec.name(), cfg, swept));
        }
      }
    }
    return out;
  }

  private static String describe(SweepSpec spec, int point, Map<String, Object> combo) {
    String s = spec.points().size() > 1 || !spec.points().get(0).isEmpty() ? "points[" + point + "]" : "";
    if (!combo.isEmpty()) {
      s += (s.isEmpty() ? "" : " with ") + "grid " + combo;
    }
    return s.isEmpty() ? "fixed" : s;
  }

  private static void product(SweepSpec spec, List<String> axes, int i, Map<String, Object> current,
      List<Map<String, Object>> out) {
    if (i == axes.size()) {
      out.add(new LinkedHashMap<>(current));
      return;
    }
    for (Object value : spec.grid().get(axes.get(i))) {
      current.put(axes.get(i), value);
      product(spec, axes, i + 1, current, out);
    }
    current.remove(axes.get(i));
  }
}
