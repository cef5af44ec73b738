package io.bopsweep.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Rows of the store's Parquet files ({@link ResultSchema}) as column maps, written and read with
 * plain parquet-hadoop (no Spark). A row is a map from column name to its value: {@link String},
 * {@link Integer}, {@link Long}, {@link Double}, {@link Boolean}, {@link Instant} (timestamps) or a
 * {@code Map<String, Long>} / {@code Map<String, Double>} (per-layer maps, in layer order); null
 * (or no entry) for a null value.
 *
 * <p>Reading merges schemas as the views do: a row read back has exactly the columns of the schema
 * it is read with, in its order; a column the file lacks (written before the column existed) reads
 * as null, and a column the file has but the schema lacks is not read.
 */
public final class ResultRows {
  private ResultRows() {}

  /**
   * Writes rows into a new Parquet file (replacing one there), Snappy-compressed.
   *
   * @throws IllegalArgumentException for a row with a column the schema lacks, or without a required column
   */
  public static void write(Path file, MessageType schema, List<Map<String, Object>> rows, Configuration conf)
      throws IOException {
    SimpleGroupFactory factory = new SimpleGroupFactory(schema);
    List<Group> groups = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      groups.add(group(factory.newGroup(), schema, row));
    }
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
        .withType(schema)
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build()) {
      for (Group g : groups) {
        w.write(g);
      }
    }
  }

  /**
   * Every trials row of the store at root (the trials that committed), with the columns of
   * {@code schema.trials()}; files in name order.
   */
  public static List<Map<String, Object>> trials(FileSystem fs, Path root, ResultSchema schema, Configuration conf)
      throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    // packs first, then the trials' own files, each trial once ({@link StorePacks#trialsFiles})
    for (Path f : StorePacks.trialsFiles(fs, root)) {
      out.addAll(read(f, schema.trials(), conf));
    }
    return out;
  }

  /** The committed trials row of one trial, from its own file or from the pack that holds it. */
  public static java.util.Optional<Map<String, Object>> trial(FileSystem fs, Path root, String trialId,
      ResultSchema schema, Configuration conf) throws IOException {
    Path file = StoreFormat.trialsFile(root, trialId);
    if (fs.exists(file)) {
      return read(file, schema.trials(), conf).stream().findFirst();
    }
    Long pack = StorePacks.packHolding(fs, root, conf, trialId);
    if (pack == null) {
      return java.util.Optional.empty();
    }
    return StorePacks.rowsOf(fs, root, conf, StoreFormat.TRIALS, pack, trialId).stream()
        .map(g -> row(g, schema.trials())).findFirst();
  }

  /**
   * The epochs rows of a committed trial (none where it has none), with the columns of
   * {@code schema.epochs()}: from its own file, or from the pack that holds a packed trial.
   */
  public static List<Map<String, Object>> epochs(FileSystem fs, Path root, String trialId, ResultSchema schema,
      Configuration conf) throws IOException {
    if (!fs.exists(StoreFormat.trialsFile(root, trialId))) {
      Long pack = StorePacks.packHolding(fs, root, conf, trialId);
      if (pack != null) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Group g : StorePacks.rowsOf(fs, root, conf, StoreFormat.EPOCHS, pack, trialId)) {
          out.add(row(g, schema.epochs()));
        }
        return out;
      }
    }
    Path file = StoreFormat.epochsFile(root, trialId);
    return fs.exists(file) ? read(file, schema.epochs(), conf) : List.of();
  }

  /** Every row of a Parquet file, with the columns of {@code schema} (see the class comment). */
  public static List<Map<String, Object>> read(Path file, MessageType schema, Configuration conf) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetFiles.groups(file, conf).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        out.add(row(g, schema));
      }
    }
    return out;
  }

  /** A row read with {@code schema}: its columns, null where the group's file has no such column. */
  static Map<String, Object> row(Group g, MessageType schema) {
    GroupType stored = g.getType();
    Map<String, Object> row = new LinkedHashMap<>();
    for (Type column : schema.getFields()) {
      String name = column.getName();
      Object value = null;
      if (stored.containsField(name)) {
        int i = stored.getFieldIndex(name);
        if (g.getFieldRepetitionCount(i) > 0) {
          value = conform(value(g, i, stored.getType(i)), column);
        }
      }
      row.put(name, value);
    }
    return Collections.unmodifiableMap(row);
  }

  private static Group group(Group g, MessageType schema, Map<String, Object> row) {
    for (String name : row.keySet()) {
      if (!schema.containsField(name)) {
        throw new IllegalArgumentException("no column " + name + " in the " + schema.getName() + " schema");
      }
    }
    for (Type column : schema.getFields()) {
      Object v = row.get(column.getName());
      if (v == null) {
        if (column.isRepetition(Type.Repetition.REQUIRED)) {
          throw new IllegalArgumentException(schema.getName() + " column " + column.getName() + " is required");
        }
        continue;
      }
      if (column.isPrimitive()) {
        add(g, column.getName(), column.asPrimitiveType(), v);
      } else {
        // a MAP: repeated key_value groups of a string key and a value
        GroupType keyValue = column.asGroupType().getType(0).asGroupType();
        PrimitiveType valueType = keyValue.getType(1).asPrimitiveType();
        Group map = g.addGroup(column.getName());
        ((Map<?, ?>) v).forEach((key, value) -> {
          Group kv = map.addGroup(keyValue.getName());
          kv.add(keyValue.getType(0).getName(), String.valueOf(key));
          if (value != null) {
            add(kv, keyValue.getType(1).getName(), valueType, value);
          }
        });
      }
    }
    return g;
  }

  private static void add(Group g, String name, PrimitiveType type, Object v) {
    switch (type.getPrimitiveTypeName()) {
      case BINARY -> g.add(name, String.valueOf(v));
      case INT32 -> g.add(name, ((Number) v).intValue());
      case INT64 -> g.add(name, v instanceof Instant t ? t.toEpochMilli() : ((Number) v).longValue());
      case DOUBLE -> g.add(name, ((Number) v).doubleValue());
      case BOOLEAN -> g.add(name, (Boolean) v);
      default -> throw new IllegalArgumentException("column " + name + ": no values of type " + type);
    }
  }

  private static Object value(Group g, int field, Type type) {
    if (!type.isPrimitive()) {
      Group map = g.getGroup(field, 0);
      Map<String, Object> out = new LinkedHashMap<>();
      if (map.getType().getFieldCount() > 0) {
        for (int i = 0; i < map.getFieldRepetitionCount(0); i++) {
          Group kv = map.getGroup(0, i);
          GroupType kvType = kv.getType();
          Object value = kvType.getFieldCount() > 1 && kv.getFieldRepetitionCount(1) > 0
              ? value(kv, 1, kvType.getType(1)) : null;
          out.put(String.valueOf(value(kv, 0, kvType.getType(0))), value);
        }
      }
      return Collections.unmodifiableMap(out);
    }
    PrimitiveType p = type.asPrimitiveType();
    return switch (p.getPrimitiveTypeName()) {
      case BINARY -> g.getString(field, 0);
      case INT32 -> g.getInteger(field, 0);
      case INT64 -> p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
          ? instant(g.getLong(field, 0), ts.getUnit()) : (Object) g.getLong(field, 0);
      case DOUBLE -> g.getDouble(field, 0);
      case FLOAT -> (double) g.getFloat(field, 0);
      case BOOLEAN -> g.getBoolean(field, 0);
      case INT96, FIXED_LEN_BYTE_ARRAY -> throw new StoreFormatException("column " + type.getName() + ": " + p
          + " values are not store values");
    };
  }

  private static Instant instant(long value, LogicalTypeAnnotation.TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> Instant.ofEpochMilli(value);
      case MICROS -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000);
      case NANOS -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
    };
  }

  /** A value as the schema's column holds it, where the file stored a narrower number (an int where a long is). */
  private static Object conform(Object v, Type column) {
    if (!column.isPrimitive() || !(v instanceof Number n) || v instanceof Double) {
      return v;
    }
    PrimitiveTypeName t = column.asPrimitiveType().getPrimitiveTypeName();
    if (t == PrimitiveTypeName.INT64 && v instanceof Integer) {
      return n.longValue();
    }
    if (t == PrimitiveTypeName.DOUBLE) {
      return n.doubleValue();
    }
    return v;
  }
}
