package io.bopsweep.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the CIFAR-10 binary layout: records of 1 label byte then 1024 R, 1024 G, 1024 B bytes. */
final class CifarFormat {
  public static final int RECORD = 3073;
  public static final int RECORDS_PER_FILE = 10_000;
  public static final List<String> TRAIN_FILES =
      List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  public static final String TEST_FILE = "test_batch.bin";

  private CifarFormat() {}

  /** Reads and concatenates batch files, each of which must hold whole records. */
  public static ImageSet read(List<Path> files) {
    long total = 0;
    for (Path f : files) {
      long size;
      try {
        size = Files.size(f);
      } catch (IOException e) {
        throw new DataException(f + ": cannot read: " + e.getMessage(), e);
      }
      if (size == 0 || size % RECORD != 0) {
        throw new DataException(f + ": size " + size + " is not a whole number of " + RECORD + "-byte records");
      }
      total += size / RECORD;
    }
    int n = Math.toIntExact(total);
    byte[] pixels = new byte[n * 3072];
    byte[] labels = new byte[n];
    int i = 0;
    for (Path f : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (IOException e) {
        throw new DataException(f + ": cannot read: " + e.getMessage(), e);
      }
      for (int off = 0; off < bytes.length; off += RECORD, i++) {
        int label = bytes[off] & 0xFF;
        if (label > 9) {
          throw new DataException(f + ": record " + (off / RECORD) + " has label " + label + " out of range 0..9");
        }
        labels[i] = (byte) label;
        System.arraycopy(bytes, off + 1, pixels, i * 3072, 3072);
      }
    }
    return new ImageSet(pixels, labels, 3, 32, 32);
  }
}
