package io.bopsweep.cli;

import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SyntheticStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bopsweep store ...}: developer tools for result stores. */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Developer tools for result stores.",
    subcommands = {StoreCommand.Synthesize.class})
final class StoreCommand {
  /** {@code bopsweep store synthesize DIR --trials N --epochs M}. */
  @Command(name = "synthesize", mixinStandardHelpOptions = true,
      description = "Write a store of made-up trials (not results), one commit per trial as sweeps write, to time readers.")
  static final class Synthesize implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR_OR_URI", description = "a new or empty directory, or an existing store")
    String dir;

    @Option(names = "--trials", paramLabel = "N", required = true, description = "trials to write")
    int trials;

    @Option(names = "--epochs", paramLabel = "M", required = true, description = "epochs per trial")
    int epochs;

    @Option(names = "--sweep", paramLabel = "NAME", defaultValue = "synthetic", description = "sweep name (default: synthetic)")
    String sweep;

    @Override
    public Integer call() throws IOException {
      if (trials < 1) {
        throw new BadInputException("--trials: use 1 or more, got " + trials);
      }
      if (epochs < 1) {
        throw new BadInputException("--epochs: use 1 or more, got " + epochs);
      }
      ResultStore store = ResultStore.openOrCreate(dir, new Configuration());
      long t0 = System.nanoTime();
      SyntheticStore.write(store, sweep, trials, epochs);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("bopsweep: wrote %d synthetic trials x %d epochs to %s in %.1f s%n", trials, epochs, dir,
          (System.nanoTime() - t0) / 1e9);
      out.flush();
      return 0;
    }
  }
}
