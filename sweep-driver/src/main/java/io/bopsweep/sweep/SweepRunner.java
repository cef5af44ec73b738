package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.EPOCHS;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The driver side of a sweep: which trials still need to run, one Spark task each, progress while
 * they run, and a summary. Results are committed by the tasks themselves (see {@link ResultStore}).
 */
public final class SweepRunner {

  /** What a sweep run ended with; {@code wall} up to the end of its last Spark job. */
  public record Report(int total, int alreadyDone, int done, int diverged, int failed, int stopped,
      List<TrialTask.Summary> summaries, SweepWall wall) {
    public boolean anyFailed() {
      return failed > 0;
    }
  }

  private SweepRunner() {}

  /** A sweep whose Spark job failed as a whole; the trials committed before stay committed. */
  public static final class SweepFailedException extends RuntimeException {
    public SweepFailedException(String message) {
      super(message);
    }
  }

  static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
    if (t == e) {
      // Spark puts the failed task's exception into the message text
      String text = String.valueOf(e.getMessage());
      int i = text.indexOf("Exception: ");
      if (i >= 0) {
        int start = text.lastIndexOf(' ', i) + 1;
        return text.substring(start).lines().findFirst().orElse(text);
      }
    }
    return t.getClass().getSimpleName() + ": " + m;
  }

  /**
   * What a scheduler sees of each trial in the store now: its status, and its metric by epoch where
   * the scheduler reads one (each trial's epochs file read at most once, when asked for).
   */
  static Function<String, Scheduler.Stored> stored(Scheduler scheduler, ResultStore store) {
    Map<String, TrialStatus> status = store.committedByCurrentId();
    Map<String, Scheduler.Stored> seen = new HashMap<>();
    return id -> seen.computeIfAbsent(id, k -> {
      TrialStatus s = status.get(k);
      return new Scheduler.Stored(s, s == null || scheduler.metric() == null ? Map.of()
          : store.committedMetric(k, scheduler.metric()));
    });
  }

  /** The round a sweep of these trials runs next on this store: trial id to the epoch it trains to; empty when none. */
  public static Map<String, Integer> nextRound(Scheduler scheduler, List<Trial> trials, ResultStore store) {
    return scheduler.nextRound(trials, stored(scheduler, store));
  }

  /**
   * Runs a sweep round by round: its scheduler says from the stored results which trials train to
   * which epoch; each round is one Spark job whose tasks stop their trials there (STOPPED,
   * checkpoint kept) or finish them. Without early stopping that is one round of every trial that is
   * not done, to its epochs. Ends when the scheduler has nothing more, after a round in which a
   * trial failed, or after a round that changed nothing the scheduler reads.
   */
  public static Report run(SparkSession spark, SweepSpec spec, List<Trial> trials, ResultStore store,
      TrialTask.ExecutionSettings settings, PrintWriter out, Progress progress) {
    Scheduler scheduler = spec.scheduler();
    Function<String, Scheduler.Stored> stored = stored(scheduler, store);
    int alreadyDone = (int) trials.stream().filter(t -> stored.apply(t.id()).ended()).count();
    Map<String, Integer> next = scheduler.nextRound(trials, stored);
    if (next.isEmpty()) {
      long stopped = trials.stream().filter(t -> stored.apply(t.id()).status() == TrialStatus.STOPPED).count();
      progress.summary(String.format("sweep %s: all %d trials done%s; nothing to run", spec.name(), trials.size(),
          stopped == 0 ? "" : " (" + stopped + " of them stopped early)"));
      return new Report(trials.size(), trials.size(), 0, 0, 0, 0, List.of(), SweepWall.sinceJvmStart(0));
    }
    Map<String, String> hadoopConf = new HashMap<>();
    Configuration hc = spark.sparkContext().hadoopConfiguration();
    hc.forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    Map<String, Trial> byId = new LinkedHashMap<>();
    trials.forEach(t -> byId.put(t.id(), t));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Map<String, TrialTask.Summary> last = new LinkedHashMap<>();
    long trained = 0;
    long jobNanos = 0;
    int round = 0;
    boolean partial = false;
    Map<String, Integer> previous = null;
    Function<String, Scheduler.Stored> before = stored;
    while (!next.isEmpty() && !next.equals(previous)) {
      round++;
      // a round that trains a trial to fewer than its epochs, or continues one: the run is not the whole budget in one go
      boolean partialRound = round > 1 || next.entrySet().stream()
          .anyMatch(e -> e.getValue() < byId.get(e.getKey()).config().get(EPOCHS));
      partial |= partialRound;
      String epochs = partialRound ? String.format("; round %d: %d to epochs %s", round, next.size(),
          new TreeSet<>(next.values())) : "";
      if (round == 1) {
        out.printf("sweep %s: %d trials, %d already done, %d to run on %s%s%n", spec.name(), trials.size(), alreadyDone,
            next.size(), spark.sparkContext().master(), epochs);
      } else {
        out.printf("sweep %s: round %d: %d trials to epochs %s%n", spec.name(), round, next.size(),
            new TreeSet<>(next.values()));
      }
      List<TrialTask> tasks = new ArrayList<>();
      Map<String, Integer> from = new LinkedHashMap<>();
      Set<String> failedBefore = new HashSet<>();
      for (Map.Entry<String, Integer> e : next.entrySet()) {
        Trial t = byId.get(e.getKey());
        tasks.add(new TrialTask(t.id(), t.sweep(), t.config().canonicalJson(), new LinkedHashMap<>(t.swept()),
            store.uri(), hadoopConf, settings, e.getValue()));
        Scheduler.Stored s = before.apply(t.id());
        from.put(t.id(), Math.min(s.metricByEpoch().size(), e.getValue()));
        if (s.status() == TrialStatus.FAILED) {
          failedBefore.add(t.id());
        }
      }
      // one group per round: its fence closes when the round returns (see TrialTask.Fence)
      String jobGroup = "bopsweep-" + spec.name() + "-" + java.util.UUID.randomUUID();
      jsc.setJobGroup(jobGroup, "sweep " + spec.name() + (round == 1 ? "" : " round " + round) + ": " + tasks.size()
          + " trials", true);
      JavaRDD<TrialTask> rdd = jsc.parallelize(tasks, tasks.size());
      progress.start(trials, new Progress.Round(round, partialRound, from, next, failedBefore));
      List<TrialTask.Summary> summaries;
      long jobStart = System.nanoTime();
      try {
        summaries = rdd.map(TrialTask::run).collect();
      } catch (Exception e) {
        // SparkException (undeclared in Java): a task failed spark.task.maxFailures times, e.g. its
        // results could not be written
        throw new SweepFailedException("sweep " + spec.name() + " aborted: " + rootCause(e));
      } finally {
        jobNanos += System.nanoTime() - jobStart;
        jsc.clearJobGroup();
        TrialTask.Fence.close(jobGroup);
        progress.stop();
      }
      for (TrialTask.Summary x : summaries) {
        last.remove(x.trialId()); // in the order of their last round
        last.put(x.trialId(), x);
        trained += Math.max(0, x.epochs() - x.startEpoch());
      }
      if (summaries.stream().anyMatch(x -> x.status() == TrialStatus.FAILED)) {
        break;
      }
      previous = next;
      before = stored(scheduler, store);
      next = scheduler.nextRound(trials, before);
    }
    if (!next.isEmpty() && next.equals(previous)
        && last.values().stream().noneMatch(x -> x.status() == TrialStatus.FAILED)) {
      progress.summary(String.format("sweep %s: round %d committed nothing the scheduler reads; not repeating it",
          spec.name(), round));
    }
    int[] counts = new int[TrialStatus.values().length];
    last.values().forEach(x -> counts[x.status().ordinal()]++);
    int done = counts[TrialStatus.DONE.ordinal()];
    int diverged = counts[TrialStatus.DIVERGED.ordinal()];
    int failed = counts[TrialStatus.FAILED.ordinal()];
    int stopped = counts[TrialStatus.STOPPED.ordinal()];
    SweepWall wall = SweepWall.sinceJvmStart(jobNanos);
    progress.summary(String.format("sweep %s: %d done, %d diverged, %d failed%s (of %d run; %d were already done)%s; %s",
        spec.name(), done, diverged, failed, stopped == 0 ? "" : ", " + stopped + " stopped", last.size(), alreadyDone,
        partial ? String.format("; %d epochs trained in %d round%s", trained, round, round == 1 ? "" : "s") : "",
        wall.describe()));
    for (TrialTask.Summary x : last.values()) {
      if (x.status() == TrialStatus.FAILED || x.status() == TrialStatus.DIVERGED) {
        progress.summary(String.format("  %s %s: %s", x.trialId(), x.status(), x.error()));
      }
    }
    return new Report(trials.size(), alreadyDone, done, diverged, failed, stopped, List.copyOf(last.values()), wall);
  }
}
