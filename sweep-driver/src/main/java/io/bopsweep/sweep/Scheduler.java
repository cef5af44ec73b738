package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.EPOCHS;

import io.bopsweep.trainer.train.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides from stored results how far each trial trains (Ray Tune's scheduler): successive
 * halving over epochs, rung by rung. Rungs are at min_epochs, min_epochs * eta, ... below the
 * trials' epochs, and at their epochs. Every trial trains to the first rung; of those that reached
 * a rung, the best floor(n / eta) (at least one) by the metric at the rung's epoch continue to the
 * next from their checkpoints, the others stay STOPPED. A pure function of the stored results, so
 * a sweep killed mid-rung and run again makes the same promotions.
 *
 * @param metric an epochs column (test_acc, test_loss, val_acc, ...)
 * @param mode max or min
 */
public record Scheduler(String type, int minEpochs, int eta, String metric, String mode) {

  /** The epochs a trial's rungs end at, first to last (the last is the trial's epochs). */
  public List<Integer> rungs(int epochs) {
    List<Integer> out = new ArrayList<>();
    for (long r = minEpochs; r < epochs; r *= eta) {
      out.add((int) r);
    }
    out.add(epochs);
    return out;
  }

  /** What a trial has stored: its status (null: nothing committed) and its metric by epoch. */
  public record Stored(TrialStatus status, Map<Integer, Double> metricByEpoch) {}

  /**
   * The next round: trial id to the epoch it trains to now; empty when the sweep is over. Trials
   * are those of the sweep in expansion order; {@code stored} says what each has in the store.
   */
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
        boolean ended = s.status() == TrialStatus.DIVERGED || s.status() == TrialStatus.DONE;
        if (have >= target || ended) {
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
}
