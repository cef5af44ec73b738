package io.bopsweep.trainer.model;

import static io.bopsweep.trainer.config.Settings.BN_AFFINE;
import static io.bopsweep.trainer.config.Settings.INIT;
import static io.bopsweep.trainer.config.Settings.INIT_SCALE;
import static io.bopsweep.trainer.config.Settings.MODEL;
import static io.bopsweep.trainer.config.Settings.SEED;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bopsweep.trainer.config.Choices.Init;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.QuantLayer.InputQuantizer;
import io.bopsweep.trainer.config.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Appends layers to a network while following the shape of what flows through it, creating each
 * layer's parameters (named {@code convN}, {@code denseN}, {@code bnN}, {@code shortcutN} in order of
 * creation) and BatchNorm state. Initial values come from a generator seeded by the trial's seed
 * alone (never libtorch's global generator), so concurrent trials stay reproducible.
 */
final class NetBuilder {

  /** Whether a layer's kernel is binary (trained by Bop or through latent weights) or real (like BatchNorm). */
  enum Kernel { BINARY, REAL }

  /** What all builders of one network share. */
  private static final class Shared {
    final TrialConfig cfg;
    final KernelStart kernelStart;
    final NDManager manager;
    final SplittableRandom rng;
    final List<Param> params = new ArrayList<>();
    final Map<String, NDArray> state = new LinkedHashMap<>();
    int convs;
    int denses;
    int bns;
    int shortcuts;

    Shared(TrialConfig cfg, KernelStart kernelStart, NDManager manager) {
      this.cfg = cfg;
      this.kernelStart = kernelStart;
      this.manager = manager;
      this.rng = new SplittableRandom(Seeds.stream(cfg.get(SEED), Seeds.INIT));
    }
  }

  private final Shared shared;
  private final List<Layer> layers = new ArrayList<>();
  private final int inputSize;
  private long c;
  private long h;
  private long w;
  private long flat = -1;

  NetBuilder(TrialConfig cfg, int channels, int size, KernelStart kernelStart, NDManager manager) {
    this(new Shared(cfg, kernelStart, manager), size, channels, size, size, -1);
  }

  private NetBuilder(Shared shared, int inputSize, long c, long h, long w, long flat) {
    this.shared = shared;
    this.inputSize = inputSize;
    this.c = c;
    this.h = h;
    this.w = w;
    this.flat = flat;
  }

  NetBuilder conv(int out, int size, int stride, int padding, Kernel kernel, InputQuantizer input) {
    return conv("conv" + ++shared.convs, out, size, stride, padding, kernel, input);
  }

  /** A 1x1 real convolution on a residual block's shortcut. */
  NetBuilder shortcutConv(int out) {
    return conv("shortcut" + ++shared.shortcuts, out, 1, 1, 0, Kernel.REAL, InputQuantizer.NONE);
  }

  private NetBuilder conv(String name, int out, int size, int stride, int padding, Kernel kernel, InputQuantizer input) {
    requireSpatial(name);
    int fanIn = Math.toIntExact(c * size * size);
    Param p = kernelParam(name, new Shape(out, c, size, size), fanIn, out * size * size, kernel);
    h = outSide(h, size, stride, padding, name);
    w = outSide(w, size, stride, padding, name);
    layers.add(QuantLayer.conv(p, stride, padding, input, h, w));
    c = out;
    return this;
  }

  NetBuilder dense(int out, Kernel kernel, InputQuantizer input, boolean bias) {
    String name = "dense" + ++shared.denses;
    if (flat < 0) {
      throw new IllegalStateException(name + " needs flat input");
    }
    int in = Math.toIntExact(flat);
    Param p = kernelParam(name, new Shape(out, in), in, out, kernel);
    Param b = null;
    if (bias) {
      b = new Param(name + ".bias", name, shared.manager.zeros(new Shape(out)), false, 0, 0);
      shared.params.add(b);
    }
    layers.add(QuantLayer.dense(p, b, input));
    flat = out;
    return this;
  }

  /** BatchNorm over the channels (or features after flattening); with a learned scale if bn_affine. */
  NetBuilder bn() {
    long n = flat > 0 ? flat : c;
    String name = "bn" + ++shared.bns;
    NDManager m = shared.manager;
    Param beta = new Param(name + ".beta", name, m.zeros(new Shape(n)), false, 0, 0);
    shared.params.add(beta);
    Param scale = null;
    NDArray fixed = null;
    if (shared.cfg.get(BN_AFFINE)) {
      scale = new Param(name + ".gamma", name, m.ones(new Shape(n)), false, 0, 0);
      shared.params.add(scale);
    } else {
      fixed = m.ones(new Shape(n));
    }
    NDArray mean = m.zeros(new Shape(n));
    NDArray var = m.ones(new Shape(n));
    shared.state.put(name + ".running_mean", mean);
    shared.state.put(name + ".running_var", var);
    layers.add(new BatchNormLayer(beta, scale, fixed, mean, var));
    return this;
  }

  NetBuilder maxPool(int size, int stride, int padding) {
    requireSpatial("max pooling");
    h = outSide(h, size, stride, padding, "max pooling");
    w = outSide(w, size, stride, padding, "max pooling");
    layers.add(new MaxPoolLayer(size, stride, padding));
    return this;
  }

  /** 2x2 average pooling, stride 2, keeping an odd side's last row (ceil). */
  NetBuilder avgPool2() {
    requireSpatial("average pooling");
    h = (h + 1) / 2;
    w = (w + 1) / 2;
    layers.add(new AvgPoolLayer());
    return this;
  }

  NetBuilder globalAvgPool() {
    requireSpatial("global average pooling");
    layers.add(new GlobalAvgPoolLayer());
    flat = c;
    return this;
  }

  NetBuilder flatten() {
    layers.add(new FlattenLayer());
    flat = c * h * w;
    return this;
  }

  NetBuilder relu() {
    layers.add(new ReluLayer());
    return this;
  }

  /** main(x) + shortcut(x); a null shortcut is the identity. Both must end in the same shape. */
  NetBuilder residual(Consumer<NetBuilder> main, Consumer<NetBuilder> shortcut) {
    NetBuilder m = new NetBuilder(shared, inputSize, c, h, w, flat);
    main.accept(m);
    NetBuilder s = new NetBuilder(shared, inputSize, c, h, w, flat);
    if (shortcut != null) {
      shortcut.accept(s);
    }
    if (m.c != s.c || m.h != s.h || m.w != s.w || m.flat != s.flat) {
      throw new IllegalStateException("residual block: main path ends in " + m.c + "x" + m.h + "x" + m.w
          + ", shortcut in " + s.c + "x" + s.h + "x" + s.w);
    }
    layers.add(new ResidualLayer(m.layers, s.layers));
    c = m.c;
    h = m.h;
    w = m.w;
    return this;
  }

  long channels() {
    return c;
  }

  Network build(String name) {
    return new Network(name, layers, shared.params, shared.state);
  }

  private void requireSpatial(String what) {
    if (flat >= 0) {
      throw new IllegalStateException(what + " after flattening");
    }
  }

  private long outSide(long side, int size, int stride, int padding, String what) {
    long out = (side + 2L * padding - size) / stride + 1;
    if (side + 2L * padding < size || out < 1) {
      throw new ConfigException("model", shared.cfg.get(MODEL).id() + " needs larger images than " + inputSize + "x"
          + inputSize + " (" + what + " would see " + side + "x" + side + ")");
    }
    return out;
  }

  /**
   * A kernel. A binary kernel holds what its optimizer asked for ({@link KernelStart}): its initial
   * values, their signs, or their signs with the initial values as latent weights. A real kernel
   * holds Glorot-uniform values and no latent weights.
   */
  private Param kernelParam(String layer, Shape shape, int fanIn, int fanOut, Kernel kind) {
    TrialConfig cfg = shared.cfg;
    SplittableRandom rng = shared.rng;
    boolean binary = kind == Kernel.BINARY;
    double glorot = Math.sqrt(6.0 / (fanIn + fanOut));
    double scale = binary ? (cfg.get(INIT) == Init.GLOROT ? glorot : 1.0) * cfg.get(INIT_SCALE) : glorot;
    KernelStart start = shared.kernelStart;
    boolean latent = binary && start.latent();
    boolean signs = binary && start.signs();
    boolean latent64 = latent && start.latent64();
    int n = Math.toIntExact(shape.size());
    float[] value = new float[n];
    float[] latent32 = latent && !latent64 ? new float[n] : null;
    double[] latentF64 = latent64 ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      double init = (rng.nextDouble() * 2 - 1) * scale;
      value[i] = signs ? (init >= 0 ? 1f : -1f) : (float) init;
      if (latent32 != null) {
        latent32[i] = (float) init;
      } else if (latentF64 != null) {
        latentF64[i] = init;
      }
    }
    NDManager m = shared.manager;
    NDArray latentArray = latent32 != null ? m.create(latent32, shape) : latentF64 != null ? m.create(latentF64, shape) : null;
    Param p = new Param(layer + ".kernel", layer, m.create(value, shape), latentArray, binary, fanIn, fanOut);
    shared.params.add(p);
    return p;
  }
}
