package io.bopsweep.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** What the dashboard's JSON endpoints answer, from the store alone. */
public final class Dashboard {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sweep's trials by status, and how many epochs they ran. */
  public record SweepSummary(String sweep, int trials, Map<String, Integer> counts, long epochsDone) {}

  /**
   * The sweeps page: the committed sweeps, the running trials, the manifests; {@code indexing}
   * where the trials files are still being read (the counts are of those read so far).
   */
  public record Overview(String store, List<SweepSummary> sweeps, List<RunningTrial> running, Double etaSeconds,
      List<ManifestView> manifests, TrialIndex.Progress indexing, List<String> unreadable) {}

  /** One trial's curve; {@code running} where it comes from a running attempt's epochs (_live/). */
  public record Curve(String trialId, String label, String status, boolean running, EpochSeries series) {}

  /** Mean and std bands of a group of trials (the seeds of one configuration). */
  public record Group(String label, List<String> trialIds, Map<String, Bands> bands) {}

  /** How long a request waits for a pass of the index before it answers from the rows read so far. */
  static final Duration REQUEST_WAIT = Duration.ofMillis(500);

  private final StoreAccess store;
  private final TrialIndex index;
  private final Executor curveReaders;
  private final SparkViews spark;
  private final Duration requestWait;

  /** The trials rows read are kept between runs in the user's cache ({@link IndexCache#forUser}), never in the store. */
  public Dashboard(StoreAccess store, Supplier<SparkSession> sessions) {
    this(store, sessions, TrialIndex.defaultReaders(), TrialIndex.defaultReaders("bopsweep-dashboard-curves"),
        REQUEST_WAIT, IndexCache.forUser(store.rootUri()));
  }

  /**
   * With the index's file readers, the curves' epochs file readers (a pool of their own, so that a
   * curve does not wait behind a pass of the index) and a request's wait for a pass given (tests
   * hold the readers).
   */
  Dashboard(StoreAccess store, Supplier<SparkSession> sessions, Executor readers, Executor curveReaders,
      Duration requestWait) {
    this(store, sessions, readers, curveReaders, requestWait, null);
  }

  /** With the index's cache given too (null: none). */
  Dashboard(StoreAccess store, Supplier<SparkSession> sessions, Executor readers, Executor curveReaders,
      Duration requestWait, IndexCache cache) {
    this.store = store;
    this.index = new TrialIndex(store, readers, cache);
    this.curveReaders = curveReaders;
    this.spark = new SparkViews(sessions, store.uri());
    this.requestWait = requestWait;
  }

  public StoreAccess store() {
    return store;
  }

  /**
   * Starts reading the committed trials in the background, their listing too, and returns at once;
   * pages say how far it is. A listing that fails is tried again by the next request, which says why.
   */
  public void startIndexing() {
    Thread t = new Thread(() -> {
      try {
        index.start();
      } catch (IOException e) {
        // the next request lists trials/ again and answers with the error
      }
    }, "bopsweep-dashboard-index-start");
    t.setDaemon(true);
    t.start();
  }

  /** Reads the committed trials (all of them on the first call, then only new or changed files) and waits for that. */
  public int refresh() throws IOException {
    return index.refresh().rows().size();
  }

  private TrialIndex.Snapshot current() throws IOException {
    return index.current(requestWait);
  }

  public Overview overview() throws IOException {
    TrialIndex.Snapshot snapshot = current();
    Map<String, List<Map<String, Object>>> bySweep = new TreeMap<>();
    Map<String, String> statusById = new HashMap<>();
    for (Map<String, Object> r : snapshot.rows()) {
      bySweep.computeIfAbsent(String.valueOf(r.get("sweep")), k -> new ArrayList<>()).add(r);
      statusById.put(String.valueOf(r.get("trial_id")), String.valueOf(r.get("status")));
    }
    List<SweepSummary> sweeps = new ArrayList<>();
    bySweep.forEach((sweep, trials) -> {
      Map<String, Integer> counts = new TreeMap<>();
      long epochs = 0;
      for (Map<String, Object> t : trials) {
        counts.merge(String.valueOf(t.get("status")), 1, Integer::sum);
        epochs += t.get("epochs_done") instanceof Number n ? n.longValue() : 0;
      }
      sweeps.add(new SweepSummary(sweep, trials.size(), counts, epochs));
    });
    List<RunningTrial> running = new ArrayList<>(store.progress().stream()
        .filter(r -> !statusById.containsKey(r.trialId())).sorted(Comparator.comparing(RunningTrial::trialId)).toList());
    Double eta = running.stream().map(RunningTrial::secondsLeft).filter(s -> s != null).max(Double::compare).orElse(null);
    Set<String> runningIds = new HashSet<>();
    running.forEach(r -> runningIds.add(r.trialId()));
    List<ManifestView> manifests = store.manifests().stream()
        .map(m -> ManifestView.of(m, statusById, runningIds, snapshot.complete())).toList();
    return new Overview(store.uri(), sweeps, running, eta, manifests, snapshot.indexing(), snapshot.unreadable());
  }

  public TrialTable trials(String filter, String sort, boolean descending, int offset, int limit) throws IOException {
    TrialIndex.Snapshot snapshot = current();
    return TrialTable.page(snapshot.rows(), filter, sort, descending, offset, Math.min(limit, 1000))
        .indexed(snapshot.indexing(), snapshot.unreadable());
  }

