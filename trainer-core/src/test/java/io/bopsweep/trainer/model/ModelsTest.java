package io.bopsweep.trainer.model;

import static io.bopsweep.trainer.config.Settings.BN_AFFINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bopsweep.trainer.TorchTest;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.Pass.KernelView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ModelsTest extends TorchTest {

  /** Trainable parameters plus BN running statistics: what Keras' model.count_params() counts. */
  private static long kerasCount(Network net) {
    long n = net.params().stream().mapToLong(Param::size).sum();
    for (NDArray a : net.state().values()) {
      n += a.getShape().size();
    }
    return n;
  }

  /**
   * The parameter counts larq zoo publishes for its ImageNet models (BinaryAlexNet 61,859,192 in
   * its documentation table; Bi-Real Net 18 11,699,112), reached only if every layer's kernel
   * size, stride, padding and channel count match theirs (larq zoo's AlexNet BN has no scale,
   * Bi-Real Net's has). Also: 1000 logits at 224 x 224, and which layers are binary.
   */
  @ParameterizedTest
  @CsvSource({
    "binary-alexnet, false, 61859192, 8, conv1",
    "birealnet, true, 11699112, 16, conv2",
  })
  void imagenetModelsHaveLarqZoosParameterCounts(String model, boolean bnScale, long expected, int binaryLayers,
      String firstBinary) {
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "imagenet", "model", model, "bn_affine", bnScale));
    try (NDManager m = manager.newSubManager()) {
      Network net = Models.build(cfg, 3, 224, 1000, m);
      assertEquals(expected, kerasCount(net));
      assertEquals(binaryLayers, net.binaryKernels().size());
      assertEquals(firstBinary, net.binaryLayerNames().get(0));
      NDArray logits = net.forward(m.randomNormal(new Shape(2, 3, 224, 224)), new Pass(false, KernelView.BINARY, 0.1));
      assertEquals(new Shape(2, 1000), logits.getShape());
    }
  }

  /** XNOR-Net: a real stem and classifier around six binary layers (two of them 6x6 and 1x1 convolutions). */
  @Test
  void xnorNetHasARealFirstAndLastLayer() {
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "imagenet", "model", "xnornet", "width", 0.25));
    try (NDManager m = manager.newSubManager()) {
      Network net = Models.build(cfg, 3, 224, 1000, m);
      assertEquals(List.of("conv2", "conv3", "conv4", "conv5", "conv6", "conv7"), net.binaryLayerNames());
      assertEquals(new Shape(24, 3, 11, 11), net.params().get(0).value().getShape());
      Param last = net.params().get(net.params().size() - 1);
      assertEquals("dense1.kernel", last.name());
      assertTrue(!last.isBinaryKernel());
      NDArray logits = net.forward(m.randomNormal(new Shape(1, 3, 224, 224)), new Pass(false, KernelView.BINARY, 0.1));
      assertEquals(new Shape(1, 1000), logits.getShape());
    }
  }

  /** Multiply-adds of Bi-Real Net 18: its convolutions and classifier, computed here layer by layer. */
  @Test
  void biRealNetMacsMatchAHandCount() {
    long macs = 7L * 7 * 3 * 64 * 112 * 112; // stem
    int side = 56;
    int in = 64;
    for (int stage = 0; stage < 4; stage++) {
      int out = 64 << stage;
      for (int block = 0; block < 4; block++) {
        boolean down = in != out;
        int outSide = down ? side / 2 : side;
        macs += 9L * in * out * outSide * outSide;
        if (down) {
          macs += (long) in * out * outSide * outSide;
        }
        in = out;
        side = outSide;
      }
    }
    macs += 512L * 1000;
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "imagenet", "model", "birealnet"));
    try (NDManager m = manager.newSubManager()) {
      assertEquals(macs, Models.build(cfg, 3, 224, 1000, m).macsPerSample());
    }
  }

  /** The MLP 784-2048x3-10 counted by hand: 3 products per layer per step, none for the input's gradient. */
  @Test
  void trainingFlopsLeaveOutTheFirstLayersInputGradient() {
    long first = 784L * 2048;
    long rest = 2048L * 2048 * 2 + 2048L * 10;
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "mnist", "model", "mlp", "width", 2048));
    try (NDManager m = manager.newSubManager()) {
      Network net = Models.build(cfg, 1, 28, 10, m);
      assertEquals(first + rest, net.macsPerSample());
      assertEquals(2.0 * (2 * first + 3 * rest), net.trainingFlopsPerSample());
    }
  }

  @Test
  void imagenetModelsDefaultToBatchNormWithScaleAsInTheAuthorsCode() {
    for (String m : new String[] {"binary-alexnet", "xnornet", "birealnet"}) {
      assertTrue(TrialConfig.of(Map.of("model", m)).get(BN_AFFINE), m);
    }
    assertTrue(!TrialConfig.of(Map.of("model", "binarynet")).get(BN_AFFINE));
  }

  @Test
  void imagesTooSmallForTheModelAreAConfigErrorNamingTheModel() {
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "cifar10", "model", "binary-alexnet"));
    try (NDManager m = manager.newSubManager()) {
      ConfigException e = assertThrows(ConfigException.class, () -> Models.build(cfg, 3, 32, 10, m));
      assertEquals("model", e.key());
      assertTrue(e.getMessage().startsWith("model: binary-alexnet needs larger images than 32x32"), e.getMessage());
    }
  }

  @Test
  void sameAllPaddingIsRefusedForModelsWithTheirOwnPadding() {
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "imagenet", "model", "birealnet", "padding", "same-all"));
    try (NDManager m = manager.newSubManager()) {
      ConfigException e = assertThrows(ConfigException.class, () -> Models.build(cfg, 3, 224, 1000, m));
      assertEquals("padding", e.key());
    }
  }

  /** Bi-Real Net runs on CIFAR-sized input too: its residual blocks keep the shapes aligned. */
  @Test
  void biRealNetOnSmallImages() {
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", "cifar10", "model", "birealnet", "width", 0.25));
    try (NDManager m = manager.newSubManager()) {
      Network net = Models.build(cfg, 3, 32, 10, m);
      NDArray logits = net.forward(m.randomNormal(new Shape(3, 3, 32, 32)), new Pass(true, KernelView.BINARY, 0.1));
      assertEquals(new Shape(3, 10), logits.getShape());
      assertEquals(1 + 16 + 3, net.batchNorms().size(), "stem, 16 blocks and 3 shortcuts have BN");
    }
  }
}
