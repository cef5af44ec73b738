package io.bopsweep.trainer.model;

import static io.bopsweep.trainer.config.Settings.MODEL;
import static io.bopsweep.trainer.config.Settings.PADDING;
import static io.bopsweep.trainer.config.Settings.WIDTH;

import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.Choices.Model;
import io.bopsweep.trainer.config.Choices.Padding;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.NetBuilder.Kernel;
import io.bopsweep.trainer.model.QuantLayer.InputQuantizer;

/**
 * The models: BinaryNet's MLP, the reproduction's small convnet and the BinaryNet VGG of the
 * authors' CIFAR-10 code (Helwegen et al. 2019), and the ImageNet models of the paper's section
 * 5.3 as larq zoo defines them. Every binary layer but a network's first binarizes its input;
 * BatchNorm has a learned scale only with bn_affine.
 */
public final class Models {
  private Models() {}

  /** A network whose binary kernels hold their initial values (for its shapes and cost). */
  public static Network build(TrialConfig cfg, int channels, int size, int classes, NDManager manager) {
    return build(cfg, channels, size, classes, KernelStart.VALUES, manager);
  }

  /**
   * @param channels, size the input images (square)
   * @param classes outputs of the last layer
   * @param kernelStart what the binary kernels hold, as their optimizer needs
   */
  public static Network build(TrialConfig cfg, int channels, int size, int classes, KernelStart kernelStart,
      NDManager manager) {
    NetBuilder b = new NetBuilder(cfg, channels, size, kernelStart, manager);
    double width = cfg.get(WIDTH);
    Model model = cfg.get(MODEL);
    if (cfg.get(PADDING) != Padding.AUTHORS && !(model == Model.MLP || model == Model.CONVNET || model == Model.BINARYNET)) {
      throw new ConfigException("padding", cfg.get(PADDING).id() + " applies to convnet and binarynet; "
          + model.id() + " has its own padding");
    }
    switch (model) {
      case MLP -> mlp(b, (int) Math.round(width), classes);
      case CONVNET -> convnet(b, cfg.get(PADDING), width, classes);
      case BINARYNET -> binarynet(b, cfg.get(PADDING), width, classes);
      case BINARY_ALEXNET -> binaryAlexNet(b, width, classes);
      case XNORNET -> xnorNet(b, width, classes);
      case BIREALNET -> biRealNet(b, width, classes);
      default -> throw new IllegalArgumentException(model.toString());
    }
    return b.build(model.id());
  }

  private static int scaled(int base, double width) {
    return Math.max(1, (int) Math.round(base * width));
  }

  private static InputQuantizer firstOr(boolean first) {
    return first ? InputQuantizer.NONE : InputQuantizer.STE_SIGN;
  }

