package io.bopsweep.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Proposes a sweep's trials as combinations of settings, each of which {@link Grid#plan} crosses
 * with the spec's points and seeds (Ray Tune's searcher; what runs them and when they stop is not
 * its concern). Deterministic: the same spec proposes the same combinations, so trial ids are stable.
 */
public sealed interface Searcher permits Searcher.GridSearch, Searcher.RandomSearch {

  /** The combinations, in a stable order. */
  List<Map<String, Object>> combinations();

  /** The keys the combinations set (plan shows them as columns). */
  List<String> keys();

  /** How plan and messages name a combination, e.g. "grid {gamma=0.001}". */
  String describe(Map<String, Object> combination);

  /** The cartesian product of the axes, first axis outermost (an empty grid: one empty combination). */
  record GridSearch(Map<String, List<Object>> axes) implements Searcher {
    @Override
    public List<Map<String, Object>> combinations() {
      List<Map<String, Object>> out = new ArrayList<>();
      product(new ArrayList<>(axes.keySet()), 0, new LinkedHashMap<>(), out);
      return out;
    }

    private void product(List<String> names, int i, Map<String, Object> current, List<Map<String, Object>> out) {
      if (i == names.size()) {
        out.add(new LinkedHashMap<>(current));
        return;
      }
      for (Object value : axes.get(names.get(i))) {
        current.put(names.get(i), value);
        product(names, i + 1, current, out);
      }
      current.remove(names.get(i));
    }

    @Override
    public List<String> keys() {
      return List.copyOf(axes.keySet());
    }

    @Override
    public String describe(Map<String, Object> combination) {
      return "grid " + combination;
    }
  }

  /** A distribution of one setting's values. */
  sealed interface Distribution permits Uniform, LogUniform, IntRange, Choice {
    Object draw(SplittableRandom random);
  }

  /** Uniform on [low, high). */
  record Uniform(double low, double high) implements Distribution {
    @Override
    public Object draw(SplittableRandom random) {
      return low + random.nextDouble() * (high - low);
    }
  }

  /** exp of uniform on [log low, log high): every decade equally likely. */
  record LogUniform(double low, double high) implements Distribution {
    @Override
    public Object draw(SplittableRandom random) {
      return Math.exp(Math.log(low) + random.nextDouble() * (Math.log(high) - Math.log(low)));
    }
  }

  /** An integer in [low, high], both included. */
  record IntRange(long low, long high) implements Distribution {
    @Override
    public Object draw(SplittableRandom random) {
      return low + random.nextLong(high - low + 1);
    }
  }

  /** One of the values, each equally likely. */
  record Choice(List<Object> values) implements Distribution {
    @Override
    public Object draw(SplittableRandom random) {
      return values.get(random.nextInt(values.size()));
    }
  }

  /**
   * {@code samples} combinations drawn from {@code space} with a generator seeded by {@code seed}:
   * sample after sample, each key in the order written.
   */
  record RandomSearch(int samples, long seed, Map<String, Distribution> space) implements Searcher {
    @Override
    public List<Map<String, Object>> combinations() {
      SplittableRandom random = new SplittableRandom(seed);
      List<Map<String, Object>> out = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        Map<String, Object> combination = new LinkedHashMap<>();
        space.forEach((key, distribution) -> combination.put(key, distribution.draw(random)));
        out.add(combination);
      }
      return out;
    }

    @Override
    public List<String> keys() {
      return List.copyOf(space.keySet());
    }

    @Override
    public String describe(Map<String, Object> combination) {
      return "random sample " + combination;
    }
  }
}
