package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.EPOCHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.train.TrialStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  static final Scheduler.Asha ASHA = new Scheduler.Asha(1, 3, "test_acc", "max");

  /** Nine Bop trials of 9 epochs; trial i's test accuracy at every epoch is ACC[i]. */
  static final double[] ACC = {0.50, 0.90, 0.70, 0.60, 0.95, 0.10, 0.80, 0.30, 0.40};
  static final List<Trial> TRIALS = Grid.expand(SpecParser.parse("""
      fixed: {epochs: 9}
      grid: {gamma: [1.0e-5, 2.0e-5, 3.0e-5, 4.0e-5, 5.0e-5, 6.0e-5, 7.0e-5, 8.0e-5, 9.0e-5]}
      """, "asha.yaml", "asha"));

  private final Map<String, Scheduler.Stored> store = new HashMap<>();

  private Scheduler.Stored stored(String id) {
    return store.getOrDefault(id, new Scheduler.Stored(null, Map.of()));
  }

  /** Stores what training trial i to {@code epochs} gives. */
  private void train(int i, int epochs) {
    Map<Integer, Double> m = new TreeMap<>();
    for (int e = 1; e <= epochs; e++) {
      m.put(e, ACC[i]);
    }
    store.put(TRIALS.get(i).id(), new Scheduler.Stored(epochs == 9 ? TrialStatus.DONE : TrialStatus.STOPPED, m));
  }

  private Map<String, Integer> expect(int epochs, int... trials) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i : trials) {
      out.put(TRIALS.get(i).id(), epochs);
    }
    return out;
  }

  @Test
  void rungsAreMinEpochsTimesPowersOfEtaThenTheTrialsEpochs() {
    assertEquals(List.of(1, 3, 9), ASHA.rungs(9));
    assertEquals(List.of(1, 3, 9, 20), ASHA.rungs(20));
    assertEquals(List.of(2, 4, 8, 10), new Scheduler.Asha(2, 2, "test_acc", "max").rungs(10));
    assertEquals(List.of(5), new Scheduler.Asha(5, 3, "test_acc", "max").rungs(5));
  }

  @Test
  void everyTrialReachesTheFirstRungThenTheBestThirdGoesOnUntilOneFinishes() {
    assertEquals(expect(1, 0, 1, 2, 3, 4, 5, 6, 7, 8), ASHA.nextRound(TRIALS, this::stored));
    for (int i = 0; i < 9; i++) {
      if (i != 5) {
        train(i, 1);
      }
    }
    assertEquals(expect(1, 5), ASHA.nextRound(TRIALS, this::stored), "a rung waits for all of its trials");
    train(5, 1);
    // best three by test_acc at epoch 1: trials 4 (0.95), 1 (0.90), 6 (0.80)
    assertEquals(expect(3, 1, 4, 6), ASHA.nextRound(TRIALS, this::stored));
    train(1, 3);
    train(4, 3);
    train(6, 3);
    assertEquals(expect(9, 4), ASHA.nextRound(TRIALS, this::stored));
    train(4, 9);
    assertEquals(Map.of(), ASHA.nextRound(TRIALS, this::stored), "the sweep is over");
  }

  @Test
  void theAcceptanceSpecsShareTheirTrialsAndAshaTrainsAtMost40PercentOfTheGridsEpochs() {
    SweepSpec ashaSpec = SpecParser.parse(java.nio.file.Path.of("../conf/sweeps/quickstart-asha.yaml"));
    List<Trial> asha = Grid.expand(ashaSpec);
    List<Trial> grid = Grid.expand(SpecParser.parse(java.nio.file.Path.of("../conf/sweeps/quickstart-grid.yaml")));
    assertEquals(grid.stream().map(Trial::id).toList(), asha.stream().map(Trial::id).toList());
    long gridEpochs = grid.stream().mapToLong(t -> t.config().get(EPOCHS)).sum();
    // run the scheduler against a store where trial i always has accuracy i / 100
    Map<String, Scheduler.Stored> fake = new HashMap<>();
    long trained = 0;
    Map<String, Integer> round;
    do {
      round = ashaSpec.scheduler().nextRound(asha, id -> fake.getOrDefault(id, new Scheduler.Stored(null, Map.of())));
      for (Map.Entry<String, Integer> e : round.entrySet()) {
        int have = fake.containsKey(e.getKey()) ? fake.get(e.getKey()).metricByEpoch().size() : 0;
        trained += e.getValue() - have;
        Map<Integer, Double> m = new TreeMap<>();
        double acc = asha.indexOf(asha.stream().filter(t -> t.id().equals(e.getKey())).findFirst().get()) / 100.0;
        for (int epoch = 1; epoch <= e.getValue(); epoch++) {
          m.put(epoch, acc);
        }
        fake.put(e.getKey(), new Scheduler.Stored(e.getValue() == 9 ? TrialStatus.DONE : TrialStatus.STOPPED, m));
      }
    } while (!round.isEmpty());
    assertEquals(18 + 6 * 2 + 2 * 6, trained);
    assertEquals(162, gridEpochs);
    assertTrue(trained <= 0.4 * gridEpochs);
  }

  @Test
  void minModePromotesTheLowestAndDivergedTrialsAreNotPromoted() {
    Scheduler byLoss = new Scheduler.Asha(1, 3, "test_loss", "min");
    for (int i = 0; i < 9; i++) {
      train(i, 1);
    }
    store.put(TRIALS.get(5).id(), new Scheduler.Stored(TrialStatus.DIVERGED, Map.of(1, 0.10)));
    // lowest "loss" (here ACC) among the eight that did not diverge: trials 7 (0.30), 8 (0.40)
    assertEquals(expect(3, 7, 8), byLoss.nextRound(TRIALS, this::stored));
  }
  @Test
  void withoutASchedulerOneRoundTrainsEveryTrialThatIsNotDoneOrDivergedToItsEpochs() {
    Scheduler none = new Scheduler.FullBudget();
    assertEquals(expect(9, 0, 1, 2, 3, 4, 5, 6, 7, 8), none.nextRound(TRIALS, this::stored));
    store.put(TRIALS.get(0).id(), new Scheduler.Stored(TrialStatus.DONE, Map.of()));
    store.put(TRIALS.get(1).id(), new Scheduler.Stored(TrialStatus.DIVERGED, Map.of()));
    store.put(TRIALS.get(2).id(), new Scheduler.Stored(TrialStatus.FAILED, Map.of()));
    store.put(TRIALS.get(3).id(), new Scheduler.Stored(TrialStatus.STOPPED, Map.of(1, 0.5)));
    assertEquals(expect(9, 2, 3, 4, 5, 6, 7, 8), none.nextRound(TRIALS, this::stored),
        "failed ones again; one another spec's scheduler stopped goes on to its epochs");
    for (int i = 2; i < 9; i++) {
      store.put(TRIALS.get(i).id(), new Scheduler.Stored(TrialStatus.DONE, Map.of()));
    }
    assertEquals(Map.of(), none.nextRound(TRIALS, this::stored));
    assertEquals(null, none.metric(), "reads no epochs");
  }

  @Test
  void planCountsTheEpochsEachTrialTrainsWhenTheTrialsKeepTheirOrder() {
    Map<String, Integer> asha = ASHA.simulate(TRIALS);
    assertEquals(9 + 3 * 2 + 6, asha.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(9, asha.get(TRIALS.get(8).id()), "trial i has metric i: the last is the best");
    assertEquals("asha by test_acc (max): rungs at epochs 1, 3 and at each trial's epochs; the best 1/3 of a rung go on",
        ASHA.describe(TRIALS));
    Map<String, Integer> none = new Scheduler.FullBudget().simulate(TRIALS);
    assertEquals(81, none.values().stream().mapToInt(Integer::intValue).sum());
  }
}
