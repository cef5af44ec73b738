package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.BATCH_SIZE;
import static io.bopsweep.trainer.config.Settings.DATASET;
import static io.bopsweep.trainer.config.Settings.MODEL;
import static io.bopsweep.trainer.config.Settings.VALIDATION_SPLIT;
import static io.bopsweep.trainer.config.Settings.WIDTH;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.Choices.Model;
import io.bopsweep.trainer.config.TrialConfig;
import java.util.List;

/**
 * What can be known wrong about a trial before it trains: a validation split that leaves no
 * training images, layers that are empty or too wide to index, a batch that does not fit one
 * array, and a rough memory need above the heap. {@code plan} and {@code sweep} refuse such a spec.
 */
public final class TrialChecks {
  /** The widest layer (units or channels) a trial may have: wider ones overflow int sizes of the dense products. */
  public static final int MAX_UNITS = 16_384;

  private TrialChecks() {}

  /** The narrowest and widest layer of a model at width 1 (the MLP's width is its unit count). */
  record Bases(int narrowest, int widest) {}

  static Bases bases(Model model) {
    return switch (model) {
      case MLP -> new Bases(1, 1);
      case CONVNET -> new Bases(32, 64);
      case BINARYNET -> new Bases(128, 1024);
      case BINARY_ALEXNET -> new Bases(64, 4096);
      case XNORNET -> new Bases(96, 4096);
      case BIREALNET -> new Bases(64, 512);
    };
  }

  /** The first problem of one trial, or null. */
  public static String problem(TrialConfig cfg, long heapBytes) {
    Dataset d = cfg.get(DATASET);
    if (cfg.get(VALIDATION_SPLIT) >= d.trainSize()) {
      return "validation_split " + cfg.get(VALIDATION_SPLIT) + " leaves none of the " + d.trainSize() + " training images of "
          + d.id();
    }
    double width = cfg.get(WIDTH);
    if (cfg.get(MODEL) == Model.MLP && width != Math.rint(width)) {
      return "width " + number(width) + ": the mlp's width is its number of units, a whole number";
    }
    Bases b = bases(cfg.get(MODEL));
    double narrowest = b.narrowest() * width;
    double widest = b.widest() * width;
    if (Math.round(narrowest) < 1) {
      return "width " + number(width) + " gives " + cfg.get(MODEL).id() + " layers of " + number(Math.round(narrowest))
          + " units";
    }
    if (widest > MAX_UNITS) {
      return "width " + number(width) + " gives " + cfg.get(MODEL).id() + " layers of " + number(Math.round(widest))
          + " units; at most " + MAX_UNITS;
    }
    long imageFloats = (long) d.channels() * d.imageSize() * d.imageSize();
    long batchFloats = (long) cfg.get(BATCH_SIZE) * imageFloats;
    if (batchFloats > Integer.MAX_VALUE - 8) {
      return "batch_size " + cfg.get(BATCH_SIZE) + ": a batch of " + d.id() + " images is " + batchFloats
          + " numbers, more than one array holds";
    }
    long need = memoryBytes(cfg);
    if (need > heapBytes) {
      return String.format("needs about %.1f GiB of memory (batch_size %d, width %s), more than the %.1f GiB heap (-Xmx)",
          need / GIB, cfg.get(BATCH_SIZE), number(width), heapBytes / GIB);
    }
    return null;
  }

  private static final double GIB = 1024.0 * 1024 * 1024;

  /**
   * A lower bound of what a trial holds at once: a batch of images as floats, twice (input and
   * its augmented copy), and, for the mlp, its weights four times (binary, latent or momentum,
   * gradient, optimizer state) as floats. Convolutional models are bounded by {@link #MAX_UNITS}.
   */
  static long memoryBytes(TrialConfig cfg) {
    Dataset d = cfg.get(DATASET);
    long imageFloats = (long) d.channels() * d.imageSize() * d.imageSize();
    long bytes = 2L * 4 * cfg.get(BATCH_SIZE) * imageFloats;
    if (cfg.get(MODEL) == Model.MLP) {
      long units = Math.round(cfg.get(WIDTH));
      long weights = imageFloats * units + 2 * units * units + units * d.classes();
      bytes += 4L * 4 * weights;
    }
    return bytes;
  }

  /** Refuses the first trial with a problem, naming it: {@code SOURCE: trial N {SWEPT}: problem}. */
  public static void check(List<Trial> trials, String source, long heapBytes) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < trials.size(); i++) {
      Trial t = trials.get(i);
      TrialConfig cfg = t.config();
      String key = cfg.get(DATASET) + "/" + cfg.get(MODEL) + "/" + cfg.get(WIDTH) + "/" + cfg.get(BATCH_SIZE) + "/"
          + cfg.get(VALIDATION_SPLIT);
      if (!seen.add(key)) {
        continue;
      }
      String problem = problem(cfg, heapBytes);
      if (problem != null) {
        throw new SpecException(source + ": trial " + (i + 1) + (t.swept().isEmpty() ? "" : " " + t.swept()) + ": " + problem);
      }
    }
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
