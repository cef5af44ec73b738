package io.bopsweep.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bopsweep.store.ParquetFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Everything the dashboard reads from a results store, and the only class that knows its layout
 * (trials/, epochs/, _live/TRIAL_ID/epoch-N.parquet, _checkpoints/TRIAL_ID/progress.json,
 * _manifests/). Read-only: nothing here writes, renames or deletes. A Parquet file of trials/ or
 * epochs/ may hold the rows of one trial (named by its id, as sweeps write them) or of many (a
 * compacted store): trial ids are read from the rows, never from file names.
 */
public final class StoreAccess {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The trials columns the dashboard never shows; they are not read. */
  static final Set<String> TRIAL_COLUMNS_SKIPPED = Set.of("config_json");
  /** The epoch columns the curves read; the rest of an epochs file is skipped. */
  static final Set<String> EPOCH_COLUMNS = Set.of("trial_id", "attempt", "epoch", "train_loss", "test_loss", "test_acc",
      "pi_last");

  /** One Parquet file of a store directory, as listed. */
  public record StoredFile(String name, long modified, long length) {
    /** The trial id a file of one trial is named by; a compacted file's name is no trial id. */
    public String stem() {
      return name.substring(0, name.length() - ".parquet".length());
    }
  }

  /** One file under _manifests/, as text. */
  public record Manifest(String name, String text) {}

  /** One stored epoch row: the columns the curves draw (null where a file lacks the column). */
  public record EpochRow(String trialId, int attempt, int epoch, Double testAcc, Double testLoss, Double trainLoss,
      Double piLast) {}

  private final String uri;
  private final Configuration conf;
  private final Path root;
  private final FileSystem fs;

  private StoreAccess(String uri, Configuration conf, Path root, FileSystem fs) {
    this.uri = uri;
    this.conf = ParquetFiles.readConfiguration(conf, fs);
    this.root = root;
    this.fs = fs;
  }

