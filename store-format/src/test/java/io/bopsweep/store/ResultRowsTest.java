package io.bopsweep.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.store.ResultSchema.Column;
import io.bopsweep.store.ResultSchema.ColumnType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's rows written and read back with plain parquet-hadoop, and read across schema versions. */
class ResultRowsTest {
  static final List<Column> SETTINGS = List.of(Column.optional("dataset", ColumnType.STRING),
      Column.optional("width", ColumnType.DOUBLE), Column.optional("gamma", ColumnType.DOUBLE),
      Column.optional("clip", ColumnType.BOOL), Column.optional("epochs", ColumnType.INT),
      Column.optional("seed", ColumnType.LONG));
  static final ResultSchema SCHEMA = new ResultSchema(SETTINGS);

  @TempDir Path tmp;

  static org.apache.hadoop.fs.Path path(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  /** A row with every column of the epochs schema; the optional ones null where {@code nulls}. */
  static Map<String, Object> epochRow(String id, int epoch, boolean nulls) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (org.apache.parquet.schema.Type c : SCHEMA.epochs().getFields()) {
      row.put(c.getName(), null);
    }
    row.put("trial_id", id);
    row.put("sweep", "s");
    row.put("attempt", 2);
    row.put("code_version", "v");
    row.put("host", "h");
    row.put("device", "cpu");
    row.put("started_at", Instant.ofEpochMilli(1_700_000_000_123L));
    row.put("finished_at", Instant.ofEpochMilli(1_700_000_009_456L));
    row.put("data_variant", "mnist");
    row.put("cpu_model", nulls ? null : "Test CPU");
    row.put("kernel_threads", nulls ? null : 4);
    row.put("dataset", "mnist");
    row.put("width", 16.0);
    row.put("gamma", nulls ? null : 1e-3);
    row.put("clip", nulls ? null : true);
    row.put("epochs", 3);
    row.put("seed", 1L << 40);
    row.put("epoch", epoch);
    row.put("steps", 10);
    row.put("train_loss", 0.5);
    row.put("train_acc", 0.8);
    row.put("test_loss", 0.4);
    row.put("test_acc", 0.9 + epoch / 100.0);
    row.put("val_acc", nulls ? null : 0.7);
    row.put("flips", 1L << 33);
    row.put("flip_ratio", 0.01);
    Map<String, Long> flips = new LinkedHashMap<>();
    flips.put("dense2", 5L);
    flips.put("dense1", 7L);
    row.put("layer_flips", flips);
    row.put("layer_flip_ratio", nulls ? Map.of() : Map.of("dense1", 0.25));
    row.put("pi_last", -4.5);
    row.put("epoch_lr", 1e-2);
    row.put("train_seconds", 1.5);
    row.put("eval_seconds", 0.5);
    row.put("samples_per_sec", 1000.0);
    row.put("sign_hash", "00ff");
    return row;
  }

  @Test
  void rowsReadBackAsWrittenWithNullsAndMapsInOrder() throws Exception {
    List<Map<String, Object>> rows = List.of(epochRow("t", 1, false), epochRow("t", 2, true));
    org.apache.hadoop.fs.Path file = path(tmp.resolve("epochs.parquet"));
    ResultRows.write(file, SCHEMA.epochs(), rows, new Configuration());
    List<Map<String, Object>> back = ResultRows.read(file, SCHEMA.epochs(), new Configuration());
    assertEquals(rows, back);
    assertEquals(List.of("dense2", "dense1"), new ArrayList<>(((Map<?, ?>) back.get(0).get("layer_flips")).keySet()),
        "a map keeps its layer order");
    assertEquals(SCHEMA.epochs().getFields().stream().map(org.apache.parquet.schema.Type::getName).toList(),
        new ArrayList<>(back.get(1).keySet()), "every column of the schema, in order, null ones too");
  }

