package io.bopsweep.cli;

import io.bopsweep.analysis.AnalysisException;
import io.bopsweep.sweep.SpecException;
import io.bopsweep.sweep.StoreException;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.data.DataException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bopsweep} command. Exit codes: 0 success, 1 a trial or job failed, 2 bad input. */
@Command(
    name = "bopsweep",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Hyperparameter sweeps of binarized neural networks (Bop) on Apache Spark.",
    subcommands = {DataCommand.class, TrainCommand.class, PlanCommand.class, SweepCommand.class, EvaluateCommand.class,
        ReportCommand.class, SqlCommand.class, ServeCommand.class, BenchCommand.class, StoreCommand.class, ClassArchiveWorkload.class,
        CommandLine.HelpCommand.class})
public final class Main {
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_BAD_INPUT = 2;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line; output goes to out and err; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    TrainCommand.addSettingOptions(cli.getSubcommands().get("train"));
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (ex instanceof ConfigException || ex instanceof DataException || ex instanceof BadInputException
          || ex instanceof SpecException || ex instanceof io.bopsweep.sweep.SweepOptionException
          || ex instanceof StoreException || ex instanceof AnalysisException) {
        err.println("bopsweep: error: " + firstLine(ex.getMessage()));
        return EXIT_BAD_INPUT;
      }
      if (ex instanceof io.bopsweep.sweep.SweepRunner.SweepFailedException) {
        err.println("bopsweep: failed: " + firstLine(ex.getMessage()));
        return EXIT_FAILED;
      }
      err.println("bopsweep: failed: " + ex.getClass().getSimpleName() + ": " + firstLine(ex.getMessage()));
      ex.printStackTrace(err);
      return EXIT_FAILED;
    });
    cli.setParameterExceptionHandler((ex, args) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("bopsweep: error: " + firstLine(ex.getMessage()) + " (see: bopsweep help "
          + ex.getCommandLine().getCommandName().replace("bopsweep", "").trim() + ")");
      return EXIT_BAD_INPUT;
    });
    return cli;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    return s.lines().findFirst().orElse("");
  }

  /** The version of this build, from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"bopsweep " + CodeVersion.get()};
    }
  }
}
