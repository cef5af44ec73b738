package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.EPOCHS;

import io.bopsweep.trainer.train.TrialStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;

/**
 * Decides from stored results how far each trial trains (Ray Tune's scheduler), round by round: a
 * round is trial id to the epoch it trains to now, and the sweep ({@link SweepRunner}) runs rounds
 * until one is empty, knowing no scheduler's rule. A trial a round trains to fewer than its epochs
 * is committed STOPPED there with its checkpoint, and a later round may continue it from there.
 * Every scheduler is a pure function of the stored results, so a sweep killed mid-round and run
 * again makes the same decisions.
 */
public sealed interface Scheduler permits Scheduler.FullBudget, Scheduler.Asha, Scheduler.MedianStopping {

  /** What a trial has stored: its status (null: nothing committed) and its metric by epoch. */
  record Stored(TrialStatus status, Map<Integer, Double> metricByEpoch) {
    static final Stored NOTHING = new Stored(null, Map.of());

    boolean ended() {
      return status == TrialStatus.DONE || status == TrialStatus.DIVERGED;
    }
  }

  /** The epochs column the decisions read, or null when they read none (then metricByEpoch is empty). */
  String metric();

  /**
   * The next round: trial id to the epoch it trains to now; empty when the sweep is over. Trials
   * are those of the sweep in expansion order; {@code stored} says what each has in the store.
   */
  Map<String, Integer> nextRound(List<Trial> trials, Function<String, Stored> stored);

  /** How plan describes it for these trials (one line), or null for {@link FullBudget}. */
  String describe(List<Trial> trials);

  /** Why the spec's trials make this scheduler pointless, as "key: why", or null. */
  String refusal(List<Trial> trials);

