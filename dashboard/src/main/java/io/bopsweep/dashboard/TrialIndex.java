package io.bopsweep.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The committed trials in memory, refreshed incrementally: each refresh lists trials/ and reads only
 * the files that are new or changed since the last; epochs are read when a curve asks, and kept
 * until their file changes. Running trials' progress is remembered epoch by epoch as it is polled.
 */
final class TrialIndex {
  private record Indexed(long modified, long length, List<Map<String, Object>> rows) {}

  private record CachedEpochs(long modified, long length, int attempt, EpochSeries series) {}

  /** The trials rows at one refresh, by trial id, and a number that changes whenever they do. */
  record Snapshot(List<Map<String, Object>> rows, long version) {}

  /** How old a directory time must be to trust that nothing changed in its last milliseconds. */
  static final long SETTLED_MILLIS = 2000;

  private final StoreAccess store;
  private final Map<String, Indexed> byFile = new ConcurrentHashMap<>();
  private final Map<String, CachedEpochs> epochs = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Integer, Double>> observedAcc = new ConcurrentHashMap<>();
  private volatile Snapshot snapshot = new Snapshot(List.of(), 0);
  private long listedDirModified = -1;
  private long listedAt;

  TrialIndex(StoreAccess store) {
    this.store = store;
  }

  /**
   * Lists trials/ and reads the files that are new or changed; returns the trials rows. Skips the
   * listing while the directory's modification time stays what it was, and was already at least
   * {@link #SETTLED_MILLIS} old when listed (writers add and replace files by renames, which change it).
   */
  synchronized Snapshot refresh() throws IOException {
    long dirModified = store.trialsDirModified();
    if (dirModified > 0 && dirModified == listedDirModified && dirModified < listedAt - SETTLED_MILLIS) {
      return snapshot;
    }
    listedAt = System.currentTimeMillis();
    listedDirModified = dirModified;
    List<StoreAccess.StoredFile> files = store.trialFiles();
    Set<String> present = new HashSet<>();
    List<StoreAccess.StoredFile> changed = new ArrayList<>();
    for (StoreAccess.StoredFile f : files) {
      present.add(f.name());
      Indexed known = byFile.get(f.name());
      if (known == null || known.modified() != f.modified() || known.length() != f.length()) {
        changed.add(f);
      }
    }
    boolean removed = byFile.keySet().retainAll(present);
    if (changed.isEmpty() && !removed) {
      return snapshot;
    }
    try {
      changed.parallelStream().forEach(f -> {
        try {
          byFile.put(f.name(), new Indexed(f.modified(), f.length(), store.readTrialRows(f)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    byFile.values().forEach(i -> rows.addAll(i.rows()));
    rows.sort(Comparator.comparing(r -> String.valueOf(r.get("trial_id"))));
    snapshot = new Snapshot(List.copyOf(rows), snapshot.version() + 1);
    return snapshot;
  }

  /** The curve of a committed trial (its trials row given), read from its epochs file when that changed. */
  EpochSeries committedCurve(String trialId, int attempt) throws IOException {
    StoreAccess.StoredFile f = store.epochsFile(trialId);
    if (f == null) {
      return new EpochSeries(List.of(), List.of(), List.of(), List.of(), List.of());
    }
    CachedEpochs c = epochs.get(trialId);
    if (c == null || c.modified() != f.modified() || c.length() != f.length() || c.attempt() != attempt) {
      c = new CachedEpochs(f.modified(), f.length(), attempt, store.readEpochs(f, trialId, attempt));
      epochs.put(trialId, c);
    }
    return c.series();
  }

  /** Remembers the epochs the running trials announced; returns them, by trial id. */
  Map<String, RunningTrial> observe(List<RunningTrial> running) {
    Map<String, RunningTrial> out = new TreeMap<>();
    for (RunningTrial r : running) {
      out.put(r.trialId(), r);
      if (r.testAcc() != null && r.epoch() > 0) {
        observedAcc.computeIfAbsent(r.trialId(), k -> new TreeMap<>()).put(r.epoch(), r.testAcc());
      }
    }
    return out;
  }

  /** The test accuracy a running trial announced, epoch by epoch, as far as this dashboard saw it. */
  EpochSeries liveCurve(String trialId) {
    TreeMap<Integer, Double> seen = observedAcc.getOrDefault(trialId, new TreeMap<>());
    List<Double> none = new ArrayList<>();
    seen.forEach((e, v) -> none.add(null));
    return new EpochSeries(new ArrayList<>(seen.keySet()), new ArrayList<>(seen.values()), none, none, none);
  }
}
