package io.bopsweep.cli;

import io.bopsweep.analysis.Report;
import io.bopsweep.analysis.ReportScope;
import io.bopsweep.analysis.Results;
import io.bopsweep.sweep.FrozenTrial;
import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SpecParser;
import io.bopsweep.store.SweepManifest;
import io.bopsweep.sweep.SweepSpec;
import io.bopsweep.sweep.Trial;
import org.apache.hadoop.conf.Configuration;
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
    SweepSpec specOfFile = null;
    String name = sweep;
    if (sweep.endsWith(".yaml") || sweep.endsWith(".yml") || Files.isRegularFile(Path.of(sweep))) {
      specOfFile = SpecParser.parse(Path.of(sweep));
      name = specOfFile.name();
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
    ResultStore store = ResultStore.open(results, new Configuration());
    io.bopsweep.store.StoreCheck.Result checked = store.intactFiles(); // once: the views read the files it checked
    ReportScope scope = scope(specOfFile, name, store);
    Path dir = out != null ? out : Path.of("reports", name);
    SparkSession spark = Spark.session("bopsweep report", master);
    try {
      Results.register(spark, results, checked);
      checked.compactHint(results).ifPresent(spec.commandLine().getErr()::println);
      List<Path> files = Report.write(spark, scope, dir);
      if (pivotParts != null) {
        io.bopsweep.analysis.Table t = Report.pivot(spark, name, pivotParts[0].strip(), pivotParts[1].strip(), pivotParts[2].strip());
        t.write(dir);
        files.add(dir.resolve(t.name() + ".md"));
      }
      PrintWriter w = spec.commandLine().getOut();
      w.printf("report of sweep %s (%d trials) in %s:%n", name, scope.trialIds().size(), dir);
      files.forEach(f -> w.println("  " + f.getFileName()));
      scope.notes().forEach(n -> w.println("note: " + n));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * The trials a report covers: a spec file's current trials; for a name, the trials of the newest
   * manifest of that name, else (stores written before manifests) the trials stored under it.
   */
  static ReportScope scope(SweepSpec specOfFile, String name, ResultStore store) {
    List<FrozenTrial> stored = store.trials();
    if (specOfFile != null) {
      return ReportScopes.of(name, Grid.expand(specOfFile).stream().map(Trial::id).toList(), stored);
    }
    List<SweepManifest> manifests = store.manifests(name);
    if (manifests.isEmpty()) {
      return ReportScopes.bySweepColumn(name, stored);
    }
    SweepManifest newest = manifests.get(manifests.size() - 1);
    java.util.Set<String> known = new java.util.HashSet<>();
    stored.forEach(t -> known.add(t.currentId()));
    for (String id : newest.trialIds()) {
      if (!known.contains(id)) {
        throw new BadInputException(store.uri() + ": the manifest of sweep " + name + " (" + newest.writtenAt()
            + ") names trial " + id + ", which is not in the store");
      }
    }
    return ReportScopes.of(name, newest.trialIds(), stored);
  }
}
