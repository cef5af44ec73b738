package io.bopsweep.trainer.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** Extraction of the few archive kinds datasets come in: .tar.gz, .tgz, Debian .deb. */
final class Archives {
  /** Bytes one archive (or one compressed file) may expand to: a cap on decompression bombs. */
  static final long MAX_EXTRACTED_BYTES = Long.getLong("bopsweep.data.maxExtractedBytes", 4L << 30);

  private Archives() {}

  /** What is left of the bytes one archive may still write. */
  static final class Budget {
    private final long limit;
    private long left;

    Budget(long limit) {
      this.limit = limit;
      this.left = limit;
    }
  }

  /**
   * Extracts the regular files of a gzipped tar whose base name {@code pick} maps to a target
   * name (null: skip), decompressing .gz members. Returns the target names written.
   */
  static Set<String> extractTarGz(Path tarGz, Path dir, Function<String, String> pick) throws IOException {
    return extractTarGz(tarGz, dir, pick, MAX_EXTRACTED_BYTES);
  }

  static Set<String> extractTarGz(Path tarGz, Path dir, Function<String, String> pick, long maxBytes)
      throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarGz), 1 << 16)) {
      return extractTar(new GZIPInputStream(raw, 1 << 16), dir, pick, tarGz, new Budget(maxBytes));
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new DataException(tarGz + ": not a complete gzip archive (" + e.getMessage() + ")");
    }
  }

  static Set<String> extractTar(InputStream in, Path dir, Function<String, String> pick, Path source, Budget budget)
      throws IOException {
    Set<String> written = new HashSet<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        String base = Path.of(entry.getName()).getFileName().toString();
        String target = pick.apply(base);
        if (target == null) {
          continue;
        }
        copyMaybeGunzip(tar, base, dir.resolve(target), budget, source);
        written.add(target);
      }
    } catch (IllegalArgumentException e) {
      throw new DataException(source + ": not a tar archive (" + e.getMessage() + ")");
    }
    return written;
  }

  /** Copies a stream to target, decompressing it if its name ends in .gz. */
  static void copyMaybeGunzip(InputStream in, String name, Path target) throws IOException {
    copyMaybeGunzip(in, name, target, new Budget(MAX_EXTRACTED_BYTES), Path.of(name));
  }

  /** As above, counting what it writes against the budget of its archive; over it, the file is removed. */
  static void copyMaybeGunzip(InputStream in, String name, Path target, Budget budget, Path source) throws IOException {
    InputStream src = name.endsWith(".gz") ? new GZIPInputStream(new NonClosing(in), 1 << 16) : new NonClosing(in);
    byte[] buf = new byte[1 << 16];
    try (java.io.OutputStream out = Files.newOutputStream(target)) {
      int n;
      while ((n = src.read(buf)) > 0) {
        if (n > budget.left) {
          out.close();
          Files.deleteIfExists(target);
          throw new DataException(source + ": " + name + " expands beyond " + (budget.limit >> 20)
              + " MiB, the limit of what a dataset archive may extract to (-Dbopsweep.data.maxExtractedBytes)");
        }
        budget.left -= n;
        out.write(buf, 0, n);
      }
    }
  }

  /** Extracts files of a .deb's data.tar.xz. */
  static Set<String> extractDeb(Path deb, Path dir, Function<String, String> pick) throws IOException {
    try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
      ArArchiveEntry entry;
      while ((entry = ar.getNextEntry()) != null) {
        if (entry.getName().startsWith("data.tar.xz")) {
          return extractTar(new XZCompressorInputStream(new NonClosing(ar)), dir, pick, deb,
              new Budget(MAX_EXTRACTED_BYTES));
        }
        if (entry.getName().startsWith("data.tar.gz")) {
          return extractTar(new GZIPInputStream(new NonClosing(ar)), dir, pick, deb, new Budget(MAX_EXTRACTED_BYTES));
        }
      }
    }
    throw new DataException(deb + ": no data.tar.xz in this .deb");
  }

  /** Lets a member stream be read by a decoder without closing the archive. */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
