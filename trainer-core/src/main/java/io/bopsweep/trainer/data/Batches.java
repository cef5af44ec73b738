package io.bopsweep.trainer.data;

import java.util.SplittableRandom;

/**
 * Turns images into the float input of a network: scaled to [-1, 1], optionally with the paper's
 * CIFAR augmentation (zero-pad 4 pixels, random crop back to the original size, random horizontal
 * flip) drawn from the generator it is given.
 */
public final class Batches {
  static final int PAD = 4;

  private Batches() {}

  /** A permutation of 0..n-1 drawn from rng (Fisher-Yates). */
  public static int[] shuffled(int n, SplittableRandom rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * Fills {@code out} (length count * C*H*W) with images order[from .. from+count).
   *
   * @param augment generator of crop offsets and flips, or null for none
   */
  public static void fill(ImageSet set, int[] order, int from, int count, float[] out, SplittableRandom augment) {
    int per = set.imageBytes();
    int c = set.channels();
    int h = set.height();
    int w = set.width();
    byte[] px = set.pixels();
    for (int k = 0; k < count; k++) {
      int src = order[from + k] * per;
      int dst = k * per;
      if (augment == null) {
        for (int i = 0; i < per; i++) {
          out[dst + i] = (px[src + i] & 0xFF) / 127.5f - 1f;
        }
        continue;
      }
      int dy = augment.nextInt(2 * PAD + 1) - PAD;
      int dx = augment.nextInt(2 * PAD + 1) - PAD;
      boolean flip = augment.nextBoolean();
      for (int ch = 0; ch < c; ch++) {
        int plane = ch * h * w;
        for (int y = 0; y < h; y++) {
          int sy = y + dy;
          for (int x = 0; x < w; x++) {
            int sx = (flip ? w - 1 - x : x) + dx;
            float v = 0f;
            if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
              v = (px[src + plane + sy * w + sx] & 0xFF) / 127.5f - 1f;
            }
            out[dst + plane + y * w + x] = v;
          }
        }
      }
    }
  }
}
