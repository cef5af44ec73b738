package io.bopsweep.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
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
 */
public final class ResultStore implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String MARKER = StoreFormat.MARKER;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String uri;
  private transient Configuration conf;
  private int version = ResultSchema.VERSION;

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
    io.bopsweep.store.StoreCheck.Result r = check();
    if (!r.intact()) {
      throw new StoreException(r.refusal(uri));
    }
    return this;
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
    if (version >= ResultSchema.VERSION) {
      return;
    }
    FileSystem fs = fs();
    writeSmall(new Path(root(), MARKER), new String(StoreFormat.marker(), StandardCharsets.UTF_8));
    version = ResultSchema.VERSION;
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

  /** Status of every committed trial, by id. */
  public Map<String, TrialStatus> committed() {
    Map<String, TrialStatus> out = new LinkedHashMap<>();
    committedTrials().forEach((id, t) -> out.put(id, t.status()));
    return out;
  }

  /** Every committed trial's summary, by id. */
  public Map<String, CommittedTrial> committedTrials() {
    Map<String, CommittedTrial> out = new LinkedHashMap<>();
    try {
      for (Path f : io.bopsweep.store.StorePacks.trialsFiles(fs(), root())) {
        try (ParquetReader<Group> reader =
            ParquetReader.builder(new GroupReadSupport(), f).withConf(conf()).build()) {
          Group g;
          while ((g = reader.read()) != null) {
            CommittedTrial t = committedTrial(g);
            out.put(t.trialId(), t);
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read trials (" + oneLine(e) + ")");
    }
  }

  private static CommittedTrial committedTrial(Group g) {
    return new CommittedTrial(g.getString("trial_id", 0), TrialStatus.valueOf(g.getString("status", 0)),
        optionalDouble(g, "final_test_acc"), optionalDouble(g, "best_test_acc"), g.getInteger("epochs_done", 0));
  }

  private static Double optionalDouble(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? null : g.getDouble(field, 0);
  }

  /**
   * One stored trials row, as read back.
   *
   * @param trialId the id it was stored under (ids of earlier versions may differ from {@link #currentId})
   * @param currentId the id this version gives its config (recomputed from config_json)
   */
  public record StoredTrial(String trialId, String currentId, String sweep, TrialStatus status, String configJson) {}

  /** Every committed trials row. */
  public List<StoredTrial> trialRecords() {
    try {
      List<StoredTrial> out = new ArrayList<>();
      for (StoreFormat.TrialRow r : StoreFormat.trialRows(fs(), root(), conf())) {
        out.add(new StoredTrial(r.trialId(), TrialId.ofStoredConfig(r.configJson()), r.sweep(),
            TrialStatus.valueOf(r.status()), r.configJson()));
      }
      return out;
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read trials (" + oneLine(e) + ")");
    }
  }

  /**
   * Status of every committed trial by the id this version gives it: rows stored under the id of an
   * earlier version count for the trial they compute. Where several rows map to one trial (trials
   * an earlier version told apart by settings without effect), a final status (DONE, DIVERGED)
   * wins over FAILED.
   */
  public Map<String, TrialStatus> committedByCurrentId() {
    Map<String, TrialStatus> out = new LinkedHashMap<>();
    for (StoredTrial t : trialRecords()) {
      out.merge(t.currentId(), t.status(), (a, b) -> a == TrialStatus.FAILED ? b : a);
    }
    return out;
  }

  /** Writes a trial's rows: epochs, then the trials row, each through _staging and a rename. */
  public void commit(TrialResult r) throws IOException {
    commit(r, null, DriverLock.Fence.NONE);
  }

  /**
   * Writes a trial's rows and its final model (null: none): epochs, the model, then the trials
   * row, each through _staging and a rename, checking the driver's fence after the writes, just
   * before the renames.
   */
  public void commit(TrialResult r, SavedModel model, DriverLock.Fence fence) throws IOException {
    upgradeMarker();
    FileSystem fs = fs();
    Path staging = new Path(root(), "_staging/" + r.trialId() + "-" + UUID.randomUUID());
    fs.mkdirs(staging);
    try {
      Path epochsTmp = new Path(staging, "epochs.parquet");
      write(epochsTmp, ResultSchema.epochs(), epochRows(r));
      Path modelTmp = new Path(staging, "model.bmodel");
      if (model != null) {
        try (OutputStream out = fs.create(modelTmp, true)) {
          out.write(model.toBytes());
        }
      }
      Path trialsTmp = new Path(staging, "trials.parquet");
      write(trialsTmp, ResultSchema.trials(), List.of(trialRow(r)));
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

  private void write(Path path, MessageType schema, List<Group> rows) throws IOException {
    write(path, schema, rows, conf());
  }

  private static void write(Path path, MessageType schema, List<Group> rows, Configuration conf) throws IOException {
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf))
        .withType(schema)
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build()) {
      for (Group g : rows) {
        w.write(g);
      }
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
      Group row = new SimpleGroupFactory(schema).newGroup().append("trial_id", "warm-up").append("seconds", 0.0);
      Path file = new Path(dir, "staged.parquet");
      write(file, schema, List.of(row), conf);
      move(fs, file, new Path(dir, "committed/warmup.parquet"));
    } finally {
      fs.delete(dir, true);
    }
  }

  private static void common(Group g, TrialResult r) {
    g.add("trial_id", r.trialId());
    g.add("sweep", r.sweep());
    g.add("attempt", r.attempt());
    g.add("code_version", r.codeVersion());
    g.add("host", r.host());
    g.add("device", r.device());
    g.add("started_at", r.startedAt().toEpochMilli());
    g.add("finished_at", r.finishedAt().toEpochMilli());
    g.add("data_variant", r.dataVariant());
    r.provenance().columns().forEach((name, value) -> {
      if (value instanceof Integer i) {
        g.add(name, i);
      } else if (value != null) {
        g.add(name, (String) value);
      }
    });
    for (Settings.Setting s : Settings.all()) {
      Object v = r.config().get(s.name());
      if (v == null) {
        continue; // the setting does not act on this trial
      }
      switch (s.type()) {
        case INT:
          g.add(s.name(), ((Number) v).intValue());
          break;
        case LONG:
          g.add(s.name(), ((Number) v).longValue());
          break;
        case DOUBLE:
          g.add(s.name(), ((Number) v).doubleValue());
          break;
        case BOOL:
          g.add(s.name(), (Boolean) v);
          break;
        default:
          g.add(s.name(), String.valueOf(v));
      }
    }
  }

  private static List<Group> epochRows(TrialResult r) {
    SimpleGroupFactory f = new SimpleGroupFactory(ResultSchema.epochs());
    List<Group> rows = new ArrayList<>();
    for (EpochRecord e : r.epochs()) {
      Group g = f.newGroup();
      common(g, r);
      g.add("epoch", e.epoch());
      g.add("steps", e.steps());
      g.add("train_loss", e.trainLoss());
      g.add("train_acc", e.trainAcc());
      g.add("test_loss", e.testLoss());
      g.add("test_acc", e.testAcc());
      addOptional(g, "val_loss", e.valLoss());
      addOptional(g, "val_acc", e.valAcc());
      addOptional(g, "latent_test_acc", e.latentTestAcc());
      addOptional(g, "latent_bn_test_acc", e.latentBnTestAcc());
      g.add("flips", e.flips());
      g.add("flip_ratio", e.flipRatio());
      Group flips = g.addGroup("layer_flips");
      e.layerFlips().forEach((k, v) -> {
        Group kv = flips.addGroup("key_value");
        kv.add("key", k);
        kv.add("value", v);
      });
      Group ratios = g.addGroup("layer_flip_ratio");
      e.layerFlipRatio().forEach((k, v) -> {
        Group kv = ratios.addGroup("key_value");
        kv.add("key", k);
        kv.add("value", v);
      });
      g.add("pi_last", e.piLast());
      addOptional(g, "epoch_gamma", e.gamma());
      g.add("epoch_lr", e.lr());
      g.add("train_seconds", e.trainSeconds());
      g.add("eval_seconds", e.evalSeconds());
      g.add("samples_per_sec", e.samplesPerSec());
      g.add("sign_hash", e.signHash());
      rows.add(g);
    }
    return rows;
  }

  private static Group trialRow(TrialResult r) throws JsonProcessingException {
    Group g = new SimpleGroupFactory(ResultSchema.trials()).newGroup();
    common(g, r);
    g.add("status", r.status().name());
    if (r.error() != null) {
      g.add("error", r.error());
    }
    g.add("start_epoch", r.startEpoch());
    g.add("epochs_done", r.epochs().size());
    g.add("seconds", r.seconds());
    if (!r.epochs().isEmpty()) {
      EpochRecord last = r.epochs().get(r.epochs().size() - 1);
      EpochRecord best = r.epochs().stream().max((a, b) -> Double.compare(a.testAcc(), b.testAcc())).get();
      g.add("final_train_acc", last.trainAcc());
      g.add("final_test_acc", last.testAcc());
      g.add("final_test_loss", last.testLoss());
      g.add("best_test_acc", best.testAcc());
      g.add("final_pi_last", last.piLast());
      g.add("best_epoch", best.epoch());
    }
    g.add("swept", JSON.writeValueAsString(r.swept()));
    g.add("config_json", JSON.writeValueAsString(new java.util.TreeMap<>(r.config())));
    return g;
  }

  private static void addOptional(Group g, String field, Double v) {
    if (v != null) {
      g.add(field, v);
    }
  }

  Path modelPath(String trialId) {
    return new Path(root(), "models/" + trialId + ".bmodel");
  }

  /** A committed trial's summary, as {@code evaluate} needs it. */
  public record CommittedTrial(String trialId, TrialStatus status, Double finalTestAcc, Double bestTestAcc, int epochsDone) {}

  /** The committed trials row of one trial, if there is one. */
  public java.util.Optional<CommittedTrial> committedTrial(String trialId) {
    try {
      FileSystem fs = fs();
      Path f = new Path(root(), "trials/" + trialId + ".parquet");
      if (!fs.exists(f)) {
        Long pack = io.bopsweep.store.StorePacks.packHolding(fs, root(), conf(), trialId);
        return pack == null ? java.util.Optional.empty() : io.bopsweep.store.StorePacks.rowsOf(fs, root(), conf(),
            "trials", pack, trialId).stream().findFirst().map(ResultStore::committedTrial);
      }
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf()).build()) {
        Group g = reader.read();
        return g == null ? java.util.Optional.empty() : java.util.Optional.of(committedTrial(g));
      }
    } catch (IOException e) {
      throw new StoreException(uri + ": cannot read the trials row of " + trialId + " (" + oneLine(e) + ")");
    }
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
      FileSystem fs = fs();
      Path f = new Path(root(), "epochs/" + trialId + ".parquet");
      if (!fs.exists(new Path(root(), "trials/" + trialId + ".parquet"))) {
        Long pack = io.bopsweep.store.StorePacks.packHolding(fs, root(), conf(), trialId);
        if (pack != null) {
          for (Group g : io.bopsweep.store.StorePacks.rowsOf(fs, root(), conf(), "epochs", pack, trialId)) {
            out.put(g.getInteger("epoch", 0), optionalDouble(g, column));
          }
        }
        return out;
      }
      if (!fs.exists(f)) {
        return out;
      }
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf()).build()) {
        Group g;
        while ((g = reader.read()) != null) {
          out.put(g.getInteger("epoch", 0), optionalDouble(g, column));
        }
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
  public void writeLiveEpochs(TrialResult running) throws IOException {
    FileSystem fs = fs();
    Path dir = new Path(root(), "_live/" + running.trialId());
    List<Group> rows = epochRows(running);
    for (int i = 0; i < rows.size(); i++) {
      String name = "epoch-" + running.epochs().get(i).epoch() + ".parquet";
      Path tmp = new Path(dir, "." + name + "." + UUID.randomUUID() + ".tmp");
      write(tmp, ResultSchema.epochs(), List.of(rows.get(i)));
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