  /** Opens a store for reading; a missing or foreign directory is a one-line {@link DashboardException}. */
  public static StoreAccess open(String uri, Configuration conf) {
    Path root = new Path(uri.contains("://") || uri.startsWith("file:") ? URI.create(uri)
        : new java.io.File(uri).getAbsoluteFile().toURI());
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new DashboardException("--results " + uri + ": no such results directory");
      }
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new DashboardException("--results " + uri + ": is a file, not a results directory");
      }
      if (!fs.exists(new Path(root, "STORE.json"))) {
        throw new DashboardException("--results " + uri + ": not a bopsweep results store (no STORE.json)");
      }
      return new StoreAccess(uri, conf, root, fs);
    } catch (IOException e) {
      throw new DashboardException("--results " + uri + ": cannot read (" + firstLine(e) + ")");
    }
  }

  public String uri() {
    return uri;
  }

  /** The store's root as a qualified URI (file:/... for a local store). */
  public String rootUri() {
    return fs.makeQualified(root).toString();
  }

  /**
   * When trials/ last changed (a file added, renamed into it or removed), in epoch milliseconds;
   * 0 where the file system keeps no such time (object stores) or there is no trials/ yet.
   */
  public long trialsDirModified() throws IOException {
    try {
      return fs.getFileStatus(new Path(root, "trials")).getModificationTime();
    } catch (FileNotFoundException e) {
      return 0;
    }
  }

  /**
   * The committed trials' files (trials/*.parquet): packs of {@code store compact} and the trials'
   * own files, less those a committed pack supersedes while its compaction finishes
   * ({@link io.bopsweep.store.StorePacks#trialsFiles}).
   */
  public List<StoredFile> trialFiles() throws IOException {
    List<StoredFile> out = new ArrayList<>();
    for (Path p : io.bopsweep.store.StorePacks.trialsFiles(fs, root)) {
      try {
        FileStatus f = fs.getFileStatus(p);
        out.add(new StoredFile(f.getPath().getName(), f.getModificationTime(), f.getLen()));
      } catch (FileNotFoundException e) {
        // replaced or removed since the listing: the next refresh lists it again
      }
    }
    return out;
  }

  /** The rows of a trials file as column to value (timestamps as ISO text), columns in file order, without {@link #TRIAL_COLUMNS_SKIPPED}. */
  public List<Map<String, Object>> readTrialRows(StoredFile file) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = reader(new Path(root, "trials/" + file.name()),
        c -> !TRIAL_COLUMNS_SKIPPED.contains(c), FilterCompat.NOOP)) {
      Group g;
      while ((g = reader.read()) != null) {
        rows.add(plainRow(g));
      }
    }
    return rows;
  }

  private List<StoredFile> parquetFiles(Path dir) throws IOException {
    List<StoredFile> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus f : fs.listStatus(dir, p -> p.getName().endsWith(".parquet") && !p.getName().startsWith(".")
        && !p.getName().startsWith("_"))) {
      out.add(new StoredFile(f.getPath().getName(), f.getModificationTime(), f.getLen()));
    }
    return out;
  }

  /** The files of epochs/ (one trial's each, or many trials' in a compacted store). */
  public List<StoredFile> epochFiles() throws IOException {
    return parquetFiles(new Path(root, "epochs"));
  }

  /** When epochs/ last changed, as {@link #trialsDirModified()}. */
  public long epochsDirModified() throws IOException {
    try {
      return fs.getFileStatus(new Path(root, "epochs")).getModificationTime();
    } catch (FileNotFoundException e) {
      return 0;
    }
  }

  /** The file epochs/NAME.parquet, or null where there is none. */
  public StoredFile epochsFile(String stem) throws IOException {
    try {
      FileStatus f = fs.getFileStatus(new Path(root, "epochs/" + stem + ".parquet"));
      return new StoredFile(f.getPath().getName(), f.getModificationTime(), f.getLen());
    } catch (FileNotFoundException e) {
      Long pack = io.bopsweep.store.StorePacks.packHolding(fs, root, conf, stem);
      if (pack == null) {
        return null;
      }
      try {
        FileStatus f = fs.getFileStatus(io.bopsweep.store.StorePacks.epochsPack(root, pack));
        return new StoredFile(f.getPath().getName(), f.getModificationTime(), f.getLen());
      } catch (FileNotFoundException gone) {
        return null;
      }
    }
  }

  /** The trial ids whose rows an epochs file holds (only its trial_id column is read). */
  public Set<String> trialIdsIn(StoredFile file) throws IOException {
    Set<String> ids = new HashSet<>();
    try (ParquetReader<Group> reader = reader(new Path(root, "epochs/" + file.name()), "trial_id"::equals,
        FilterCompat.NOOP)) {
      Group g;
      while ((g = reader.read()) != null) {
        ids.add(g.getString("trial_id", 0));
      }
    }
    return ids;
  }

  /**
   * The epoch rows of the given trial and attempt in an epochs file (the curves' columns only). A
   * file named by the trial (as sweeps write them) is read whole and its rows picked here, as the
   * trials files are read; in any other file (a pack of many trials) a Parquet filter skips the row
   * groups of other trials.
   */
  public List<EpochRow> readEpochs(StoredFile file, String trialId, int attempt) throws IOException {
    Path path = new Path(root, "epochs/" + file.name());
    if (!file.stem().equals(trialId)) {
      FilterPredicate mine = FilterApi.and(FilterApi.eq(FilterApi.binaryColumn("trial_id"), Binary.fromString(trialId)),
          FilterApi.eq(FilterApi.intColumn("attempt"), attempt));
      return readEpochRows(path, FilterCompat.get(mine));
    }
    return readEpochRows(path, FilterCompat.NOOP).stream()
        .filter(r -> r.trialId().equals(trialId) && r.attempt() == attempt).toList();
  }

  /** The directories under _live/: one per trial that has finished an epoch of a running attempt. */
  public List<String> liveDirectories() throws IOException {
    Path dir = new Path(root, "_live");
    List<String> out = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(dir)) {
        if (f.isDirectory() && !f.getPath().getName().startsWith(".")) {
          out.add(f.getPath().getName());
        }
      }
    } catch (FileNotFoundException e) {
      // no running trial has finished an epoch
    }
    return out;
  }

  /** The epoch files of one _live/ directory ({@code epoch-N.parquet}; files being written have hidden names). */
  public List<StoredFile> liveFiles(String directory) throws IOException {
    List<StoredFile> out = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(new Path(root, "_live/" + directory),
          p -> p.getName().startsWith("epoch-") && p.getName().endsWith(".parquet"))) {
        out.add(new StoredFile(f.getPath().getName(), f.getModificationTime(), f.getLen()));
      }
    } catch (FileNotFoundException e) {
      // committed (and removed) since it was listed
    }
    return out;
  }

  /** The rows of one live epoch file (the curves' columns only); none where it was removed meanwhile. */
  public List<EpochRow> readLive(String directory, StoredFile file) throws IOException {
    try {
      return readEpochRows(new Path(root, "_live/" + directory + "/" + file.name()), FilterCompat.NOOP);
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  private List<EpochRow> readEpochRows(Path file, FilterCompat.Filter filter) throws IOException {
    List<EpochRow> out = new ArrayList<>();
    try (ParquetReader<Group> reader = reader(file, EPOCH_COLUMNS::contains, filter)) {
      Group g;
      while ((g = reader.read()) != null) {
        out.add(new EpochRow(g.getString("trial_id", 0), g.getInteger("attempt", 0), g.getInteger("epoch", 0),
            optionalDouble(g, "test_acc"), optionalDouble(g, "test_loss"), optionalDouble(g, "train_loss"),
            optionalDouble(g, "pi_last")));
      }
    }
    return out;
  }

  private static Double optionalDouble(Group g, String column) {
    GroupType t = g.getType();
    if (!t.containsField(column)) {
      return null;
    }
    int i = t.getFieldIndex(column);
    return g.getFieldRepetitionCount(i) == 0 ? null : g.getDouble(i, 0);
  }

  /** A reader of the columns {@code keep} admits. */
  private ParquetReader<Group> reader(Path file, Predicate<String> keep, FilterCompat.Filter filter) throws IOException {
    return ParquetFiles.groups(file, conf, new Projection(keep)).withFilter(filter).build();
  }

  /** Reads the columns of a file's own schema that {@code keep} admits, whatever schema version wrote it. */
  private static final class Projection extends GroupReadSupport {
    private final Predicate<String> keep;

    Projection(Predicate<String> keep) {
      this.keep = keep;
    }

    @Override
    public ReadContext init(InitContext context) {
      MessageType file = context.getFileSchema();
      return new ReadContext(new MessageType(file.getName(),
          file.getFields().stream().filter(f -> keep.test(f.getName())).toList()));
    }
  }

  /** The last progress of every trial that has a progress file (running, or committed a moment ago). */
  public List<RunningTrial> progress() throws IOException {
    List<RunningTrial> out = new ArrayList<>();
    Path dir = new Path(root, "_checkpoints");
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus d : fs.listStatus(dir)) {
      Map<?, ?> m;
      try (InputStream in = fs.open(new Path(d.getPath(), "progress.json"))) {
        m = JSON.readValue(in, Map.class);
      } catch (FileNotFoundException e) {
        continue; // no epoch announced yet
      } catch (IOException e) {
        continue; // a progress file being replaced: the next poll reads it
      }
      out.add(new RunningTrial(d.getPath().getName(), number(m.get("epoch")).intValue(),
          number(m.get("epochs")).intValue(), String.valueOf(m.get("time")), doubleOrNull(m.get("test_acc")),
          doubleOrNull(m.get("epoch_seconds"))));
    }
    return out;
  }

  /** The files under _manifests/ (sweep manifests, where the store has them), as text. */
  public List<Manifest> manifests() throws IOException {
    List<Manifest> out = new ArrayList<>();
    Path dir = new Path(root, "_manifests");
    if (!fs.exists(dir)) {
      return out;
    }
    collectManifests(dir, "", out);
    return out;
  }

  private void collectManifests(Path dir, String prefix, List<Manifest> out) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      String name = prefix + f.getPath().getName();
      if (f.isDirectory()) {
        collectManifests(f.getPath(), name + "/", out);
      } else if (!name.startsWith(".") && f.getLen() < 1 << 20) {
        try (InputStream in = fs.open(f.getPath())) {
          out.add(new Manifest(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    }
  }

  private static Number number(Object o) {
    return o instanceof Number n ? n : 0;
  }

  private static Double doubleOrNull(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static Map<String, Object> plainRow(Group g) {
    Map<String, Object> row = new LinkedHashMap<>();
    List<Type> fields = g.getType().getFields();
    for (int i = 0; i < fields.size(); i++) {
      Type t = fields.get(i);
      if (!t.isPrimitive()) {
        continue;
      }
      if (g.getFieldRepetitionCount(i) == 0) {
        row.put(t.getName(), null);
        continue;
      }
      PrimitiveType p = t.asPrimitiveType();
      Object v = switch (p.getPrimitiveTypeName()) {
        case INT32 -> g.getInteger(i, 0);
        case INT64 -> p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
            ? Instant.ofEpochMilli(g.getLong(i, 0)).toString() : (Object) g.getLong(i, 0);
        case DOUBLE -> g.getDouble(i, 0);
        case FLOAT -> (double) g.getFloat(i, 0);
        case BOOLEAN -> g.getBoolean(i, 0);
        default -> g.getString(i, 0);
      };
      row.put(t.getName(), v);
    }
    return row;
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(m.strip());
  }
}
