package io.bopsweep.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bopsweep.store.ResultRows;
import io.bopsweep.store.ResultSchema;
import io.bopsweep.store.StoreFormat;
import io.bopsweep.store.StoreFormatException;
import io.bopsweep.store.SweepManifest;
import io.bopsweep.trainer.config.Settings;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.SavedModel;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;

/**
 * The results of sweeps under one directory (a local path or any Hadoop-compatible URI), as
 * {@link StoreFormat} lays it out:
 *
 * <pre>
 * STORE.json                         format marker and schema version
 * epochs/TRIAL_ID.parquet            one file per trial: its epoch rows
 * models/TRIAL_ID.bmodel             one file per DONE trial: its final model ({@link SavedModel})
 * trials/TRIAL_ID.parquet            one file per trial: its summary row (the commit point)
 * _checkpoints/TRIAL_ID/             epoch checkpoint and progress of a running trial
 * _live/TRIAL_ID/epoch-N.parquet     epoch rows of a running trial, each as it finishes (removed at commit)
 * _attempts/TRIAL_ID/N.json          one record per attempt that started
 * _manifests/SWEEP/TIME-HASH.json    one record per sweep run: spec text and hash, its trial ids
 * _staging/                          files being written
 * trials/pack.K.parquet, epochs/pack.K.parquet   committed trials merged by store compact
 * _compaction/pack.K.json            the record of a compaction in progress
 * </pre>
 *
 * Contract, kept by every writer: a trial's files are written under _staging and renamed into
 * place, epochs first, then the model, and the trials row last, so a trial is visible (its trials row exists)
 * only once all its epochs are; a killed attempt leaves at most an epochs file without a trials
 * row, which readers ignore and the next attempt replaces; file names are the trial id, so no
 * trial and epoch is ever stored twice. The analysis views read only trials that have a row in
 * trials/. {@link StoreCompaction} merges committed DONE and DIVERGED trials into packs under the
 * same contract: a pack is committed when its trials file is renamed into place, and readers read
 * each trial once at every step of it ({@link io.bopsweep.store.StorePacks}); the readers here read
 * a packed trial from its pack.
 *
 * <p>What it writes and reads back is one record per trial attempt, {@link FrozenTrial}: its trials
 * row ({@link #trials}, {@link #trial}) and, when asked, its epochs ({@link #withEpochs}). The
 * columns are {@link ResultSchema} of store-format with this version's settings ({@link #schema});
 * rows are written and read by {@link ResultRows} (a column a file lacks reads as null).
 */
