package io.bopsweep.cli;

import io.bopsweep.analysis.Results;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SyntheticStore;
import io.bopsweep.trainer.train.TrialRunner;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/**
 * What the launcher runs, once per build, to record its class-data-sharing archive (bin/bopsweep):
 * a small piece of each path a sweep, a report and a query take, in a temporary directory: the
 * sweep command on a one-trial spec (the spec parsed and planned, its data fetched from tiny MNIST
 * files into a data cache of its own, one epoch of two batches trained in a local Spark task and
 * committed, progress written to nowhere), then libtorch's and the optimizer kernels' warm-up, a
 * store written and checked, a local Spark job, the views and a query. The user's data cache and
 * results are not touched.
 */
@Command(name = "class-archive-workload", hidden = true, description = "Load the classes a sweep uses (for bin/bopsweep).")
final class ClassArchiveWorkload implements Callable<Integer> {
  /** The quick start's model and optimizer, one trial of one epoch over {@link #TRAIN_IMAGES} images. */
  static final String SPEC = """
      name: class-archive
      fixed: {dataset: mnist, model: mlp, width: 256, optimizer: bop, bop_start: sign, epochs: 1, batch_size: 100}
      grid:
        gamma: [1.0e-4]
        tau: [0.0]
      seeds: 1
      """;
  static final int TRAIN_IMAGES = 200;
  static final int TEST_IMAGES = 100;

  @Override
  public Integer call() throws IOException {
    Path dir = Files.createTempDirectory("bopsweep-class-archive");
    try {
      int swept = sweep(dir);
      if (swept != 0) {
        return swept;
      }
      TrialRunner.warmUp();
      ResultStore store = ResultStore.openOrCreate(dir.resolve("store").toString(), new Configuration());
      SyntheticStore.write(store, "archive", 2, 3);
      store.requireIntact();
      SparkSession spark = Spark.builder("bopsweep class archive", null, "local[2]").getOrCreate();
      try {
        new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2).map(i -> i * 2).collect();
        Results.register(spark, store.uri());
        spark.sql("SELECT sweep, count(*), max(final_test_acc) FROM trials GROUP BY sweep").collectAsList();
        spark.sql("SELECT trial_id, max(test_acc) FROM epochs GROUP BY trial_id").collectAsList();
      } finally {
        spark.stop();
      }
      return 0;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** {@code bopsweep sweep} on {@link #SPEC}, everything it reads and writes under {@code dir}; its exit code. */
  static int sweep(Path dir) throws IOException {
    Path source = Files.createDirectories(dir.resolve("mnist-source"));
    writeIdx(source, "train", TRAIN_IMAGES, 1);
    writeIdx(source, "t10k", TEST_IMAGES, 2);
    Path spec = Files.writeString(dir.resolve("class-archive.yaml"), SPEC);
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    return Main.run(new String[] {"sweep", spec.toString(), "--results", dir.resolve("sweep-results").toString(),
        "--data-dir", dir.resolve("data").toString(), "--data-source", "mnist=" + source,
        "--progress-interval", "0.2"}, nowhere, nowhere);
  }

  /** MNIST's two IDX files of a split ({@code prefix}: train or t10k): n images of seeded noise, labels 0..9 in turn. */
  private static void writeIdx(Path dir, String prefix, int n, long seed) throws IOException {
    byte[] pixels = new byte[n * 28 * 28];
    new Random(seed).nextBytes(pixels);
    try (OutputStream f = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"));
        DataOutputStream images = new DataOutputStream(f)) {
      images.writeInt(0x803); // IDX magic: unsigned bytes, 3 dimensions
      images.writeInt(n);
      images.writeInt(28);
      images.writeInt(28);
      images.write(pixels);
    }
    try (OutputStream f = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte"));
        DataOutputStream labels = new DataOutputStream(f)) {
      labels.writeInt(0x801); // unsigned bytes, 1 dimension
      labels.writeInt(n);
      for (int i = 0; i < n; i++) {
        labels.writeByte(i % 10);
      }
    }
  }
}
