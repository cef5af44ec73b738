package io.bopsweep.trainer.data;

/**
 * Images as unsigned bytes in N x C x H x W order, with one label (0..9) each. Immutable by
 * convention: loaders create it, nobody writes to the arrays afterwards.
 */
public record ImageSet(byte[] pixels, byte[] labels, int channels, int height, int width) {

  public ImageSet {
    long per = (long) channels * height * width;
    if (per == 0 || pixels.length != per * labels.length) {
      throw new IllegalArgumentException(
          "pixels (" + pixels.length + ") do not match " + labels.length + " images of " + per + " bytes");
    }
  }

  public int size() {
    return labels.length;
  }

  public int imageBytes() {
    return channels * height * width;
  }

  public int label(int i) {
    return labels[i] & 0xFF;
  }

  /** Images [from, to) as a new set. */
  public ImageSet slice(int from, int to) {
    int per = imageBytes();
    byte[] p = new byte[(to - from) * per];
    System.arraycopy(pixels, from * per, p, 0, p.length);
    byte[] l = new byte[to - from];
    System.arraycopy(labels, from, l, 0, l.length);
    return new ImageSet(p, l, channels, height, width);
  }

  /** Number of images per class 0..9. */
  public int[] classCounts() {
    int[] counts = new int[10];
    for (byte b : labels) {
      int c = b & 0xFF;
      if (c < counts.length) {
        counts[c]++;
      }
    }
    return counts;
  }
}
