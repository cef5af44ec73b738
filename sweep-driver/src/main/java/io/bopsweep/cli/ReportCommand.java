package io.bopsweep.cli;

import io.bopsweep.analysis.Report;
import io.bopsweep.analysis.Results;
import io.bopsweep.sweep.SpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bopsweep report SPEC_OR_SWEEP}: the paper's tables (Markdown, CSV) and plots (PNG) of a sweep. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write a sweep's tables (Markdown and CSV) and plots (PNG).")
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SPEC_OR_SWEEP", description = "a sweep spec file or a sweep name")
  String sweep;

  @Option(names = "--results", paramLabel = "DIR_OR_URI", defaultValue = "results", description = "results store (default: results)")
  String results;

  @Option(names = "--out", paramLabel = "DIR", description = "where to write (default: reports/<sweep>)")
  Path out;

  @Option(names = "--pivot", paramLabel = "ROW,COL,METRIC",
      description = "also write a pivot of a trials column by two axes, e.g. gamma,tau,final_test_acc")
  String pivot;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local)")
  String master;

  @Override
  public Integer call() throws IOException {
    String name = sweep;
    if (sweep.endsWith(".yaml") || sweep.endsWith(".yml") || Files.isRegularFile(Path.of(sweep))) {
      name = SpecParser.parse(Path.of(sweep)).name();
    }
    String nameProblem = SpecParser.nameProblem(name);
    if (nameProblem != null) {
      throw new BadInputException(sweep + ": not a sweep name: " + nameProblem);
    }
    String[] pivotParts = null;
    if (pivot != null) {
      pivotParts = pivot.split(",");
      if (pivotParts.length != 3 || !pivot.matches("\\s*\\w+\\s*,\\s*\\w+\\s*,\\s*\\w+\\s*")) {
        throw new BadInputException("--pivot: expected ROW,COL,METRIC (column names), got '" + pivot + "'");
      }
    }
    Path dir = out != null ? out : Path.of("reports", name);
    SparkSession spark = Spark.session("bopsweep report", master);
    try {
      Results.register(spark, results);
      List<Path> files = Report.write(spark, name, dir);
      if (pivotParts != null) {
        io.bopsweep.analysis.Table t = Report.pivot(spark, name, pivotParts[0].strip(), pivotParts[1].strip(), pivotParts[2].strip());
        t.write(dir);
        files.add(dir.resolve(t.name() + ".md"));
      }
      PrintWriter w = spec.commandLine().getOut();
      w.printf("report of sweep %s in %s:%n", name, dir);
      files.forEach(f -> w.println("  " + f.getFileName()));
      return 0;
    } finally {
      spark.stop();
    }
  }
}
