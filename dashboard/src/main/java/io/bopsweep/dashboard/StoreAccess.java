package io.bopsweep.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Everything the dashboard reads from a results store, and the only class that knows its layout
 * (trials/, epochs/, _checkpoints/TRIAL_ID/progress.json, _manifests/). Read-only: nothing here
 * writes, renames or deletes.
 */
public final class StoreAccess {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The epoch columns the curves read; the rest of an epochs file is skipped. */
  private static final String EPOCH_PROJECTION = "message epochs { required binary trial_id (STRING);"
      + " required int32 attempt; required int32 epoch;"
      + " required double train_loss; required double test_loss; required double test_acc; required double pi_last; }";

  /** One Parquet file of a store directory, as listed. */
  public record StoredFile(String name, long modified, long length) {
    public String trialId() {
      return name.substring(0, name.length() - ".parquet".length());
    }
  }

  /** One file under _manifests/, as text. */
  public record Manifest(String name, String text) {}

  private final String uri;
  private final Configuration conf;
  private final Configuration epochConf;
  private final Path root;
  private final FileSystem fs;

  private StoreAccess(String uri, Configuration conf, Path root, FileSystem fs) {
    this.uri = uri;
    this.conf = conf;
    this.root = root;
    this.fs = fs;
    this.epochConf = new Configuration(conf);
    epochConf.set(ReadSupport.PARQUET_READ_SCHEMA, EPOCH_PROJECTION);
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

  /** The rows of a trials file as column to value (timestamps as ISO text), columns in file order. */
  public List<Map<String, Object>> readTrialRows(StoredFile file) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(root, "trials/" + file.name()))
        .withConf(conf).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        rows.add(plainRow(g));
      }
    }
    return rows;
  }

  /** The epochs file of a trial (its own, else the pack that holds it), or null where there is none. */
  public StoredFile epochsFile(String trialId) throws IOException {
    try {
      FileStatus f = fs.getFileStatus(new Path(root, "epochs/" + trialId + ".parquet"));
      return new StoredFile(f.getPath().getName(), f.getModificationTime(), f.getLen());
    } catch (FileNotFoundException e) {
      Long pack = io.bopsweep.store.StorePacks.packHolding(fs, root, conf, trialId);
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

  /** A trial's epochs of the given attempt (the one its trials row committed), one per epoch, in order. */
  public EpochSeries readEpochs(StoredFile file, int attempt) throws IOException {
    return readEpochs(file, file.trialId(), attempt);
  }

  /** The same, from a trial's own epochs file or from a pack ({@code epochs/pack.K.parquet}) holding it. */
  public EpochSeries readEpochs(StoredFile file, String trialId, int attempt) throws IOException {
    TreeMap<Integer, Group> byEpoch = new TreeMap<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(root, "epochs/" + file.name()))
        .withConf(epochConf).withFilter(org.apache.parquet.filter2.compat.FilterCompat.get(
            org.apache.parquet.filter2.predicate.FilterApi.eq(org.apache.parquet.filter2.predicate.FilterApi.binaryColumn(
                "trial_id"), org.apache.parquet.io.api.Binary.fromString(trialId)))).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        if (g.getInteger("attempt", 0) == attempt && trialId.equals(g.getString("trial_id", 0))) {
          byEpoch.put(g.getInteger("epoch", 0), g);
        }
      }
    }
    List<Integer> epoch = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> trainLoss = new ArrayList<>();
    List<Double> pi = new ArrayList<>();
    byEpoch.forEach((e, g) -> {
      epoch.add(e);
      acc.add(g.getDouble("test_acc", 0));
      loss.add(g.getDouble("test_loss", 0));
      trainLoss.add(g.getDouble("train_loss", 0));
      pi.add(g.getDouble("pi_last", 0));
    });
    return new EpochSeries(epoch, acc, loss, trainLoss, pi);
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