  @Test
  void aColumnTheFileLacksReadsAsNullAndOneTheSchemaLacksIsNotRead() throws Exception {
    // an "older" schema: no provenance, no gamma; and a column this version does not know
    List<Column> oldSettings = List.of(Column.optional("dataset", ColumnType.STRING),
        Column.optional("retired_setting", ColumnType.INT));
    MessageType older = new MessageType("trials", new ResultSchema(oldSettings).trials().getFields().stream()
        .filter(f -> !ResultSchema.PROVENANCE.stream().map(Column::name).toList().contains(f.getName())).toList());
    Map<String, Object> row = new HashMap<>();
    row.put("trial_id", "old");
    row.put("sweep", "s");
    row.put("attempt", 1);
    row.put("code_version", "v");
    row.put("host", "h");
    row.put("device", "cpu");
    row.put("started_at", Instant.ofEpochMilli(0));
    row.put("finished_at", Instant.ofEpochMilli(1000));
    row.put("data_variant", "mnist");
    row.put("dataset", "mnist");
    row.put("retired_setting", 7);
    row.put("status", "DONE");
    row.put("start_epoch", 0);
    row.put("epochs_done", 1);
    row.put("seconds", 1.0);
    row.put("swept", "{}");
    row.put("config_json", "{\"dataset\":\"mnist\"}");
    Path dir = Files.createDirectories(tmp.resolve("store/trials"));
    ResultRows.write(path(dir.resolve("old.parquet")), older, List.of(row), new Configuration());

    org.apache.hadoop.fs.Path root = path(tmp.resolve("store"));
    FileSystem fs = root.getFileSystem(new Configuration());
    List<Map<String, Object>> back = ResultRows.trials(fs, root, SCHEMA, new Configuration());
    assertEquals(1, back.size());
    Map<String, Object> read = back.get(0);
    assertEquals("mnist", read.get("dataset"));
    assertEquals(Instant.ofEpochMilli(1000), read.get("finished_at"));
    assertTrue(read.containsKey("gamma") && read.get("gamma") == null, "a setting the file lacks: null");
    assertTrue(read.containsKey("cpu_model") && read.get("cpu_model") == null, "provenance the file lacks: null");
    assertTrue(!read.containsKey("retired_setting"), "a column this schema lacks is not read");
  }

  @Test
  void aCommittedVersionOneFileReadsWithNullProvenance() throws Exception {
    Path trials = Path.of("../docs/results/paper-3b-approximation-small/store/trials");
    org.apache.hadoop.fs.Path root = path(trials.getParent());
    FileSystem fs = root.getFileSystem(new Configuration());
    List<Map<String, Object>> rows = ResultRows.trials(fs, root, SCHEMA, new Configuration());
    assertEquals(3, rows.size());
    List<String> names = new ArrayList<>();
    try (var s = Files.list(trials)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).sorted()
          .forEach(n -> names.add(n.replace(".parquet", "")));
    }
    assertEquals(names, rows.stream().map(r -> r.get("trial_id")).toList(), "in file name order");
    for (Map<String, Object> r : rows) {
      assertEquals("paper-3b-approximation-small", r.get("sweep"));
      assertEquals("DONE", r.get("status"));
      assertNull(r.get("cpu_model"));
      assertNull(r.get("kernel_threads"));
      assertTrue(r.get("started_at") instanceof Instant, r.toString());
      assertEquals(6, r.get("epochs_done"));
      List<Map<String, Object>> epochs = ResultRows.epochs(fs, root, (String) r.get("trial_id"), SCHEMA,
          new Configuration());
      assertEquals(6, epochs.size());
      assertEquals(r.get("final_test_acc"), epochs.get(5).get("test_acc"));
      assertTrue(epochs.get(0).get("layer_flips") instanceof Map<?, ?> m && !m.isEmpty(), epochs.get(0).toString());
    }
    assertEquals(List.of(), ResultRows.epochs(fs, root, "no-such-trial", SCHEMA, new Configuration()));
  }

  @Test
  void theWriterRefusesUnknownColumnsAndMissingRequiredOnes() {
    org.apache.hadoop.fs.Path file = path(tmp.resolve("bad.parquet"));
    Map<String, Object> typo = new HashMap<>(epochRow("t", 1, false));
    typo.put("test_accuracy", 0.5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResultRows.write(file, SCHEMA.epochs(), List.of(typo), new Configuration()));
    assertEquals("no column test_accuracy in the epochs schema", e.getMessage());
    Map<String, Object> missing = new HashMap<>(epochRow("t", 1, false));
    missing.remove("sign_hash");
    e = assertThrows(IllegalArgumentException.class,
        () -> ResultRows.write(file, SCHEMA.epochs(), List.of(missing), new Configuration()));
    assertEquals("epochs column sign_hash is required", e.getMessage());
  }

  @Test
  void theSchemaPutsSettingsBetweenProvenanceAndTheTablesColumns() {
    List<String> trials = SCHEMA.trials().getFields().stream().map(org.apache.parquet.schema.Type::getName).toList();
    assertEquals(List.of("trial_id", "sweep", "attempt", "code_version", "host", "device", "started_at", "finished_at",
        "data_variant"), trials.subList(0, 9));
    assertEquals(StoreFormat.PROVENANCE_STRINGS, trials.subList(9, 17));
    assertEquals(StoreFormat.PROVENANCE_INTS, trials.subList(17, 19));
    assertEquals(SETTINGS.stream().map(Column::name).toList(), trials.subList(19, 19 + SETTINGS.size()));
    assertEquals("status", trials.get(19 + SETTINGS.size()));
    assertEquals("config_json", trials.get(trials.size() - 1));
    assertEquals("sign_hash", SCHEMA.epochs().getFields().get(SCHEMA.epochs().getFieldCount() - 1).getName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ResultSchema(List.of(Column.optional("epoch", ColumnType.INT))));
    assertEquals("setting column epoch: the name of another column", e.getMessage());
  }
}
