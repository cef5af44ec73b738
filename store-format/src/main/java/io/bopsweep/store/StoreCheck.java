package io.bopsweep.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * What a store file is, for every writer and reader: {@code trials/ID.parquet} and
 * {@code epochs/ID.parquet} with ID a trial id (16 hex digits; letters, digits, '_', '-') (and Hadoop's {@code .ID.parquet.crc} sidecars
 * beside them). A file there is intact when it reads as Parquet to its last row (Hadoop's checksum,
 * where it has one, agrees); a trials row is intact when it has one row whose trial_id is its file
 * name and whose status is known; a DONE or DIVERGED trial has its epochs file. Packs
 * ({@link StorePacks}: {@code trials/pack.K.parquet} and {@code epochs/pack.K.parquet}, written by
 * {@code bopsweep store compact}) hold many trials: a trials pack reads to its last row, each row a
 * trial id (once) with a known status, and its epochs pack is there, reads through the file system's
 * checksum and its trial_id column to the last row, and holds rows of every DONE or DIVERGED trial of
 * the pack; the trial files a committed pack supersedes while its compaction record exists are not
 * read. Anything else in trials/ or epochs/ is damage: readers refuse the store with one line naming the first damage, and
 * {@code bopsweep store check DIR [--repair]} lists them all and moves the damaged trials aside.
 */
public final class StoreCheck {
  private StoreCheck() {}

  /** From how many trials in files of their own on readers suggest {@code bopsweep store compact}. */
  public static final int COMPACT_HINT_TRIALS = 1_000;

  /** Where {@code --repair} moves damaged files, under a directory per repair. */
  public static final String DAMAGED = "_damaged";

  /** Trial statuses a trials row may hold (TrialStatus of trainer-core). */
  public static final Set<String> STATUSES = Set.of("DONE", "DIVERGED", "FAILED", "STOPPED");

