package io.bopsweep.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction stops at its size cap: a gzip bomb fills no disk. */
class ArchivesTest {
  @TempDir Path tmp;

  /** A .tar.gz with one member of {@code bytes} zero bytes, itself gzipped when its name ends in .gz. */
  static Path bomb(Path file, String member, long bytes) throws Exception {
    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
    try (OutputStream inner = member.endsWith(".gz") ? new GZIPOutputStream(payload) : payload) {
      byte[] zeros = new byte[1 << 16];
      for (long left = bytes; left > 0; left -= zeros.length) {
        inner.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
    }
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      TarArchiveEntry e = new TarArchiveEntry("data/" + member);
      e.setSize(payload.size());
      tar.putArchiveEntry(e);
      payload.writeTo(tar);
      tar.closeArchiveEntry();
    }
    return file;
  }

  @Test
  void aMemberThatExpandsBeyondTheCapIsRefusedAndRemoved() throws Exception {
    Path archive = bomb(tmp.resolve("bomb.tar.gz"), "train-images-idx3-ubyte.gz", 64L << 20);
    assertTrue(Files.size(archive) < 1 << 20, "a small archive: " + Files.size(archive));
    Path out = Files.createDirectories(tmp.resolve("out"));
    DataException e = assertThrows(DataException.class,
        () -> Archives.extractTarGz(archive, out, name -> "images", 8L << 20));
    assertEquals(archive + ": train-images-idx3-ubyte.gz expands beyond 8 MiB, the limit of what a dataset archive"
        + " may extract to (-Dbopsweep.data.maxExtractedBytes)", e.getMessage());
    try (var files = Files.list(out)) {
      assertEquals(0, files.count(), "the partial file is removed");
    }
  }

  @Test
  void anArchiveWithinTheCapIsExtractedWhole() throws Exception {
    Path archive = bomb(tmp.resolve("ok.tar.gz"), "labels.gz", 3L << 20);
    Path out = Files.createDirectories(tmp.resolve("out"));
    assertEquals(Set.of("labels"), Archives.extractTarGz(archive, out, name -> "labels", 3L << 20));
    assertEquals(3L << 20, Files.size(out.resolve("labels")));
  }
}