  /**
   * The epochs each trial trains when trial i's metric is i at every epoch (all values distinct,
   * none diverges): what plan counts. Runs the scheduler against a made-up store.
   */
  default Map<String, Integer> simulate(List<Trial> trials) {
    Map<String, Stored> fake = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> epochs = new HashMap<>();
    for (int i = 0; i < trials.size(); i++) {
      index.put(trials.get(i).id(), i);
      epochs.put(trials.get(i).id(), trials.get(i).config().get(EPOCHS));
    }
    long maxRounds = 2 + epochs.values().stream().mapToLong(Integer::longValue).max().orElse(0);
    for (long r = 0; r < maxRounds; r++) {
      Map<String, Integer> round = nextRound(trials, id -> fake.getOrDefault(id, Stored.NOTHING));
      if (round.isEmpty()) {
        break;
      }
      round.forEach((id, to) -> {
        Map<Integer, Double> m = new TreeMap<>();
        for (int e = 1; e <= to; e++) {
          m.put(e, (double) index.get(id));
        }
        fake.put(id, new Stored(to >= epochs.get(id) ? TrialStatus.DONE : TrialStatus.STOPPED, m));
      });
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    trials.forEach(t -> out.put(t.id(), fake.getOrDefault(t.id(), Stored.NOTHING).metricByEpoch().size()));
    return out;
  }

  private static String list(List<Integer> epochs) {
    List<String> shown = epochs.stream().limit(8).map(String::valueOf).toList();
    return String.join(", ", shown) + (epochs.size() > 8 ? ", ... " + epochs.get(epochs.size() - 1) : "");
  }

  private static int maxEpochs(List<Trial> trials) {
    return trials.stream().mapToInt(t -> t.config().get(EPOCHS)).max().orElse(0);
  }

  /**
   * No early stopping (a spec without {@code scheduler}): one round trains every trial that is not
   * DONE or DIVERGED to its epochs (FAILED ones again; STOPPED ones, which another spec's scheduler
   * stopped, on from their checkpoints).
   */
  record FullBudget() implements Scheduler {
    @Override
    public String metric() {
      return null;
    }

    @Override
    public Map<String, Integer> nextRound(List<Trial> trials, Function<String, Stored> stored) {
      Map<String, Integer> round = new LinkedHashMap<>();
      for (Trial t : trials) {
        if (!stored.apply(t.id()).ended()) {
          round.put(t.id(), t.config().get(EPOCHS));
        }
      }
      return round;
    }

    @Override
    public String describe(List<Trial> trials) {
      return null;
    }

    @Override
    public String refusal(List<Trial> trials) {
      return null;
    }
  }

  /**
   * Successive halving over epochs, rung by rung. Rungs are at min_epochs, min_epochs * eta, ...
   * below the trials' epochs, and at their epochs. Every trial trains to the first rung; of those
   * that reached a rung, the best floor(n / eta) (at least one; ties by trial id) by the metric at
   * the rung's epoch continue to the next from their checkpoints, the others stay STOPPED.
   *
   * @param metric an epochs column (test_acc, test_loss, val_acc, ...)
   * @param mode max or min
   */
  record Asha(int minEpochs, int eta, String metric, String mode) implements Scheduler {

    /** The epochs a trial's rungs end at, first to last (the last is the trial's epochs). */
    public List<Integer> rungs(int epochs) {
      List<Integer> out = new ArrayList<>();
      for (long r = minEpochs; r < epochs; r *= eta) {
        out.add((int) r);
      }
      out.add(epochs);
      return out;
    }

    @Override
    public Map<String, Integer> nextRound(List<Trial> trials, Function<String, Stored> stored) {
      int maxRungs = trials.stream().mapToInt(t -> rungs(t.config().get(EPOCHS)).size()).max().orElse(0);
      List<Trial> candidates = new ArrayList<>(trials);
      for (int k = 0; k < maxRungs && !candidates.isEmpty(); k++) {
        Map<String, Integer> round = new LinkedHashMap<>();
        List<Trial> reached = new ArrayList<>();
        Map<String, Double> atRung = new LinkedHashMap<>();
        for (Trial t : candidates) {
          List<Integer> rungs = rungs(t.config().get(EPOCHS));
          int target = rungs.get(Math.min(k, rungs.size() - 1));
          Stored s = stored.apply(t.id());
          int have = s.metricByEpoch().size();
          if (have >= target || s.ended()) {
            if (k < rungs.size() - 1 && have >= target && s.metricByEpoch().get(target) != null
                && s.status() != TrialStatus.DIVERGED) {
              reached.add(t);
              atRung.put(t.id(), s.metricByEpoch().get(target));
            }
          } else {
            round.put(t.id(), target);
          }
        }
        if (!round.isEmpty()) {
          return round;
        }
        Comparator<Trial> byMetric = Comparator.comparingDouble(t -> atRung.get(t.id()));
        if (mode.equals("max")) {
          byMetric = byMetric.reversed();
        }
        reached.sort(byMetric.thenComparing(Trial::id));
        candidates = reached.subList(0, reached.isEmpty() ? 0 : Math.max(1, reached.size() / eta));
      }
      return Map.of();
    }

    @Override
    public String describe(List<Trial> trials) {
      List<Integer> rungs = rungs(maxEpochs(trials));
      return "asha by " + metric + " (" + mode + "): rungs at epochs " + list(rungs.subList(0, rungs.size() - 1))
          + " and at each trial's epochs; the best 1/" + eta + " of a rung go on";
    }

    @Override
    public String refusal(List<Trial> trials) {
      int max = maxEpochs(trials);
      return minEpochs >= max ? "min_epochs: " + minEpochs + " is not below any trial's epochs (at most " + max
          + "): no trial would stop early" : null;
    }
  }

  /**
   * Median stopping (after Ray Tune's MedianStoppingRule and Optuna's MedianPruner), in rounds.
   * Checks are at epochs grace_epochs, grace_epochs + interval_epochs, ... below a trial's epochs.
   * Every trial still running trains to the next check; once all have reached it, a trial is stopped
   * there when its value (its best metric over epochs 1 to the check) is strictly worse than the
   * median of the same value of the other trials that reached that epoch in the store (not
   * DIVERGED; a trial stopped at an earlier check did not reach it), provided there are at least
   * min_trials of them. The rest go on to the next check and, after the last, to their epochs. A
   * metric that is missing or NaN at every epoch up to the check counts as the worst value.
   *
   * @param metric an epochs column (test_acc, test_loss, val_acc, ...)
   * @param mode max or min
   */
  record MedianStopping(int graceEpochs, int intervalEpochs, int minTrials, String metric, String mode)
      implements Scheduler {

    /** The epochs a trial is checked at, first to last (all below its epochs). */
    public List<Integer> checks(int epochs) {
      List<Integer> out = new ArrayList<>();
      for (long c = graceEpochs; c < epochs; c += intervalEpochs) {
        out.add((int) c);
      }
      return out;
    }

    /** A trial's value at a check: its best metric over epochs 1 to {@code epoch}; the worst value if it has none. */
    public double valueAt(Map<Integer, Double> metricByEpoch, int epoch) {
      boolean max = mode.equals("max");
      double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      for (Map.Entry<Integer, Double> e : metricByEpoch.entrySet()) {
        Double v = e.getValue();
        if (e.getKey() <= epoch && v != null && !v.isNaN() && (max ? v > best : v < best)) {
          best = v;
        }
      }
      return best;
    }

    /**
     * The trials of {@code judged} stopped at a check: those whose value is strictly worse than the
     * median of the other trials' values (the middle one, or the mean of the two middle ones of an
     * even count), where there are at least min_trials others.
     *
     * @param reached every trial that reached the check's epoch (not DIVERGED), to its value there
     */
    public Set<String> stopped(Collection<String> judged, Map<String, Double> reached) {
      double[] sorted = reached.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int others = sorted.length - 1;
      Set<String> out = new LinkedHashSet<>();
      for (String id : judged) {
        if (others < minTrials) {
          break;
        }
        Double value = reached.get(id);
        if (value == null) {
          continue;
        }
        double v = value;
        // the others are the sorted values less one occurrence of v (which one does not matter)
        int i = java.util.Arrays.binarySearch(sorted, v);
        IntToDoubleFunction other = j -> sorted[j < i ? j : j + 1];
        double median = others % 2 == 1 ? other.applyAsDouble(others / 2)
            : (other.applyAsDouble(others / 2 - 1) + other.applyAsDouble(others / 2)) / 2;
        if (mode.equals("max") ? v < median : v > median) {
          out.add(id);
        }
      }
      return out;
    }

    @Override
    public Map<String, Integer> nextRound(List<Trial> trials, Function<String, Stored> stored) {
      int maxEpochs = maxEpochs(trials);
      List<Trial> candidates = new ArrayList<>(trials);
      for (long c = graceEpochs; c < maxEpochs && !candidates.isEmpty(); c += intervalEpochs) {
        int check = (int) c;
        Map<String, Integer> round = new LinkedHashMap<>();
        for (Trial t : candidates) {
          Stored s = stored.apply(t.id());
          int target = Math.min(check, t.config().get(EPOCHS));
          if (!s.ended() && s.metricByEpoch().size() < target) {
            round.put(t.id(), target);
          }
        }
        if (!round.isEmpty()) {
          return round;
        }
        Map<String, Double> reached = new LinkedHashMap<>();
        for (Trial t : trials) {
          Stored s = stored.apply(t.id());
          if (s.status() != TrialStatus.DIVERGED && s.metricByEpoch().size() >= check) {
            reached.put(t.id(), valueAt(s.metricByEpoch(), check));
          }
        }
        Set<String> judged = new LinkedHashSet<>();
        for (Trial t : candidates) {
          if (t.config().get(EPOCHS) > check && !stored.apply(t.id()).ended()) {
            judged.add(t.id());
          }
        }
        Set<String> stopped = stopped(judged, reached);
        candidates = candidates.stream().filter(t -> judged.contains(t.id()) && !stopped.contains(t.id())).toList();
      }
      Map<String, Integer> round = new LinkedHashMap<>();
      for (Trial t : candidates) {
        Stored s = stored.apply(t.id());
        if (!s.ended() && s.metricByEpoch().size() < t.config().get(EPOCHS)) {
          round.put(t.id(), t.config().get(EPOCHS));
        }
      }
      return round;
    }

    @Override
    public String describe(List<Trial> trials) {
      return "median stopping by " + metric + " (" + mode + "): checks at epochs " + list(checks(maxEpochs(trials)))
          + " (below each trial's epochs); a trial whose best so far is worse than the median of the others that"
          + " reached the check (at least " + minTrials + ") stops there";
    }

    @Override
    public String refusal(List<Trial> trials) {
      int max = maxEpochs(trials);
      if (graceEpochs >= max) {
        return "grace_epochs: " + graceEpochs + " leaves no check before the trials' last epoch (at most " + max
            + "): no trial would stop early";
      }
      if (minTrials > trials.size() - 1) {
        return "min_trials: " + minTrials + " other trials are needed at a check, and the sweep has " + trials.size()
            + " trials: no trial would stop early";
      }
      return null;
    }
  }
}
