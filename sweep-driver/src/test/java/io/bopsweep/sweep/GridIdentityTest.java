package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class GridIdentityTest {
  /** The README's example spec. */
  static final String README_EXAMPLE = """
      name: quickstart
      description: Bop gamma x tau on MNIST
      fixed:
        dataset: mnist
        model: mlp
        width: 256
        epochs: 3
      grid:
        gamma: [1.0e-4, 1.0e-3]
        tau: [0.0, 1.0e-6]
      points:
        - {optimizer: bop}
        - {optimizer: adam-latent, lr: 1.0e-3}
      seeds: 3
      """;

  @Test
  void settingsWithoutEffectCollapseTheirTrialsAndPlanSaysSo() {
    Grid.Expansion e = Grid.plan(SpecParser.parse(README_EXAMPLE, "readme.yaml", "readme"));
    List<Trial> adam = e.trials().stream().filter(t -> t.config().get(OPTIMIZER) == Optimizer.ADAM_LATENT).toList();
    assertEquals(3, adam.size(), "one adam-latent trial per seed");
    assertEquals(12 + 3, e.trials().size());
    assertEquals(3, e.collapsed().size(), "one collapsed group per seed");
    for (Grid.Collapse c : e.collapsed()) {
      assertEquals(Optimizer.ADAM_LATENT, c.kept().config().get(OPTIMIZER));
      assertEquals(3, c.dropped().size(), c.toString());
      assertTrue(c.dropped().get(0).startsWith("points[1] with grid {gamma=1.0E-4, tau=1.0E-6}"), c.toString());
    }
    assertEquals(List.of("gamma has no effect for optimizer adam-latent: its 2 values collapse to 1",
        "tau has no effect for optimizer adam-latent: its 2 values collapse to 1"),
        e.noEffect().stream().map(Grid.NoEffect::message).toList());
    assertEquals(java.util.Map.of("optimizer", "adam-latent", "lr", 1.0e-3), adam.get(0).swept(),
        "swept values without effect are not the trial's");
  }

  @Test
  void aGammaGridUnderALatentOptimizerIsOneTrial() {
    Grid.Expansion e = Grid.plan(SpecParser.parse("""
        fixed: {optimizer: adam-latent}
        grid: {gamma: [1.0e-4, 1.0e-3, 1.0e-2]}
        """, "adam.yaml", "adam"));
    assertEquals(1, e.trials().size());
    assertEquals(List.of("gamma has no effect for optimizer adam-latent: its 3 values collapse to 1"),
        e.noEffect().stream().map(Grid.NoEffect::message).toList());
  }

  /**
   * Every trial of every committed store keeps its id (none of their settings without effect left
   * its default), and its spec finds every trial done: a rerun trains nothing.
   */
  @Test
  void everyCommittedStoreIsResumedWithoutTrainingAnything() throws IOException {
    List<Path> stores;
    try (Stream<Path> s = Files.list(Path.of("../docs/results"))) {
      stores = s.map(d -> d.resolve("store")).filter(Files::isDirectory).sorted().toList();
    }
    assertTrue(stores.size() >= 7, stores.toString());
    List<String> checked = new ArrayList<>();
    for (Path dir : stores) {
      String name = dir.getParent().getFileName().toString();
      ResultStore store = ResultStore.open(dir.toString(), new Configuration());
      List<FrozenTrial> rows = store.trials();
      assertTrue(!rows.isEmpty(), name);
      for (FrozenTrial t : rows) {
        assertEquals(t.trialId(), t.currentId(), name + ": " + t.configJson());
      }
      SweepSpec spec = SpecParser.parse(Path.of("../conf/sweeps", name + ".yaml"));
      assertEquals(java.util.Map.of(), SweepRunner.nextRound(spec.scheduler(), Grid.expand(spec), store), name);
      checked.add(name);
    }
    assertTrue(checked.contains("quickstart"), checked.toString());
  }
}
