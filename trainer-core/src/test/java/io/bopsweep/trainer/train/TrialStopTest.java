package io.bopsweep.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Splits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialStopTest {

  @Test
  void aListenerStopsATrialAfterAnEpochAndItContinuesFromItsCheckpointAsIfNeverStopped(@TempDir Path dir) {
    TrialConfig cfg = TestData.config("model", "mlp", "width", 32, "optimizer", "bop", "gamma", 0.01, "epochs", 3,
        "batch_size", 50, "seed", 5);
    Splits data = TestData.syntheticSplits(cfg, 400, 100);
    List<EpochRecord> straight = ResumeAndConcurrencyTest.metrics(TrialRunner.run(cfg, data, TrialRunner.Options.defaults()));

    SavedModel[] model = {null};
    TrainingListener stopAtOne = new TrainingListener() {
      @Override
      public boolean stopAfter(TrialConfig c, EpochRecord r) {
        return r.epoch() == 1;
      }

      @Override
      public void onFinalModel(TrialConfig c, SavedModel m) {
        model[0] = m;
      }
    };
    DirectoryCheckpointStore checkpoints = new DirectoryCheckpointStore(dir);
    TrialOutcome stopped = TrialRunner.run(cfg, data,
        TrialRunner.Options.defaults().withCheckpoints(checkpoints).withListener(stopAtOne));
    assertEquals(TrialStatus.STOPPED, stopped.status());
    assertEquals(List.of(straight.get(0)), stopped.epochs().stream().map(EpochRecord::withoutTimings).toList());
    assertNull(model[0], "a stopped trial hands over no final model");

    // run again with the same listener (a task rerun after a kill between checkpoint and commit): nothing trained
    TrialOutcome again = TrialRunner.run(cfg, data,
        TrialRunner.Options.defaults().withCheckpoints(checkpoints).withListener(stopAtOne));
    assertEquals(TrialStatus.STOPPED, again.status());
    assertEquals(1, again.startEpoch());
    assertEquals(List.of(straight.get(0)), again.epochs().stream().map(EpochRecord::withoutTimings).toList(),
        "no epoch past the one the listener stops at");

    TrialOutcome continued = TrialRunner.run(cfg, data, TrialRunner.Options.defaults().withCheckpoints(checkpoints));
    assertEquals(1, continued.startEpoch(), "epoch 1 is not trained again");
    assertEquals(straight, ResumeAndConcurrencyTest.metrics(continued));
  }
}