  /** BinaryNet's MLP: three binary dense layers of {@code units}, each with BN, then classes and BN. */
  private static void mlp(NetBuilder b, int units, int classes) {
    b.flatten();
    for (int i = 0; i < 3; i++) {
      b.dense(units, Kernel.BINARY, firstOr(i == 0), false).bn();
    }
    b.dense(classes, Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
  }

  /** The reproduction's small convnet (3x3 valid convolutions unless same-all). */
  private static void convnet(NetBuilder b, Padding padding, double width, int classes) {
    int pad = padding == Padding.SAME_ALL ? 1 : 0;
    int c64 = scaled(64, width);
    b.conv(scaled(32, width), 3, 1, pad, Kernel.BINARY, InputQuantizer.NONE).maxPool(2, 2, 0).bn();
    b.conv(c64, 3, 1, pad, Kernel.BINARY, InputQuantizer.STE_SIGN).maxPool(2, 2, 0).bn();
    b.conv(c64, 3, 1, pad, Kernel.BINARY, InputQuantizer.STE_SIGN).bn();
    b.flatten().dense(scaled(64, width), Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
    b.dense(classes, Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
  }

  /** BinaryNet's VGG-like CIFAR network; the authors' first convolution is valid, the rest same. */
  private static void binarynet(NetBuilder b, Padding padding, double width, int classes) {
    int[] convs = {128, 128, 256, 256, 512, 512};
    for (int i = 0; i < convs.length; i++) {
      int pad = padding == Padding.SAME_ALL || i > 0 ? 1 : 0;
      b.conv(scaled(convs[i], width), 3, 1, pad, Kernel.BINARY, firstOr(i == 0));
      if (i % 2 == 1) {
        b.maxPool(2, 2, 0);
      }
      b.bn();
    }
    b.flatten();
    b.dense(scaled(1024, width), Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
    b.dense(scaled(1024, width), Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
    b.dense(classes, Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
  }

  /**
   * larq zoo's BinaryAlexNet (Hubara et al.): every kernel binary, the first convolution on real
   * input; 3x3 max pooling with stride 2 after convolutions 1, 2 and 5; BN after every layer.
   */
  private static void binaryAlexNet(NetBuilder b, double width, int classes) {
    b.conv(scaled(64, width), 11, 4, 5, Kernel.BINARY, InputQuantizer.NONE).maxPool(3, 2, 0).bn();
    b.conv(scaled(192, width), 5, 1, 2, Kernel.BINARY, InputQuantizer.STE_SIGN).maxPool(3, 2, 0).bn();
    b.conv(scaled(384, width), 3, 1, 1, Kernel.BINARY, InputQuantizer.STE_SIGN).bn();
    b.conv(scaled(384, width), 3, 1, 1, Kernel.BINARY, InputQuantizer.STE_SIGN).bn();
    b.conv(scaled(256, width), 3, 1, 1, Kernel.BINARY, InputQuantizer.STE_SIGN).maxPool(3, 2, 0).bn();
    b.flatten();
    b.dense(scaled(4096, width), Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
    b.dense(scaled(4096, width), Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
    b.dense(classes, Kernel.BINARY, InputQuantizer.STE_SIGN, false).bn();
  }

  /**
   * larq zoo's XNOR-Net: a real first convolution (BN, ReLU, pooling, BN), five binary
   * convolutions, a binary 6x6 and a binary 1x1 convolution in place of the hidden dense layers,
   * ReLU, and a real dense classifier. XNOR-Net's per-filter kernel scale (the mean |w| of the
   * latent weights) has no counterpart without latent weights; the BN after each binary layer
   * learns per-channel statistics in its place.
   */
  private static void xnorNet(NetBuilder b, double width, int classes) {
    b.conv(scaled(96, width), 11, 4, 5, Kernel.REAL, InputQuantizer.NONE).bn().relu().maxPool(3, 2, 0).bn();
    b.conv(scaled(256, width), 5, 1, 2, Kernel.BINARY, InputQuantizer.STE_SIGN).maxPool(3, 2, 0).bn();
    b.conv(scaled(384, width), 3, 1, 1, Kernel.BINARY, InputQuantizer.STE_SIGN).bn();
    b.conv(scaled(384, width), 3, 1, 1, Kernel.BINARY, InputQuantizer.STE_SIGN).bn();
    b.conv(scaled(256, width), 3, 1, 1, Kernel.BINARY, InputQuantizer.STE_SIGN).maxPool(3, 2, 0).bn();
    b.conv(scaled(4096, width), 6, 1, 0, Kernel.BINARY, InputQuantizer.STE_SIGN).bn();
    b.conv(scaled(4096, width), 1, 1, 0, Kernel.BINARY, InputQuantizer.STE_SIGN).bn().relu();
    b.flatten().dense(classes, Kernel.REAL, InputQuantizer.NONE, false);
  }

  /**
   * larq zoo's Bi-Real Net 18: a real 7x7 stem (BN, 3x3 max pooling), 16 residual blocks of one
   * binary 3x3 convolution with ApproxSign input and BN, a real shortcut (2x2 average pooling, 1x1
   * convolution, BN) where a stage doubles the channels and halves the side, global average
   * pooling and a real dense classifier with bias. Under Bop the kernels are plain signs (larq
   * zoo's magnitude-aware sign scales latent weights, which Bop does not have).
   */
  private static void biRealNet(NetBuilder b, double width, int classes) {
    int filters = scaled(64, width);
    b.conv(filters, 7, 2, 3, Kernel.REAL, InputQuantizer.NONE).bn().maxPool(3, 2, 1);
    for (int stage = 0; stage < 4; stage++) {
      int out = filters << stage;
      for (int block = 0; block < 4; block++) {
        boolean down = b.channels() != out;
        b.residual(
            main -> main.conv(out, 3, down ? 2 : 1, 1, Kernel.BINARY, InputQuantizer.APPROX_SIGN).bn(),
            down ? shortcut -> shortcut.avgPool2().shortcutConv(out).bn() : null);
      }
    }
    b.globalAvgPool().dense(classes, Kernel.REAL, InputQuantizer.NONE, true);
  }
}
