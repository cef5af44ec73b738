package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.FLIP_RULE;
import static io.bopsweep.trainer.config.Settings.GAMMA;
import static io.bopsweep.trainer.config.Settings.SEED;
import static io.bopsweep.trainer.config.Settings.TAU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.TrialConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {
  static final String GOOD = """
      name: demo
      description: two optimizers on a gamma grid
      fixed: {dataset: mnist, model: mlp, width: 64, epochs: 2}
      grid:
        gamma: [1.0e-4, 1e-3]
        tau: [0, 1.0e-6]
      points:
        - {optimizer: bop}
        - {optimizer: bop, flip_rule: inclusive}
      seeds: 3
      """;

  @Test
  void expandsPointsTimesGridTimesSeedsInStableOrder() {
    SweepSpec spec = SpecParser.parse(GOOD, "demo.yaml", "demo");
    List<Trial> trials = Grid.expand(spec);
    assertEquals(2 * 4 * 3, trials.size());
    Trial first = trials.get(0);
    assertEquals(1e-4, first.config().get(GAMMA));
    assertEquals(0.0, first.config().get(TAU));
    assertEquals(0L, first.config().get(SEED));
    assertEquals(1L, trials.get(1).config().get(SEED), "seeds vary fastest");
    assertEquals(1e-6, trials.get(3).config().get(TAU), "then the last grid axis");
    assertEquals("inclusive", trials.get(12).config().get(FLIP_RULE).id(), "points vary slowest");
    assertEquals(Map.of("optimizer", "bop", "gamma", 1.0e-4, "tau", 0), first.swept());
    assertEquals("demo", first.sweep());
  }

  @Test
  void trialIdsAreTheHashOfTheCanonicalConfigAndStable() throws Exception {
    List<Trial> a = Grid.expand(SpecParser.parse(GOOD, "demo.yaml", "demo"));
    List<Trial> b = Grid.expand(SpecParser.parse(GOOD.replace("1e-3", "0.001"), "other.yaml", "other"));
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).id(), b.get(i).id(), "same config, same id, whatever the spelling or sweep");
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(a.get(i).config().canonicalJson().getBytes(StandardCharsets.UTF_8));
      assertEquals(HexFormat.of().formatHex(digest).substring(0, 16), a.get(i).id());
    }
    assertEquals(a.size(), a.stream().map(Trial::id).distinct().count());
    TrialConfig cfg = a.get(0).config();
    assertTrue(!TrialId.of(cfg).equals(TrialId.of(cfg.with("seed", 99))), "the seed is part of the identity");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "fixd: {epochs: 1}|fixd: unknown key (did you mean 'fixed'?)",
    "gamma: 0.1|gamma: unknown key (trial settings go under 'fixed', 'grid' or 'points')",
    "fixed: {gama: 0.1}|fixed.gama: unknown setting (did you mean 'gamma'?)",
    "fixed: {epochs: two}|fixed.epochs: expected an integer, got 'two'",
    "fixed: {epochs: 0}|fixed.epochs: must be >= 1, got 0",
    "fixed: {optimizer: lion}|fixed.optimizer: unknown value 'lion' (one of: bop, adam-latent, sgd-latent)",
    "fixed: {model: resnet18}|fixed.model: unknown value 'resnet18' (one of: mlp, convnet, binarynet, binary-alexnet, xnornet, birealnet)",
    "fixed: {dataset: svhn}|fixed.dataset: unknown value 'svhn' (one of: mnist, fashion-mnist, cifar10, imagenet)",
    "fixed: {seed: 3}|fixed.seed: set seeds with the top-level 'seeds' key",
    "fixed: [1, 2]|fixed: must be a mapping of setting to value",
    "grid: {}|grid: must be a non-empty mapping of setting to list of values",
    "grid: {gamma: []}|grid.gamma: must be a non-empty list of values",
    "grid: {gamma: 0.1}|grid.gamma: must be a non-empty list of values",
    "grid: {gamma: [0.1, 2]}|grid.gamma[1]: must be in (0, 1], got 2",
    "grid: {tau: [-1.0e-6]}|grid.tau[0]: must be >= 0, got -1.0E-6",
    "grid: {lr_scale: [0]}|grid.lr_scale[0]: must be > 0, got 0",
    "grid: {init_scale: [-1]}|grid.init_scale[0]: must be > 0, got -1",
    "grid: {gamma: [0.1, 0.1]}|duplicate points: grid {gamma=0.1} seed 0 resolves to the same settings as grid {gamma=0.1} seed 0",
    "points: [{tau: 0}, {tau: 0.0}]|duplicate points: points[1] seed 0 resolves to the same settings as points[0] seed 0",
    "points: []|points: must be a non-empty list of mappings",
    "seeds: 0|seeds: a count must be between 1 and 10000, got 0",
    "seeds: [1, 1]|seeds[1]: duplicate seed 1",
    "seeds: [a]|seeds[0]: expected an integer, got a",
    "name: 'bad name!'|name: use letters, digits, '.', '_' and '-' only, not starting with '.', at most 128, got 'bad name!'",
    "fixed: {gamma_schedule: cosine}|fixed.gamma_schedule: unknown schedule 'cosine'",
    "fixed: {epochs: [1|not valid YAML at line 1",
    "- just a list|a sweep spec is a mapping with keys",
  })
  void badSpecsGetOneLineNamingFileAndKey(String yaml, String expected) {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(yaml, "bad.yaml", "bad"));
    assertTrue(e.getMessage().startsWith("bad.yaml: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void aKeyInTwoPlacesIsRefused() {
    SpecException e = assertThrows(SpecException.class,
        () -> SpecParser.parse("fixed: {gamma: 0.1}\ngrid: {gamma: [0.2]}", "x.yaml", "x"));
    assertEquals("x.yaml: grid.gamma: also set in fixed; set it in one place", e.getMessage());
    SpecException p = assertThrows(SpecException.class,
        () -> SpecParser.parse("grid: {gamma: [0.2]}\npoints: [{gamma: 0.1}]", "x.yaml", "x"));
    assertEquals("x.yaml: points[0].gamma: also a grid axis; set it in one place", p.getMessage());
  }

  @Test
  void missingFileIsAOneLineError(@TempDir Path dir) throws Exception {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(dir.resolve("nope.yaml")));
    assertEquals(dir.resolve("nope.yaml") + ": no such file", e.getMessage());
    Path f = Files.writeString(dir.resolve("my-sweep.yml"), "fixed: {epochs: 1}\n");
    assertEquals("my-sweep", SpecParser.parse(f).name(), "the name defaults to the file name");
    assertEquals(1, Grid.expand(SpecParser.parse(f)).size(), "no grid, no points: one trial");
  }

  @Test
  void everyShippedSpecIsValid() throws Exception {
    Path dir = Path.of("..", "conf", "sweeps");
    try (var files = Files.list(dir)) {
      List<Path> specs = files.filter(p -> p.toString().endsWith(".yaml")).toList();
      assertTrue(!specs.isEmpty());
      for (Path p : specs) {
        assertTrue(Grid.expand(SpecParser.parse(p)).size() > 0, p.toString());
      }
    }
  }
}
