package io.bopsweep.sweep;

import io.bopsweep.store.ParquetFiles;
import io.bopsweep.store.StoreCheck;
import io.bopsweep.store.StoreFormat;
import io.bopsweep.store.StorePacks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * {@code bopsweep store compact}: merges committed trials' own files ({@code trials/ID.parquet},
 * {@code epochs/ID.parquet}) into packs ({@code trials/pack.K.parquet}, {@code epochs/pack.K.parquet};
 * see {@link StorePacks} for the layout and the readers' rule), so that readers open a few files
 * instead of two per trial.
 *
 * <p>Only DONE and DIVERGED trials are packed: a sweep never runs them again. FAILED trials (run
 * again) and STOPPED ones (a scheduler may promote them) keep their own files, so a later commit
 * replaces them as before; models, checkpoints, _live/, attempts and manifests are not touched.
 * Rows are copied as stored (columns, values, attempt), one pack per pair of file schemas (a store
 * holding files of two schema versions gets a pack of each), epochs in trial order in row groups of
 * {@value #ROW_GROUP_BYTES} bytes so that one trial's rows are found without decoding the others.
 *
 * <p>Protocol, under the driver lock (so no sweep commits meanwhile), the fence checked before every
 * rename and removal:
 *
 * <ol>
 *   <li>finish or roll back what a killed compaction left ({@link #recover}): a record whose trials
 *       pack is in place is finished (the packed trials' own files removed, then the record); one
 *       whose trials pack is not is rolled back (its epochs pack removed, then the record);
 *   <li>check the store ({@link StoreCheck}): a damaged store is refused, nothing written;
 *   <li>{@link Step#STAGED}: copy every DONE and DIVERGED trial that is in no pack yet into pack
 *       files under {@code _staging/}; check their row counts;
 *   <li>for each pack K: {@link Step#RECORDED} write {@code _compaction/pack.K.json} (the ids it
 *       packs); {@link Step#EPOCHS_PACK_RENAMED} rename the epochs pack into epochs/;
 *       {@link Step#TRIALS_PACK_RENAMED} rename the trials pack into trials/ (the commit);
 *       {@link Step#TRIAL_FILES_REMOVED} remove each packed trial's trials file, then its epochs
 *       file; {@link Step#RECORD_REMOVED} remove the record.
 * </ol>
 *
 * Killed between any two of these (kill -9, power loss), no trial is lost or read twice by the
 * readers of {@link StorePacks} (StoreCheck, the analysis views, resume's done check, the
 * dashboard): before the trials pack's rename the trials' own files are the truth, after it the
 * pack is and the record says which own files it supersedes. The next compaction, or the next sweep
 * once it holds the lock ({@link StoreLeftovers}), finishes or rolls back. {@code StoreCompactionTest}
 * kills a compaction at every step and checks readers in between.
 */
public final class StoreCompaction {
  private StoreCompaction() {}

  /** Row group size of the packs. */
  static final long ROW_GROUP_BYTES = 8L * 1024 * 1024;

  /** The points a compaction passes, in order; {@link Crash} stops it at any of them. */
  public enum Step { STAGED, RECORDED, EPOCHS_PACK_RENAMED, TRIALS_PACK_RENAMED, TRIAL_FILES_REMOVED, RECORD_REMOVED }

  /** Called at every step (n: the trials whose files are removed so far); tests throw from it to stop there. */
  @FunctionalInterface
  public interface Crash {
    Crash NONE = (step, pack, n) -> {};

    void at(Step step, long pack, int n);
  }

  /** One pack written: its number, trials and epoch rows. */
  public record Pack(long number, int trials, long epochRows) {}

  /**
   * What a compaction did: what it finished or rolled back first, the packs it wrote, and the
   * number of files in trials/ and epochs/ before and after (Hadoop's .crc sidecars not counted).
   */
  public record Outcome(List<String> recovered, List<Pack> packs, int filesBefore, int filesAfter) {
    public int trialsPacked() {
      return packs.stream().mapToInt(Pack::trials).sum();
    }
  }

  /** Compacts the store; the caller holds its lock. A damaged store is a one-line {@link StoreException}. */
  public static Outcome compact(ResultStore store, DriverLock lock) {
    return compact(store, lock, Crash.NONE);
  }

  static Outcome compact(ResultStore store, DriverLock lock, Crash crash) {
    try {
      return run(store, lock, crash);
    } catch (IOException | FSError e) {
      throw new StoreException(store.uri() + ": compaction failed (" + ResultStore.oneLine(e) + ")");
    }
  }

  /**
   * Finishes or rolls back the compactions a killed process left (see the class comment); returns
   * one line per record handled. The caller holds the store's lock.
   */
  public static List<String> recover(ResultStore store, DriverLock lock) {
    try {
      return recover(store, lock.fence());
    } catch (IOException | FSError e) {
      throw new StoreException(store.uri() + ": cannot finish an unfinished compaction (" + ResultStore.oneLine(e)
          + ")");
    }
  }

  private static List<String> recover(ResultStore store, DriverLock.Fence fence) throws IOException {
    FileSystem fs = store.fs();
    Path root = store.root();
    List<String> out = new ArrayList<>();
    for (StorePacks.Record r : StorePacks.records(fs, root).values()) {
      fence.check(store);
      if (fs.exists(StorePacks.trialsPack(root, r.pack()))) {
        removeTrialFiles(store, fence, r, Crash.NONE);
        fs.delete(StorePacks.recordPath(root, r.pack()), false);
        out.add("finished the compaction into pack " + r.pack() + " (" + r.trialIds().size() + " trials)");
      } else {
        fs.delete(StorePacks.epochsPack(root, r.pack()), false);
        fs.delete(StorePacks.recordPath(root, r.pack()), false);
        out.add("rolled back the unfinished compaction into pack " + r.pack());
      }
    }
    for (FileStatus f : list(fs, new Path(root, StorePacks.COMPACTION))) {
      if (f.getPath().getName().startsWith(".")) {
        fs.delete(f.getPath(), false); // a record being written when the process died
      }
    }
    for (FileStatus f : list(fs, new Path(root, StoreFormat.STAGING))) {
      if (f.getPath().getName().startsWith("compact-")) {
        fs.delete(f.getPath(), true);
      }
    }
    return out;
  }

  private static void removeTrialFiles(ResultStore store, DriverLock.Fence fence, StorePacks.Record r, Crash crash)
      throws IOException {
    FileSystem fs = store.fs();
    Path root = store.root();
    int n = 0;
    for (String id : r.trialIds()) {
      fence.check(store);
      fs.delete(new Path(root, StoreFormat.TRIALS + "/" + id + ".parquet"), false);
      fs.delete(new Path(root, StoreFormat.EPOCHS + "/" + id + ".parquet"), false);
      crash.at(Step.TRIAL_FILES_REMOVED, r.pack(), ++n);
    }
  }

  /** A pack being staged: its files under _staging/ and the trials copied into it so far. */
  private static final class Staged {
    final long number;
    final Path trialsFile;
    final Path epochsFile;
    final ParquetWriter<Group> trials;
    final ParquetWriter<Group> epochs;
    final List<String> ids = new ArrayList<>();
    long epochRows;

    Staged(long number, Path dir, MessageType trialsSchema, MessageType epochsSchema, Configuration conf)
        throws IOException {
      this.number = number;
      this.trialsFile = new Path(dir, "trials-" + number + ".parquet");
      this.epochsFile = new Path(dir, "epochs-" + number + ".parquet");
      this.trials = writer(trialsFile, trialsSchema, conf);
      this.epochs = writer(epochsFile, epochsSchema, conf);
    }
  }

  private static Outcome run(ResultStore store, DriverLock lock, Crash crash) throws IOException {
    DriverLock.Fence fence = lock.fence();
    fence.check(store);
    FileSystem fs = store.fs();
    Path root = store.root();
    Configuration conf = store.conf();
    List<String> recovered = recover(store, fence);
    StoreCheck.Result check = store.check();
    if (!check.intact()) {
      throw new StoreException(check.refusal(store.uri()));
    }
    int before = countFiles(fs, root);
    Set<String> packed = packedIds(fs, root, conf);
    long next = nextPackNumber(fs, root);
    Path staging = new Path(root, StoreFormat.STAGING + "/compact-" + UUID.randomUUID());
    Map<List<MessageType>, Staged> packs = new LinkedHashMap<>();
    List<Path> singles = new ArrayList<>(check.trialsFiles());
    singles.removeIf(p -> StorePacks.packOf(p.getName()) != null);
    singles.sort((a, b) -> a.getName().compareTo(b.getName()));
    for (Path trialsFile : singles) {
      String id = trialsFile.getName().substring(0, trialsFile.getName().length() - ".parquet".length());
      Rows trial = readAll(trialsFile, conf);
      String status = trial.rows().get(0).getString("status", 0);
      if (!(status.equals("DONE") || status.equals("DIVERGED")) || packed.contains(id)) {
        continue;
      }
      Rows epochs = readAll(new Path(root, StoreFormat.EPOCHS + "/" + id + ".parquet"), conf);
      List<MessageType> key = List.of(trial.schema(), epochs.schema());
      Staged s = packs.get(key);
      if (s == null) {
        s = new Staged(next++, staging, trial.schema(), epochs.schema(), conf);
        packs.put(key, s);
      }
      for (Group g : trial.rows()) {
        s.trials.write(g);
      }
      for (Group g : epochs.rows()) {
        s.epochs.write(g);
      }
      s.ids.add(id);
      s.epochRows += epochs.rows().size();
    }
    for (Staged s : packs.values()) {
      s.trials.close();
      s.epochs.close();
      long t = rowCount(s.trialsFile, conf);
      long e = rowCount(s.epochsFile, conf);
      if (t != s.ids.size() || e != s.epochRows) {
        throw new IOException("the staged pack " + s.number + " reads back " + t + " trials and " + e
            + " epoch rows, not " + s.ids.size() + " and " + s.epochRows);
      }
    }
    crash.at(Step.STAGED, 0, 0);
    List<Pack> done = new ArrayList<>();
    for (Staged s : packs.values()) {
      StorePacks.Record record = new StorePacks.Record(s.number, s.ids);
      fence.check(store);
      StorePacks.writeRecord(fs, root, record);
      crash.at(Step.RECORDED, s.number, 0);
      fence.check(store);
      rename(fs, s.epochsFile, StorePacks.epochsPack(root, s.number));
      crash.at(Step.EPOCHS_PACK_RENAMED, s.number, 0);
      fence.check(store);
      rename(fs, s.trialsFile, StorePacks.trialsPack(root, s.number));
      crash.at(Step.TRIALS_PACK_RENAMED, s.number, 0);
      removeTrialFiles(store, fence, record, crash);
      fs.delete(StorePacks.recordPath(root, s.number), false);
      crash.at(Step.RECORD_REMOVED, s.number, 0);
      done.add(new Pack(s.number, s.ids.size(), s.epochRows));
    }
    fs.delete(staging, true);
    return new Outcome(recovered, done, before, countFiles(fs, root));
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.exists(to) || !fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }

  private record Rows(MessageType schema, List<Group> rows) {}

  /** Every row of a Parquet file as stored, with the file's schema. */
  private static Rows readAll(Path file, Configuration conf) throws IOException {
    try (ParquetFileReader r = ParquetFiles.open(file, conf)) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      List<Group> rows = new ArrayList<>();
      PageReadStore pages;
      while ((pages = r.readNextRowGroup()) != null) {
        RecordReader<Group> rr = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          rows.add(rr.read());
        }
      }
      return new Rows(schema, rows);
    }
  }

  private static long rowCount(Path file, Configuration conf) throws IOException {
    try (ParquetFileReader r = ParquetFiles.open(file, conf)) {
      return r.getRecordCount();
    }
  }

  private static ParquetWriter<Group> writer(Path path, MessageType schema, Configuration conf) throws IOException {
    return ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf))
        .withType(schema)
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withRowGroupSize(ROW_GROUP_BYTES)
        .withWriteMode(ParquetFileWriter.Mode.CREATE)
        .build();
  }

  /** The trial ids in the trials packs in place. */
  private static Set<String> packedIds(FileSystem fs, Path root, Configuration conf) throws IOException {
    Configuration c = new Configuration(conf);
    c.set(ReadSupport.PARQUET_READ_SCHEMA, "message trials { required binary trial_id (STRING); }");
    Set<String> out = new HashSet<>();
    for (FileStatus f : list(fs, new Path(root, StoreFormat.TRIALS))) {
      if (StorePacks.packOf(f.getPath().getName()) == null) {
        continue;
      }
      try (ParquetReader<Group> reader = ParquetFiles.groups(f.getPath(), c).build()) {
        Group g;
        while ((g = reader.read()) != null) {
          out.add(g.getString("trial_id", 0));
        }
      }
    }
    return out;
  }

  /** One more than the highest pack number in trials/, epochs/ and the records. */
  private static long nextPackNumber(FileSystem fs, Path root) throws IOException {
    long max = 0;
    for (String dir : List.of(StoreFormat.TRIALS, StoreFormat.EPOCHS)) {
      for (FileStatus f : list(fs, new Path(root, dir))) {
        Long k = StorePacks.packOf(f.getPath().getName());
        max = k != null ? Math.max(max, k) : max;
      }
    }
    for (Long k : StorePacks.records(fs, root).keySet()) {
      max = Math.max(max, k);
    }
    return max + 1;
  }

  /** Files in trials/ and epochs/, Hadoop's .crc sidecars not counted. */
  static int countFiles(FileSystem fs, Path root) throws IOException {
    int n = 0;
    for (String dir : List.of(StoreFormat.TRIALS, StoreFormat.EPOCHS)) {
      for (FileStatus f : list(fs, new Path(root, dir))) {
        n += f.getPath().getName().endsWith(".crc") ? 0 : 1;
      }
    }
    return n;
  }

  private static List<FileStatus> list(FileSystem fs, Path dir) throws IOException {
    try {
      return List.of(fs.listStatus(dir));
    } catch (java.io.FileNotFoundException e) {
      return List.of();
    }
  }
}
