package io.bopsweep.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The committed trials in memory, read in the background: a pass lists trials/ and reads the files
 * that are new or changed since the last pass on a pool of readers, while requests answer from the
 * rows read so far and say how far the pass is. A file may hold one trial's row or many (a
 * compacted store); a trial is the row its trial_id column names, its latest committed attempt
 * where files hold several (as the {@code trials} view). Epochs are read when a curve asks, and
 * kept until their files change.
 */
final class TrialIndex {
  /** How far a pass is: trials files read (or found unreadable) of those it reads ({@code total} -1 while it lists trials/). */
  record Progress(int read, int total) {}

  /**
   * The trials rows (one per trial, by trial id) as far as they are read, a number that changes
   * whenever they do, the pass under way (null when none is), and the files the last pass could
   * not read (one line each; the next pass tries them again).
   */
  record Snapshot(List<Map<String, Object>> rows, long version, Progress indexing, List<String> unreadable) {
    boolean complete() {
      return indexing == null;
    }
  }

  /**
   * A committed trial's curve as read: from its own file ({@code inOwn}), or from the other files
   * that hold its rows once those were {@code searched}.
   */
  private record CachedEpochs(StoreAccess.StoredFile own, int attempt, boolean inOwn, boolean searched,
      List<StoreAccess.StoredFile> others, EpochSeries series) {}

  private record CachedLive(long modified, long length, List<StoreAccess.EpochRow> rows) {}

  private record CachedIds(long modified, long length, Set<String> ids) {}

  private record Rows(long changes, List<Map<String, Object>> rows) {}

  private static final class Pass {
    /** The files this pass reads; -1 while trials/ is being listed. */
    volatile int total = -1;
    final AtomicInteger read = new AtomicInteger();
    final CompletableFuture<Void> done = new CompletableFuture<>();
  }

  /** How old a directory time must be to trust that nothing changed in its last milliseconds. */
  static final long SETTLED_MILLIS = 2000;

  private final StoreAccess store;
  private final Executor readers;
  /** Where the rows read are kept between runs; null for none. */
  private final IndexCache cache;
  private boolean cacheLoaded;
  private long cacheSavedAt;
  static final int CACHE_PASS_FILES = 100;
  static final long CACHE_MILLIS = 60_000;
  private final Map<String, IndexCache.Entry> byFile = new ConcurrentHashMap<>();
  private final Map<String, String> unreadable = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private final Map<String, CachedEpochs> epochs = new ConcurrentHashMap<>();
  private final Map<String, CachedLive> live = new ConcurrentHashMap<>();
  private final Map<String, CachedIds> epochFileIds = new ConcurrentHashMap<>();
  private Pass pass;
  private Rows rows = new Rows(-1, List.of());
  private long listedDirModified = -1;
  private long listedAt;
  private long listedEpochsDirModified = -1;
  private long listedEpochsAt;
  private List<StoreAccess.StoredFile> epochsListing = List.of();

  /** Reads with a pool of its own: on a local disk reading is mostly CPU, elsewhere mostly waiting. */
  TrialIndex(StoreAccess store) {
    this(store, defaultReaders());
  }

  TrialIndex(StoreAccess store, Executor readers) {
    this(store, readers, null);
  }

  TrialIndex(StoreAccess store, Executor readers, IndexCache cache) {
    this.store = store;
    this.readers = readers;
    this.cache = cache;
  }

  static Executor defaultReaders() {
    return defaultReaders("bopsweep-dashboard-index");
  }