  /**
   * Curves of the given trials, in the order given: a running attempt's epochs (_live/) where a
   * trial has them, else its committed epochs, else (a trial running its first epoch) none yet.
   */
  public List<Curve> curves(List<String> trialIds) throws IOException {
    TrialIndex.Snapshot snapshot = current();
    Map<String, Map<String, Object>> byId = byId(snapshot);
    Map<String, Integer> attempts = new HashMap<>();
    byId.forEach((id, r) -> attempts.put(id, ((Number) r.get("attempt")).intValue()));
    Map<String, EpochSeries> live = index.liveCurves(attempts);
    Set<String> progress = new HashSet<>();
    store.progress().forEach(r -> progress.add(r.trialId()));
    Map<String, EpochSeries> committed = committedCurves(
        trialIds.stream().distinct().filter(id -> byId.containsKey(id) && !live.containsKey(id)).toList(), attempts,
        snapshot);
    List<Curve> out = new ArrayList<>();
    for (String id : trialIds) {
      Map<String, Object> row = byId.get(id);
      if (live.containsKey(id)) {
        out.add(new Curve(id, row == null ? id : label(row), "RUNNING", true, live.get(id)));
      } else if (row != null) {
        out.add(new Curve(id, label(row), String.valueOf(row.get("status")), false, committed.get(id)));
      } else if (progress.contains(id)) {
        out.add(new Curve(id, id, "RUNNING", true, TrialIndex.series(List.of())));
      } else if (!snapshot.complete()) {
        TrialIndex.Progress p = snapshot.indexing();
        throw new DashboardException("no trial '" + id + "' read yet (indexing: "
            + (p.total() < 0 ? "listing trials/" : p.read() + " of " + p.total() + " trials files read") + ")");
      } else {
        throw new DashboardException("no trial '" + id + "' in the store");
      }
    }
    return out;
  }

  /** The committed curves of the given trials, their epochs files read in parallel on the curves' readers. */
  private Map<String, EpochSeries> committedCurves(List<String> trialIds, Map<String, Integer> attempts,
      TrialIndex.Snapshot snapshot) throws IOException {
    Map<String, CompletableFuture<EpochSeries>> reads = new LinkedHashMap<>();
    for (String id : trialIds) {
      reads.put(id, CompletableFuture.supplyAsync(() -> {
        try {
          return index.committedCurve(id, attempts.get(id), snapshot);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, curveReaders));
    }
    Map<String, EpochSeries> out = new HashMap<>();
    for (Map.Entry<String, CompletableFuture<EpochSeries>> r : reads.entrySet()) {
      try {
        out.put(r.getKey(), r.getValue().join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    return out;
  }

  /**
   * The trials of a sweep (or the given ones) grouped by what they set other than the seed, with
   * mean and std bands of each metric per epoch.
   */
  public List<Group> groups(String sweep, List<String> trialIds) throws IOException {
    Map<String, Map<String, Object>> byId = byId(current());
    List<String> ids = new ArrayList<>();
    if (trialIds.isEmpty()) {
      byId.forEach((id, r) -> {
        if (String.valueOf(r.get("sweep")).equals(sweep)) {
          ids.add(id);
        }
      });
      if (ids.isEmpty()) {
        throw new DashboardException("no trials of sweep '" + sweep + "' in the store");
      }
    } else {
      ids.addAll(trialIds);
    }
    Map<String, List<Curve>> byGroup = new TreeMap<>();
    for (Curve c : curves(ids)) {
      Map<String, Object> row = byId.get(c.trialId());
      byGroup.computeIfAbsent(row == null ? c.trialId() : groupLabel(row), k -> new ArrayList<>()).add(c);
    }
    List<Group> out = new ArrayList<>();
    byGroup.forEach((label, curves) -> {
      Map<String, Bands> bands = new LinkedHashMap<>();
      List<EpochSeries> series = curves.stream().map(Curve::series).toList();
      EpochSeries.METRICS.forEach(m -> bands.put(m, Bands.of(series, m)));
      out.add(new Group(label, curves.stream().map(Curve::trialId).toList(), bands));
    });
    return out;
  }

  public SparkViews.Answer query(String sql, int limit) throws IOException {
    return spark.query(sql, limit, viewsVersion());
  }

  SparkViews.ReportFiles report(String sweep) throws IOException {
    return spark.report(sweep, viewsVersion());
  }

  /** Equal while the files the views read are the same: the committed trials and the running trials' live epoch files. */
  private List<Object> viewsVersion() throws IOException {
    List<String> live = new ArrayList<>();
    for (String dir : store.liveDirectories()) {
      store.liveFiles(dir).forEach(f -> live.add(dir + "/" + f.name() + " " + f.modified() + " " + f.length()));
    }
    live.sort(null);
    return List.of(current().version(), live);
  }

  private static Map<String, Map<String, Object>> byId(TrialIndex.Snapshot snapshot) {
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    snapshot.rows().forEach(r -> byId.put(String.valueOf(r.get("trial_id")), r));
    return byId;
  }

  /** What a trial's sweep set for it (the swept column), as "key=value ...". */
  static String label(Map<String, Object> row) {
    return sweptText(row, false);
  }

  /** The swept settings other than the seed: the configuration the seeds of a group share. */
  static String groupLabel(Map<String, Object> row) {
    String s = sweptText(row, true);
    return s.isEmpty() ? String.valueOf(row.get("sweep")) : s;
  }

  private static String sweptText(Map<String, Object> row, boolean withoutSeed) {
    Object swept = row.get("swept");
    if (swept == null) {
      return String.valueOf(row.get("trial_id"));
    }
    try {
      Map<?, ?> m = JSON.readValue(String.valueOf(swept), Map.class);
      List<String> parts = new ArrayList<>();
      new TreeMap<>(m).forEach((k, v) -> {
        if (!(withoutSeed && "seed".equals(k))) {
          parts.add(k + "=" + v);
        }
      });
      return String.join(" ", parts);
    } catch (IOException e) {
      return String.valueOf(swept);
    }
  }
}
