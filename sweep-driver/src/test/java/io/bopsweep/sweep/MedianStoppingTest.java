package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.train.TrialStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Median stopping's decisions against medians worked out by hand in the comments, on a made-up
 * store: trial i's metric at epoch e is M[i][e - 1].
 */
class MedianStoppingTest {
  /** Five Bop trials of 4 epochs. */
  static final List<Trial> TRIALS = Grid.expand(SpecParser.parse("""
      fixed: {epochs: 4}
      grid: {gamma: [1.0e-5, 2.0e-5, 3.0e-5, 4.0e-5, 5.0e-5]}
      """, "median.yaml", "median"));

  private final Map<String, Scheduler.Stored> store = new HashMap<>();
  private double[][] metric;

  private Scheduler.Stored stored(String id) {
    return store.getOrDefault(id, new Scheduler.Stored(null, Map.of()));
  }

  /** Stores what training trial i to {@code epochs} gives (STOPPED below its 4 epochs, as a round commits it). */
  private void train(int i, int epochs) {
    Map<Integer, Double> m = new TreeMap<>();
    for (int e = 1; e <= epochs; e++) {
      m.put(e, metric[i][e - 1]);
    }
    store.put(TRIALS.get(i).id(), new Scheduler.Stored(epochs == 4 ? TrialStatus.DONE : TrialStatus.STOPPED, m));
  }

  /** Runs rounds until the scheduler has none; returns the epochs each trial trained, and counts the rounds. */
  private int[] sweep(Scheduler s, List<Map<String, Integer>> rounds) {
    for (Map<String, Integer> round = s.nextRound(TRIALS, this::stored); !round.isEmpty();
        round = s.nextRound(TRIALS, this::stored)) {
      rounds.add(round);
      round.forEach((id, to) -> train(index(id), to));
      assertTrue(rounds.size() < 20, "the rounds end");
    }
    int[] out = new int[TRIALS.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = stored(TRIALS.get(i).id()).metricByEpoch().size();
    }
    return out;
  }

  private static int index(String id) {
    for (int i = 0; i < TRIALS.size(); i++) {
      if (TRIALS.get(i).id().equals(id)) {
        return i;
      }
    }
    throw new AssertionError(id);
  }

