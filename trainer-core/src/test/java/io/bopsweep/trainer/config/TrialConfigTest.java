package io.bopsweep.trainer.config;

import static io.bopsweep.trainer.config.Settings.ADAM_LR;
import static io.bopsweep.trainer.config.Settings.AUGMENT;
import static io.bopsweep.trainer.config.Settings.BOP_START;
import static io.bopsweep.trainer.config.Settings.CLIP;
import static io.bopsweep.trainer.config.Settings.FLIP_RULE;
import static io.bopsweep.trainer.config.Settings.MOMENTUM_START;
import static io.bopsweep.trainer.config.Settings.WIDTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TrialConfigTest {

  @Test
  void defaultsFollowTheAuthorsCodeAndDependOnEarlierSettings() {
    TrialConfig bop = TrialConfig.of(Map.of());
    assertEquals(Choices.FlipRule.STRICT, bop.get(FLIP_RULE));
    assertEquals(Choices.MomentumStart.ZERO, bop.get(MOMENTUM_START));
    assertEquals(Choices.BopStart.REAL, bop.get(BOP_START));
    assertEquals(2048.0, bop.get(WIDTH));
    assertEquals(1e-2, bop.get(ADAM_LR));
    assertTrue(TrialConfig.of(Map.of("optimizer", "adam-latent")).get(CLIP));
    assertFalse(TrialConfig.of(Map.of("optimizer", "sgd-latent")).get(CLIP));
    assertEquals(1.0, TrialConfig.of(Map.of("model", "binarynet")).get(WIDTH));
    assertTrue(TrialConfig.of(Map.of("dataset", "cifar10")).get(AUGMENT));
    assertFalse(TrialConfig.of(Map.of("dataset", "mnist")).get(AUGMENT));
  }

  @Test
  void canonicalJsonIsStableAcrossSpellingsOfTheSameValue() {
    TrialConfig a = TrialConfig.of(Map.of("gamma", "1e-3", "tau", 0.000001, "epochs", "5", "width", 512));
    TrialConfig b = TrialConfig.of(Map.of("gamma", 0.001, "tau", "1.0e-6", "epochs", 5.0, "width", 512.0));
    assertEquals(a.canonicalJson(), b.canonicalJson());
    assertEquals(a, TrialConfig.fromCanonicalJson(a.canonicalJson()));
    assertNotEquals(a.canonicalJson(), a.with("seed", 1).canonicalJson());
  }

  @Test
  void everySettingAppearsInTheMapInDeclarationOrder() {
    List<String> names = Settings.all().stream().map(Settings.Setting::name).toList();
    assertEquals(names, List.copyOf(TrialConfig.of(Map.of()).toMap().keySet()));
  }

  @Test
  void everySettingIsReadAsTheJavaTypeOfItsDeclaredType() {
    Map<Settings.Type, Class<?>> javaType = Map.of(Settings.Type.INT, Integer.class, Settings.Type.LONG, Long.class,
        Settings.Type.DOUBLE, Double.class, Settings.Type.BOOL, Boolean.class, Settings.Type.SCHEDULE, Schedule.class);
    for (TrialConfig cfg : List.of(TrialConfig.of(Map.of()), TrialConfig.of(Map.of("optimizer", "sgd-latent",
        "dataset", "cifar10", "model", "convnet", "width", 2, "seed", 3, "lr_schedule", "step:0.5:1")))) {
      for (Settings.Setting<?> s : Settings.all()) {
        Class<?> expected = s.type() == Settings.Type.CHOICE ? s.choices() : javaType.get(s.type());
        assertTrue(expected.isInstance(cfg.get(s)), s.name() + " = " + cfg.get(s));
      }
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "gama|0.1|gama: unknown setting (did you mean 'gamma'?)",
    "gamma|0|gamma: must be in (0, 1], got 0.0",
    "gamma|1.5|gamma: must be in (0, 1], got 1.5",
    "tau|-1e-6|tau: must be >= 0, got -1.0E-6",
    "lr|0|lr: must be > 0, got 0.0",
    "lr_scale|-2|lr_scale: must be > 0, got -2.0",
    "init_scale|0|init_scale: must be > 0, got 0.0",
    "epochs|0|epochs: must be >= 1, got 0",
    "epochs|2.5|epochs: expected an integer, got '2.5'",
    "batch_size|many|batch_size: expected an integer, got 'many'",
    "gamma|fast|gamma: expected a number, got 'fast'",
    "optimizer|adamw|optimizer: unknown value 'adamw' (one of: bop, adam-latent, sgd-latent)",
    "model|resnet|model: unknown value 'resnet' (one of: mlp, convnet, binarynet, binary-alexnet, xnornet, birealnet)",
    "dataset|svhn|dataset: unknown value 'svhn' (one of: mnist, fashion-mnist, cifar10, imagenet)",
    "clip|yes|clip: expected true or false, got 'yes'",
    "gamma_schedule|cosine|gamma_schedule: unknown schedule 'cosine' (use constant, step:FACTOR:EVERY_EPOCHS or linear:END)",
    "lr_schedule|step:0.1:0|lr_schedule: step schedule needs factor > 0 and every >= 1, got 'step:0.1:0'",
  })
  void badValuesGetOneLineNamingTheKey(String key, String value, String message) {
    Map<String, Object> raw = new HashMap<>();
    raw.put(key, value);
    ConfigException e = assertThrows(ConfigException.class, () -> TrialConfig.of(raw));
    assertEquals(message, e.getMessage());
    assertEquals(key, e.key());
  }

  @Test
  void schedulesGiveTheDocumentedValues() {
    Schedule step = Schedule.parse("s", "step:0.1:2");
    assertEquals(1.0, step.valueAt(1.0, 0, 10, 6), 0);
    assertEquals(1.0, step.valueAt(1.0, 19, 10, 6), 0);
    assertEquals(0.1, step.valueAt(1.0, 20, 10, 6), 1e-15);
    assertEquals(0.01, step.valueAt(1.0, 59, 10, 6), 1e-15);
    Schedule linear = Schedule.parse("s", "linear:0");
    assertEquals(1.0, linear.valueAt(1.0, 0, 10, 2), 0);
    assertEquals(0.0, linear.valueAt(1.0, 19, 10, 2), 1e-15);
    assertEquals(1 - 9.0 / 19, linear.valueAt(1.0, 9, 10, 2), 1e-12);
    assertEquals("step:0.1:2", step.toString());
    assertEquals(step, Schedule.parse("s", step.toString()));
  }
}