  /** A trial id: 16 hex digits as sweeps name trials; letters, digits, '_' and '-' as the writer accepts them. */
  private static final Pattern FILE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_-]*)\\.parquet");
  private static final Pattern CRC = Pattern.compile("\\.([A-Za-z0-9][A-Za-z0-9_-]*)\\.parquet\\.crc");

  /**
   * One damaged file.
   *
   * @param file the path relative to the store root, e.g. {@code trials/0123456789abcdef.parquet}
   * @param trialId the trial it belongs to, or null for a file that belongs to no trial
   * @param problem what is wrong, a few words
   */
  public record Damage(String file, String trialId, String problem) {
    public String line() {
      return file + ": " + problem;
    }
  }

  /** What a check found: the damage, and the intact trials and epochs files (the ones readers may read). */
  public record Result(List<Damage> damage, List<Path> trialsFiles, List<Path> epochsFiles) {
    public boolean intact() {
      return damage.isEmpty();
    }

    /** How many trials are in files of their own rather than in packs. */
    public long singleTrials() {
      return trialsFiles.stream().filter(p -> StorePacks.packOf(p.getName()) == null).count();
    }

    /**
     * For a reader of a store with {@link #COMPACT_HINT_TRIALS} or more trials in files of their
     * own: one line saying that {@code bopsweep store compact} would make it faster; empty otherwise.
     */
    public java.util.Optional<String> compactHint(String uri) {
      long single = singleTrials();
      if (single < COMPACT_HINT_TRIALS) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(String.format(java.util.Locale.ROOT, "note: %s keeps %,d trials in files of their"
          + " own, and readers spend most of their time opening them: bopsweep store compact %s packs them into a few"
          + " files", uri, single, uri));
    }

    /**
     * One line for a reader that refuses the store: the first damage, how many more, and what to run.
     */
    public String refusal(String uri) {
      Damage d = damage.get(0);
      return uri + "/" + d.line() + (damage.size() > 1 ? " (and " + (damage.size() - 1) + " more damaged files)" : "")
          + "; see: bopsweep store check " + uri + " --repair";
    }
  }

  /**
   * Checks trials/ and epochs/ of the store at root, packs included (see {@link StorePacks}): the
   * compaction records are read before and after the listing, and the check is done again when
   * they changed meanwhile.
   */
  public static Result check(FileSystem fs, Path root, Configuration conf) throws IOException {
    Configuration read = ParquetFiles.readConfiguration(conf, fs);
    for (int tries = 0; ; tries++) {
      Map<Long, StorePacks.Record> records;
      try {
        records = StorePacks.records(fs, root);
      } catch (IOException e) {
        return new Result(List.of(new Damage(StorePacks.COMPACTION, null, e.getMessage())), List.of(), List.of());
      }
      Result r = check(fs, root, read, records);
      if (tries >= 4 || records.equals(StorePacks.records(fs, root))) {
        return r;
      }
    }
  }

  private static Result check(FileSystem fs, Path root, Configuration conf, Map<Long, StorePacks.Record> records)
      throws IOException {
    List<FileStatus> trialsListing = StorePacks.list(fs, new Path(root, StoreFormat.TRIALS));
    List<FileStatus> epochsListing = StorePacks.list(fs, new Path(root, StoreFormat.EPOCHS));
    StorePacks.Layout layout = StorePacks.layout(records, trialsListing);
    try (Reads reads = new Reads(fs, conf)) {
      reads.start(trialsListing, layout, true);
      reads.start(epochsListing, layout, false);
      return check(trialsListing, epochsListing, layout, reads, fs, conf);
    }
  }

  private static Result check(List<FileStatus> trialsListing, List<FileStatus> epochsListing,
      StorePacks.Layout layout, Reads reads, FileSystem fs, Configuration conf) {
    List<Damage> damage = new ArrayList<>();
    Map<String, String> statusById = new LinkedHashMap<>();
    Map<String, Long> packOfId = new LinkedHashMap<>();
    List<Path> trials = new ArrayList<>();
    List<Path> packs = new ArrayList<>();
    for (FileStatus f : trialsListing) {
      String rel = StoreFormat.TRIALS + "/" + f.getPath().getName();
      Long pack = StorePacks.packOf(f.getPath().getName());
      if (pack != null && f.isFile()) {
        String problem = checkTrialsPack(fs, f, conf, pack, statusById, packOfId);
        if (problem != null) {
          damage.add(new Damage(rel, null, problem));
        } else {
          packs.add(f.getPath());
        }
        continue;
      }
      if (StorePacks.isPackCrc(f.getPath().getName()) && f.isFile()) {
        continue;
      }
      String id = idOf(f, damage, rel);
      if (id == null || !layout.readsSingle(id)) {
        continue; // not a store file, or a copy that a committed pack supersedes
      }
      Read read = reads.take(f.getPath());
      List<Group> rows = read.rows();
      String problem = read.problem();
      if (problem == null) {
        if (rows.size() != 1) {
          problem = "holds " + rows.size() + " rows, not one trials row";
        } else {
          String storedId = string(rows.get(0), "trial_id");
          String status = string(rows.get(0), "status");
          if (!id.equals(storedId)) {
            problem = "holds the row of trial " + storedId + ", not " + id;
          } else if (status == null || !STATUSES.contains(status)) {
            problem = "unknown trial status " + (status == null ? "(none)" : "'" + status + "'") + " (known: DONE,"
                + " DIVERGED, FAILED, STOPPED)";
          } else {
            statusById.put(id, status); // a trial committed after a compaction wins over its pack row
            packOfId.remove(id);
          }
        }
      }
      if (problem != null) {
        damage.add(new Damage(rel, id, problem));
      } else {
        trials.add(f.getPath());
      }
    }
    List<Path> epochs = new ArrayList<>();
    Set<String> epochIds = new LinkedHashSet<>();
    Map<Long, Set<String>> packEpochIds = new LinkedHashMap<>();
    for (FileStatus f : epochsListing) {
      String rel = StoreFormat.EPOCHS + "/" + f.getPath().getName();
      Long pack = StorePacks.packOf(f.getPath().getName());
      if (pack != null && f.isFile()) {
        if (!layout.readsPack(pack)) {
          continue; // an unfinished compaction's: its trials pack is not in place
        }
        Set<String> ids = new LinkedHashSet<>();
        String problem = readPackIds(fs, f.getPath(), conf, ids);
        if (problem != null) {
          damage.add(new Damage(rel, null, problem));
        } else {
          epochs.add(f.getPath());
          packEpochIds.put(pack, ids);
        }
        continue;
      }
      if (StorePacks.isPackCrc(f.getPath().getName()) && f.isFile()) {
        continue;
      }
      String id = idOf(f, damage, rel);
      if (id == null || !layout.readsSingle(id)) {
        continue;
      }
      String problem = reads.take(f.getPath()).problem();
      if (problem != null) {
        damage.add(new Damage(rel, id, problem));
        statusById.remove(id); // the trial is damaged: its trials row must not be read without its epochs
        trials.removeIf(p -> p.getName().equals(id + ".parquet"));
      } else {
        epochs.add(f.getPath());
        epochIds.add(id);
      }
    }
    Set<Long> damagedPacks = new LinkedHashSet<>();
    for (Map.Entry<String, String> e : statusById.entrySet()) {
      boolean final_ = e.getValue().equals("DONE") || e.getValue().equals("DIVERGED");
      Long pack = packOfId.get(e.getKey());
      if (pack != null) {
        if (!packEpochIds.containsKey(pack)) {
          if (damagedPacks.add(pack) && damage.stream().noneMatch(d -> d.file().equals(StoreFormat.EPOCHS + "/"
              + StorePacks.fileName(pack)))) {
            damage.add(new Damage(StoreFormat.TRIALS + "/" + StorePacks.fileName(pack), null,
                "missing: its epochs pack " + StoreFormat.EPOCHS + "/" + StorePacks.fileName(pack) + " is not there"));
          }
        } else if (final_ && !packEpochIds.get(pack).contains(e.getKey()) && damagedPacks.add(pack)) {
          damage.add(new Damage(StoreFormat.TRIALS + "/" + StorePacks.fileName(pack), null, "trial " + e.getKey()
              + " is " + e.getValue() + " but " + StoreFormat.EPOCHS + "/" + StorePacks.fileName(pack)
              + " holds none of its rows"));
        }
      } else if (final_ && !epochIds.contains(e.getKey())) {
        damage.add(new Damage(StoreFormat.EPOCHS + "/" + e.getKey() + ".parquet", e.getKey(),
            "missing: the trial is " + e.getValue() + " but its epochs file is not there"));
        trials.removeIf(p -> p.getName().equals(e.getKey() + ".parquet"));
      }
    }
    for (Long pack : damagedPacks) {
      packs.removeIf(p -> p.getName().equals(StorePacks.fileName(pack)));
      epochs.removeIf(p -> p.getName().equals(StorePacks.fileName(pack)));
    }
    packs.addAll(trials);
    return new Result(damage, packs, epochs);
  }

  /**
   * Reads a trials pack to its last row: every row a trial id with a known status, no id twice;
   * returns the problem, or null (with the pack's statuses added).
   */
  private static String checkTrialsPack(FileSystem fs, FileStatus f, Configuration conf, long pack,
      Map<String, String> statusById, Map<String, Long> packOfId) {
    if (f.getLen() == 0) {
      return "empty file (0 bytes), not a Parquet file";
    }
    List<Group> rows = new ArrayList<>();
    String problem = read(fs, f.getPath(), conf, rows);
    if (problem != null) {
      return problem;
    }
    Map<String, String> mine = new LinkedHashMap<>();
    for (Group g : rows) {
      String id = string(g, "trial_id");
      String status = string(g, "status");
      if (id == null || !StorePacks.SINGLE.matcher(id + ".parquet").matches()) {
        return "holds a row whose trial_id is not a trial id: " + id;
      }
      if (status == null || !STATUSES.contains(status)) {
        return "trial " + id + ": unknown trial status " + (status == null ? "(none)" : "'" + status + "'");
      }
      if (mine.put(id, status) != null) {
        return "holds two rows of trial " + id;
      }
    }
    mine.forEach((id, status) -> {
      statusById.put(id, status);
      packOf(packOfId, id, pack);
    });
    return null;
  }

  private static void packOf(Map<String, Long> packOfId, String id, long pack) {
    packOfId.merge(id, pack, Math::max);
  }

  /**
   * Reads an epochs pack: every byte through the file system's checksum where it has one (local
   * files), the footer, and the trial_id column to its last row (the other columns are not decoded:
   * a pack holds many trials' epochs); returns the problem, or null (with the pack's trial ids added).
   */
  private static String readPackIds(FileSystem fs, Path file, Configuration conf, Set<String> ids) {
    if (fs instanceof org.apache.hadoop.fs.ChecksumFileSystem) {
      try (java.io.InputStream in = fs.open(file)) {
        byte[] buf = new byte[1 << 20];
        while (in.read(buf) >= 0) {
          // verified as read
        }
      } catch (org.apache.hadoop.fs.ChecksumException e) {
        return "damaged (the file system's checksum differs: truncated or overwritten)";
      } catch (IOException e) {
        return "cannot read (" + e.getMessage() + ")";
      }
    }
    Configuration c = new Configuration(conf);
    c.set(org.apache.parquet.hadoop.api.ReadSupport.PARQUET_READ_SCHEMA,
        "message epochs { required binary trial_id (STRING); }");
    List<Group> rows = new ArrayList<>();
    String problem = read(fs, file, c, rows);
    if (problem == null) {
      rows.forEach(g -> ids.add(string(g, "trial_id")));
    }
    return problem;
  }

  /** What reading a file found: the problem or null, and its rows where they were kept. */
  private record Read(String problem, List<Group> rows) {}

  /**
   * The reads of single-trial files, started on a few threads (a store as sweeps write it is one
   * pair of small files per trial, where a reader's time goes to opening files) and taken in the
   * listing's order, so that the check's result is the same as one thread's.
   */
  private static final class Reads implements AutoCloseable {
    private static final int THREADS = Math.min(8, Math.max(2, Runtime.getRuntime().availableProcessors()));
    private final FileSystem fs;
    private final Configuration conf;
    private final Map<Path, Future<Read>> started = new HashMap<>();
    private ExecutorService pool;

    Reads(FileSystem fs, Configuration conf) {
      this.fs = fs;
      this.conf = conf;
    }

    /** Starts reading the listing's single-trial files that the check reads (keeping their rows where asked). */
    void start(List<FileStatus> listing, StorePacks.Layout layout, boolean keepRows) {
      for (FileStatus f : listing) {
        var m = FILE.matcher(f.getPath().getName());
        if (f.isFile() && f.getLen() > 0 && m.matches() && StorePacks.packOf(f.getPath().getName()) == null
            && layout.readsSingle(m.group(1))) {
          if (pool == null) {
            pool = Executors.newFixedThreadPool(THREADS, r -> {
              Thread t = new Thread(r, "store-check");
              t.setDaemon(true);
              return t;
            });
          }
          Path file = f.getPath();
          started.put(file, pool.submit(() -> {
            List<Group> rows = keepRows ? new ArrayList<>() : null;
            return new Read(read(fs, file, conf, rows), rows);
          }));
        }
      }
    }

    Read take(Path file) {
      Future<Read> read = started.get(file);
      if (read == null) {
        throw new IllegalStateException("not started: " + file);
      }
      try {
        return read.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking " + file, e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("checking " + file, e.getCause());
      }
    }

    @Override
    public void close() {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** The trial id of a file in trials/ or epochs/, or null (with damage added for a stray file, none for a sidecar). */
  private static String idOf(FileStatus f, List<Damage> damage, String rel) {
    String name = f.getPath().getName();
    if (CRC.matcher(name).matches() && f.isFile()) {
      return null; // Hadoop's checksum of a store file
    }
    var m = FILE.matcher(name);
    if (!m.matches()) {
      damage.add(new Damage(rel, null, f.isDirectory() ? "a directory, not a store file" : "not a store file (a store"
          + " file is TRIAL_ID.parquet)"));
      return null;
    }
    if (f.isDirectory()) {
      damage.add(new Damage(rel, m.group(1), "a directory, not a Parquet file"));
      return null;
    }
    if (f.getLen() == 0) {
      damage.add(new Damage(rel, m.group(1), "empty file (0 bytes), not a Parquet file"));
      return null;
    }
    return m.group(1);
  }

  /** Reads every row of a Parquet file (into rows, when not null); returns the problem, or null. */
  private static String read(FileSystem fs, Path file, Configuration conf, List<Group> rows) {
    try (ParquetReader<Group> reader = ParquetFiles.groups(file, conf).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        if (rows != null) {
          rows.add(g);
        }
      }
      return null;
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      return "damaged (the file system's checksum differs: truncated or overwritten)";
    } catch (FileNotFoundException e) {
      return "disappeared while being read";
    } catch (IOException | RuntimeException e) {
      Throwable c = e;
      while (c.getCause() != null && !(c instanceof org.apache.hadoop.fs.ChecksumException)) {
        c = c.getCause();
      }
      if (c instanceof org.apache.hadoop.fs.ChecksumException) {
        return "damaged (the file system's checksum differs: truncated or overwritten)";
      }
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      return "not a readable Parquet file, truncated or corrupt (" + m.replace(file.toString(), "").strip() + ")";
    }
  }

  private static String string(Group g, String field) {
    try {
      return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Moves each damaged trial's files (trials row, epochs, model, checkpoint, live epochs) and each
   * stray file into {@code _damaged/TIME/} under the same relative paths; renames, never deletes.
   * The caller holds the driver lock. Returns the relative paths moved, and where to.
   */
  public static List<String> repair(FileSystem fs, Path root, List<Damage> damage, Instant now) throws IOException {
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC).format(now);
    Path aside = new Path(root, DAMAGED + "/" + stamp);
    Set<String> paths = new LinkedHashSet<>();
    for (Damage d : damage) {
      Long pack = StorePacks.packOf(new Path(d.file()).getName());
      if (d.trialId() == null && pack != null) {
        paths.add(StoreFormat.TRIALS + "/" + StorePacks.fileName(pack));
        paths.add(StoreFormat.EPOCHS + "/" + StorePacks.fileName(pack));
        paths.add(StorePacks.COMPACTION + "/pack." + String.format("%06d", pack) + ".json");
      } else if (d.trialId() == null) {
        paths.add(d.file());
      } else {
        String id = d.trialId();
        paths.add(StoreFormat.TRIALS + "/" + id + ".parquet");
        paths.add(StoreFormat.EPOCHS + "/" + id + ".parquet");
        paths.add("models/" + id + ".bmodel");
        paths.add(StoreFormat.CHECKPOINTS + "/" + id);
        paths.add("_live/" + id);
        if (!d.file().equals(StoreFormat.TRIALS + "/" + id + ".parquet")
            && !d.file().equals(StoreFormat.EPOCHS + "/" + id + ".parquet")) {
          paths.add(d.file());
        }
      }
    }
    List<String> moved = new ArrayList<>();
    for (String rel : paths) {
      Path from = new Path(root, rel);
      if (!fs.exists(from)) {
        continue;
      }
      Path to = new Path(aside, rel);
      fs.mkdirs(to.getParent());
      if (!fs.rename(from, to)) {
        throw new IOException("could not move " + from + " to " + to);
      }
      // Hadoop's local file system renames the .crc with its file; a sidecar left behind goes too
      Path crc = new Path(from.getParent(), "." + from.getName() + ".crc");
      if (fs.exists(crc)) {
        fs.rename(crc, new Path(to.getParent(), "." + to.getName() + ".crc"));
      }
      moved.add(rel + " -> " + DAMAGED + "/" + stamp + "/" + rel);
    }
    return moved;
  }
}
