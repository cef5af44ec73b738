package io.bopsweep.sweep;

import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The driver side of a sweep: which trials still need to run, one Spark task each, progress while
 * they run, and a summary. Results are committed by the tasks themselves (see {@link ResultStore}).
 */
public final class SweepRunner {

  /** What a sweep run ended with. */
  public record Report(int total, int alreadyDone, int done, int diverged, int failed, int stopped,
      List<TrialTask.Summary> summaries) {
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

  /** Trials of the sweep that have no DONE, DIVERGED or STOPPED row in the store (those are final; FAILED ones run again). */
  public static List<Trial> pending(List<Trial> trials, ResultStore store) {
    Map<String, TrialStatus> committed = store.committedByCurrentId();
    List<Trial> out = new ArrayList<>();
    for (Trial t : trials) {
      TrialStatus s = committed.get(t.id());
      if (s != TrialStatus.DONE && s != TrialStatus.DIVERGED && s != TrialStatus.STOPPED) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * A sweep under a scheduler: round after round, the scheduler says from the stored results which
   * trials train to which epoch; each round is one Spark job whose tasks stop their trials there
   * (STOPPED, checkpoint kept) or finish them. Ends when the scheduler has nothing more, or after a
   * round in which a trial failed.
   */
  static Report runScheduled(SparkSession spark, SweepSpec spec, List<Trial> trials, ResultStore store,
      TrialTask.ExecutionSettings settings, PrintWriter out, Progress progress) {
    Scheduler scheduler = spec.scheduler();
    Map<String, String> hadoopConf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    Map<String, Trial> byId = new LinkedHashMap<>();
    trials.forEach(t -> byId.put(t.id(), t));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<TrialTask.Summary> all = new ArrayList<>();
    progress.start(trials, 0, trials.size());
    try {
      for (int round = 1; ; round++) {
        Map<String, TrialStatus> status = store.committedByCurrentId();
        Map<String, Integer> next = scheduler.nextRound(trials, id -> new Scheduler.Stored(status.get(id),
            status.get(id) == null ? Map.of() : store.committedMetric(id, scheduler.metric())));
        if (next.isEmpty()) {
          break;
        }
        out.printf("sweep %s: round %d: %d trials to epochs %s on %s%n", spec.name(), round, next.size(),
            new java.util.TreeSet<>(next.values()), spark.sparkContext().master());
        List<TrialTask> tasks = new ArrayList<>();
        next.forEach((id, epochs) -> {
          Trial t = byId.get(id);
          tasks.add(new TrialTask(t.id(), t.sweep(), t.config().canonicalJson(), new LinkedHashMap<>(t.swept()),
              store.uri(), hadoopConf, settings, epochs));
        });
        String jobGroup = "bopsweep-" + spec.name() + "-" + java.util.UUID.randomUUID();
        jsc.setJobGroup(jobGroup, "sweep " + spec.name() + " round " + round + ": " + tasks.size() + " trials", true);
        List<TrialTask.Summary> summaries;
        try {
          summaries = jsc.parallelize(tasks, tasks.size()).map(TrialTask::run).collect();
        } catch (Exception e) {
          throw new SweepFailedException("sweep " + spec.name() + " aborted: " + rootCause(e));
        } finally {
          jsc.clearJobGroup();
          TrialTask.Fence.close(jobGroup);
        }
        all.addAll(summaries);
        if (summaries.stream().anyMatch(x -> x.status() == TrialStatus.FAILED)) {
          break;
        }
      }
    } finally {
      progress.stop();
    }
    Map<String, TrialStatus> status = store.committedByCurrentId();
    int[] counts = new int[TrialStatus.values().length];
    trials.forEach(t -> {
      TrialStatus st = status.get(t.id());
      if (st != null) {
        counts[st.ordinal()]++;
      }
    });
    long trained = all.stream().mapToLong(x -> x.epochs() - x.startEpoch()).sum();
    int failedNow = (int) all.stream().filter(x -> x.status() == TrialStatus.FAILED).count();
    progress.summary(String.format("sweep %s: %d done, %d diverged, %d failed, %d stopped (of %d trials; %d epochs"
            + " trained in this run)", spec.name(), counts[TrialStatus.DONE.ordinal()],
        counts[TrialStatus.DIVERGED.ordinal()], counts[TrialStatus.FAILED.ordinal()],
        counts[TrialStatus.STOPPED.ordinal()], trials.size(), trained));
    for (TrialTask.Summary x : all) {
      if (x.status() == TrialStatus.FAILED || x.status() == TrialStatus.DIVERGED) {
        progress.summary(String.format("  %s %s: %s", x.trialId(), x.status(), x.error()));
      }
    }
    return new Report(trials.size(), 0, counts[TrialStatus.DONE.ordinal()], counts[TrialStatus.DIVERGED.ordinal()],
        failedNow, counts[TrialStatus.STOPPED.ordinal()], all);
  }

  public static Report run(SparkSession spark, SweepSpec spec, List<Trial> trials, ResultStore store,
      TrialTask.ExecutionSettings settings, PrintWriter out, Progress progress) {
    if (spec.scheduler() != null) {
      return runScheduled(spark, spec, trials, store, settings, out, progress);
    }
    List<Trial> todo = pending(trials, store);
    int alreadyDone = trials.size() - todo.size();
    if (todo.isEmpty()) {
      progress.summary(String.format("sweep %s: all %d trials done; nothing to run", spec.name(), trials.size()));
      return new Report(trials.size(), alreadyDone, 0, 0, 0, 0, List.of());
    }
    out.printf("sweep %s: %d trials, %d already done, %d to run on %s%n", spec.name(), trials.size(), alreadyDone,
        todo.size(), spark.sparkContext().master());
    Map<String, String> hadoopConf = new HashMap<>();
    Configuration hc = spark.sparkContext().hadoopConfiguration();
    hc.forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    List<TrialTask> tasks = new ArrayList<>();
    for (Trial t : todo) {
      tasks.add(new TrialTask(t.id(), t.sweep(), t.config().canonicalJson(), new LinkedHashMap<>(t.swept()),
          store.uri(), hadoopConf, settings));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // one group per run: its fence closes when this run returns (see TrialTask.Fence)
    String jobGroup = "bopsweep-" + spec.name() + "-" + java.util.UUID.randomUUID();
    jsc.setJobGroup(jobGroup, "sweep " + spec.name() + ": " + tasks.size() + " trials", true);
    JavaRDD<TrialTask> rdd = jsc.parallelize(tasks, tasks.size());
    progress.start(todo, alreadyDone, trials.size());
    List<TrialTask.Summary> summaries;
    long jobStart = System.nanoTime();
    try {
      summaries = rdd.map(TrialTask::run).collect();
    } catch (Exception e) {
      // SparkException (undeclared in Java): a task failed spark.task.maxFailures times, e.g. its
      // results could not be written
      throw new SweepFailedException("sweep " + spec.name() + " aborted: " + rootCause(e));
    } finally {
      jsc.clearJobGroup();
      TrialTask.Fence.close(jobGroup);
      progress.stop();
    }
    int done = 0;
    int diverged = 0;
    int failed = 0;
    int stopped = 0;
    for (TrialTask.Summary s : summaries) {
      switch (s.status()) {
        case DONE -> done++;
        case DIVERGED -> diverged++;
        case STOPPED -> stopped++;
        default -> failed++;
      }
    }
    SweepWall wall = SweepWall.sinceJvmStart(System.nanoTime() - jobStart);
    Report report = new Report(trials.size(), alreadyDone, done, diverged, failed, stopped, summaries);
    progress.summary(String.format("sweep %s: %d done, %d diverged, %d failed%s (of %d run; %d were already done); %s",
        spec.name(), done, diverged, failed, stopped == 0 ? "" : ", " + stopped + " stopped", summaries.size(),
        alreadyDone, wall.describe()));
    for (TrialTask.Summary s : summaries) {
      if (s.status() != TrialStatus.DONE && s.status() != TrialStatus.STOPPED) {
        progress.summary(String.format("  %s %s: %s", s.trialId(), s.status(), s.error()));
      }
    }
    return report;
  }
}
