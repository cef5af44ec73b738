package io.bopsweep.trainer.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images in files (JPEG or PNG, any size, RGB, grayscale or CMYK), decoded when a batch needs them
 * and turned into side x side RGB input normalized by ImageNet's channel means and deviations.
 * Training augmentation is the random resized crop of Inception and torchvision (area 8 % to
 * 100 %, aspect ratio 3/4 to 4/3) and a random horizontal flip; evaluation takes the central crop
 * of 87.5 % of the shorter side (the usual resize to 256, crop 224). A batch is decoded by the
 * common fork-join pool; every image's crop is drawn from its own generator, split from the one
 * given in a fixed order, so the input does not depend on which thread decodes what.
 */
final class ImageFolderSet implements Images {
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};
  static final double EVAL_CROP = 0.875;

  static {
    ImageIO.setUseCache(false);
  }

  private final Path root;
  private final String[] files;
  private final short[] labels;
  private final int classes;
  private final int side;

  /**
   * @param root the directory the file names are relative to
   * @param files relative file names
   * @param labels label of each file, 0 .. classes - 1
   */
  public ImageFolderSet(Path root, String[] files, short[] labels, int classes, int side) {
    if (files.length != labels.length) {
      throw new IllegalArgumentException(files.length + " files but " + labels.length + " labels");
    }
    this.root = root;
    this.files = files;
    this.labels = labels;
    this.classes = classes;
    this.side = side;
  }

  @Override public int size() { return files.length; }
  @Override public int channels() { return 3; }
  @Override public int height() { return side; }
  @Override public int width() { return side; }
  @Override public int classes() { return classes; }
  @Override public int label(int i) { return labels[i]; }

  public Path file(int i) {
    return root.resolve(files[i]);
  }

  @Override
  public void fill(int[] order, int from, int count, float[] out, SplittableRandom augment) {
    SplittableRandom[] crops = new SplittableRandom[count];
    if (augment != null) {
      for (int k = 0; k < count; k++) {
        crops[k] = augment.split();
      }
    }
    int per = imageFloats();
    IntStream.range(0, count).parallel().forEach(k -> {
      Path file = file(order[from + k]);
      Decoded img = decode(file);
      double[] box = crops[k] == null ? centerCrop(img.width, img.height) : randomResizedCrop(img.width, img.height, crops[k]);
      boolean flip = crops[k] != null && crops[k].nextBoolean();
      cropResize(img.argb, img.width, img.height, box, flip, side, out, k * per);
    });
  }

  @Override
  public ImageFolderSet slice(int from, int to) {
    String[] f = java.util.Arrays.copyOfRange(files, from, to);
    short[] l = java.util.Arrays.copyOfRange(labels, from, to);
    return new ImageFolderSet(root, f, l, classes, side);
  }

  /** Decoded pixels as 0xRRGGBB ints, row by row. */
  record Decoded(int[] argb, int width, int height) {}

  static Decoded decode(Path file) {
    try {
      BufferedImage img;
      try {
        img = ImageIO.read(file.toFile());
      } catch (javax.imageio.IIOException e) {
        return decodeCmyk(file, e);
      }
      if (img == null) {
        throw new DataException(file + ": not a JPEG or PNG image");
      }
      return fromImage(img);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read image (" + DataCache.oneLine(e) + ")", e);
    }
  }

  /**
   * Java's JPEG reader refuses CMYK images (ImageNet's training set has a few): their raster is
   * read as it is and converted, taking the four channels as Adobe's inverted CMYK.
   */
  private static Decoded decodeCmyk(Path file, IOException cause) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new DataException(file + ": cannot read image (" + DataCache.oneLine(cause) + ")");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        Raster r = reader.readRaster(0, null);
        if (r.getNumBands() != 4) {
          throw new DataException(file + ": cannot read image (" + DataCache.oneLine(cause) + ")");
        }
        return fromInvertedCmyk(r);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * RGB of a decoded image. Grayscale is replicated into the three channels, as PIL's
   * convert("RGB") does; Java's getRGB would apply a gamma curve to it from a table that the JDK
   * fills lazily without synchronization, so images decoded in parallel could read it half-filled.
   */
  static Decoded fromImage(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      int[] gray = img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
      for (int i = 0; i < gray.length; i++) {
        int g = gray[i];
        gray[i] = (g << 16) | (g << 8) | g;
      }
      return new Decoded(gray, w, h);
    }
    return new Decoded(img.getRGB(0, 0, w, h, null, 0, w), w, h);
  }

  /** Pixels of a four-band raster taken as Adobe's inverted CMYK (255 is no ink). */
  static Decoded fromInvertedCmyk(Raster r) {
    int w = r.getWidth();
    int h = r.getHeight();
    int[] px = new int[4 * w];
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, px);
      for (int x = 0; x < w; x++) {
        int k = px[4 * x + 3];
        int red = px[4 * x] * k / 255;
        int green = px[4 * x + 1] * k / 255;
        int blue = px[4 * x + 2] * k / 255;
        argb[y * w + x] = (red << 16) | (green << 8) | blue;
      }
    }
    return new Decoded(argb, w, h);
  }

  /** {x0, y0, width, height} of the central square of EVAL_CROP of the shorter side. */
  static double[] centerCrop(int w, int h) {
    double s = EVAL_CROP * Math.min(w, h);
    return new double[] {(w - s) / 2, (h - s) / 2, s, s};
  }

  /** torchvision's RandomResizedCrop box: 10 tries at a random area and aspect ratio, else a central crop. */
  static double[] randomResizedCrop(int w, int h, SplittableRandom r) {
    double area = (double) w * h;
    double logLo = Math.log(3.0 / 4);
    double logHi = Math.log(4.0 / 3);
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (0.08 + r.nextDouble() * (1 - 0.08));
      double ratio = Math.exp(logLo + r.nextDouble() * (logHi - logLo));
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        int x0 = r.nextInt(w - cw + 1);
        int y0 = r.nextInt(h - ch + 1);
        return new double[] {x0, y0, cw, ch};
      }
    }
    double inRatio = (double) w / h;
    double cw = w;
    double ch = h;
    if (inRatio < 3.0 / 4) {
      ch = Math.round(w / (3.0 / 4));
    } else if (inRatio > 4.0 / 3) {
      cw = Math.round(h * (4.0 / 3));
    }
    return new double[] {(w - cw) / 2, (h - ch) / 2, cw, ch};
  }

  /**
   * Samples the box {x0, y0, width, height} of an image bilinearly onto side x side pixels
   * (pixel centres mapped onto the box, edges clamped), optionally mirrored, and writes it as
   * normalized C x H x W floats at out[offset ..].
   */
  static void cropResize(int[] argb, int w, int h, double[] box, boolean flip, int side, float[] out, int offset) {
    int plane = side * side;
    double sx = box[2] / side;
    double sy = box[3] / side;
    for (int oy = 0; oy < side; oy++) {
      double fy = Math.min(Math.max(box[1] + (oy + 0.5) * sy - 0.5, 0), h - 1);
      int y0 = (int) fy;
      int y1 = Math.min(y0 + 1, h - 1);
      double ty = fy - y0;
      for (int ox = 0; ox < side; ox++) {
        double fx = Math.min(Math.max(box[0] + (ox + 0.5) * sx - 0.5, 0), w - 1);
        int x0 = (int) fx;
        int x1 = Math.min(x0 + 1, w - 1);
        double tx = fx - x0;
        int p00 = argb[y0 * w + x0];
        int p01 = argb[y0 * w + x1];
        int p10 = argb[y1 * w + x0];
        int p11 = argb[y1 * w + x1];
        int dst = offset + oy * side + (flip ? side - 1 - ox : ox);
        for (int c = 0; c < 3; c++) {
          int shift = 16 - 8 * c;
          double top = ((p00 >> shift) & 0xFF) * (1 - tx) + ((p01 >> shift) & 0xFF) * tx;
          double bottom = ((p10 >> shift) & 0xFF) * (1 - tx) + ((p11 >> shift) & 0xFF) * tx;
          double v = top * (1 - ty) + bottom * ty;
          out[dst + c * plane] = (float) ((v / 255.0 - MEAN[c]) / STD[c]);
        }
      }
    }
  }
}
