package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/** Store files as the tests need them: rows read, copied with changed values, written the way writers do (renamed into place). */
final class StoreFiles {
  private StoreFiles() {}

  static List<Group> read(Path file) throws IOException {
    List<Group> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
        new org.apache.hadoop.fs.Path(file.toUri())).withConf(new Configuration()).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        rows.add(g);
      }
    }
    return rows;
  }

  /** The Parquet files of a store directory, by name. */
  static List<Path> parquet(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  /** A copy of a row with some columns set (null: no value), every other value (nested ones too) as it was. */
  static Group with(Group row, Map<String, Object> set) {
    MessageType schema = (MessageType) row.getType();
    Group out = new SimpleGroup(schema);
    for (int i = 0; i < schema.getFieldCount(); i++) {
      String name = schema.getFieldName(i);
      if (set.containsKey(name)) {
        Object v = set.get(name);
        if (v instanceof Integer x) {
          out.add(i, x);
        } else if (v instanceof Long x) {
          out.add(i, x);
        } else if (v instanceof Double x) {
          out.add(i, x);
        } else if (v != null) {
          out.add(i, String.valueOf(v));
        }
        continue;
      }
      Type t = schema.getType(i);
      for (int j = 0; j < row.getFieldRepetitionCount(i); j++) {
        if (!t.isPrimitive()) {
          out.add(i, row.getGroup(i, j));
          continue;
        }
        switch (t.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> out.add(i, row.getInteger(i, j));
          case INT64 -> out.add(i, row.getLong(i, j));
          case DOUBLE -> out.add(i, row.getDouble(i, j));
          case FLOAT -> out.add(i, row.getFloat(i, j));
          case BOOLEAN -> out.add(i, row.getBoolean(i, j));
          default -> out.add(i, row.getBinary(i, j));
        }
      }
    }
    return out;
  }

  /** Writes rows under a hidden name beside the target and renames it into place, as the store's writers do. */
  static void write(Path target, List<Group> rows) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Configuration conf = new Configuration();
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
        new org.apache.hadoop.fs.Path(tmp.toUri()), conf)).withType((MessageType) rows.get(0).getType()).withConf(conf)
        .build()) {
      for (Group g : rows) {
        w.write(g);
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(tmp.resolveSibling("." + tmp.getFileName() + ".crc"));
  }

  /**
   * Merges the files of trials/ and of epochs/ into one file each, named by no trial (as a
   * compaction may), sorted by trial id, and removes the per-trial files.
   */
  static void compact(Path store, String name) throws IOException {
    for (String dir : List.of("trials", "epochs")) {
      List<Path> files = parquet(store.resolve(dir));
      List<Group> rows = new ArrayList<>();
      for (Path f : files) {
        List<Group> read = read(f);
        if (!rows.isEmpty()) {
          assertEquals(rows.get(0).getType(), read.get(0).getType(), "one schema in " + f);
        }
        rows.addAll(read);
      }
      rows.sort(Comparator.comparing((Group g) -> g.getString("trial_id", 0)));
      write(store.resolve(dir + "/" + name + ".parquet"), rows);
      for (Path f : files) {
        Files.delete(f);
        Files.deleteIfExists(f.resolveSibling("." + f.getFileName() + ".crc"));
      }
    }
  }

  /**
   * An epoch of a running attempt, as a sweep writes it to _live/ID/epoch-N.parquet: the first
   * stored epoch row of the store with the given trial, attempt, epoch and metrics.
   */
  static void writeLiveEpoch(Path store, String trialId, int attempt, int epoch, double testAcc, double testLoss,
      double piLast) throws IOException {
    Group template = read(parquet(store.resolve("epochs")).get(0)).get(0);
    Group row = with(template, Map.of("trial_id", trialId, "attempt", attempt, "epoch", epoch, "test_acc", testAcc,
        "test_loss", testLoss, "pi_last", piLast));
    write(store.resolve("_live/" + trialId + "/epoch-" + epoch + ".parquet"), List.of(row));
  }

  /** Holds the tasks given to it until the test runs them: a pass of the index that stays under way. */
  static final class HeldExecutor implements Executor {
    private final List<Runnable> held = new ArrayList<>();
    private boolean released;

    @Override
    public void execute(Runnable task) {
      synchronized (this) {
        if (!released) {
          held.add(task);
          return;
        }
      }
      task.run();
    }

    synchronized int held() {
      return held.size();
    }

    /** Runs the first n held tasks, here. */
    void run(int n) {
      List<Runnable> now;
      synchronized (this) {
        now = new ArrayList<>(held.subList(0, n));
        held.subList(0, n).clear();
      }
      now.forEach(Runnable::run);
    }

    /** Runs the held tasks, here, and from now on every task at once. */
    void release() {
      List<Runnable> now;
      synchronized (this) {
        released = true;
        now = new ArrayList<>(held);
        held.clear();
      }
      now.forEach(Runnable::run);
    }
  }
}
