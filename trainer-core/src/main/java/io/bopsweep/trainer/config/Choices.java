package io.bopsweep.trainer.config;

import java.util.ArrayList;
import java.util.List;

/** The sets of names a trial config chooses from: closed, but for the optimizers code registers. */
public final class Choices {
  private Choices() {}

  /** A dataset: its network input (channels, side), classes and the sizes of its full training and test sets. */
  public enum Dataset implements Choice {
    MNIST("mnist", 28, 1, 10, 60_000, 10_000),
    FASHION_MNIST("fashion-mnist", 28, 1, 10, 60_000, 10_000),
    CIFAR10("cifar10", 32, 3, 10, 50_000, 10_000),
    /** ILSVRC-2012 in class folders, cropped and resized to 224 x 224 as the network input. */
    IMAGENET("imagenet", 224, 3, 1000, 1_281_167, 50_000);

    private final String id;
    private final int size;
    private final int channels;
    private final int classes;
    private final int trainSize;
    private final int testSize;

    Dataset(String id, int size, int channels, int classes, int trainSize, int testSize) {
      this.id = id;
      this.size = size;
      this.channels = channels;
      this.classes = classes;
      this.trainSize = trainSize;
      this.testSize = testSize;
    }

    @Override public String id() { return id; }
    public int imageSize() { return size; }
    public int channels() { return channels; }
    public int classes() { return classes; }
    public int trainSize() { return trainSize; }
    public int testSize() { return testSize; }
  }

  /**
   * The models: BinaryNet's MLP, the reproduction's small convnet and the authors' BinaryNet VGG
   * for MNIST and CIFAR-10, and the three ImageNet models of
   * the paper's section 5.3 as larq zoo defines them (Binary AlexNet, XNOR-Net, Bi-Real Net 18).
   */
  public enum Model implements Choice {
    MLP("mlp"), CONVNET("convnet"), BINARYNET("binarynet"),
    BINARY_ALEXNET("binary-alexnet"), XNORNET("xnornet"), BIREALNET("birealnet");
    private final String id;
    Model(String id) { this.id = id; }
    @Override public String id() { return id; }
  }

  /**
   * An optimizer's name: one registered with {@code Optimizers} of the optim package, which
   * declares it here. The built-in ones are constants, for the settings' defaults.
   */
  public record Optimizer(String id) implements Choice {
    public static final Optimizer BOP = new Optimizer("bop");
    public static final Optimizer ADAM_LATENT = new Optimizer("adam-latent");
    public static final Optimizer SGD_LATENT = new Optimizer("sgd-latent");
    private static final List<Optimizer> DECLARED = new ArrayList<>(List.of(BOP, ADAM_LATENT, SGD_LATENT));

    /** Makes a name valid in trial settings; returns the one instance of that name. */
    public static synchronized Optimizer declare(String id) {
      for (Optimizer o : DECLARED) {
        if (o.id().equals(id)) {
          return o;
        }
      }
      Optimizer o = new Optimizer(id);
      DECLARED.add(o);
      return o;
    }

    /** Makes a declared name invalid again (its optimizer was unregistered). */
    public static synchronized void withdraw(String id) {
      DECLARED.removeIf(o -> o.id().equals(id));
    }

    /** Whether its binary kernels train through latent weights: every optimizer but bop. */
    public boolean hasLatentWeights() {
      return !equals(BOP);
    }

    /** The declared names, built-in ones first. */
    public static synchronized List<Optimizer> declared() {
      return List.copyOf(DECLARED);
    }
  }

  /** Bop's flip test: {@code strict} is the authors' code (w*m > tau, +1 at equality), {@code inclusive} paper Eq. 6. */
  public enum FlipRule implements Choice {
    STRICT("strict"), INCLUSIVE("inclusive");
    private final String id;
    FlipRule(String id) { this.id = id; }
    @Override public String id() { return id; }
  }

  /** Bop's momentum before the first step: zeros (authors' code) or the first gradient (reproduction). */
  public enum MomentumStart implements Choice {
    ZERO("zero"), FIRST_GRAD("first-grad");
    private final String id;
    MomentumStart(String id) { this.id = id; }
    @Override public String id() { return id; }
  }

  /**
   * Bop's kernels before the first step: {@code real} keeps the real initial values for the first
   * forward pass and lets the first Bop step sign them (authors' code); {@code sign} starts at +-1.
   */
  public enum BopStart implements Choice {
    REAL("real"), SIGN("sign");
    private final String id;
    BopStart(String id) { this.id = id; }
    @Override public String id() { return id; }
  }

  /** Kernel initialization, multiplied by init_scale: Glorot uniform, or uniform on [-1, 1]. */
  public enum Init implements Choice {
    GLOROT("glorot"), UNIFORM("uniform");
    private final String id;
    Init(String id) { this.id = id; }
    @Override public String id() { return id; }
  }

  /** Convolution padding: as in the authors' code (see each model), or padding 1 everywhere (reproduction). */
  public enum Padding implements Choice {
    AUTHORS("authors"), SAME_ALL("same-all");
    private final String id;
    Padding(String id) { this.id = id; }
    @Override public String id() { return id; }
  }

  /** Storage of latent weights: float32, or float64 (exact scale equivalence for Theorem 1 checks). */
  public enum LatentDtype implements Choice {
    FLOAT32("float32"), FLOAT64("float64");
    private final String id;
    LatentDtype(String id) { this.id = id; }
    @Override public String id() { return id; }
  }
}