  private static Map<String, Integer> expect(int epochs, int... trials) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i : trials) {
      out.put(TRIALS.get(i).id(), epochs);
    }
    return out;
  }

  @Test
  void checksStartAfterTheGracePeriodAndStayBelowATrialsEpochs() {
    assertEquals(List.of(1, 2, 3), new Scheduler.MedianStopping(1, 1, 3, "test_acc", "max").checks(4));
    assertEquals(List.of(2, 5, 8), new Scheduler.MedianStopping(2, 3, 3, "test_acc", "max").checks(9));
    assertEquals(List.of(), new Scheduler.MedianStopping(4, 1, 3, "test_acc", "max").checks(4));
  }

  @Test
  void aTrialWhoseBestSoFarIsBelowTheMedianOfTheOthersStopsAtTheCheck() {
    Scheduler.MedianStopping s = new Scheduler.MedianStopping(1, 1, 2, "test_acc", "max");
    metric = new double[][] {
        {0.50, 0.55, 0.60, 0.65},
        {0.90, 0.91, 0.92, 0.93},
        {0.70, 0.72, 0.74, 0.76},
        {0.30, 0.95, 0.96, 0.97},
        {0.80, 0.60, 0.85, 0.86},
    };
    assertEquals(expect(1, 0, 1, 2, 3, 4), s.nextRound(TRIALS, this::stored), "every trial trains to the first check");
    for (int i = 0; i < 4; i++) {
      train(i, 1);
    }
    assertEquals(expect(1, 4), s.nextRound(TRIALS, this::stored), "a check waits for all of its trials");
    train(4, 1);
    // check at epoch 1, values 0.50 0.90 0.70 0.30 0.80:
    //   trial 0: others 0.90 0.70 0.30 0.80 -> median (0.70 + 0.80) / 2 = 0.75; 0.50 < 0.75: stops
    //   trial 1: others 0.50 0.70 0.30 0.80 -> (0.50 + 0.70) / 2 = 0.60; 0.90 goes on
    //   trial 2: others 0.50 0.90 0.30 0.80 -> (0.50 + 0.80) / 2 = 0.65; 0.70 goes on
    //   trial 3: others 0.50 0.90 0.70 0.80 -> (0.70 + 0.80) / 2 = 0.75; 0.30 stops
    //   trial 4: others 0.50 0.90 0.70 0.30 -> (0.50 + 0.70) / 2 = 0.60; 0.80 goes on
    assertEquals(expect(2, 1, 2, 4), s.nextRound(TRIALS, this::stored));
    train(1, 2);
    train(2, 2);
    train(4, 2);
    // check at epoch 2, reached by trials 1, 2, 4 (0 and 3 stopped at 1); best so far: 0.91, 0.72, 0.80 (trial 4's
    // 0.60 at epoch 2 is below its 0.80 at epoch 1):
    //   trial 1: others 0.72 0.80 -> 0.76; goes on.  trial 2: others 0.91 0.80 -> 0.855; 0.72 stops.
    //   trial 4: others 0.91 0.72 -> 0.815; 0.80 stops
    assertEquals(expect(3, 1), s.nextRound(TRIALS, this::stored));
    train(1, 3);
    // check at epoch 3: trial 1 alone reached it; one other needed (min_trials 2): none, it goes on to its end
    assertEquals(expect(4, 1), s.nextRound(TRIALS, this::stored));
    train(1, 4);
    assertEquals(Map.of(), s.nextRound(TRIALS, this::stored), "the sweep is over");
    assertEquals(TrialStatus.STOPPED, stored(TRIALS.get(3).id()).status(),
        "trial 3 would have been the best at epoch 2: median stopping does not look ahead");
  }

  @Test
  void aTrialEqualToTheMedianGoesOnAndAnOddCountTakesTheMiddleValue() {
    Scheduler.MedianStopping s = new Scheduler.MedianStopping(1, 1, 1, "test_acc", "max");
    metric = new double[][] {{0.5, 0, 0, 0}, {0.5, 0, 0, 0}, {0.5, 0, 0, 0}, {0.4, 0, 0, 0}, {0.6, 0, 0, 0}};
    for (int i = 0; i < 5; i++) {
      train(i, 1);
    }
    // trials 0, 1, 2: others 0.5 0.5 0.4 0.6 -> (0.5 + 0.5) / 2 = 0.5, equal: go on
    // trial 3: others 0.5 0.5 0.5 0.6 -> 0.5; 0.4 stops.  trial 4: 0.6 goes on
    assertEquals(expect(2, 0, 1, 2, 4), s.nextRound(TRIALS, this::stored));
    metric = new double[][] {{0.5, 0.7, 0, 0}, {0.5, 0.6, 0, 0}, {0.5, 0.5, 0, 0}, {0.4, 0, 0, 0}, {0.6, 0.1, 0, 0}};
    for (int i : new int[] {0, 1, 2, 4}) {
      train(i, 2);
    }
    // epoch 2, best so far: 0.7, 0.6, 0.5, 0.6 (trial 4 keeps its 0.6 of epoch 1)
    // trial 0: others 0.6 0.5 0.6 -> 0.6 (odd: the middle one); goes on.  trial 1: others 0.7 0.5 0.6 -> 0.6, equal:
    // goes on.  trial 2: others 0.7 0.6 0.6 -> 0.6; 0.5 stops.  trial 4: others 0.7 0.6 0.5 -> 0.6, equal: goes on
    assertEquals(expect(3, 0, 1, 4), s.nextRound(TRIALS, this::stored));
  }

  @Test
  void tooFewOtherTrialsAtACheckStopNothing() {
    Scheduler.MedianStopping s = new Scheduler.MedianStopping(1, 1, 5, "test_acc", "max");
    metric = new double[][] {{0.1, 0.1, 0.1, 0.1}, {0.2, 0.2, 0.2, 0.2}, {0.3, 0.3, 0.3, 0.3}, {0.4, 0.4, 0.4, 0.4},
        {0.5, 0.5, 0.5, 0.5}};
    List<Map<String, Integer>> rounds = new java.util.ArrayList<>();
    // four others at every check, five needed: every trial trains to each check and then to its end
    assertEquals(List.of(4, 4, 4, 4, 4), java.util.Arrays.stream(sweep(s, rounds)).boxed().toList());
    assertEquals(List.of(expect(1, 0, 1, 2, 3, 4), expect(2, 0, 1, 2, 3, 4), expect(3, 0, 1, 2, 3, 4),
        expect(4, 0, 1, 2, 3, 4)), rounds);
  }

  @Test
  void inMinModeTheLowerLossIsBetter() {
    Scheduler.MedianStopping s = new Scheduler.MedianStopping(2, 2, 3, "test_loss", "min");
    metric = new double[][] {
        {2.0, 1.0, 0.9, 0.8},   // best to epoch 2: 1.0
        {2.0, 3.0, 0.1, 0.1},   // 2.0
        {1.5, 1.4, 1.3, 1.2},   // 1.4
        {0.5, 0.6, 0.5, 0.5},   // 0.5
        {9.0, 8.0, 7.0, 6.0},   // 8.0
    };
    List<Map<String, Integer>> rounds = new java.util.ArrayList<>();
    int[] trained = sweep(s, rounds);
    assertEquals(expect(2, 0, 1, 2, 3, 4), rounds.get(0), "the first check is at grace_epochs");
    // the only check (at 2; the next would be 4, not below 4 epochs): values 1.0 2.0 1.4 0.5 8.0
    // trial 0: others 2.0 1.4 0.5 8.0 -> (1.4 + 2.0) / 2 = 1.7; 1.0 goes on
    // trial 1: others 1.0 1.4 0.5 8.0 -> (1.0 + 1.4) / 2 = 1.2; 2.0 stops
    // trial 2: others 1.0 2.0 0.5 8.0 -> (1.0 + 2.0) / 2 = 1.5; 1.4 goes on
    // trial 3: others 1.0 2.0 1.4 8.0 -> (1.4 + 2.0) / 2 = 1.7; 0.5 goes on
    // trial 4: others 1.0 2.0 1.4 0.5 -> (1.0 + 1.4) / 2 = 1.2; 8.0 stops
    assertEquals(List.of(4, 2, 4, 4, 2), java.util.Arrays.stream(trained).boxed().toList());
    assertEquals(expect(4, 0, 2, 3), rounds.get(1));
    assertEquals(2, rounds.size());
  }

  @Test
  void divergedTrialsAreLeftOutOfTheMedianAndAMissingMetricIsTheWorst() {
    Scheduler.MedianStopping s = new Scheduler.MedianStopping(1, 1, 2, "test_acc", "max");
    metric = new double[][] {{0.5, 0, 0, 0}, {0.6, 0, 0, 0}, {0.9, 0, 0, 0}, {Double.NaN, 0, 0, 0}, {0.7, 0, 0, 0}};
    for (int i = 0; i < 5; i++) {
      train(i, 1);
    }
    store.put(TRIALS.get(2).id(), new Scheduler.Stored(TrialStatus.DIVERGED, Map.of(1, 0.9)));
    // trial 2 diverged: not in the median, not trained on. Trial 3 has no number: the worst value.
    // trial 0: others 0.6 -inf 0.7 -> 0.6; 0.5 stops.  trial 1: others 0.5 -inf 0.7 -> 0.5; 0.6 goes on
    // trial 3: others 0.5 0.6 0.7 -> 0.6; stops.  trial 4: others 0.5 0.6 -inf -> 0.5; goes on
    assertEquals(expect(2, 1, 4), s.nextRound(TRIALS, this::stored));
  }

  @Test
  void aRoundKilledHalfwayIsRunAgainWithTheSameDecisions() {
    Scheduler.MedianStopping s = new Scheduler.MedianStopping(1, 1, 2, "test_acc", "max");
    metric = new double[][] {
        {0.50, 0.55, 0.60, 0.65}, {0.90, 0.91, 0.92, 0.93}, {0.70, 0.72, 0.74, 0.76}, {0.30, 0.95, 0.96, 0.97},
        {0.80, 0.60, 0.85, 0.86}};
    List<Map<String, Integer>> uninterrupted = new java.util.ArrayList<>();
    int[] reference = sweep(s, uninterrupted);
    store.clear();
    List<Map<String, Integer>> seen = new java.util.ArrayList<>();
    for (Map<String, Integer> round = s.nextRound(TRIALS, this::stored); !round.isEmpty();
        round = s.nextRound(TRIALS, this::stored)) {
      seen.add(round);
      // "killed" after the first trial of each round committed: the rerun's round is the rest of it
      Map.Entry<String, Integer> first = round.entrySet().iterator().next();
      train(index(first.getKey()), first.getValue());
      Map<String, Integer> rest = new LinkedHashMap<>(round);
      rest.remove(first.getKey());
      if (!rest.isEmpty()) {
        assertEquals(rest, s.nextRound(TRIALS, this::stored));
        rest.forEach((id, to) -> train(index(id), to));
      }
    }
    assertEquals(uninterrupted, seen);
    assertEquals(java.util.Arrays.toString(reference), java.util.Arrays.toString(sweep(s, new java.util.ArrayList<>())));
  }

  @Test
  void planCountsTheEpochsWhenEachCheckStopsTheWorseTrials() {
    // trial i has value i: at each check the trials below the others' median stop
    // check 1: 0..4 -> 0 (median of 1..4: 2.5) and 1 (median of 0,2,3,4: 2.5) stop; 2 (others 0,1,3,4: 2) goes on
    // check 2: 2, 3, 4 reached -> 2 (others 3, 4: 3.5) stops; 3 (others 2, 4: 3) goes on; 4 goes on
    // check 3: 3, 4 -> one other each, 2 needed: both go on to epoch 4
    Map<String, Integer> trained = new Scheduler.MedianStopping(1, 1, 2, "test_acc", "max").simulate(TRIALS);
    assertEquals(List.of(1, 1, 2, 4, 4), TRIALS.stream().map(t -> trained.get(t.id())).toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "scheduler: {type: median, grace_epoch: 1}|scheduler.grace_epoch: unknown key for type median (did you mean 'grace_epochs'?)",
    "scheduler: {type: median, eta: 3}|scheduler.eta: unknown key for type median (its keys: type, grace_epochs, interval_epochs, min_trials, metric, mode)",
    "scheduler: {type: asha, min_trials: 3}|scheduler.min_trials: unknown key for type asha",
    "scheduler: {type: hyperband}|scheduler.type: must be asha or median, got hyperband",
    "scheduler: {type: medain}|scheduler.type: must be asha or median, got medain (did you mean 'median'?)",
    "scheduler: {grace_epochs: 1}|scheduler.type: must be asha or median, got null",
    "scheduler: median|scheduler: must be a mapping with a type (asha or median) and its keys",
    "scheduler: {type: median, grace_epochs: 0}|scheduler.grace_epochs: an integer >= 1, got 0",
    "scheduler: {type: median, grace_epochs: 1.5}|scheduler.grace_epochs: an integer >= 1, got 1.5",
    "scheduler: {type: median, interval_epochs: 0}|scheduler.interval_epochs: an integer >= 1, got 0",
    "scheduler: {type: median, min_trials: 0}|scheduler.min_trials: an integer >= 1, got 0",
    "scheduler: {type: median, min_trials: three}|scheduler.min_trials: an integer >= 1, got three",
    "scheduler: {type: median, metric: accuracy}|scheduler.metric: one of [test_acc, test_loss, train_acc, train_loss, val_acc, val_loss], got accuracy",
    "scheduler: {type: median, mode: maximize}|scheduler.mode: max or min, got maximize",
    "scheduler: {type: median, grace_epochs: 4}|scheduler.grace_epochs: 4 leaves no check before the trials' last epoch (at most 4): no trial would stop early",
    "scheduler: {type: median, min_trials: 5}|scheduler.min_trials: 5 other trials are needed at a check, and the sweep has 5 trials",
    "scheduler: {type: asha, min_epochs: 4}|scheduler.min_epochs: 4 is not below any trial's epochs (at most 4)",
    "scheduler: {type: asha, eta: 1}|scheduler.eta: an integer >= 2, got 1",
  })
  void badSchedulersGetOneLineNamingTheKey(String yaml, String expected) {
    String spec = "fixed: {epochs: 4}\ngrid: {gamma: [1.0e-5, 2.0e-5, 3.0e-5, 4.0e-5, 5.0e-5]}\n" + yaml + "\n";
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(spec, "bad.yaml", "bad"));
    assertTrue(e.getMessage().startsWith("bad.yaml: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void theDefaultsAreGraceOneIntervalOneThreeOtherTrialsAndMaxForAccuracy() {
    SweepSpec spec = SpecParser.parse("fixed: {epochs: 4}\ngrid: {gamma: [1.0e-5, 2.0e-5, 3.0e-5, 4.0e-5]}\n"
        + "scheduler: {type: median}\n", "ok.yaml", "ok");
    assertEquals(new Scheduler.MedianStopping(1, 1, 3, "test_acc", "max"), spec.scheduler());
    SweepSpec loss = SpecParser.parse("fixed: {epochs: 4}\ngrid: {gamma: [1.0e-5, 2.0e-5, 3.0e-5, 4.0e-5]}\n"
        + "scheduler: {type: median, metric: val_loss, grace_epochs: 2, interval_epochs: 2, min_trials: 2}\n", "ok.yaml",
        "ok");
    assertEquals(new Scheduler.MedianStopping(2, 2, 2, "val_loss", "min"), loss.scheduler());
    assertEquals(new Scheduler.FullBudget(), SpecParser.parse("fixed: {epochs: 4}\n", "ok.yaml", "ok").scheduler(),
        "no scheduler key: every trial to its epochs");
  }
}