public final class ResultStore implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String MARKER = StoreFormat.MARKER;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The columns of this version's rows: store-format's, with a column per trial setting. */
  public static ResultSchema schema() {
    return new ResultSchema(settingColumns()); // settings may be registered after this class loads
  }

  private final String uri;
  private transient Configuration conf;
  private int version = StoreFormat.VERSION;

  private ResultStore(String uri) {
    this.uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  public String uri() {
    return uri;
  }

  /** Opens an existing store, or creates one where nothing (or an empty directory) is. */
  public static ResultStore openOrCreate(String uri, Configuration conf) {
    ResultStore store = new ResultStore(uri);
    store.conf = conf;
    try {
      FileSystem fs = store.fs();
      Path root = store.root();
      if (fs.exists(root)) {
        FileStatus st = fs.getFileStatus(root);
        if (!st.isDirectory()) {
          throw new StoreException(uri + ": is a file, not a results directory");
        }
        Path marker = new Path(root, MARKER);
        if (fs.exists(marker)) {
          store.checkMarker(fs, marker);
          return store;
        }
        // a marker being written, or left by a creation that failed, does not make the directory a non-store
        if (java.util.Arrays.stream(fs.listStatus(root)).anyMatch(f -> !isMarkerTemp(f.getPath().getName()))) {
          throw new StoreException(uri + ": not a bopsweep results store (no " + MARKER + ") and not empty");
        }
      }
      fs.mkdirs(root);
      // written under a temporary name and renamed, so that no reader sees an empty marker
      Path tmp = new Path(root, "." + MARKER + "." + UUID.randomUUID() + ".tmp");
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(StoreFormat.marker());
      } catch (IOException | org.apache.hadoop.fs.FSError e) {
        // e.g. a full disk: leave nothing behind, so the same command works once there is space
        try {
          fs.delete(tmp, false);
        } catch (IOException ignored) {
          // the next creation ignores it
        }
        throw new StoreException(uri + ": cannot create the results store (" + oneLine(e.getCause() != null
            && e instanceof org.apache.hadoop.fs.FSError ? e.getCause() : e) + ")");
      }
      Path marker = new Path(root, MARKER);
      if (fs.exists(marker) || !fs.rename(tmp, marker)) {
        fs.delete(tmp, false);
        store.checkMarker(fs, marker);
      }
      return store;
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot use as results directory (" + oneLine(e) + ")");
    }
  }

  static boolean isMarkerTemp(String name) {
    return name.matches("\\.\\.?" + java.util.regex.Pattern.quote(MARKER) + "\\..*\\.tmp(\\.crc)?");
  }

  /** Opens an existing store for reading; refuses anything else. */
  public static ResultStore open(String uri, Configuration conf) {
    ResultStore store = new ResultStore(uri);
    store.conf = conf;
    try {
      FileSystem fs = store.fs();
      Path marker = new Path(store.root(), MARKER);
      if (!fs.exists(store.root())) {
        throw new StoreException(uri + ": no such results directory");
      }
      if (!fs.getFileStatus(store.root()).isDirectory()) {
        throw new StoreException(uri + ": is a file, not a results directory");
      }
      if (!fs.exists(marker)) {
        throw new StoreException(uri + ": not a bopsweep results store (no " + MARKER + ")");
      }
      store.checkMarker(fs, marker);
      return store;
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read (" + oneLine(e) + ")");
    }
  }

  private void checkMarker(FileSystem fs, Path marker) throws IOException {
    try {
      version = StoreFormat.checkMarker(fs, marker.getParent(), uri);
    } catch (StoreFormatException e) {
      throw new StoreException(e.getMessage());
    }
  }

  /** Checks trials/ and epochs/ (see {@link io.bopsweep.store.StoreCheck}). */
  public io.bopsweep.store.StoreCheck.Result check() {
    try {
      return io.bopsweep.store.StoreCheck.check(fs(), root(), conf());
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read (" + oneLine(e) + ")");
    }
  }

  /** Refuses a damaged store: one line naming the first damaged file and pointing to {@code store check --repair}. */
  public ResultStore requireIntact() {
    intactFiles();
    return this;
  }

  /**
   * The check of an intact store, to share with the analysis views (one check per command); a
   * damaged store is refused as by {@link #requireIntact()}.
   */
  public io.bopsweep.store.StoreCheck.Result intactFiles() {
    io.bopsweep.store.StoreCheck.Result r = check();
    if (!r.intact()) {
      throw new StoreException(r.refusal(uri));
    }
    return r;
  }

  /** Moves damaged trials aside into _damaged/TIME/ (the caller holds the driver lock); returns what moved. */
  public List<String> repair(List<io.bopsweep.store.StoreCheck.Damage> damage) {
    try {
      return io.bopsweep.store.StoreCheck.repair(fs(), root(), damage, java.time.Instant.now());
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot move damaged files aside (" + oneLine(e) + ")");
    }
  }

  /** The schema version of the marker: files of earlier versions may be in the store too. */
  public int schemaVersion() {
    return version;
  }

  /** Raises the marker to this version's schema before rows of it are written into an older store. */
  private void upgradeMarker() throws IOException {
    if (version >= StoreFormat.VERSION) {
      return;
    }
    FileSystem fs = fs();
    writeSmall(new Path(root(), MARKER), new String(StoreFormat.marker(), StandardCharsets.UTF_8));
    version = StoreFormat.VERSION;
  }

  /** Re-attaches a Hadoop configuration after deserialization on an executor. */
  public ResultStore withConf(Configuration c) {
    ResultStore s = new ResultStore(uri);
    s.conf = c;
    s.version = version;
    return s;
  }

  Configuration conf() {
    if (conf == null) {
      conf = new Configuration();
    }
    return conf;
  }

  Path root() {
    return new Path(URI.create(uri.contains("://") || uri.startsWith("file:") ? uri : new java.io.File(uri).toURI().toString()));
  }

  FileSystem fs() throws IOException {
    return root().getFileSystem(conf());
  }

  public String epochsDir() {
    return new Path(root(), "epochs").toString();
  }

  public String trialsDir() {
    return new Path(root(), "trials").toString();
  }

  /** The settings of the trainer as result columns (choices and schedules as text), in declaration order. */
  static List<ResultSchema.Column> settingColumns() {
    List<ResultSchema.Column> out = new ArrayList<>();
    for (Settings.Setting s : Settings.all()) {
      out.add(ResultSchema.Column.optional(s.name(), switch (s.type()) {
        case INT -> ResultSchema.ColumnType.INT;
        case LONG -> ResultSchema.ColumnType.LONG;
        case DOUBLE -> ResultSchema.ColumnType.DOUBLE;
        case BOOL -> ResultSchema.ColumnType.BOOL;
        default -> ResultSchema.ColumnType.STRING;
      }));
    }
    return out;
  }

  /** Every committed trial (its trials row, epochs not loaded), in trial id order. */
  public List<FrozenTrial> trials() {
    try {
      // packs come first, so a trial committed again after it was packed reads as its later row
      Map<String, FrozenTrial> byId = new java.util.TreeMap<>();
      ResultSchema schema = schema();
      for (Map<String, Object> row : ResultRows.trials(fs(), root(), schema, conf())) {
        FrozenTrial t = trialOf(row, schema);
        byId.put(t.trialId(), t);
      }
      return new ArrayList<>(byId.values());
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read trials (" + oneLine(e) + ")");
    }
  }

  /** The committed trial of this id (its trials row, epochs not loaded), if there is one. */
  public java.util.Optional<FrozenTrial> trial(String trialId) {
    try {
      ResultSchema schema = schema();
      return ResultRows.trial(fs(), root(), trialId, schema, conf()).map(row -> trialOf(row, schema));
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read the trials row of " + trialId + " (" + oneLine(e) + ")");
    }
  }

  /** The record of a trials row; a row it cannot be (an unknown status) is one line naming its file. */
  private FrozenTrial trialOf(Map<String, Object> row, ResultSchema schema) {
    try {
      return FrozenTrial.fromTrialRow(row, schema);
    } catch (RuntimeException e) {
      throw new StoreException(uri + "/" + StoreFormat.TRIALS + "/" + row.get("trial_id") + ".parquet: not a trials row ("
          + oneLine(e) + ")");
    }
  }

  /** A committed trial with its epochs loaded: the epochs rows of the attempt that committed it. */
  public FrozenTrial withEpochs(FrozenTrial trial) {
    try {
      List<EpochRecord> epochs = new ArrayList<>();
      for (Map<String, Object> row : ResultRows.epochs(fs(), root(), trial.trialId(), schema(), conf())) {
        if (row.get("attempt").equals(trial.attempt())) {
          epochs.add(FrozenTrial.epochOf(row));
        }
      }
      return trial.withEpochs(epochs);
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read the epochs of " + trial.trialId() + " (" + oneLine(e) + ")");
    }
  }

  /** Status of every committed trial, by id. */
  public Map<String, TrialStatus> committed() {
    Map<String, TrialStatus> out = new LinkedHashMap<>();
    trials().forEach(t -> out.put(t.trialId(), t.status()));
    return out;
  }

  /**
   * Status of every committed trial by the id this version gives it: rows stored under the id of an
   * earlier version count for the trial they compute. Where several rows map to one trial (trials
   * an earlier version told apart by settings without effect), a final status (DONE, DIVERGED)
   * wins over FAILED.
   */
  public Map<String, TrialStatus> committedByCurrentId() {
    Map<String, TrialStatus> out = new LinkedHashMap<>();
    for (FrozenTrial t : trials()) {
      out.merge(t.currentId(), t.status(), (a, b) -> a == TrialStatus.FAILED ? b : a);
    }
    return out;
  }

  /** Writes a trial's rows: epochs, then the trials row, each through _staging and a rename. */
  public void commit(FrozenTrial r) throws IOException {
    commit(r, null, DriverLock.Fence.NONE);
  }

  /**
   * Writes a trial's rows and its final model (null: none): epochs, the model, then the trials
   * row, each through _staging and a rename, checking the driver's fence after the writes, just
   * before the renames.
   */
  public void commit(FrozenTrial r, SavedModel model, DriverLock.Fence fence) throws IOException {
    upgradeMarker();
    FileSystem fs = fs();
    Path staging = new Path(root(), "_staging/" + r.trialId() + "-" + UUID.randomUUID());
    fs.mkdirs(staging);
    try {
      Path epochsTmp = new Path(staging, "epochs.parquet");
      ResultSchema schema = schema();
      ResultRows.write(epochsTmp, schema.epochs(), r.epochRows(schema), conf());
      Path modelTmp = new Path(staging, "model.bmodel");
      if (model != null) {
        try (OutputStream out = fs.create(modelTmp, true)) {
          out.write(model.toBytes());
        }
      }
      Path trialsTmp = new Path(staging, "trials.parquet");
      ResultRows.write(trialsTmp, schema().trials(), List.of(r.trialRow(schema())), conf());
      fence.check(this);
      move(fs, epochsTmp, new Path(root(), "epochs/" + r.trialId() + ".parquet"));
      if (model != null) {
        move(fs, modelTmp, modelPath(r.trialId()));
      }
      if (Boolean.getBoolean("bopsweep.faultInjection.haltBetweenCommitRenames")) {
        Runtime.getRuntime().halt(137); // fault tests: the process dies between the two renames
      }
      move(fs, trialsTmp, new Path(root(), "trials/" + r.trialId() + ".parquet"));
    } finally {
      fs.delete(staging, true);
    }
  }

  private static void move(FileSystem fs, Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    if (fs.exists(to)) {
      fs.delete(to, false);
    }
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }

  /**
   * Writes and deletes a one-row file the way {@link #commit} writes, in a temporary local
   * directory: loads the writer, the codec and the local file system (see {@link Warmup}).
   */
  static void warmUpWriter(Configuration conf) throws IOException {
    FileSystem fs = FileSystem.getLocal(conf);
    Path dir = new Path(java.nio.file.Files.createTempDirectory("bopsweep-warmup").toUri());
    try {
      MessageType schema = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
          "message warmup { required binary trial_id (STRING); required double seconds; }");
      Path file = new Path(dir, "staged.parquet");
      ResultRows.write(file, schema, List.of(Map.of("trial_id", "warm-up", "seconds", 0.0)), conf);
      move(fs, file, new Path(dir, "committed/warmup.parquet"));
    } finally {
      fs.delete(dir, true);
    }
  }

  Path modelPath(String trialId) {
    return new Path(root(), "models/" + trialId + ".bmodel");
  }

  /** The final model a DONE trial committed; a missing or damaged file is a {@link SavedModel.ModelFileException}. */
  public SavedModel model(String trialId) throws SavedModel.ModelFileException {
    Path f = modelPath(trialId);
    String name = "models/" + trialId + ".bmodel";
    try (InputStream in = fs().open(f)) {
      return SavedModel.fromBytes(in.readAllBytes(), name);
    } catch (FileNotFoundException e) {
      throw new SavedModel.ModelFileException(name + ": no such model file in " + uri);
    } catch (SavedModel.ModelFileException e) {
      throw e;
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw new SavedModel.ModelFileException(name + ": model file is damaged (the file system's checksum differs)");
    } catch (IOException e) {
      throw new SavedModel.ModelFileException(name + ": cannot read (" + oneLine(e) + ")");
    }
  }

  /** The epoch checkpoints of one trial, in _checkpoints/TRIAL_ID/. */
  public CheckpointStore checkpoints(String trialId) {
    return new HadoopCheckpointStore(this, new Path(root(), "_checkpoints/" + trialId));
  }

  /** Removes a committed trial's checkpoint, progress and live epoch rows. */
  public void clearRunState(String trialId) throws IOException {
    fs().delete(new Path(root(), "_checkpoints/" + trialId), true);
    fs().delete(new Path(root(), "_live/" + trialId), true);
  }

  /** Removes a STOPPED trial's progress and live epoch rows, keeping its checkpoint to continue from if promoted. */
  public void clearProgressKeepingCheckpoint(String trialId) throws IOException {
    fs().delete(new Path(root(), "_checkpoints/" + trialId + "/progress.json"), false);
    fs().delete(new Path(root(), "_live/" + trialId), true);
  }

  /** A committed trial's value of an epochs column, by epoch (empty if none is committed). */
  public Map<Integer, Double> committedMetric(String trialId, String column) {
    Map<Integer, Double> out = new java.util.TreeMap<>();
    try {
      if (!fs().exists(StoreFormat.trialsFile(root(), trialId))
          && io.bopsweep.store.StorePacks.packHolding(fs(), root(), conf(), trialId) == null) {
        return out; // not committed: an epochs file without a trials row is a killed attempt's
      }
      for (Map<String, Object> row : ResultRows.epochs(fs(), root(), trialId, schema(), conf())) {
        out.put((Integer) row.get("epoch"), row.get(column) instanceof Number n ? n.doubleValue() : null);
      }
      return out;
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read the epochs of " + trialId + " (" + oneLine(e) + ")");
    }
  }

  /**
   * Writes a running trial's epoch rows, one file per epoch, each under a hidden name and renamed to
   * {@code _live/TRIAL_ID/epoch-N.parquet} (the epochs/ schema), replacing an earlier attempt's.
   */
  public void writeLiveEpochs(FrozenTrial running) throws IOException {
    FileSystem fs = fs();
    Path dir = new Path(root(), "_live/" + running.trialId());
    List<Map<String, Object>> rows = running.epochRows(schema());
    for (int i = 0; i < rows.size(); i++) {
      String name = "epoch-" + running.epochs().get(i).epoch() + ".parquet";
      Path tmp = new Path(dir, "." + name + "." + UUID.randomUUID() + ".tmp");
      ResultRows.write(tmp, schema().epochs(), List.of(rows.get(i)), conf());
      move(fs, tmp, new Path(dir, name));
    }
  }

  /** Records that an attempt of a trial started; returns its number (1 for the first). */
  public int recordAttempt(String trialId, Map<String, Object> details) throws IOException {
    FileSystem fs = fs();
    Path dir = new Path(root(), "_attempts/" + trialId);
    fs.mkdirs(dir);
    for (int n = fs.listStatus(dir).length + 1; ; n++) {
      Path p = new Path(dir, n + ".json");
      try (OutputStream out = fs.create(p, false)) {
        Map<String, Object> m = new LinkedHashMap<>(details);
        m.put("attempt", n);
        out.write(JSON.writeValueAsBytes(m));
        return n;
      } catch (FileAlreadyExistsException e) {
        // another attempt took this number: try the next
      } catch (IOException e) {
        if (fs.exists(p)) {
          continue;
        }
        throw e;
      }
    }
  }

  /** Every attempt record of a trial, oldest first. */
  public List<Map<String, Object>> attempts(String trialId) throws IOException {
    return StoreFormat.attempts(fs(), root(), trialId);
  }

  /** Records a sweep run: written under a temporary name and renamed, so a reader sees all of it or nothing. */
  public Path writeManifest(SweepManifest m) throws IOException {
    return StoreFormat.writeManifest(fs(), root(), m);
  }

  /** The manifests of a sweep, oldest first. */
  public List<SweepManifest> manifests(String sweep) {
    try {
      return StoreFormat.manifests(fs(), root(), sweep);
    } catch (StoreFormatException e) {
      throw new StoreException(e.getMessage());
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read manifests of " + sweep + " (" + oneLine(e) + ")");
    }
  }

  /** Writes a small text file atomically enough for progress (create, then rename over). */
  void writeSmall(Path path, String text) throws IOException {
    FileSystem fs = fs();
    Path tmp = new Path(path.getParent(), "." + path.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    move(fs, tmp, path);
  }

  /** Progress of running trials: trial id to its last progress JSON. */
  public Map<String, String> progress() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      FileSystem fs = fs();
      Path dir = new Path(root(), "_checkpoints");
      if (!fs.exists(dir)) {
        return out;
      }
      for (FileStatus d : fs.listStatus(dir)) {
        Path p = new Path(d.getPath(), "progress.json");
        try (InputStream in = fs.open(p)) {
          out.put(d.getPath().getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (FileNotFoundException e) {
          // not started yet
        }
      }
    } catch (IOException e) {
      // progress is best effort
    }
    return out;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
