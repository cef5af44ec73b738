package io.bopsweep.trainer.data;

import java.util.SplittableRandom;

/**
 * Labelled images as a network sees them: {@link #fill} writes float input of shape
 * C x H x W per image. {@link ImageSet} holds its pixels in memory; {@link ImageFolderSet} decodes
 * image files on demand. Implementations are immutable and safe to share between trials.
 */
public interface Images {
  int size();

  int channels();

  int height();

  int width();

  /** Number of classes; labels are 0 .. classes() - 1. */
  int classes();

  int label(int i);

  /**
   * Fills {@code out} (at least count * C*H*W floats) with the images order[from .. from+count).
   *
   * @param augment generator of the dataset's training augmentation, or null for none; the values
   *     written depend only on its state and the images, never on threads or timing
   */
  void fill(int[] order, int from, int count, float[] out, SplittableRandom augment);

  /** Images [from, to). */
  Images slice(int from, int to);

  default int imageFloats() {
    return channels() * height() * width();
  }

  /** Number of images per class. */
  default int[] classCounts() {
    int[] counts = new int[classes()];
    for (int i = 0; i < size(); i++) {
      counts[label(i)]++;
    }
    return counts;
  }
}
