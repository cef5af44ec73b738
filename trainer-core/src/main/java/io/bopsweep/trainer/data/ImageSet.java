package io.bopsweep.trainer.data;

import java.util.SplittableRandom;

/**
 * Images as unsigned bytes in N x C x H x W order, with one label (0..9) each. Immutable by
 * convention: loaders create it, nobody writes to the arrays afterwards.
 */
public record ImageSet(byte[] pixels, byte[] labels, int channels, int height, int width) implements Images {

  public ImageSet {
    long per = (long) channels * height * width;
    if (per == 0 || pixels.length != per * labels.length) {
      throw new IllegalArgumentException(
          "pixels (" + pixels.length + ") do not match " + labels.length + " images of " + per + " bytes");
    }
  }

  @Override
  public int size() {
    return labels.length;
  }

  public int imageBytes() {
    return channels * height * width;
  }

  @Override
  public int classes() {
    return 10;
  }

  @Override
  public int label(int i) {
    return labels[i] & 0xFF;
  }

  /** Scaled to [-1, 1]; augmentation as in {@link Batches#fill}. */
  @Override
  public void fill(int[] order, int from, int count, float[] out, SplittableRandom augment) {
    Batches.fill(this, order, from, count, out, augment);
  }

  /** Images [from, to) as a new set. */
  @Override
  public ImageSet slice(int from, int to) {
    int per = imageBytes();
    byte[] p = new byte[(to - from) * per];
    System.arraycopy(pixels, from * per, p, 0, p.length);
    byte[] l = new byte[to - from];
    System.arraycopy(labels, from, l, 0, l.length);
    return new ImageSet(p, l, channels, height, width);
  }
}
