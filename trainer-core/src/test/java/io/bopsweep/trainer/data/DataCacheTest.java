package io.bopsweep.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.Choices.Dataset;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCacheTest {
  @TempDir Path tmp;

  private DataCache cache() {
    return new DataCache(tmp.resolve("cache"));
  }

  /** After a failed fetch nothing may be left but lock files. */
  private void assertNothingHalfWritten(DataCache cache) throws IOException {
    if (!Files.exists(cache.root())) {
      return;
    }
    try (var files = Files.list(cache.root())) {
      List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).toList();
      assertEquals(List.of(), left, "left in the cache");
    }
  }

  @Test
  void fetchesFromPlainAndGzipDirectoriesAndTarballs() throws IOException {
    Path plain = DataFiles.mnistLike(tmp.resolve("plain"), false);
    Path gz = DataFiles.mnistLike(tmp.resolve("gz"), true);
    Path tgz = DataFiles.tarGz(gz, tmp.resolve("mnist.tgz"));
    for (Path from : List.of(plain, gz, tgz)) {
      DataCache cache = new DataCache(tmp.resolve("cache-" + from.getFileName()));
      DataCache.Entry e = cache.fetch(Dataset.MNIST, from.toString());
      assertEquals("mnist-unverified", e.variant(), "not the official files, so not labelled mnist");
      DataCache.Loaded loaded = cache.load(Dataset.MNIST);
      assertEquals(50, loaded.train().size());
      assertEquals(20, loaded.test().size());
      assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, loaded.train().classCounts());
      assertEquals(e, cache.verify(Dataset.MNIST));
    }
  }

  @Test
  void aTrialsSplitsAreItsCachedDatasetCutByItsLimits() throws IOException {
    DataCache cache = cache();
    cache.fetch(Dataset.MNIST, DataFiles.mnistLike(tmp.resolve("src"), false).toString());
    DataCache.Loaded loaded = cache.load(Dataset.MNIST);
    Splits s = cache.splits(io.bopsweep.trainer.config.TrialConfig.of(
        Map.of("dataset", "mnist", "validation_split", 10, "train_limit", 30, "test_limit", 5)));
    assertEquals("mnist-unverified", s.variant());
    assertEquals(30, s.train().size());
    assertEquals(10, s.validation().size());
    assertEquals(5, s.test().size());
    for (int i = 0; i < 10; i++) {
      assertEquals(loaded.train().label(40 + i), s.validation().label(i), "validation is the training set's tail");
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(loaded.test().label(i), s.test().label(i));
    }
  }

  @Test
  void splitsOfADatasetNotInTheCacheSayHowToFetchIt() {
    DataCache cache = cache();
    DataException e = assertThrows(DataException.class,
        () -> cache.splits(io.bopsweep.trainer.config.TrialConfig.of(Map.of("dataset", "mnist"))));
    assertTrue(e.getMessage().contains("bopsweep data fetch mnist"), e.getMessage());
  }

  @Test
  void fetchingAgainIsANoOpAndVerifyNoticesChangedFiles() throws IOException {
    DataCache cache = cache();
    Path src = DataFiles.mnistLike(tmp.resolve("src"), false);
    DataCache.Entry first = cache.fetch(Dataset.MNIST, src.toString());
    assertEquals(first, cache.fetch(Dataset.MNIST, null));
    Path labels = cache.dir(Dataset.MNIST).resolve("t10k-labels-idx1-ubyte");
    byte[] b = Files.readAllBytes(labels);
    b[b.length - 1] = 3;
    Files.write(labels, b);
    DataException e = assertThrows(DataException.class, () -> cache.verify(Dataset.MNIST));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  private void assertBadInput(Consumer<Path> corrupt, String expected) throws IOException {
    Path src = DataFiles.mnistLike(tmp.resolve("bad-" + expected.hashCode()), false);
    corrupt.accept(src);
    DataCache cache = new DataCache(tmp.resolve("cache-" + expected.hashCode()));
    DataException e = assertThrows(DataException.class, () -> cache.fetch(Dataset.MNIST, src.toString()));
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    assertTrue(e.getMessage().lines().count() == 1, "one line");
    assertNothingHalfWritten(cache);
    assertNull(cache.entry(Dataset.MNIST));
  }

  private static void rewrite(Path file, java.util.function.UnaryOperator<byte[]> f) {
    try {
      Files.write(file, f.apply(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badFilesAreRefusedWithOneLineNamingTheFile() throws IOException {
    assertBadInput(d -> rewrite(d.resolve("train-images-idx3-ubyte"), b -> Arrays.copyOf(b, b.length - 100)),
        "train-images-idx3-ubyte: truncated");
    assertBadInput(d -> rewrite(d.resolve("train-images-idx3-ubyte"), b -> {
      b[3] = 0x01;
      return b;
    }), "train-images-idx3-ubyte: not an IDX image file");
    assertBadInput(d -> rewrite(d.resolve("t10k-labels-idx1-ubyte"), b -> {
      b[2] = 0x09;
      return b;
    }), "t10k-labels-idx1-ubyte: not an IDX label file");
    assertBadInput(d -> {
      try {
        Files.write(d.resolve("train-labels-idx1-ubyte"), DataFiles.idxLabels(49));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "holds 50 images but train-labels-idx1-ubyte holds 49 labels");
    assertBadInput(d -> rewrite(d.resolve("train-labels-idx1-ubyte"), b -> {
      byte[] longer = Arrays.copyOf(b, b.length + 5);
      return longer;
    }), "train-labels-idx1-ubyte: has bytes past the records");
    assertBadInput(d -> {
      try {
        Files.delete(d.resolve("t10k-images-idx3-ubyte"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "does not contain t10k-images-idx3-ubyte");
    assertBadInput(d -> {
      try {
        // the official label file's size with other content: must match the official checksum
        Files.write(d.resolve("train-labels-idx1-ubyte"), DataFiles.idxLabels(60_000));
        Files.write(d.resolve("train-images-idx3-ubyte"), DataFiles.idxImages(60_000, 1, 1, 3));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "train-labels-idx1-ubyte: checksum mismatch");
    assertBadInput(d -> rewrite(d.resolve("train-labels-idx1-ubyte"), b -> {
      b[10] = 12;
      return b;
    }), "label 12 out of range");
  }

  @Test
  void corruptGzipAndMissingPathsAreRefused() throws IOException {
    Path gz = DataFiles.mnistLike(tmp.resolve("gzbad"), true);
    rewrite(gz.resolve("train-images-idx3-ubyte.gz"), b -> Arrays.copyOf(b, b.length / 2));
    DataCache cache = cache();
    DataException e = assertThrows(DataException.class, () -> cache.fetch(Dataset.MNIST, gz.toString()));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    assertNothingHalfWritten(cache);
    DataException missing = assertThrows(DataException.class,
        () -> cache.fetch(Dataset.MNIST, tmp.resolve("nowhere").toString()));
    assertTrue(missing.getMessage().endsWith("nowhere: no such file or directory"), missing.getMessage());
    Path notArchive = Files.writeString(tmp.resolve("x.tar.gz"), "hello");
    DataException bad = assertThrows(DataException.class, () -> cache.fetch(Dataset.MNIST, notArchive.toString()));
    assertTrue(bad.getMessage().contains("x.tar.gz"), bad.getMessage());
    assertNothingHalfWritten(cache);
  }

  @Test
  void anUnwritableCacheIsAClearError() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    DataCache cache = new DataCache(file.resolve("cache"));
    Path src = DataFiles.mnistLike(tmp.resolve("src"), false);
    DataException e = assertThrows(DataException.class, () -> cache.fetch(Dataset.MNIST, src.toString()));
    assertTrue(e.getMessage().contains("cache directory is not writable"), e.getMessage());
  }

  @Test
  void anInterruptedDownloadLeavesNothing() throws Exception {
    // a server on 127.0.0.1 that announces 1,000,000 bytes, sends 1,000 and closes the connection
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread serve = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[4096]);
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.write(new byte[1000]);
          out.flush();
        } catch (IOException ignored) {
          // the test fails on its own if nothing was served
        }
      });
      serve.start();
      DataCache cache = cache();
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/mnist.tgz";
      DataException e = assertThrows(DataException.class, () -> cache.fetch(Dataset.MNIST, url));
      assertTrue(e.getMessage().startsWith(url), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertNothingHalfWritten(cache);
      serve.join(10_000);
    }
  }

  @Test
  void concurrentFetchesIntoOneCacheAgree() throws Exception {
    Path src = DataFiles.mnistLike(tmp.resolve("src"), true);
    DataCache cache = cache();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<DataCache.Entry>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> new DataCache(cache.root()).fetch(Dataset.MNIST, i0(src))));
      }
      DataCache.Entry first = results.get(0).get();
      for (Future<DataCache.Entry> f : results) {
        assertEquals(first.sha256(), f.get().sha256());
      }
      assertEquals(first, cache.verify(Dataset.MNIST));
      assertNothingHalfWrittenExceptDataset(cache);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String i0(Path src) {
    return src.toString();
  }

  private void assertNothingHalfWrittenExceptDataset(DataCache cache) throws IOException {
    try (var files = Files.list(cache.root())) {
      List<String> left = files.map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".lock") && !n.equals("mnist")).toList();
      assertEquals(List.of(), left);
    }
  }

  @Test
  void cifarLayoutFromDirectoryAndTarball() throws IOException {
    Path dir = DataFiles.cifarLike(tmp.resolve("c"));
    Path tgz = DataFiles.tarGz(dir, tmp.resolve("cifar.tar.gz"));
    for (Path from : List.of(dir, tgz)) {
      DataCache cache = new DataCache(tmp.resolve("cache-" + from.getFileName()));
      DataCache.Entry e = cache.fetch(Dataset.CIFAR10, from.toString());
      assertEquals("cifar10-unverified", e.variant());
      DataCache.Loaded loaded = cache.load(Dataset.CIFAR10);
      assertEquals(100, loaded.train().size());
      assertEquals(20, loaded.test().size());
      assertEquals(3, loaded.train().channels());
      // the first record's first red pixel is byte 1 of data_batch_1.bin
      byte[] raw = Files.readAllBytes(dir.resolve("cifar-10-batches-bin/data_batch_1.bin"));
      assertEquals(raw[1], ((ImageSet) loaded.train()).pixels()[0]);
      assertEquals(raw[1 + 1024], ((ImageSet) loaded.train()).pixels()[1024], "green plane follows red");
    }
  }

  @Test
  void badCifarFilesAreRefused() throws IOException {
    Path dir = DataFiles.cifarLike(tmp.resolve("c1"));
    Path f = dir.resolve("cifar-10-batches-bin/data_batch_3.bin");
    rewrite(f, b -> Arrays.copyOf(b, b.length - 7));
    DataCache cache = cache();
    DataException e = assertThrows(DataException.class, () -> cache.fetch(Dataset.CIFAR10, dir.toString()));
    assertTrue(e.getMessage().contains("is not a whole number of 3073-byte records"), e.getMessage());
    Path dir2 = DataFiles.cifarLike(tmp.resolve("c2"));
    rewrite(dir2.resolve("cifar-10-batches-bin/test_batch.bin"), b -> {
      b[0] = 11;
      return b;
    });
    DataException e2 = assertThrows(DataException.class, () -> cache.fetch(Dataset.CIFAR10, dir2.toString()));
    assertTrue(e2.getMessage().contains("test_batch.bin: record 0 has label 11"), e2.getMessage());
    Path dir3 = DataFiles.cifarLike(tmp.resolve("c3"));
    Files.delete(dir3.resolve("cifar-10-batches-bin/test_batch.bin"));
    DataException e3 = assertThrows(DataException.class, () -> cache.fetch(Dataset.CIFAR10, dir3.toString()));
    assertTrue(e3.getMessage().contains("does not contain test_batch.bin"), e3.getMessage());
    assertNothingHalfWritten(cache);
  }

  @Test
  void loadingAnUnfetchedDatasetSaysHowToFetchIt() {
    DataException e = assertThrows(DataException.class, () -> cache().load(Dataset.FASHION_MNIST));
    assertTrue(e.getMessage().endsWith("run: bopsweep data fetch fashion-mnist"), e.getMessage());
  }
}
