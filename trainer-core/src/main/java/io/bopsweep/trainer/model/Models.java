package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bopsweep.trainer.config.Choices.BopStart;
import io.bopsweep.trainer.config.Choices.Init;
import io.bopsweep.trainer.config.Choices.LatentDtype;
import io.bopsweep.trainer.config.Choices.Model;
import io.bopsweep.trainer.config.Choices.Optimizer;
import io.bopsweep.trainer.config.Choices.Padding;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.train.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds the three models of PAPER.md. Initial values come from a generator seeded by the trial's
 * seed alone (never libtorch's global generator), so concurrent trials stay reproducible.
 */
public final class Models {
  public static final int CLASSES = 10;

  private Models() {}

  /** The model's architecture as layer specs: 'cN' conv, 'dN' dense, 'p' maxpool, 'b' batchnorm, 'f' flatten. */
  static List<String> plan(Model model, double width) {
    List<String> p = new ArrayList<>();
    switch (model) {
      case MLP: {
        int units = (int) Math.round(width);
        p.add("f");
        for (int i = 0; i < 3; i++) {
          p.add("d" + units);
          p.add("b");
        }
        p.add("d" + CLASSES);
        p.add("b");
        return p;
      }
      case CONVNET: {
        int c32 = scaled(32, width);
        int c64 = scaled(64, width);
        p.addAll(List.of("c" + c32, "p", "b", "c" + c64, "p", "b", "c" + c64, "b", "f",
            "d" + scaled(64, width), "b", "d" + CLASSES, "b"));
        return p;
      }
      case BINARYNET: {
        int c128 = scaled(128, width);
        int c256 = scaled(256, width);
        int c512 = scaled(512, width);
        int d1024 = scaled(1024, width);
        p.addAll(List.of("c" + c128, "b", "c" + c128, "p", "b", "c" + c256, "b", "c" + c256, "p", "b",
            "c" + c512, "b", "c" + c512, "p", "b", "f", "d" + d1024, "b", "d" + d1024, "b",
            "d" + CLASSES, "b"));
        return p;
      }
      default:
        throw new IllegalArgumentException(model.toString());
    }
  }

  private static int scaled(int base, double width) {
    return Math.max(1, (int) Math.round(base * width));
  }

  /** Padding of the i-th convolution (0-based) of a model. */
  static int convPadding(Model model, Padding padding, int convIndex) {
    if (padding == Padding.SAME_ALL) {
      return 1;
    }
    if (model == Model.BINARYNET) {
      return convIndex == 0 ? 0 : 1;
    }
    return 0;
  }

  public static Network build(TrialConfig cfg, int channels, int size, NDManager manager) {
    SplittableRandom rng = new SplittableRandom(Seeds.stream(cfg.seed(), Seeds.INIT));
    boolean signKernels = cfg.optimizer() == Optimizer.BOP && cfg.bopStart() == BopStart.SIGN;
    List<Layer> layers = new ArrayList<>();
    List<Param> params = new ArrayList<>();
    Map<String, NDArray> state = new LinkedHashMap<>();
    long c = channels;
    long h = size;
    long w = size;
    long flat = -1;
    int quantIndex = 0;
    int convIndex = 0;
    int bnIndex = 0;
    for (String spec : plan(cfg.model(), cfg.width())) {
      char kind = spec.charAt(0);
      switch (kind) {
        case 'c': {
          int out = Integer.parseInt(spec.substring(1));
          int pad = convPadding(cfg.model(), cfg.padding(), convIndex++);
          String layer = "conv" + convIndex;
          int fanIn = (int) c * 9;
          int fanOut = out * 9;
          Param p = kernelParam(layer, manager, new Shape(out, c, 3, 3), fanIn, fanOut, cfg, rng, signKernels);
          params.add(p);
          h = h + 2L * pad - 2;
          w = w + 2L * pad - 2;
          layers.add(QuantLayer.conv3x3(p, pad, quantIndex++ > 0, h, w));
          c = out;
          break;
        }
        case 'd': {
          int out = Integer.parseInt(spec.substring(1));
          String layer = "dense" + (quantIndex - convIndex + 1);
          int in = (int) flat;
          Param p = kernelParam(layer, manager, new Shape(out, in), in, out, cfg, rng, signKernels);
          params.add(p);
          layers.add(QuantLayer.dense(p, quantIndex++ > 0));
          flat = out;
          break;
        }
        case 'p':
          layers.add(new MaxPoolLayer());
          h /= 2;
          w /= 2;
          break;
        case 'f':
          layers.add(new FlattenLayer());
          flat = c * h * w;
          break;
        case 'b': {
          long n = flat > 0 ? flat : c;
          String layer = "bn" + (++bnIndex);
          Param beta = new Param(layer + ".beta", layer, manager.zeros(new Shape(n)), false, 0, 0);
          params.add(beta);
          Param scale = null;
          NDArray fixed = null;
          if (cfg.bnAffine()) {
            scale = new Param(layer + ".gamma", layer, manager.ones(new Shape(n)), false, 0, 0);
            params.add(scale);
          } else {
            fixed = manager.ones(new Shape(n));
          }
          NDArray mean = manager.zeros(new Shape(n));
          NDArray var = manager.ones(new Shape(n));
          state.put(layer + ".running_mean", mean);
          state.put(layer + ".running_var", var);
          layers.add(new BatchNormLayer(beta, scale, fixed, mean, var));
          break;
        }
        default:
          throw new IllegalStateException(spec);
      }
    }
    for (Param p : params) {
      p.value().setRequiresGradient(true);
    }
    return new Network(cfg.model().id(), layers, params, state);
  }

  /**
   * A kernel: under Bop its initial values (or their signs); under a latent optimizer the signs,
   * with the initial values as latent weights (float64 if latent_dtype says so).
   */
  private static Param kernelParam(String layer, NDManager manager, Shape shape, int fanIn, int fanOut,
      TrialConfig cfg, SplittableRandom rng, boolean signKernels) {
    double limit = cfg.init() == Init.GLOROT ? Math.sqrt(6.0 / (fanIn + fanOut)) : 1.0;
    double scale = limit * cfg.initScale();
    int n = Math.toIntExact(shape.size());
    double[] init = new double[n];
    for (int i = 0; i < n; i++) {
      init[i] = (rng.nextDouble() * 2 - 1) * scale;
    }
    boolean latent = cfg.optimizer().hasLatentWeights();
    float[] value = new float[n];
    for (int i = 0; i < n; i++) {
      value[i] = latent || signKernels ? (init[i] >= 0 ? 1f : -1f) : (float) init[i];
    }
    NDArray latentArray = null;
    if (latent) {
      if (cfg.latentDtype() == LatentDtype.FLOAT64) {
        latentArray = manager.create(init, shape);
      } else {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) init[i];
        }
        latentArray = manager.create(f, shape);
      }
    }
    return new Param(layer + ".kernel", layer, manager.create(value, shape), latentArray, true, fanIn, fanOut);
  }
}
