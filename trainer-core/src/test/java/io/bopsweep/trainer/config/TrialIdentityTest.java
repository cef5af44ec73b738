package io.bopsweep.trainer.config;

import static io.bopsweep.trainer.config.Settings.CLIP;
import static io.bopsweep.trainer.config.Settings.LR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialIdentityTest {

  @Test
  void settingsWithoutEffectLeaveTheIdentityAndAreRecordedAsNull() {
    TrialConfig adam = TrialConfig.of(Map.of("optimizer", "adam-latent"));
    TrialConfig adamWithBopSettings = TrialConfig.of(Map.of("optimizer", "adam-latent", "gamma", 0.5, "tau", 0.1,
        "flip_rule", "inclusive", "adam_lr", 0.3, "gamma_schedule", "linear:1e-5", "padding", "same-all"));
    assertEquals(adam.identityJson(), adamWithBopSettings.identityJson());
    assertEquals(adam.normalized(), adamWithBopSettings.normalized());
    assertNull(adamWithBopSettings.effectiveMap().get("gamma"));
    assertNull(adamWithBopSettings.effectiveMap().get("padding"), "mlp has no convolutions");
    assertEquals(1e-3, adamWithBopSettings.effectiveMap().get("lr"));

    TrialConfig bop = TrialConfig.of(Map.of("optimizer", "bop"));
    assertNotEquals(bop.identityJson(), bop.with("gamma", 0.5).identityJson());
    assertEquals(bop.identityJson(), bop.with(Map.of("lr", 0.7, "clip", true, "eval_latent", true)).identityJson());
    assertNotEquals(TrialConfig.of(Map.of("model", "convnet")).identityJson(),
        TrialConfig.of(Map.of("model", "convnet", "padding", "same-all")).identityJson());
  }

  @Test
  void initOnlyActsWhereAKernelKeepsMoreThanTheSignOfItsInitialValue() {
    TrialConfig signStart = TrialConfig.of(Map.of("optimizer", "bop", "bop_start", "sign"));
    assertEquals(signStart.identityJson(), signStart.with(Map.of("init", "uniform", "init_scale", 10.0)).identityJson());
    TrialConfig realStart = TrialConfig.of(Map.of("optimizer", "bop"));
    assertNotEquals(realStart.identityJson(), realStart.with("init_scale", 10.0).identityJson());
    TrialConfig sgd = TrialConfig.of(Map.of("optimizer", "sgd-latent"));
    assertNotEquals(sgd.identityJson(), sgd.with("init", "uniform").identityJson());
  }

  @Test
  void aSettingWithoutEffectTakesTheDefaultOfItsOwnTrial() {
    // lr's default depends on the optimizer: under bop it is the default of bop (1e-3), whatever was given
    TrialConfig bop = TrialConfig.of(Map.of("optimizer", "bop", "lr", 0.5, "clip", true));
    assertEquals(1e-3, bop.normalized().get(LR));
    assertFalse(bop.normalized().get(CLIP));
    assertEquals(TrialConfig.of(Map.of("optimizer", "sgd-latent")).get(LR), 1e-2);
  }

  @Test
  void theIdentityOfATrialWhoseSettingsAllActIsItsCanonicalJson() {
    // every stored trial of schema version 1 whose settings without effect were at their defaults keeps its id
    TrialConfig c = TrialConfig.of(Map.of("optimizer", "bop", "gamma", 1e-4, "model", "convnet", "seed", 7));
    assertEquals(c.canonicalJson(), c.identityJson());
    TrialConfig sgd = TrialConfig.of(Map.of("optimizer", "sgd-latent", "lr_scale", 10.0));
    assertEquals(sgd.canonicalJson(), sgd.identityJson());
  }

  @Test
  void aSettingAddedLaterAtItsNeutralValueLeavesEveryIdentityUnchanged() {
    Settings.Setting<Double> added = new Settings.Setting<>("label_smoothing", Settings.Type.DOUBLE, null, r -> 0.0, null,
        "hypothetical", Settings.Applicability.ALWAYS, 0.0);
    List<Settings.Setting<?>> later = new ArrayList<>(Settings.all());
    later.add(added);
    for (Map<String, Object> raw : List.<Map<String, Object>>of(Map.of(), Map.of("optimizer", "adam-latent", "lr", 0.01),
        Map.of("model", "binarynet", "dataset", "cifar10", "gamma", 1e-4))) {
      Map<String, Object> resolved = Settings.resolve(raw);
      Map<String, Object> now = Settings.identity(Settings.all(), resolved);
      Map<String, Object> withNeutral = new LinkedHashMap<>(resolved);
      withNeutral.put("label_smoothing", 0.0);
      assertEquals(now, Settings.identity(later, withNeutral));
      Map<String, Object> withOther = new LinkedHashMap<>(resolved);
      withOther.put("label_smoothing", 0.1);
      Map<String, Object> changed = Settings.identity(later, withOther);
      assertNotEquals(now, changed);
      assertEquals(0.1, changed.get("label_smoothing"));
    }
  }

  @Test
  void everySettingOfVersionOneIsAlwaysHashedAndStatesWhereItActs() {
    for (Settings.Setting<?> s : Settings.all()) {
      assertNull(s.neutral(), s.name());
      assertTrue(s.applies() != null && !s.applies().doc().isBlank(), s.name());
      for (String read : s.applies().reads()) {
        assertTrue(Settings.byName(read) != null, s.name() + " reads " + read);
      }
    }
  }
}
