package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Splits;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class SavedModelTest {

  /** Trains a trial and keeps the model the runner hands over. */
  private static SavedModel[] train(TrialConfig cfg, Splits data, TrialOutcome[] outcome) {
    SavedModel[] kept = {null};
    TrainingListener keep = new TrainingListener() {
      @Override
      public void onFinalModel(TrialConfig c, SavedModel model) {
        kept[0] = model;
      }
    };
    outcome[0] = TrialRunner.run(cfg, data, TrialRunner.Options.defaults().withListener(keep));
    return kept;
  }

  @Test
  void aSavedModelReproducesTheLastEpochsTestLossAndAccuracyBitwise() throws Exception {
    for (TrialConfig cfg : List.of(
        TestData.config("model", "mlp", "width", 48, "optimizer", "bop", "epochs", 2, "batch_size", 50, "seed", 3),
        TestData.config("model", "convnet", "width", 0.25, "optimizer", "adam-latent", "bn_affine", true,
            "epochs", 2, "batch_size", 50, "seed", 4))) {
      Splits data = TestData.syntheticSplits(cfg, 600, 200);
      TrialOutcome[] outcome = {null};
      SavedModel model = train(cfg, data, outcome)[0];
      assertEquals(TrialStatus.DONE, outcome[0].status(), outcome[0].error());
      EpochRecord last = outcome[0].epochs().get(1);
      assertFalse(model.packedNames().isEmpty(), "binary kernels are packed");
      assertEquals(last.layerFlips().size(), model.packedNames().size(), model.arrays().keySet().toString());
      SavedModel reread = SavedModel.fromBytes(model.toBytes(), "m");
      assertEquals(model, reread);
      ModelEvaluation.Result r = ModelEvaluation.evaluate(reread, data, "cpu", 0, "m");
      assertEquals(last.testAcc(), r.testAcc(), cfg.get(MODEL).id());
      assertEquals(last.testLoss(), r.testLoss(), cfg.get(MODEL).id());
    }
  }

  @Test
  void signsArePackedOneBitPerWeightLeastSignificantFirst() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(new float[] {1, -1, -1, 1, 1, 1, 1, 1, -1, 1});
      SavedModel.Array packed = SavedModel.packedOrRaw(a);
      assertTrue(packed.signBits());
      // +1 at 0, 3..7 -> 0b11111001; +1 at 9 -> 0b10 in the second byte
      assertArrayEquals(new byte[] {(byte) 0xF9, 0x02}, packed.data());
      assertArrayEquals(a.toByteArray(), SavedModel.nativeBytes(packed));
      NDArray real = m.create(new float[] {1, -1, 0.5f});
      SavedModel.Array kept = SavedModel.packedOrRaw(real);
      assertFalse(kept.signBits(), "a kernel that is not all +-1 keeps its values");
      assertArrayEquals(real.toByteArray(), kept.data());
    }
  }

  private static SavedModel small() {
    return new SavedModel("{\"model\":\"mlp\"}", Map.of("w", new SavedModel.Array(true, "<f4", new long[] {10},
        new byte[] {(byte) 0xF9, 0x02})));
  }

  @Test
  void aTruncatedFlippedOrForeignFileIsRefusedWithOneLineNamingIt() {
    byte[] good = small().toBytes();
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    byte[] otherVersion = good.clone();
    ByteBuffer.wrap(otherVersion).putInt(4, 2);
    CRC32 crc = new CRC32();
    crc.update(otherVersion, 0, otherVersion.length - 8);
    ByteBuffer.wrap(otherVersion).putLong(otherVersion.length - 8, crc.getValue());
    Map<byte[], String> cases = Map.of(truncated, "checksum mismatch", flipped, "checksum mismatch", otherVersion,
        "model format version 2, this bopsweep reads version 1", new byte[] {1, 2, 3}, "truncated",
        "not a model file at all".getBytes(), "not a bopsweep model file");
    cases.forEach((bytes, expected) -> {
      SavedModel.ModelFileException e =
          assertThrows(SavedModel.ModelFileException.class, () -> SavedModel.fromBytes(bytes, "models/x.bmodel"));
      assertTrue(e.getMessage().startsWith("models/x.bmodel: "), e.getMessage());
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    });
  }
}
