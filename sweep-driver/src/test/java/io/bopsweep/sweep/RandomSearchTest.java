package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.GAMMA;
import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static io.bopsweep.trainer.config.Settings.TAU;
import static io.bopsweep.trainer.config.Settings.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RandomSearchTest {
  static final String SPEC = """
      name: random-demo
      fixed: {dataset: mnist, model: mlp, epochs: 2}
      search:
        type: random
        samples: 300
        seed: 7
        space:
          gamma: {log_uniform: [1.0e-5, 1.0e-2]}
          tau: {uniform: [0, 1.0e-6]}
          width: {int: [16, 20]}
          optimizer: {choice: [bop, adam-latent]}
      seeds: 2
      """;

  @Test
  void samplesAreSeededWithinTheirDistributionsAndCrossedWithSeeds() {
    List<Trial> trials = Grid.expand(SpecParser.parse(SPEC, "r.yaml", "r"));
    assertEquals(trials.stream().map(Trial::id).toList(),
        Grid.expand(SpecParser.parse(SPEC, "r.yaml", "r")).stream().map(Trial::id).toList(), "same spec, same trials");
    List<Trial> bop = trials.stream().filter(t -> t.config().get(OPTIMIZER).id().equals("bop")).toList();
    assertTrue(bop.size() > 200 && bop.size() < 400, "choice: about half of 600: " + bop.size());
    for (Trial t : trials) {
      assertTrue(t.config().get(TAU) >= 0 && t.config().get(TAU) < 1e-6 || !t.swept().containsKey("tau"), t.swept().toString());
      double w = t.config().get(WIDTH);
      assertTrue(w == Math.rint(w) && w >= 16 && w <= 20, "int width " + w);
    }
    Set<Double> widths = trials.stream().map(t -> t.config().get(WIDTH)).collect(Collectors.toSet());
    assertEquals(Set.of(16.0, 17.0, 18.0, 19.0, 20.0), widths, "both ends of an int range are drawn");
    // log-uniform: each of the three decades gets about a third of the Bop samples
    for (int decade = -5; decade < -2; decade++) {
      double low = Math.pow(10, decade);
      long inDecade = bop.stream().filter(t -> t.config().get(GAMMA) >= low && t.config().get(GAMMA) < low * 10).count();
      assertTrue(Math.abs(inDecade - bop.size() / 3.0) < bop.size() / 10.0, "decade 1e" + decade + ": " + inDecade);
    }
    // every sample is run with both seeds
    assertEquals(2, trials.stream().filter(t -> t.swept().equals(trials.get(0).swept())).count());
  }

  @Test
  void anotherSeedDrawsOtherSamples() {
    // Bop trials: gamma and tau act on them, so every sample is its own trial
    List<String> a = Grid.expand(SpecParser.parse(SPEC, "r.yaml", "r")).stream()
        .filter(t -> t.config().get(OPTIMIZER).id().equals("bop")).map(Trial::id).toList();
    List<String> b = Grid.expand(SpecParser.parse(SPEC.replace("seed: 7", "seed: 8"), "r.yaml", "r")).stream()
        .filter(t -> t.config().get(OPTIMIZER).id().equals("bop")).map(Trial::id).toList();
    assertTrue(a.stream().noneMatch(b::contains));
  }

  @Test
  void aSearchThatDrawsTheSameValuesTwiceRunsThemOnce() {
    String spec = """
        fixed: {epochs: 1}
        search: {type: random, samples: 20, space: {optimizer: {choice: [bop, adam-latent]}}}
        """;
    assertEquals(2, Grid.expand(SpecParser.parse(spec, "c.yaml", "c")).size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "grid: {gamma: [1.0e-3]}\\nsearch: {type: random, samples: 2, space: {tau: {uniform: [0, 1]}}}|search: a spec has a grid or a search, not both",
    "search: {type: bayes, samples: 2, space: {tau: {uniform: [0, 1]}}}|search.type: must be random, got bayes",
    "search: {type: random, samples: 0, space: {tau: {uniform: [0, 1]}}}|search.samples: a count between 1 and 100000, got 0",
    "search: {type: random, sample: 2, space: {tau: {uniform: [0, 1]}}}|search.sample: unknown key (did you mean 'samples'?)",
    "search: {type: random, samples: 2, space: {}}|search.space: must be a non-empty mapping",
    "search: {type: random, samples: 2, space: {gama: {uniform: [0, 1]}}}|search.space.gama: unknown setting",
    "search: {type: random, samples: 2, space: {tau: {normal: [0, 1]}}}|search.space.tau.normal: unknown distribution",
    "search: {type: random, samples: 2, space: {tau: {uniform: [1, 0]}}}|search.space.tau.uniform: low 1.0 must be below high 0.0",
    "search: {type: random, samples: 2, space: {tau: {uniform: [0]}}}|search.space.tau.uniform: expected [low, high]",
    "search: {type: random, samples: 2, space: {tau: {log_uniform: [0, 1]}}}|search.space.tau.log_uniform: log_uniform needs low > 0",
    "search: {type: random, samples: 2, space: {gamma: {log_uniform: [1.0e-3, 2]}}}|search.space.gamma.log_uniform[1]: must be in (0, 1]",
    "search: {type: random, samples: 2, space: {optimizer: {uniform: [0, 1]}}}|search.space.optimizer.uniform: optimizer takes choice values; use choice",
    "search: {type: random, samples: 2, space: {epochs: {uniform: [1, 3]}}}|search.space.epochs.uniform: epochs takes int values; use int",
    "search: {type: random, samples: 2, space: {epochs: {int: [1.5, 3]}}}|search.space.epochs.int: expected two integers",
    "search: {type: random, samples: 2, space: {optimizer: {choice: [bop, adamw]}}}|search.space.optimizer.choice[1]: unknown value 'adamw'",
    "fixed: {tau: 0}\\nsearch: {type: random, samples: 2, space: {tau: {uniform: [0, 1]}}}|search.space.tau: also set in fixed",
  })
  void badSearchesGetOneLineNamingTheKey(String yaml, String expected) {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(yaml.replace("\\n", "\n"), "bad.yaml", "bad"));
    assertTrue(e.getMessage().startsWith("bad.yaml: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    assertEquals(1, e.getMessage().lines().count());
  }
}
