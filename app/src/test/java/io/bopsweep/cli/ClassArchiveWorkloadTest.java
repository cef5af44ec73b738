package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bopsweep.sweep.FrozenTrial;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.TrialStatus;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's class-archive workload takes a real sweep's path: a trial trained and committed, all in its directory. */
class ClassArchiveWorkloadTest {
  @TempDir Path tmp;

  @Test
  void theWorkloadsSweepCommitsOneTrainedTrialFromItsOwnDataCache() throws Exception {
    assertEquals(0, ClassArchiveWorkload.sweep(tmp));

    List<FrozenTrial> trials = ResultStore.open(tmp.resolve("sweep-results").toString(), new Configuration()).trials();
    assertEquals(1, trials.size());
    FrozenTrial trial = trials.get(0);
    assertEquals("class-archive", trial.sweep());
    assertEquals(TrialStatus.DONE, trial.status());
    assertEquals("mnist-unverified", trial.dataVariant(), "trained on the workload's own files, not the user's MNIST");
    List<EpochRecord> epochs = ResultStore.open(tmp.resolve("sweep-results").toString(), new Configuration())
        .withEpochs(trial).epochs();
    assertEquals(1, epochs.size());
    assertEquals(ClassArchiveWorkload.TRAIN_IMAGES / 100, epochs.get(0).steps(), "batch_size 100");
    DataCache cache = new DataCache(tmp.resolve("data"));
    assertEquals(ClassArchiveWorkload.TRAIN_IMAGES, cache.load(Choices.Dataset.MNIST).train().size());
    assertEquals(ClassArchiveWorkload.TEST_IMAGES, cache.load(Choices.Dataset.MNIST).test().size());
  }
}
