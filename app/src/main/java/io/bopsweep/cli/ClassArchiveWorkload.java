package io.bopsweep.cli;

import io.bopsweep.analysis.Results;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SyntheticStore;
import io.bopsweep.trainer.train.TrialRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/**
 * What the launcher runs, once per build, to record its class-data-sharing archive (bin/bopsweep):
 * a small piece of each path a sweep, a report and a query take, in a temporary store: libtorch and
 * the optimizer kernels, a store written and checked, a local Spark job, the views and a query.
 */
@Command(name = "class-archive-workload", hidden = true, description = "Load the classes a sweep uses (for bin/bopsweep).")
final class ClassArchiveWorkload implements Callable<Integer> {
  @Override
  public Integer call() throws IOException {
    Path dir = Files.createTempDirectory("bopsweep-class-archive");
    try {
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
}
