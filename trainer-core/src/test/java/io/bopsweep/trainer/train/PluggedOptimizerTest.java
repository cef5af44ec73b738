package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.LR;
import static io.bopsweep.trainer.config.Settings.LR_SCHEDULE;
import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.optim.Optimizers;
import io.bopsweep.trainer.optim.Optimizers.Assignment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new optimizer is one class ({@link Signum}) and one registration line: it trains, checkpoints
 * and resumes through {@link TrialRunner} like the built-in ones.
 */
class PluggedOptimizerTest {
  private static Optimizers.Registration signum;

  @BeforeAll
  static void registerSignum() {
    signum = Optimizers.register("signum",
        cfg -> List.of(Assignment.all(new Signum(cfg.get(LR), cfg.get(LR_SCHEDULE), 0.9f))));
  }

  @AfterAll
  static void unregisterSignum() {
    signum.close();
  }

  static TrialConfig signum() {
    return TestData.config("model", "mlp", "width", 32, "optimizer", "signum", "lr", 1e-3,
        "lr_schedule", "step:0.5:1", "epochs", 3, "batch_size", 50, "seed", 5);
  }

  @Test
  void theRegisteredNameIsASettingValueUntilItIsUnregistered() {
    assertEquals("signum", signum().get(OPTIMIZER).id());
    try (Optimizers.Registration other = Optimizers.register("signum-other",
        cfg -> List.of(Assignment.all(new Signum(cfg.get(LR), cfg.get(LR_SCHEDULE), 0.5f))))) {
      assertEquals("signum-other", signum().with("optimizer", "signum-other").get(OPTIMIZER).id());
    }
    ConfigException e = assertThrows(ConfigException.class, () -> signum().with("optimizer", "signum-other"));
    assertTrue(e.getMessage().contains("unknown value 'signum-other'"), e.getMessage());
  }

  @Test
  void aRegisteredOptimizerTrainsCheckpointsAndResumesThroughTheTrialRunner(@TempDir Path dir) throws IOException {
    TrialConfig cfg = signum();
    Splits data = TestData.syntheticSplits(cfg, 600, 200);
    List<EpochRecord> straight = ResumeAndConcurrencyTest.metrics(TrialRunner.run(cfg, data, TrialRunner.Options.defaults()));
    assertEquals(3, straight.size());
    for (int e = 0; e < 3; e++) {
      assertEquals(1e-3 * Math.pow(0.5, e), straight.get(e).lr(), "the rule's own schedule, epoch " + (e + 1));
      assertNull(straight.get(e).gamma());
      assertTrue(straight.get(e).flips() > 0, "signs copied from the latent weights");
    }
    assertTrue(straight.get(2).trainLoss() < straight.get(0).trainLoss(), "it learns: " + straight);

    Path ckDir = dir.resolve("ck");
    TrainingListener crashAfterTwo = new TrainingListener() {
      @Override
      public void onEpoch(TrialConfig c, EpochRecord r) {
        if (r.epoch() == 2) {
          throw new ResumeAndConcurrencyTest.Crash();
        }
      }
    };
    TrialOutcome crashed = TrialRunner.run(cfg, data, TrialRunner.Options.defaults()
        .withCheckpoints(new DirectoryCheckpointStore(ckDir)).withListener(crashAfterTwo));
    assertEquals(TrialStatus.FAILED, crashed.status());

    Checkpoint saved = new DirectoryCheckpointStore(ckDir).load().orElseThrow();
    int stepsPerEpoch = 600 / 50;
    assertEquals(2L * stepsPerEpoch, saved.counters().get("dense1.kernel.signum_steps"));
    assertEquals(2L * stepsPerEpoch, saved.counters().get("bn1.beta.signum_steps"));
    assertTrue(saved.arrays().containsKey("dense1.kernel.signum_m"), saved.arrays().keySet().toString());
    assertTrue(saved.arrays().containsKey("dense1.kernel.latent"), saved.arrays().keySet().toString());

    TrialOutcome resumed = TrialRunner.run(cfg, data,
        TrialRunner.Options.defaults().withCheckpoints(new DirectoryCheckpointStore(ckDir)));
    assertEquals(2, resumed.startEpoch());
    assertEquals(straight, ResumeAndConcurrencyTest.metrics(resumed), "resumed equals uninterrupted");
  }
}
