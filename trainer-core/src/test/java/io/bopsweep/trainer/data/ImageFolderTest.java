package io.bopsweep.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices.Dataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.WritableRaster;
import java.awt.image.Raster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  @TempDir Path tmp;

  private DataCache.Loaded fetch(Path folder) {
    DataCache cache = new DataCache(tmp.resolve("cache"));
    cache.fetch(Dataset.IMAGENET, folder.toString());
    return cache.load(Dataset.IMAGENET);
  }

  @Test
  void indexesAFolderWithLabelsFromItsClassFoldersInAShuffledOrder() throws IOException {
    Path folder = ImageFolders.create(tmp.resolve("inet"), 3, 6, 2, 1);
    DataCache cache = new DataCache(tmp.resolve("cache"));
    DataCache.Entry e = cache.fetch(Dataset.IMAGENET, folder.toString());
    assertEquals("imagenet-unverified", e.variant(), "a subset is never labelled imagenet");
    assertEquals(folder.toAbsolutePath().normalize().toString(), e.source());
    DataCache.Loaded d = cache.load(Dataset.IMAGENET);
    ImageFolderSet train = (ImageFolderSet) d.train();
    assertEquals(18, train.size());
    assertEquals(6, d.test().size());
    assertEquals(3, train.classes());
    assertArrayEquals(new int[] {6, 6, 6}, train.classCounts());
    assertEquals(224, train.height());
    int[] labels = new int[train.size()];
    for (int i = 0; i < train.size(); i++) {
      labels[i] = train.label(i);
      assertEquals(String.format("n%08d", train.label(i)), train.file(i).getParent().getFileName().toString());
      assertEquals("train", train.file(i).getParent().getParent().getFileName().toString());
    }
    int[] sorted = labels.clone();
    Arrays.sort(sorted);
    assertFalse(Arrays.equals(sorted, labels), "the index is not in class order");
    assertEquals(3, new HashSet<>(Arrays.stream(labels, 0, 9).boxed().toList()).size(),
        "the first half of the training set (train_limit) has every class");
    cache.verify(Dataset.IMAGENET);
  }

  @Test
  void imagenetCannotBeDownloaded() {
    DataCache cache = new DataCache(tmp.resolve("cache"));
    DataException e = assertThrows(DataException.class, () -> cache.fetch(Dataset.IMAGENET, null));
    assertTrue(e.getMessage().startsWith("imagenet cannot be downloaded; give its folder"), e.getMessage());
    assertFalse(Files.exists(cache.dir(Dataset.IMAGENET)));
  }

  @Test
  void badFoldersAreNamed() throws IOException {
    Path noVal = Files.createDirectories(tmp.resolve("a/train/n1"));
    DataException e = assertThrows(DataException.class, () -> fetch(noVal.getParent().getParent()));
    assertEquals(tmp.resolve("a/val") + ": missing (imagenet needs train/ and val/, one folder per class in each)",
        e.getMessage());

    Path folder = ImageFolders.create(tmp.resolve("b"), 2, 2, 1, 2);
    Files.createDirectories(folder.resolve("val/n99999999"));
    e = assertThrows(DataException.class, () -> fetch(folder));
    assertEquals(folder.resolve("val") + ": class folder n99999999 is not in train/", e.getMessage());

    Path empty = ImageFolders.create(tmp.resolve("c"), 2, 2, 1, 3);
    Path zero = Files.createFile(empty.resolve("train/n00000001/zero.JPEG"));
    e = assertThrows(DataException.class, () -> fetch(empty));
    assertEquals(zero + ": empty file", e.getMessage());
    assertFalse(Files.exists(tmp.resolve("cache/imagenet")), "nothing half-written in the cache");

    Path file = Files.writeString(tmp.resolve("file.tar"), "x");
    e = assertThrows(DataException.class, () -> fetch(file));
    assertTrue(e.getMessage().startsWith(file + ": not a directory"), e.getMessage());
  }

  @Test
  void verifyNoticesImagesAddedAfterIndexing() throws IOException {
    Path folder = ImageFolders.create(tmp.resolve("inet"), 2, 3, 1, 4);
    DataCache cache = new DataCache(tmp.resolve("cache"));
    cache.fetch(Dataset.IMAGENET, folder.toString());
    Files.copy(folder.resolve("train/n00000000/train_0_0.JPEG"), folder.resolve("train/n00000000/extra.JPEG"));
    DataException e = assertThrows(DataException.class, () -> cache.verify(Dataset.IMAGENET));
    assertTrue(e.getMessage().contains("images were added, removed or changed since the folder was indexed"),
        e.getMessage());
  }

  @Test
  void aCorruptImageIsNamedWhenABatchNeedsIt() throws IOException {
    Path folder = ImageFolders.create(tmp.resolve("inet"), 2, 2, 1, 5);
    Path bad = folder.resolve("val/n00000001/val_1_0.JPEG");
    Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    Images val = fetch(folder).test();
    int[] order = {0, 1};
    DataException e = assertThrows(DataException.class,
        () -> val.fill(order, 0, 2, new float[2 * val.imageFloats()], null));
    assertTrue(e.getMessage().startsWith(bad.toString() + ": "), e.getMessage());
  }

  /** Evaluation input of a one-colour lossless image: every pixel is that colour, normalized. */
  @Test
  void evaluationInputIsTheNormalizedCentralCrop() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("inet/val/n0"));
    Files.createDirectories(tmp.resolve("inet/train/n0"));
    BufferedImage img = new BufferedImage(90, 50, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 50; y++) {
      for (int x = 0; x < 90; x++) {
        img.setRGB(x, y, 0x4080C0);
      }
    }
    ImageIO.write(img, "png", dir.resolve("a.png").toFile());
    ImageIO.write(img, "png", tmp.resolve("inet/train/n0/a.png").toFile());
    Images val = fetch(tmp.resolve("inet")).test();
    float[] out = new float[val.imageFloats()];
    val.fill(new int[] {0}, 0, 1, out, null);
    int plane = 224 * 224;
    int[] rgb = {0x40, 0x80, 0xC0};
    for (int c = 0; c < 3; c++) {
      float expected = (float) ((rgb[c] / 255.0 - ImageFolderSet.MEAN[c]) / ImageFolderSet.STD[c]);
      for (int i = 0; i < plane; i++) {
        assertEquals(expected, out[c * plane + i], 1e-6f);
      }
    }
  }

  /** Against a plain reference: identity when the box is the image, mirrored when flipped, 2x2 means when halving. */
  @Test
  void cropResizeSamplesBilinearlyAtPixelCentres() {
    Random r = new Random(9);
    int n = 6;
    int[] argb = new int[n * n];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = r.nextInt(1 << 24);
    }
    float[] same = new float[3 * n * n];
    ImageFolderSet.cropResize(argb, n, n, new double[] {0, 0, n, n}, false, n, same, 0);
    float[] flipped = new float[3 * n * n];
    ImageFolderSet.cropResize(argb, n, n, new double[] {0, 0, n, n}, true, n, flipped, 0);
    float[] half = new float[3 * 9];
    ImageFolderSet.cropResize(argb, n, n, new double[] {0, 0, n, n}, false, 3, half, 0);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          float expected = norm(channel(argb[y * n + x], c), c);
          assertEquals(expected, same[c * n * n + y * n + x], 1e-5f);
          assertEquals(expected, flipped[c * n * n + y * n + (n - 1 - x)], 1e-5f);
        }
      }
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 3; x++) {
          double mean = (channel(argb[2 * y * n + 2 * x], c) + channel(argb[2 * y * n + 2 * x + 1], c)
              + channel(argb[(2 * y + 1) * n + 2 * x], c) + channel(argb[(2 * y + 1) * n + 2 * x + 1], c)) / 4.0;
          assertEquals(norm(mean, c), half[c * 9 + y * 3 + x], 1e-5f);
        }
      }
    }
  }

  private static int channel(int argb, int c) {
    return (argb >> (16 - 8 * c)) & 0xFF;
  }

  private static float norm(double v, int c) {
    return (float) ((v / 255.0 - ImageFolderSet.MEAN[c]) / ImageFolderSet.STD[c]);
  }

  @Test
  void randomResizedCropsStayInsideTheImageWithinTheirAreaAndRatioBounds() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 5000; i++) {
      int w = 1 + r.nextInt(600);
      int h = 1 + r.nextInt(600);
      double[] b = ImageFolderSet.randomResizedCrop(w, h, r);
      assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] > 0 && b[3] > 0, Arrays.toString(b));
      assertTrue(b[0] + b[2] <= w + 1e-9 && b[1] + b[3] <= h + 1e-9, w + "x" + h + " " + Arrays.toString(b));
    }
    int inBounds = 0;
    for (int i = 0; i < 2000; i++) {
      double[] b = ImageFolderSet.randomResizedCrop(500, 400, r);
      double area = b[2] * b[3] / (500.0 * 400);
      double ratio = b[2] / b[3];
      if (area >= 0.079 && area <= 1.0 && ratio >= 0.74 && ratio <= 1.35) {
        inBounds++;
      }
    }
    assertEquals(2000, inBounds);
  }

  /** The decoded batch depends only on the generator, not on which pool thread decodes which image. */
  @Test
  void augmentedBatchesAreReproducible() throws IOException {
    Images train = fetch(ImageFolders.create(tmp.resolve("inet"), 3, 8, 1, 6)).train();
    int[] order = Batches.shuffled(train.size(), new SplittableRandom(3));
    float[] a = new float[24 * train.imageFloats()];
    float[] b = new float[24 * train.imageFloats()];
    train.fill(order, 0, 24, a, new SplittableRandom(42));
    train.fill(order, 0, 24, b, new SplittableRandom(42));
    assertArrayEquals(a, b);
    train.fill(order, 0, 24, b, new SplittableRandom(43));
    assertNotEquals(Arrays.hashCode(a), Arrays.hashCode(b), "another seed gives other crops");
  }

  /** Four-channel JPEGs decode (Java's reader, or the CMYK fallback where it refuses them). */
  @Test
  void fourChannelJpegsDecode() throws IOException {
    Path file = tmp.resolve("cmyk.jpg");
    WritableRaster raster = Raster.createBandedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        raster.setPixel(x, y, new int[] {255, 0, 0, 255}); // inverted C, M, Y, K: red
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(new IIOImage(raster, null, null));
    } finally {
      writer.dispose();
    }
    ImageFolderSet.Decoded d = ImageFolderSet.decode(file);
    assertEquals(16, d.width());
    Set<Integer> reds = new HashSet<>();
    for (int p : d.argb()) {
      assertTrue(channel(p, 0) > 230 && channel(p, 1) < 25 && channel(p, 2) < 25, Integer.toHexString(p));
      reds.add(channel(p, 0));
    }
    assertFalse(reds.isEmpty());
  }

  /** Grayscale is replicated into R, G and B (as PIL does), with no gamma curve applied. */
  @Test
  void grayscaleImagesReplicateTheirValue() throws IOException {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] values = {0, 17, 64, 128, 200, 255};
    img.getRaster().setSamples(0, 0, 3, 2, 0, values);
    Path file = tmp.resolve("gray.png");
    ImageIO.write(img, "png", file.toFile());
    int[] expected = Arrays.stream(values).map(g -> (g << 16) | (g << 8) | g).toArray();
    assertArrayEquals(expected, ImageFolderSet.decode(file).argb());
  }

  /** The fallback for JPEGs Java's reader refuses: inverted CMYK to RGB, against hand-worked pixels. */
  @Test
  void invertedCmykRastersBecomeRgb() {
    WritableRaster raster = Raster.createBandedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 3, 1, 4, null);
    raster.setPixel(0, 0, new int[] {255, 0, 0, 255}); // no cyan ink, full magenta and yellow: red
    raster.setPixel(1, 0, new int[] {255, 255, 255, 0}); // full black
    raster.setPixel(2, 0, new int[] {200, 100, 50, 128});
    ImageFolderSet.Decoded d = ImageFolderSet.fromInvertedCmyk(raster);
    assertArrayEquals(new int[] {0xFF0000, 0x000000, (200 * 128 / 255 << 16) | (100 * 128 / 255 << 8) | 50 * 128 / 255},
        d.argb());
  }
}
