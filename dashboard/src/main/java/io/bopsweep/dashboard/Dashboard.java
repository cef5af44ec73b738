package io.bopsweep.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** What the dashboard's JSON endpoints answer, from the store alone. */
public final class Dashboard {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sweep's trials by status, and how many epochs they ran. */
  public record SweepSummary(String sweep, int trials, Map<String, Integer> counts, long epochsDone) {}

  /** The sweeps page: the committed sweeps, the running trials, the manifests. */
  public record Overview(String store, List<SweepSummary> sweeps, List<RunningTrial> running, Double etaSeconds,
      List<StoreAccess.Manifest> manifests) {}

  /** One trial's curve; {@code running} where it has no trials row yet. */
  public record Curve(String trialId, String label, String status, boolean running, EpochSeries series) {}

  /** Mean and std bands of a group of trials (the seeds of one configuration). */
  public record Group(String label, List<String> trialIds, Map<String, Bands> bands) {}

  private final StoreAccess store;
  private final TrialIndex index;
  private final SparkViews spark;

  public Dashboard(StoreAccess store, Supplier<SparkSession> sessions) {
    this.store = store;
    this.index = new TrialIndex(store);
    this.spark = new SparkViews(sessions, store.uri());
  }

  public StoreAccess store() {
    return store;
  }

  /** Reads the committed trials (all of them on the first call, then only new or changed files). */
  public int refresh() throws IOException {
    return index.refresh().rows().size();
  }

  public Overview overview() throws IOException {
    List<Map<String, Object>> rows = index.refresh().rows();
    Map<String, List<Map<String, Object>>> bySweep = new TreeMap<>();
    Set<String> committed = new HashSet<>();
    for (Map<String, Object> r : rows) {
      bySweep.computeIfAbsent(String.valueOf(r.get("sweep")), k -> new ArrayList<>()).add(r);
      committed.add(String.valueOf(r.get("trial_id")));
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
    List<RunningTrial> running = new ArrayList<>();
    index.observe(store.progress()).values().stream().filter(r -> !committed.contains(r.trialId())).forEach(running::add);
    Double eta = running.stream().map(RunningTrial::secondsLeft).filter(s -> s != null).max(Double::compare).orElse(null);
    return new Overview(store.uri(), sweeps, running, eta, store.manifests());
  }

  public TrialTable trials(String filter, String sort, boolean descending, int offset, int limit) throws IOException {
    return TrialTable.page(index.refresh().rows(), filter, sort, descending, offset, Math.min(limit, 1000));
  }

  /** Curves of the given trials, committed or running, in the order given. */
  public List<Curve> curves(List<String> trialIds) throws IOException {
    Map<String, Map<String, Object>> byId = byId();
    Map<String, RunningTrial> running = index.observe(store.progress());
    Map<String, EpochSeries> committed = new ConcurrentHashMap<>();
    try {
      // epochs files are read in parallel: the first curve of many trials waits on their reads
      trialIds.stream().distinct().filter(byId::containsKey).toList().parallelStream().forEach(id -> {
        try {
          committed.put(id, index.committedCurve(id, ((Number) byId.get(id).get("attempt")).intValue()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Curve> out = new ArrayList<>();
    for (String id : trialIds) {
      Map<String, Object> row = byId.get(id);
      if (row != null) {
        out.add(new Curve(id, label(row), String.valueOf(row.get("status")), false, committed.get(id)));
      } else if (running.containsKey(id)) {
        out.add(new Curve(id, id, "RUNNING", true, index.liveCurve(id)));
      } else {
        throw new DashboardException("no trial '" + id + "' in the store");
      }
    }
    return out;
  }

  /**
   * The trials of a sweep (or the given ones) grouped by what they set other than the seed, with
   * mean and std bands of each metric per epoch.
   */
  public List<Group> groups(String sweep, List<String> trialIds) throws IOException {
    Map<String, Map<String, Object>> byId = byId();
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
    return spark.query(sql, limit, index.refresh().version());
  }

  SparkViews.ReportFiles report(String sweep) throws IOException {
    return spark.report(sweep, index.refresh().version());
  }

  private Map<String, Map<String, Object>> byId() throws IOException {
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    index.refresh().rows().forEach(r -> byId.put(String.valueOf(r.get("trial_id")), r));
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
