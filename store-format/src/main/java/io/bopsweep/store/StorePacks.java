package io.bopsweep.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;

/**
 * Packs: committed trials that {@code bopsweep store compact} merged into one pair of files,
 * {@code trials/pack.K.parquet} (one row per trial) and {@code epochs/pack.K.parquet} (their epoch
 * rows, by trial), K a number. A pack name cannot be a trial id (ids have no '.'), so a pack is
 * never mistaken for a trial's file.
 *
 * <p>Protocol (the writer is {@code StoreCompaction} of sweep-driver; this class is the readers'
 * side of it). A compaction holds the driver lock and, for each pack K:
 *
 * <ol>
 *   <li>writes both pack files under {@code _staging/};
 *   <li>writes the record {@code _compaction/pack.K.json} (the trial ids it packs; a temporary
 *       name renamed into place);
 *   <li>renames the epochs pack into {@code epochs/}, then the trials pack into {@code trials/}:
 *       that rename is the pack's commit, as a trials file is a single trial's;
 *   <li>deletes the packed trials' own files, {@code trials/ID.parquet} before {@code epochs/ID.parquet};
 *   <li>deletes the record.
 * </ol>
 *
 * Readers apply one rule at every one of these points: a pack is committed exactly when its trials
 * file exists; while the record of a committed pack exists, the trial files of the ids it lists are
 * copies that the pack supersedes (not read); an epochs pack whose trials pack is not there is what
 * an unfinished compaction left (not read, like an epochs file without its trials row). A trial's
 * own file that no record lists wins over a pack row of the same id (it was committed after the
 * compaction). So every trial is read exactly once, whatever point a killed compaction reached; the
 * next lock holder finishes a committed pack (step 4, 5) or rolls an uncommitted one back (deletes
 * its epochs pack and record). Readers read the records before and after listing and list again
 * when they changed.
 */
public final class StorePacks {
  private StorePacks() {}

  /** Where the records of compactions in progress are. */
  public static final String COMPACTION = "_compaction";

