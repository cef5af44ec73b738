package io.bopsweep.cli;

import io.bopsweep.trainer.config.Choice;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Images;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bopsweep data fetch|verify NAME}. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Fetch, verify and cache datasets.",
    subcommands = {DataCommand.Fetch.class, DataCommand.Verify.class})
final class DataCommand {

  static Dataset dataset(String name) {
    return Choice.parse(Dataset.class, "dataset", name);
  }

  static void describe(PrintWriter out, DataCache cache, DataCache.Entry entry, Dataset d) {
    DataCache.Loaded loaded = cache.load(d);
    out.printf("%s: %s in %s (source: %s)%n", d.id(), entry.variant(), cache.dir(d), entry.source());
    out.printf("  train %,d images %s, per class %s%n", loaded.train().size(), shape(loaded.train()),
        perClass(loaded.train()));
    out.printf("  test  %,d images %s, per class %s%n", loaded.test().size(), shape(loaded.test()),
        perClass(loaded.test()));
  }

  private static String shape(Images s) {
    return s.channels() + "x" + s.height() + "x" + s.width();
  }

  /** Every count for up to 20 classes, else the range over the classes. */
  private static String perClass(Images s) {
    int[] counts = s.classCounts();
    if (counts.length <= 20) {
      return Arrays.toString(counts);
    }
    IntSummaryStatistics st = Arrays.stream(counts).summaryStatistics();
    return st.getMin() + " to " + st.getMax() + " over " + counts.length + " classes";
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true, description = "Fetch a dataset into the cache (no-op if it is there), verified.")
  static final class Fetch implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "mnist, fashion-mnist, cifar10 or imagenet")
    String name;

    @Option(names = "--from", paramLabel = "PATH_OR_URL",
        description = "take the data from this directory, archive (.tar.gz, .tgz, .deb) or URL instead of the built-in"
            + " sources; imagenet: its folder (train/ and val/, one folder per class), indexed, not copied")
    String from;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "cache directory (default: $BOPSWEEP_DATA or ~/.cache/bopsweep/data)")
    String dataDir;

    @Override
    public Integer call() {
      Dataset d = dataset(name);
      DataCache cache = DataCache.resolve(dataDir);
      DataCache.Entry entry = cache.fetch(d, from);
      describe(spec.commandLine().getOut(), cache, entry, d);
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Re-check a cached dataset: sizes, headers, record counts, checksums.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "mnist, fashion-mnist, cifar10 or imagenet")
    String name;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "cache directory")
    String dataDir;

    @Override
    public Integer call() {
      Dataset d = dataset(name);
      DataCache cache = DataCache.resolve(dataDir);
      DataCache.Entry entry = cache.verify(d);
      describe(spec.commandLine().getOut(), cache, entry, d);
      spec.commandLine().getOut().println("  verified");
      return 0;
    }
  }
}