  /** A pool of 2 x cores file readers (at least 4), its threads named {@code name}, gone when idle. */
  static Executor defaultReaders(String name) {
    int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Starts a pass unless one is under way or nothing changed: lists trials/ (skipped while its
   * modification time stays what it was and was already {@link #SETTLED_MILLIS} old when listed;
   * writers add and replace files by renames, which change it) and hands each new or changed file
   * to the readers. The caller lists; a request meanwhile does not wait for the listing. Returns the
   * pass under way, or null.
   */
  CompletableFuture<Void> start() throws IOException {
    Pass p;
    synchronized (this) {
      if (pass != null && !pass.done.isDone()) {
        return pass.done;
      }
      long dirModified = store.trialsDirModified();
      if (unreadable.isEmpty() && dirModified > 0 && dirModified == listedDirModified
          && dirModified < listedAt - SETTLED_MILLIS) {
        return null;
      }
      listedAt = System.currentTimeMillis();
      listedDirModified = dirModified;
      p = new Pass();
      pass = p;
    }
    Set<String> present = new HashSet<>();
    List<StoreAccess.StoredFile> changed = new ArrayList<>();
    boolean loadCache;
    synchronized (this) {
      loadCache = cache != null && !cacheLoaded;
      cacheLoaded = true;
    }
    // a cached file's rows stand only where the file listed now has the cached length and time
    Map<String, IndexCache.Entry> cached = loadCache ? cache.load() : Map.of();
    try {
      for (StoreAccess.StoredFile f : store.trialFiles()) {
        present.add(f.name());
        IndexCache.Entry known = byFile.get(f.name());
        IndexCache.Entry kept = cached.get(f.name());
        if (known == null && kept != null && kept.modified() == f.modified() && kept.length() == f.length()) {
          byFile.put(f.name(), kept);
          changes.incrementAndGet();
        } else if (known == null || known.modified() != f.modified() || known.length() != f.length()) {
          changed.add(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        listedDirModified = -1;
      }
      p.total = 0;
      p.done.complete(null);
      throw e;
    }
    boolean removed = byFile.keySet().retainAll(present);
    if (removed) {
      changes.incrementAndGet();
    }
    unreadable.keySet().retainAll(present);
    p.total = changed.size();
    if (changed.isEmpty()) {
      if (removed || !present.containsAll(cached.keySet())) {
        saveCache(0);
      }
      p.done.complete(null);
      return null;
    }
    for (StoreAccess.StoredFile f : changed) {
      readers.execute(() -> read(f, p));
    }
    return p.done;
  }

  private void read(StoreAccess.StoredFile f, Pass p) {
    try {
      byFile.put(f.name(), new IndexCache.Entry(f.modified(), f.length(), store.readTrialRows(f)));
      unreadable.remove(f.name());
      changes.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      unreadable.put(f.name(), "trials/" + f.name() + ": " + StoreAccess.firstLine(e));
    } finally {
      if (p.read.incrementAndGet() == p.total) {
        saveCache(p.total);
        p.done.complete(null);
      }
    }
  }

  /**
   * Keeps the rows read for the next run, where there is a cache: after a pass of at least
   * {@link #CACHE_PASS_FILES} files at once, else at most every {@link #CACHE_MILLIS} (a sweep
   * commits trials one by one; a file committed since the last save is read again by the next run).
   */
  private void saveCache(int filesRead) {
    long now = System.currentTimeMillis();
    synchronized (this) {
      if (cache == null || filesRead < CACHE_PASS_FILES && now - cacheSavedAt < CACHE_MILLIS) {
        return;
      }
      cacheSavedAt = now;
    }
    cache.save(new HashMap<>(byFile));
  }

  /** Starts a pass where one is due and waits for it to end. */
  Snapshot refresh() throws IOException {
    CompletableFuture<Void> done = start();
    if (done != null) {
      try {
        done.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while indexing the trials");
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
    return snapshot();
  }

  /** Starts a pass where one is due and waits at most {@code wait} for it: a small one ends within, a large one goes on. */
  Snapshot current(Duration wait) throws IOException {
    CompletableFuture<Void> done = start();
    if (done != null) {
      try {
        done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // answered from the rows read so far; the snapshot says how far the pass is
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
    return snapshot();
  }

  /** The rows read so far, without listing anything. */
  Snapshot snapshot() {
    Progress indexing;
    Rows r;
    synchronized (this) {
      // the pass's state first: a pass seen ended has put all its rows before the rows below are gathered
      indexing = pass == null || pass.done.isDone() ? null : new Progress(pass.read.get(), pass.total);
      long c = changes.get();
      if (rows.changes() != c) {
        rows = new Rows(c, latestPerTrial(byFile.values().stream().flatMap(i -> i.rows().stream()).toList()));
      }
      r = rows;
    }
    return new Snapshot(r.rows(), r.changes(), indexing, unreadable.values().stream().sorted().toList());
  }

  /** One row per trial_id, the latest committed attempt (finished_at, then attempt, as the trials view), by trial id. */
  static List<Map<String, Object>> latestPerTrial(List<Map<String, Object>> all) {
    Comparator<Map<String, Object>> newer = Comparator.comparing((Map<String, Object> r) -> instant(r.get("finished_at")))
        .thenComparing(r -> r.get("attempt") instanceof Number n ? n.intValue() : 0);
    TreeMap<String, Map<String, Object>> byId = new TreeMap<>();
    for (Map<String, Object> r : all) {
      byId.merge(String.valueOf(r.get("trial_id")), r, (a, b) -> newer.compare(b, a) > 0 ? b : a);
    }
    return List.copyOf(byId.values());
  }

  private static Instant instant(Object iso) {
    return iso == null ? Instant.MIN : Instant.parse(String.valueOf(iso));
  }

  /**
   * The curve of a committed trial (its trials row's attempt given): its rows of that attempt in
   * epochs/ID.parquet or, where that file lacks them, in the files of epochs/ that are not named by
   * a committed trial (compacted ones, searched by their trial_id column once the index is
   * complete). Read again when one of those files changed.
   */
  EpochSeries committedCurve(String trialId, int attempt, Snapshot trials) throws IOException {
    StoreAccess.StoredFile own = store.epochsFile(trialId);
    CachedEpochs c = epochs.get(trialId);
    if (c != null && c.attempt() == attempt && Objects.equals(c.own(), own)
        && (c.inOwn() || c.searched() && epochsListing().containsAll(c.others()))) {
      return c.series();
    }
    List<StoreAccess.EpochRow> found = own == null ? List.of() : store.readEpochs(own, trialId, attempt);
    if (!found.isEmpty()) {
      c = new CachedEpochs(own, attempt, true, false, List.of(), series(found));
    } else if (trials.complete()) {
      List<StoreAccess.StoredFile> others = othersHolding(trialId, trials);
      List<StoreAccess.EpochRow> rows = new ArrayList<>();
      for (StoreAccess.StoredFile f : others) {
        rows.addAll(store.readEpochs(f, trialId, attempt));
      }
      c = new CachedEpochs(own, attempt, false, true, others, series(rows));
    } else {
      return series(found);
    }
    epochs.put(trialId, c);
    return c.series();
  }

  /** The files of epochs/ not named by a committed trial that hold rows of the trial. */
  private List<StoreAccess.StoredFile> othersHolding(String trialId, Snapshot trials) throws IOException {
    Set<String> committed = new HashSet<>();
    trials.rows().forEach(r -> committed.add(String.valueOf(r.get("trial_id"))));
    List<StoreAccess.StoredFile> out = new ArrayList<>();
    for (StoreAccess.StoredFile f : epochsListing()) {
      if (committed.contains(f.stem())) {
        continue;
      }
      CachedIds ids = epochFileIds.get(f.name());
      if (ids == null || ids.modified() != f.modified() || ids.length() != f.length()) {
        ids = new CachedIds(f.modified(), f.length(), store.trialIdsIn(f));
        epochFileIds.put(f.name(), ids);
      }
      if (ids.ids().contains(trialId)) {
        out.add(f);
      }
    }
    return out;
  }

  private synchronized List<StoreAccess.StoredFile> epochsListing() throws IOException {
    long dirModified = store.epochsDirModified();
    if (dirModified <= 0 || dirModified != listedEpochsDirModified || dirModified >= listedEpochsAt - SETTLED_MILLIS) {
      listedEpochsAt = System.currentTimeMillis();
      listedEpochsDirModified = dirModified;
      epochsListing = store.epochFiles();
      Set<String> names = new HashSet<>();
      epochsListing.forEach(f -> names.add(f.name()));
      epochFileIds.keySet().retainAll(names);
    }
    return epochsListing;
  }

  /**
   * The epochs that running attempts finished so far (_live/), by trial id: per trial, the rows of
   * attempts later than its committed one (all where it has none), per epoch the latest attempt's,
   * as the {@code epochs_live} view. Each live file is read once.
   */
  Map<String, EpochSeries> liveCurves(Map<String, Integer> committedAttempts) throws IOException {
    Map<String, List<StoreAccess.EpochRow>> byTrial = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (String dir : store.liveDirectories()) {
      for (StoreAccess.StoredFile f : store.liveFiles(dir)) {
        String key = dir + "/" + f.name();
        seen.add(key);
        CachedLive c = live.get(key);
        if (c == null || c.modified() != f.modified() || c.length() != f.length()) {
          c = new CachedLive(f.modified(), f.length(), store.readLive(dir, f));
          live.put(key, c);
        }
        for (StoreAccess.EpochRow r : c.rows()) {
          Integer committed = committedAttempts.get(r.trialId());
          if (committed == null || r.attempt() > committed) {
            byTrial.computeIfAbsent(r.trialId(), k -> new ArrayList<>()).add(r);
          }
        }
      }
    }
    live.keySet().retainAll(seen);
    Map<String, EpochSeries> out = new TreeMap<>();
    byTrial.forEach((id, rows) -> out.put(id, series(rows)));
    return out;
  }

  /** One point per epoch, the latest attempt's where several attempts wrote it, in epoch order. */
  static EpochSeries series(List<StoreAccess.EpochRow> rows) {
    TreeMap<Integer, StoreAccess.EpochRow> byEpoch = new TreeMap<>();
    for (StoreAccess.EpochRow r : rows) {
      byEpoch.merge(r.epoch(), r, (a, b) -> b.attempt() > a.attempt() ? b : a);
    }
    List<Integer> epoch = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> trainLoss = new ArrayList<>();
    List<Double> pi = new ArrayList<>();
    byEpoch.forEach((e, r) -> {
      epoch.add(e);
      acc.add(r.testAcc());
      loss.add(r.testLoss());
      trainLoss.add(r.trainLoss());
      pi.add(r.piLast());
    });
    return new EpochSeries(epoch, acc, loss, trainLoss, pi);
  }
}