  /** A trial's own file: its id (16 hex digits as sweeps name trials; letters, digits, '_', '-'). */
  static final Pattern SINGLE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_-]*)\\.parquet");
  private static final Pattern PACK = Pattern.compile("pack\\.(\\d{1,18})\\.parquet");
  private static final Pattern PACK_CRC = Pattern.compile("\\.pack\\.(\\d{1,18})\\.parquet\\.crc");
  private static final Pattern RECORD = Pattern.compile("pack\\.(\\d{1,18})\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record of a compaction in progress: pack K and the trials it packs. */
  public record Record(long pack, List<String> trialIds) {
    public Record {
      trialIds = List.copyOf(trialIds);
    }
  }

  /** The file name of pack K (in trials/ and in epochs/). */
  public static String fileName(long pack) {
    return String.format("pack.%06d.parquet", pack);
  }

  /** The pack number of a file name, or null when it is not a pack's. */
  public static Long packOf(String name) {
    Matcher m = PACK.matcher(name);
    return m.matches() ? Long.parseLong(m.group(1)) : null;
  }

  /** Hadoop's checksum sidecar of a pack file. */
  static boolean isPackCrc(String name) {
    return PACK_CRC.matcher(name).matches();
  }

  public static Path trialsPack(Path root, long pack) {
    return new Path(root, StoreFormat.TRIALS + "/" + fileName(pack));
  }

  public static Path epochsPack(Path root, long pack) {
    return new Path(root, StoreFormat.EPOCHS + "/" + fileName(pack));
  }

  public static Path recordPath(Path root, long pack) {
    return new Path(root, COMPACTION + "/pack." + String.format("%06d", pack) + ".json");
  }

  /** Writes a record under a temporary name and renames it into place; refuses to replace one. */
  public static void writeRecord(FileSystem fs, Path root, Record r) throws IOException {
    Path file = recordPath(root, r.pack());
    fs.mkdirs(file.getParent());
    Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("pack", r.pack());
    json.put("trial_ids", r.trialIds());
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(JSON.writeValueAsBytes(json));
    }
    if (fs.exists(file) || !fs.rename(tmp, file)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + file);
    }
  }

  /**
   * The records of compactions in progress, by pack. A record is renamed into place whole, so one
   * that does not read is damage: an IOException naming it.
   */
  public static Map<Long, Record> records(FileSystem fs, Path root) throws IOException {
    Map<Long, Record> out = new java.util.TreeMap<>();
    for (FileStatus f : list(fs, new Path(root, COMPACTION))) {
      Matcher m = RECORD.matcher(f.getPath().getName());
      if (!m.matches() || !f.isFile()) {
        continue; // a temporary record being written, or its checksum
      }
      try (InputStream in = fs.open(f.getPath())) {
        Map<?, ?> json = JSON.readValue(in, Map.class);
        if (!(json.get("trial_ids") instanceof List<?> ids)) {
          throw new IOException(COMPACTION + "/" + f.getPath().getName() + ": not a compaction record (no trial_ids)");
        }
        out.put(Long.parseLong(m.group(1)), new Record(Long.parseLong(m.group(1)),
            ids.stream().map(String::valueOf).toList()));
      } catch (FileNotFoundException e) {
        // removed meanwhile: the compaction finished; the caller compares records before and after
      } catch (JsonProcessingException e) {
        throw new IOException(COMPACTION + "/" + f.getPath().getName() + ": unreadable compaction record");
      }
    }
    return out;
  }

  /** The ids whose own files a committed pack supersedes, and the packs not committed yet. */
  public record Layout(Map<Long, Record> records, Set<Long> committedPacks, Set<String> superseded) {
    /** Whether trials/ID.parquet and epochs/ID.parquet of this id are to be read. */
    public boolean readsSingle(String id) {
      return !superseded.contains(id);
    }

    /** Whether epochs pack K is to be read (its trials pack is in place). */
    public boolean readsPack(long pack) {
      return committedPacks.contains(pack);
    }
  }

  /** Packs whose trials file is in the listing of trials/, and what their records supersede. */
  static Layout layout(Map<Long, Record> records, List<FileStatus> trialsListing) {
    Set<Long> committed = new LinkedHashSet<>();
    for (FileStatus f : trialsListing) {
      Long k = packOf(f.getPath().getName());
      if (k != null && f.isFile()) {
        committed.add(k);
      }
    }
    Set<String> superseded = new LinkedHashSet<>();
    records.forEach((k, r) -> {
      if (committed.contains(k)) {
        superseded.addAll(r.trialIds());
      }
    });
    return new Layout(records, committed, superseded);
  }

  /**
   * The trials files readers read: committed packs first, then the trials' own files that no
   * record supersedes (so that, read in order into a map by id, a later commit wins).
   */
  public static List<Path> trialsFiles(FileSystem fs, Path root) throws IOException {
    for (int tries = 0; ; tries++) {
      Map<Long, Record> before = records(fs, root);
      List<FileStatus> listing = list(fs, new Path(root, StoreFormat.TRIALS));
      if (tries < 4 && !before.equals(records(fs, root))) {
        continue;
      }
      Layout layout = layout(before, listing);
      List<Path> packs = new ArrayList<>();
      List<Path> singles = new ArrayList<>();
      for (FileStatus f : listing) {
        String name = f.getPath().getName();
        Matcher m = SINGLE.matcher(name);
        if (packOf(name) != null) {
          packs.add(f.getPath());
        } else if (m.matches() && layout.readsSingle(m.group(1))) {
          singles.add(f.getPath());
        }
      }
      packs.addAll(singles);
      return packs;
    }
  }

  /** The committed pack whose trials file holds a row of this trial, or null. */
  public static Long packHolding(FileSystem fs, Path root, Configuration conf, String trialId) throws IOException {
    Configuration c = new Configuration(conf);
    c.set(ReadSupport.PARQUET_READ_SCHEMA, "message trials { required binary trial_id (STRING); }");
    Long found = null;
    for (FileStatus f : list(fs, new Path(root, StoreFormat.TRIALS))) {
      Long k = packOf(f.getPath().getName());
      if (k == null) {
        continue;
      }
      try (ParquetReader<Group> reader = ParquetFiles.groups(f.getPath(), c)
          .withFilter(FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("trial_id"), Binary.fromString(trialId))))
          .build()) {
        if (reader.read() != null) {
          found = k; // the highest pack holding it (there is one unless a trial was packed, rerun and packed again)
        }
      }
    }
    return found;
  }

  /**
   * The rows of one trial in a pack's file (trials/ or epochs/, by dir), all columns; read with a
   * filter on trial_id, so that only the row groups and pages that hold the trial are decoded.
   */
  public static List<Group> rowsOf(FileSystem fs, Path root, Configuration conf, String dir, long pack, String trialId)
      throws IOException {
    List<Group> out = new ArrayList<>();
    Path file = new Path(root, dir + "/" + fileName(pack));
    try (ParquetReader<Group> reader = ParquetFiles.groups(file, conf)
        .withFilter(FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn("trial_id"), Binary.fromString(trialId))))
        .build()) {
      Group g;
      while ((g = reader.read()) != null) {
        out.add(g);
      }
    }
    return out;
  }

  /** A directory's entries by name; none where it does not exist. */
  static List<FileStatus> list(FileSystem fs, Path dir) throws IOException {
    try {
      List<FileStatus> out = new ArrayList<>(List.of(fs.listStatus(dir)));
      out.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      return out;
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }
}
