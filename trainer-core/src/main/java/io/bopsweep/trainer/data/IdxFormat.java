package io.bopsweep.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX files of MNIST and Fashion-MNIST, plain or gzip-compressed. */
final class IdxFormat {
  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxFormat() {}

  /** The file's bytes after decompression if it starts with the gzip magic. */
  static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return in;
  }

  /** Reads an images file and a labels file into one set; every inconsistency names the file. */
  public static ImageSet read(Path images, Path labels) {
    byte[] labelBytes;
    int n;
    int rows;
    int cols;
    byte[] pixels;
    try (DataInputStream in = new DataInputStream(open(labels))) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new DataException(labels + ": not an IDX label file (magic 0x" + Integer.toHexString(magic)
            + ", expected 0x" + Integer.toHexString(LABELS_MAGIC) + ")");
      }
      int count = in.readInt();
      if (count <= 0) {
        throw new DataException(labels + ": bad record count " + count);
      }
      labelBytes = readExactly(in, count, labels, "labels");
      expectEnd(in, labels);
      for (byte b : labelBytes) {
        if ((b & 0xFF) > 9) {
          throw new DataException(labels + ": label " + (b & 0xFF) + " out of range 0..9");
        }
      }
    } catch (EOFException e) {
      throw new DataException(labels + ": truncated (header incomplete)");
    } catch (IOException e) {
      throw new DataException(labels + ": cannot read: " + e.getMessage(), e);
    }
    try (DataInputStream in = new DataInputStream(open(images))) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new DataException(images + ": not an IDX image file (magic 0x" + Integer.toHexString(magic)
            + ", expected 0x" + Integer.toHexString(IMAGES_MAGIC) + ")");
      }
      n = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
      if (n <= 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096) {
        throw new DataException(images + ": bad dimensions " + n + " x " + rows + " x " + cols);
      }
      if (n != labelBytes.length) {
        throw new DataException(images + ": holds " + n + " images but " + labels.getFileName() + " holds "
            + labelBytes.length + " labels");
      }
      pixels = readExactly(in, Math.multiplyExact(n, rows * cols), images, "pixels");
      expectEnd(in, images);
    } catch (EOFException e) {
      throw new DataException(images + ": truncated (header incomplete)");
    } catch (IOException e) {
      throw new DataException(images + ": cannot read: " + e.getMessage(), e);
    }
    return new ImageSet(pixels, labelBytes, 1, rows, cols);
  }

  private static byte[] readExactly(InputStream in, int count, Path file, String what) throws IOException {
    byte[] out = new byte[count];
    int read = in.readNBytes(out, 0, count);
    if (read != count) {
      throw new DataException(file + ": truncated: " + read + " of " + count + " bytes of " + what);
    }
    return out;
  }

  private static void expectEnd(InputStream in, Path file) throws IOException {
    if (in.read() != -1) {
      throw new DataException(file + ": has bytes past the records its header announces");
    }
  }
}
