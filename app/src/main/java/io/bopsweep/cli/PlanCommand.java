package io.bopsweep.cli;

import static io.bopsweep.trainer.config.Settings.EPOCHS;

import io.bopsweep.sweep.CostEstimate;
import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SweepSpec;
import io.bopsweep.sweep.Trial;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bopsweep plan SPEC}: the expanded trials, their count and what they will cost. Runs nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Validate a sweep spec, list its trials and estimate its cost.")
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SPEC", description = "sweep spec (YAML)")
  Path specFile;

  @Option(names = "--throughput", paramLabel = "IMAGES_PER_SEC",
      description = "training images per second per trial to assume, instead of measuring a probe here")
  Double throughput;

  @Option(names = "--no-probe", description = "skip the time estimate (no measurement)")
  boolean noProbe;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "0",
      description = "trials running at once (default: this machine's cores)")
  int parallel;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "list at most N trials (default: 50)")
  int limit;

  @Option(names = "--results", paramLabel = "DIR_OR_URI",
      description = "also show each trial's status in this results store: done, diverged, failed or pending")
  String results;

  @Mixin SpecFileLimit specLimit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SweepSpec sweep = specLimit.parse(specFile);
    Grid.Expansion expansion = Grid.plan(sweep);
    List<Trial> trials = expansion.trials();
    Map<String, TrialStatus> status = null;
    if (results != null) {
      status = ResultStore.open(results, new org.apache.hadoop.conf.Configuration()).requireIntact()
          .committedByCurrentId();
    }
    try {
      CostEstimate.checkModels(trials);
    } catch (io.bopsweep.trainer.config.ConfigException e) {
      throw new BadInputException(specFile.getFileName() + ": " + e.getMessage());
    }
    io.bopsweep.sweep.TrialChecks.check(trials, sweep.source(), Runtime.getRuntime().maxMemory());
    List<String> axes = new ArrayList<>(sweep.searcher().keys());
    Set<String> pointKeys = new LinkedHashSet<>();
    sweep.points().forEach(p -> pointKeys.addAll(p.keySet()));
    List<String> columns = new ArrayList<>(pointKeys);
    columns.addAll(axes);
    columns.add("seed");
    out.printf("sweep %s (%s)%s%n", sweep.name(), sweep.source(),
        sweep.description().isBlank() ? ""
            : ": " + io.bopsweep.sweep.Escapes.printable(sweep.description().strip().lines().findFirst().orElse("")));
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("#", "trial_id"));
    boolean epochsColumn = !columns.contains("epochs");
    header.addAll(columns);
    if (epochsColumn) {
      header.add("epochs");
    }
    if (status != null) {
      header.add("status");
    }
    rows.add(header);
    for (int i = 0; i < trials.size() && i < limit; i++) {
      Trial t = trials.get(i);
      Map<String, Object> cfg = t.config().toMap();
      List<String> row = new ArrayList<>(List.of(String.valueOf(i + 1), t.id()));
      Set<String> notApplying = t.config().notApplying();
      for (String c : columns) {
        row.add(notApplying.contains(c) ? "-" : String.valueOf(cfg.get(c)));
      }
      if (epochsColumn) {
        row.add(String.valueOf(t.config().get(EPOCHS)));
      }
      if (status != null) {
        TrialStatus s = status.get(t.id());
        row.add(s == null ? "pending" : s.name().toLowerCase(java.util.Locale.ROOT));
      }
      rows.add(row);
    }
    Table.print(out, rows);
    if (trials.size() > limit) {
      out.printf("... %d more%n", trials.size() - limit);
    }
    for (Grid.NoEffect n : expansion.noEffect()) {
      out.println("note: " + n.message());
    }
    for (Grid.Collapse c : expansion.collapsed()) {
      out.printf("collapsed into trial %d (%s): %s%n", c.keptNumber(), c.kept().id(), String.join("; ", c.dropped()));
    }
    if (status != null) {
      Map<String, Long> counts = new java.util.TreeMap<>();
      for (Trial t : trials) {
        TrialStatus s = status.get(t.id());
        counts.merge(s == null ? "pending" : s.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
      }
      out.println("in " + results + ": " + counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
          .collect(java.util.stream.Collectors.joining(", ")));
    }
    // what each trial trains under the spec's scheduler when the trials keep their order (all of its epochs without one)
    Map<String, Integer> trained = sweep.scheduler().simulate(trials);
    double flops = 0;
    for (Trial t : trials) {
      flops += CostEstimate.work(t.config()).flopsPerEpoch() * trained.get(t.id());
    }
    long epochs = trials.stream().mapToLong(t -> trained.get(t.id())).sum();
    long budget = trials.stream().mapToLong(t -> t.config().get(EPOCHS)).sum();
    String scheduler = sweep.scheduler().describe(trials);
    if (scheduler != null) {
      out.println("scheduler: " + scheduler);
      out.printf("  %,d of the %,d epochs when the trials keep their order at every rung or check and none diverges;"
          + " the estimates below count these%n", epochs, budget);
    }
    int combos = sweep.searcher().combinations().size();
    int asked = sweep.points().size() * combos * sweep.seeds().size();
    String proposed = sweep.random() == null ? combos + " grid combinations"
        : combos + " random samples (seed " + sweep.random().seed() + ")";
    out.printf("%d trials (%d points x %s x %d seeds%s), %,d epochs, %.3g PFLOP%n", trials.size(),
        sweep.points().size(), proposed, sweep.seeds().size(),
        asked == trials.size() ? "" : ", " + (asked - trials.size()) + " duplicates collapsed", epochs, flops / 1e15);
    if (noProbe) {
      return 0;
    }
    if (sweep.needsCluster() && throughput == null) {
      out.println("note: this spec is marked needs_cluster: true; a probe on this machine would not tell the"
          + " cluster's speed: give --throughput IMAGES_PER_SEC (per trial) for a time estimate, and run it with"
          + " spark-submit on a GPU cluster");
      return 0;
    }
    int slots = parallel > 0 ? parallel : Runtime.getRuntime().availableProcessors();
    Map<String, Double> speed = new LinkedHashMap<>();
    double seconds = 0;
    for (Trial t : trials) {
      String key = CostEstimate.speedKey(t.config());
      double ips = throughput != null ? throughput
          : speed.computeIfAbsent(key, k -> CostEstimate.probe(t.config(), Math.max(1, Runtime.getRuntime().availableProcessors() / slots)));
      seconds += CostEstimate.trainingSeconds(trained.get(t.id()), CostEstimate.work(t.config()), ips);
    }
    if (throughput == null) {
      speed.forEach((k, v) -> out.printf("probe %s: %,.0f training images/s per trial%n", k, v));
    }
    if (throughput != null) {
      out.printf("estimated time: %s of training, about %s with %d trials at once (at the given throughput)%n",
          human(seconds), human(seconds / Math.min(slots, trials.size())), Math.min(slots, trials.size()));
    } else {
      out.printf("estimated time: %s of training, about %s with %d trials at once, with %.0f s outside the trials"
              + " (measured here)%n", human(seconds), human(CostEstimate.localWallSeconds(seconds, trials.size(), slots)),
          Math.min(slots, trials.size()), CostEstimate.LOCAL_SWEEP_FIXED_SECONDS);
    }
    if (sweep.needsCluster()) {
      out.println("note: this spec is marked needs_cluster: true; run it with spark-submit on a GPU cluster");
    }
    return 0;
  }

  static String human(double seconds) {
    long s = Math.round(seconds);
    if (s >= 86400) {
      return String.format("%.1f days", s / 86400.0);
    }
    if (s >= 3600) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format("%dm%02ds", s / 60, s % 60);
  }
}
