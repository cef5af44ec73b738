package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.DATASET;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.ImageSet;
import io.bopsweep.trainer.data.Splits;
import java.util.Random;

/** Data for tests: learnable synthetic images, and the real MNIST from the project's own cache. */
public final class TestData {
  private TestData() {}

  /** Images whose class shows as a brighter horizontal band (plus noise): learnable in a few steps. */
  public static ImageSet synthetic(int n, int channels, int size, long seed) {
    Random rnd = new Random(seed);
    int per = channels * size * size;
    byte[] pixels = new byte[n * per];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(10);
      labels[i] = (byte) label;
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < size; y++) {
          boolean band = y * 10 / size == label;
          for (int x = 0; x < size; x++) {
            int v = (band ? 160 : 40) + rnd.nextInt(80);
            pixels[i * per + c * size * size + y * size + x] = (byte) v;
          }
        }
      }
    }
    return new ImageSet(pixels, labels, channels, size, size);
  }

  public static Splits syntheticSplits(TrialConfig cfg, int train, int test) {
    int channels = cfg.get(DATASET).channels();
    int size = cfg.get(DATASET).imageSize();
    return Splits.forTrial(cfg, "synthetic", synthetic(train, channels, size, 1), synthetic(test, channels, size, 2));
  }

  /** A config from alternating keys and values (Map.of stops at ten pairs). */
  public static TrialConfig config(Object... keyValues) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return TrialConfig.of(m);
  }

  /** The real MNIST, fetched into the user's cache by the project's own fetcher if it is not there. */
  public static Splits mnist(TrialConfig cfg) {
    DataCache cache = DataCache.resolve(null);
    cache.fetch(Dataset.MNIST, null);
    DataCache.Loaded loaded = cache.load(Dataset.MNIST);
    return Splits.forTrial(cfg, loaded.variant(), loaded.train(), loaded.test());
  }
}
