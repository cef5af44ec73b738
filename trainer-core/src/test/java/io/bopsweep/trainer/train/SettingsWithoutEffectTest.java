package io.bopsweep.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Splits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The applicability of each setting (Settings) checked by training: changing a setting where it
 * does not act gives bitwise the same epochs, and a trial id may leave it out. Each case also
 * checks that the change does act where the setting applies, so that the test can fail.
 */
class SettingsWithoutEffectTest {

  static List<Arguments> cases() {
    Map<String, Object> bop = Map.of("optimizer", "bop", "gamma", 0.01);
    Map<String, Object> bopSign = Map.of("optimizer", "bop", "gamma", 0.01, "bop_start", "sign");
    Map<String, Object> sgd = Map.of("optimizer", "sgd-latent", "lr", 0.05);
    Map<String, Object> adam = Map.of("optimizer", "adam-latent", "lr", 0.01);
    Map<String, Object> convnet = Map.of("optimizer", "bop", "gamma", 0.01, "model", "convnet", "width", 0.25);
    return List.of(
        Arguments.of(adam, "gamma", 0.5, bop),
        Arguments.of(adam, "tau", 0.1, bop),
        // the two flip rules differ only where w*m equals tau exactly: BopUpdateTest shows that case
        Arguments.of(adam, "flip_rule", "inclusive", null),
        Arguments.of(sgd, "momentum_start", "first-grad", bop),
        Arguments.of(adam, "bop_start", "sign", bop),
        Arguments.of(sgd, "adam_lr", 0.2, bop),
        Arguments.of(adam, "gamma_schedule", "linear:1e-6", bop),
        Arguments.of(bop, "lr", 0.3, sgd),
        Arguments.of(bop, "lr_scale", 5.0, sgd),
        Arguments.of(bop, "clip", true, Map.of("optimizer", "sgd-latent", "lr", 1000.0)),
        // float64 latent weights change a sign only where float32 rounding crosses zero: Theorem1Test
        Arguments.of(bop, "latent_dtype", "float64", null),
        Arguments.of(bop, "xavier_lr_scaling", true, sgd),
        Arguments.of(bop, "eval_latent", true, sgd),
        Arguments.of(bop, "padding", "same-all", convnet),
        Arguments.of(bopSign, "init", "uniform", sgd),
        Arguments.of(bopSign, "init_scale", 3.0, bop));
  }

  @ParameterizedTest(name = "{1} under {0}")
  @MethodSource("cases")
  void aSettingChangedWhereItDoesNotActChangesNothing(Map<String, Object> without, String key, Object value,
      Map<String, Object> with) {
    TrialConfig a = small(without);
    assertEquals(java.util.Set.of(key), a.with(key, value).notApplying().stream().filter(key::equals)
        .collect(java.util.stream.Collectors.toSet()), key + " is declared without effect here");
    assertEquals(train(a), train(a.with(key, value)), key + " changed the training of " + without);
    if (with != null) {
      TrialConfig b = small(with);
      assertNotEquals(train(b), train(b.with(key, value)), key + " has an effect under " + with);
    }
  }

  private static TrialConfig small(Map<String, Object> settings) {
    return TestData.config("model", "mlp", "width", 24, "epochs", 1, "batch_size", 50, "seed", 5).with(settings);
  }

  private static List<EpochRecord> train(TrialConfig cfg) {
    Splits data = TestData.syntheticSplits(cfg, 300, 100);
    TrialOutcome o = TrialRunner.run(cfg, data, TrialRunner.Options.defaults());
    assertEquals(TrialStatus.DONE, o.status(), o.error());
    return o.epochs().stream().map(EpochRecord::withoutTimings).toList();
  }
}
