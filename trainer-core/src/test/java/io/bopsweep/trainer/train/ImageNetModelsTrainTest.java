package io.bopsweep.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.ImageFolders;
import io.bopsweep.trainer.data.Splits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ImageNet models train end to end on an ImageNet-style folder, decoded batch by batch, reproducibly. */
class ImageNetModelsTrainTest {
  @TempDir static Path tmp;

  @ParameterizedTest
  @CsvSource({
    "binary-alexnet, bop, conv1|conv2|conv3|conv4|conv5|dense1|dense2|dense3",
    "xnornet, bop, conv2|conv3|conv4|conv5|conv6|conv7",
    "birealnet, adam-latent, conv2|conv3|conv4|conv5|conv6|conv7|conv8|conv9|conv10|conv11|conv12|conv13|conv14|conv15|conv16|conv17",
  })
  void trainsOnAnImageFolderReproducibly(String model, String optimizer, String binaryLayers) throws IOException {
    Path folder = tmp.resolve("inet-" + model);
    ImageFolders.create(folder, 3, 4, 1, 7);
    DataCache cache = new DataCache(tmp.resolve("cache-" + model));
    cache.fetch(Dataset.IMAGENET, folder.toString());
    DataCache.Loaded data = cache.load(Dataset.IMAGENET);
    TrialConfig cfg = TestData.config("dataset", "imagenet", "model", model, "width", 0.25, "optimizer", optimizer,
        "epochs", 2, "batch_size", 4, "gamma_schedule", "linear:1e-5", "lr_schedule", "linear:1e-4", "seed", 1);
    Splits splits = Splits.forTrial(cfg, data.variant(), data.train(), data.test());
    List<EpochRecord> first = ResumeAndConcurrencyTest.metrics(TrialRunner.run(cfg, splits, TrialRunner.Options.defaults()));
    List<EpochRecord> second = ResumeAndConcurrencyTest.metrics(TrialRunner.run(cfg, splits, TrialRunner.Options.defaults()));
    assertEquals(first, second, "same seed, same metrics (batches decoded in parallel)");
    EpochRecord last = first.get(1);
    assertEquals(List.of(binaryLayers.split("\\|")), List.copyOf(last.layerFlips().keySet()));
    assertEquals(3, last.steps());
    assertTrue(Double.isFinite(last.trainLoss()) && last.testAcc() >= 0 && last.testAcc() <= 1, last.toString());
    assertTrue(first.get(0).flips() > 0, "the binary kernels changed");
  }
}
