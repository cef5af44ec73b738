package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Splits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeAndConcurrencyTest {

  static List<EpochRecord> metrics(TrialOutcome o) {
    assertEquals(TrialStatus.DONE, o.status(), o.error());
    return o.epochs().stream().map(EpochRecord::withoutTimings).toList();
  }

  static TrialConfig bop() {
    return TestData.config("model", "mlp", "width", 48, "optimizer", "bop", "gamma", 0.01,
        "gamma_schedule", "step:0.5:1", "epochs", 3, "batch_size", 50, "augment", true, "seed", 3);
  }

  static TrialConfig adam() {
    return TestData.config("model", "convnet", "width", 0.25, "optimizer", "adam-latent",
        "lr_schedule", "linear:1e-4", "epochs", 3, "batch_size", 50, "seed", 4, "eval_latent", true);
  }

  static final class Crash extends RuntimeException {
    Crash() {
      super("simulated crash after epoch 2");
    }
  }

  @Test
  void resumedTrialEqualsUninterruptedOne(@TempDir Path dir) {
    for (TrialConfig cfg : List.of(bop(), adam())) {
      Splits data = TestData.syntheticSplits(cfg, 600, 200);
      List<EpochRecord> straight = metrics(TrialRunner.run(cfg, data, TrialRunner.Options.defaults()));

      Path ckDir = dir.resolve(cfg.get(OPTIMIZER).id());
      TrainingListener crashAfterTwo = new TrainingListener() {
        @Override
        public void onEpoch(TrialConfig c, EpochRecord r) {
          if (r.epoch() == 2) {
            throw new Crash();
          }
        }
      };
      TrialRunner.Options crashing = TrialRunner.Options.defaults()
          .withCheckpoints(new DirectoryCheckpointStore(ckDir)).withListener(crashAfterTwo);
      TrialOutcome crashed = TrialRunner.run(cfg, data, crashing);
      assertEquals(TrialStatus.FAILED, crashed.status());
      assertTrue(crashed.error().contains("simulated crash"), crashed.error());

      TrialOutcome resumed = TrialRunner.run(cfg, data,
          TrialRunner.Options.defaults().withCheckpoints(new DirectoryCheckpointStore(ckDir)));
      assertEquals(2, resumed.startEpoch(), "resumed after the two checkpointed epochs");
      assertEquals(straight, metrics(resumed), cfg.get(OPTIMIZER).id());
    }
  }

  @Test
  void concurrentTrialsEqualTheSameTrialsRunAlone() throws Exception {
    TrialConfig a = bop();
    TrialConfig b = adam();
    Splits dataA = TestData.syntheticSplits(a, 600, 200);
    Splits dataB = TestData.syntheticSplits(b, 600, 200);
    List<EpochRecord> aloneA = metrics(TrialRunner.run(a, dataA, TrialRunner.Options.defaults()));
    List<EpochRecord> aloneB = metrics(TrialRunner.run(b, dataB, TrialRunner.Options.defaults()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<TrialOutcome> fa = pool.submit(() -> TrialRunner.run(a, dataA, TrialRunner.Options.defaults()));
      Future<TrialOutcome> fb = pool.submit(() -> TrialRunner.run(b, dataB, TrialRunner.Options.defaults()));
      assertEquals(aloneA, metrics(fa.get()));
      assertEquals(aloneB, metrics(fb.get()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWarmUpOnAnotherThreadChangesNoTrial() throws Exception {
    TrialConfig a = bop();
    Splits data = TestData.syntheticSplits(a, 600, 200);
    List<EpochRecord> alone = metrics(TrialRunner.run(a, data, TrialRunner.Options.defaults()));
    Thread warmUp = new Thread(TrialRunner::warmUp);
    warmUp.start();
    List<EpochRecord> alongside = metrics(TrialRunner.run(a, data, TrialRunner.Options.defaults()));
    warmUp.join();
    assertEquals(alone, alongside);
    TrialRunner.warmUp(); // on a trial's own thread, before its trial
    assertEquals(alone, metrics(TrialRunner.run(a, data, TrialRunner.Options.defaults())));
  }

  @Test
  void aNonFiniteLossEndsTheTrialAsDivergedKeepingFinishedEpochs() {
    TrialConfig ok = TestData.config("model", "mlp", "width", 32, "optimizer", "sgd-latent",
        "epochs", 2, "batch_size", 50);
    TrialConfig exploding = ok.with("lr", 1e300);
    Splits data = TestData.syntheticSplits(ok, 200, 100);
    assertEquals(TrialStatus.DONE, TrialRunner.run(ok, data, TrialRunner.Options.defaults()).status());
    TrialOutcome o = TrialRunner.run(exploding, data, TrialRunner.Options.defaults());
    assertEquals(TrialStatus.DIVERGED, o.status());
    assertTrue(o.error().startsWith("loss became"), o.error());
    assertTrue(o.epochs().size() < 2);
  }
}
