package io.bopsweep.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small ImageNet-style folders for tests: train/CLASS and val/CLASS with JPEG and PNG files of assorted sizes. */
public final class ImageFolders {
  private ImageFolders() {}

  /** Class k's images are mostly of colour k (red, green, blue, ...), with noise; sizes vary per image. */
  public static Path create(Path root, int classes, int trainPerClass, int valPerClass, long seed) throws IOException {
    Random rnd = new Random(seed);
    for (String split : new String[] {"train", "val"}) {
      int per = split.equals("train") ? trainPerClass : valPerClass;
      for (int c = 0; c < classes; c++) {
        Path dir = Files.createDirectories(root.resolve(split).resolve(String.format("n%08d", c)));
        for (int i = 0; i < per; i++) {
          int w = 40 + rnd.nextInt(60);
          int h = 30 + rnd.nextInt(60);
          BufferedImage img = new BufferedImage(w, h, i % 3 == 2 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
          int base = 0xC0 << (16 - 8 * (c % 3));
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              img.setRGB(x, y, base | (rnd.nextInt(40) << 8) | rnd.nextInt(40));
            }
          }
          String format = i % 2 == 0 ? "jpeg" : "png";
          String name = split + "_" + c + "_" + i + (format.equals("jpeg") ? ".JPEG" : ".png");
          ImageIO.write(img, format, dir.resolve(name).toFile());
        }
      }
    }
    return root;
  }
}
