package io.bopsweep.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small datasets in the exact file formats, for tests. */
final class DataFiles {
  private DataFiles() {}

  static byte[] idxImages(int n, int rows, int cols, long seed) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(IdxFormat.IMAGES_MAGIC);
    d.writeInt(n);
    d.writeInt(rows);
    d.writeInt(cols);
    byte[] px = new byte[n * rows * cols];
    new Random(seed).nextBytes(px);
    d.write(px);
    return bytes.toByteArray();
  }

  static byte[] idxLabels(int n) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(IdxFormat.LABELS_MAGIC);
    d.writeInt(n);
    for (int i = 0; i < n; i++) {
      d.writeByte(i % 10);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** A directory with the four MNIST-named files of a small set: 50 train, 20 test images of 28x28. */
  static Path mnistLike(Path dir, boolean gz) throws IOException {
    Files.createDirectories(dir);
    Map<String, byte[]> files = Map.of(
        "train-images-idx3-ubyte", idxImages(50, 28, 28, 1),
        "train-labels-idx1-ubyte", idxLabels(50),
        "t10k-images-idx3-ubyte", idxImages(20, 28, 28, 2),
        "t10k-labels-idx1-ubyte", idxLabels(20));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      if (gz) {
        Files.write(dir.resolve(e.getKey() + ".gz"), gzip(e.getValue()));
      } else {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
    }
    return dir;
  }

  static byte[] cifarBatch(int records, long seed) {
    Random rnd = new Random(seed);
    byte[] out = new byte[records * CifarFormat.RECORD];
    for (int r = 0; r < records; r++) {
      out[r * CifarFormat.RECORD] = (byte) (r % 10);
      for (int i = 1; i < CifarFormat.RECORD; i++) {
        out[r * CifarFormat.RECORD + i] = (byte) rnd.nextInt(256);
      }
    }
    return out;
  }

  /** A directory cifar-10-batches-bin/ with five training files and a test file of 20 records each. */
  static Path cifarLike(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
    for (int i = 0; i < 5; i++) {
      Files.write(bin.resolve(CifarFormat.TRAIN_FILES.get(i)), cifarBatch(20, i));
    }
    Files.write(bin.resolve(CifarFormat.TEST_FILE), cifarBatch(20, 9));
    Files.writeString(bin.resolve("batches.meta.txt"), "airplane\nautomobile\n");
    return dir;
  }

  /** Packs the regular files under dir (recursively) into a .tar.gz at target. */
  static Path tarGz(Path dir, Path target) throws IOException {
    try (OutputStream fo = Files.newOutputStream(target);
        GZIPOutputStream gz = new GZIPOutputStream(fo);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz);
        var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        TarArchiveEntry e = new TarArchiveEntry(p.toFile(), dir.relativize(p).toString());
        tar.putArchiveEntry(e);
        Files.copy(p, tar);
        tar.closeArchiveEntry();
      }
    }
    return target;
  }
}
