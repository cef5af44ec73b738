package io.bopsweep.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bopsweep.trainer.config.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static ImageSet onePixel(int y, int x) {
    byte[] px = new byte[3 * 32 * 32];
    for (int c = 0; c < 3; c++) {
      px[c * 1024 + y * 32 + x] = (byte) 255;
    }
    return new ImageSet(px, new byte[] {3}, 3, 32, 32);
  }

  @Test
  void withoutAugmentationPixelsAreScaledToMinusOneOne() {
    ImageSet set = new ImageSet(new byte[] {0, (byte) 255, (byte) 128, 64}, new byte[] {1}, 1, 2, 2);
    float[] out = new float[4];
    Batches.fill(set, new int[] {0}, 0, 1, out, null);
    assertArrayEquals(new float[] {-1f, 1f, 128 / 127.5f - 1, 64 / 127.5f - 1}, out, 1e-7f);
  }

  @Test
  void augmentationMovesThePixelByTheCropOffsetAndMirrorsIt() {
    int y = 10;
    int x = 7;
    ImageSet set = onePixel(y, x);
    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom drawn = new SplittableRandom(seed);
      int dy = drawn.nextInt(9) - 4;
      int dx = drawn.nextInt(9) - 4;
      boolean flip = drawn.nextBoolean();
      float[] out = new float[3 * 1024];
      Batches.fill(set, new int[] {0}, 0, 1, out, new SplittableRandom(seed));
      int ey = y - dy;
      int ex = x - dx;
      if (flip) {
        ex = 31 - ex;
      }
      assertEquals(1f, out[ey * 32 + ex], "seed " + seed);
      assertEquals(1f, out[2048 + ey * 32 + ex], "blue plane too, seed " + seed);
      long bright = 0;
      for (float v : out) {
        bright += v == 1f ? 1 : 0;
      }
      assertEquals(3, bright, "exactly one pixel per plane survives, seed " + seed);
    }
  }

  @Test
  void augmentationIsDeterministicPerSeedAndEpoch() {
    ImageSet set = new ImageSet(randomBytes(5 * 3072), new byte[5], 3, 32, 32);
    int[] order = {4, 3, 2, 1, 0};
    float[] a = new float[5 * 3072];
    float[] b = new float[5 * 3072];
    float[] c = new float[5 * 3072];
    Batches.fill(set, order, 0, 5, a, new SplittableRandom(Seeds.stream(7, Seeds.AUGMENT, 3)));
    Batches.fill(set, order, 0, 5, b, new SplittableRandom(Seeds.stream(7, Seeds.AUGMENT, 3)));
    Batches.fill(set, order, 0, 5, c, new SplittableRandom(Seeds.stream(7, Seeds.AUGMENT, 4)));
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c), "another epoch draws other crops");
    assertArrayEquals(Batches.shuffled(100, new SplittableRandom(5)), Batches.shuffled(100, new SplittableRandom(5)));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(1).nextBytes(b);
    return b;
  }
}
