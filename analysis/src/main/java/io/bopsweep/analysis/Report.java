package io.bopsweep.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The report of the stored trials a {@link ReportScope} names: the paper's tables whose rule says
 * they apply (Markdown and CSV), plots (PNG and SVG) and the README.md that shows them. Every .sql
 * file reads the views {@code report_trials} and {@code report_epochs}: the scoped trials with
 * their configuration ({@code config_key}: every setting but the seed; {@code configuration}: the
 * settings that vary in the report, as text) and their epochs.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The tables a report may hold, in the order it shows them. */
  /** Epochs over which volatility is measured, and the test accuracy epochs_to_target waits for. */
  static final int VOLATILITY_EPOCHS = 5;
  static final double TARGET_TEST_ACC = 0.9;
  /** Settings as the paper writes them, for plots. */
  static final Map<String, String> PAPER_NAMES = Map.of("gamma", "γ", "tau", "τ", "lr_scale", "lr scale",
      "init_scale", "init scale", "latent_dtype", "latent dtype", "gamma_schedule", "γ schedule",
      "lr_schedule", "lr schedule");
  static final String FLIP_RATE = "ln(flip ratio + e^-9)";

  private Report() {}

  /** The settings of the report's configurations, and which of them vary. */
  record Configurations(Map<String, Map<String, Object>> byKey, List<String> varied) {
    /** "gamma=1e-3 tau=0" (columns as stored) or "γ = 1e-3, τ = 0" (as the paper writes them). */
    String label(String key, List<String> keys, boolean paper) {
      List<String> parts = new ArrayList<>();
      for (String k : keys) {
        if (byKey.get(key).get(k) == null) {
          continue; // a setting that does not act on this configuration's optimizer
        }
        String v = value(byKey.get(key).get(k));
        parts.add(paper ? PAPER_NAMES.getOrDefault(k, k) + " = " + v : k + "=" + v);
      }
      return parts.isEmpty() ? "one configuration" : String.join(paper ? ", " : " ", parts);
    }

    List<String> numericVaried() {
      return varied.stream().filter(k -> byKey.values().stream().allMatch(c -> c.get(k) instanceof Number)).toList();
    }
  }

  static String value(Object v) {
    return v instanceof Number n ? Table.setting(n.doubleValue()) : String.valueOf(v);
  }

  /** From how many single-trial epochs files on a report caches its epochs. */
  static final int CACHE_EPOCHS_FROM_FILES = 100;

  /** The views a report caches while it is written: every trial, and the epochs of those in its scope. */
  private static final List<String> CACHED_VIEWS = List.of("trials", "report_epochs");

  /** Writes the report of a sweep's stored trials (all of them) into dir; returns the files written. */
  public static List<Path> write(SparkSession spark, String sweep, Path dir) throws IOException {
    if (!Results.sweeps(spark).contains(sweep)) {
      throw new AnalysisException("no trials of sweep '" + sweep + "' in the results (sweeps there: "
          + Results.sweeps(spark) + ")");
    }
    List<String> ids = spark.sql("SELECT trial_id FROM trials WHERE sweep = :sweep ORDER BY 1", Map.of("sweep", sweep))
        .as(Encoders.STRING()).collectAsList();
    return write(spark, new ReportScope(sweep, ids, List.of()), dir);
  }

  /** Writes the report of exactly the stored trials in scope into dir; returns the files written. */
  public static List<Path> write(SparkSession spark, ReportScope scope, Path dir) throws IOException {
    return write(spark, scope, dir, CACHE_EPOCHS_FROM_FILES);
  }

  /**
   * The report runs some twenty queries over the trials and the scope's epochs. The trials (a row
   * each) are cached by the first; the epochs too where the store keeps {@code cacheEpochsFromFiles}
   * or more epochs files of single trials, where a scan is mostly the opening of files (a store as
   * sweeps write it). Epochs in packs are not: caching every column of a million rows costs more
   * than the column-pruned scans of a few files (docs/performance.md, Store at scale).
   */
  static List<Path> write(SparkSession spark, ReportScope scope, Path dir, int cacheEpochsFromFiles) throws IOException {
    spark.catalog().cacheTable("trials");
    try {
      Configurations configs = register(spark, scope);
      if (cachesEpochs(spark.table("epochs_raw").inputFiles(), cacheEpochsFromFiles)) {
        spark.catalog().cacheTable("report_epochs");
      }
      return write(spark, scope, configs, dir);
    } finally {
      for (String view : CACHED_VIEWS) {
        if (spark.catalog().tableExists(view) && spark.catalog().isCached(view)) {
          spark.catalog().uncacheTable(view);
        }
      }
    }
  }

  /** Whether {@code files} hold {@code from} or more files of single trials (files not packs). */
  static boolean cachesEpochs(String[] files, int from) {
    return java.util.Arrays.stream(files)
        .filter(f -> io.bopsweep.store.StorePacks.packOf(f.substring(f.lastIndexOf('/') + 1)) == null).count() >= from;
  }

  private static List<Path> write(SparkSession spark, ReportScope scope, Configurations configs, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Sweep " + scope.sweep() + "\n\n");
    scope.notes().forEach(n -> md.append("> ").append(n).append("\n>\n"));
    if (!scope.notes().isEmpty()) {
      md.setLength(md.length() - 2);
      md.append('\n');
    }
    int configurations = configs.byKey().size();
    md.append(String.format("Trials: %d in %d configuration%s. Varied: %s. Data: %s. Code: %s.%n%n",
        spark.table("report_trials").count(), configurations, configurations == 1 ? "" : "s",
        configs.varied().isEmpty() ? "nothing" : String.join(", ", configs.varied()),
        String.join(", ", distinct(spark, "data_variant")), String.join(", ", distinct(spark, "code_version"))));
    for (SqlFile f : SqlFile.reportTables()) {
      Table t = table(spark, f, parameters());
      if (t != null) {
        t.write(dir);
        written.add(dir.resolve(t.name() + ".md"));
        written.add(dir.resolve(t.name() + ".csv"));
        md.append(t.markdown()).append('\n');
      }
    }
    written.addAll(curves(spark, scope.sweep(), configs, dir, md));
    written.addAll(heatmaps(spark, configs, "final_test_acc", "final test accuracy", dir, md));
    Path index = dir.resolve("README.md");
    Files.writeString(index, md.toString());
    written.add(0, index);
    return written;
  }

  /**
   * Registers report_trials and report_epochs for the trials in scope.
   *
   * @throws AnalysisException when the scope holds no stored trial
   */
  static Configurations register(SparkSession spark, ReportScope scope) {
    spark.createDataset(scope.trialIds(), Encoders.STRING()).toDF("trial_id").createOrReplaceTempView("report_scope");
    List<Row> stored = spark.sql("SELECT trial_id, config_json, swept FROM trials LEFT SEMI JOIN report_scope USING (trial_id)"
        + " ORDER BY trial_id").collectAsList();
    if (stored.isEmpty()) {
      throw new AnalysisException("report of " + scope.sweep() + ": none of its " + scope.trialIds().size()
          + " trials is in the results");
    }
    Map<String, Map<String, Object>> byKey = new TreeMap<>();
    Map<String, String> keyOfTrial = new LinkedHashMap<>();
    Set<String> sweptOrder = new LinkedHashSet<>();
    for (Row r : stored) {
      Map<String, Object> config = new TreeMap<>(readMap(r.getString(1), "config_json"));
      config.remove("seed");
      String key = json(config);
      byKey.putIfAbsent(key, config);
      keyOfTrial.put(r.getString(0), key);
      sweptOrder.addAll(readMap(r.getString(2), "swept").keySet());
    }
    Set<String> allKeys = new TreeSet<>();
    byKey.values().forEach(c -> allKeys.addAll(c.keySet()));
    Set<String> ordered = new LinkedHashSet<>(sweptOrder);
    ordered.addAll(allKeys);
    List<String> varied = ordered.stream().filter(k -> !k.equals("seed"))
        .filter(k -> byKey.values().stream().map(c -> String.valueOf(c.get(k))).distinct().count() > 1).toList();
    Configurations configs = new Configurations(byKey, varied);
    List<Row> labels = new ArrayList<>();
    keyOfTrial.forEach((id, key) -> labels.add(RowFactory.create(id, key, configs.label(key, varied, false))));
    StructType schema = new StructType().add("trial_id", DataTypes.StringType).add("config_key", DataTypes.StringType)
        .add("configuration", DataTypes.StringType);
    spark.createDataFrame(labels, schema).createOrReplaceTempView("report_labels");
    spark.sql("CREATE OR REPLACE TEMPORARY VIEW report_trials AS"
        + " SELECT t.*, l.config_key, l.configuration FROM trials t JOIN report_labels l ON t.trial_id = l.trial_id");
    spark.sql("CREATE OR REPLACE TEMPORARY VIEW report_epochs AS"
        + " SELECT * FROM epochs LEFT SEMI JOIN report_labels USING (trial_id)");
    return configs;
  }

  private static Map<String, Object> readMap(String text, String column) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(text, LinkedHashMap.class);
      return m;
    } catch (IOException e) {
      throw new AnalysisException("unreadable " + column + " column: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The parameters the .sql files may use. */
  static Map<String, Object> parameters() {
    return Map.of("k", VOLATILITY_EPOCHS, "target", TARGET_TEST_ACC);
  }

  /** A table of the registered report views, or null where its rule says it does not apply. */
  public static Table table(SparkSession spark, String name) {
    return table(spark, name, parameters());
  }

  /** The same with other values of the parameters (k: volatility epochs, target: test accuracy). */
  static Table table(SparkSession spark, String name, Map<String, Object> parameters) {
    return table(spark, SqlFile.load(name), parameters);
  }

  private static Table table(SparkSession spark, SqlFile f, Map<String, Object> parameters) {
    String name = f.name();
    boolean whereRows = SqlFile.HAS_ROWS.equals(f.applies());
    if (f.applies() != null && !whereRows && !spark.sql(f.applies(), parameters).first().getBoolean(0)) {
      return null;
    }
    String note = f.note();
    if (note != null) {
      note = note.replace(":target", String.format(java.util.Locale.ROOT, "%.2f", ((Number) parameters.get("target")).doubleValue()))
          .replace(":k", String.valueOf(parameters.get("k")));
    }
    String text = String.join("\n\n", java.util.stream.Stream.of(note, f.reference()).filter(s -> s != null).toList());
    Table t = Table.of(name, f.title(), spark.sql(f.query(), parameters), text.isEmpty() ? null : text);
    return whereRows && t.rows().isEmpty() ? null : t;
  }

  private static List<Path> curves(SparkSession spark, String sweep, Configurations configs, Path dir, StringBuilder md)
      throws IOException {
    Map<String, List<Row>> byConfig = new LinkedHashMap<>();
    for (Row r : spark.sql(SqlFile.load("curves").query()).collectAsList()) {
      byConfig.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
    }
    if (byConfig.isEmpty()) {
      md.append("No plots: no trial finished.\n\n");
      return List.of();
    }
    List<Charts.Curve> acc = new ArrayList<>();
    List<Charts.Curve> flips = new ArrayList<>();
    byConfig.forEach((key, rows) -> {
      int n = rows.size();
      double[] x = new double[n];
      double[][] v = new double[4][n];
      for (int i = 0; i < n; i++) {
        x[i] = rows.get(i).getInt(1);
        for (int j = 0; j < 4; j++) {
          v[j][i] = rows.get(i).getDouble(2 + j);
        }
      }
      String label = configs.label(key, configs.varied(), true);
      acc.add(new Charts.Curve(label, x, v[0], v[1]));
      flips.add(new Charts.Curve(label, x, v[2], v[3]));
    });
    Charts.bands(acc, sweep + ": test accuracy (mean ± std over seeds)", "epoch", "test accuracy",
        dir.resolve("test-accuracy"));
    Charts.bands(flips, sweep + ": last layer's " + FLIP_RATE + " (mean ± std over seeds)", "epoch",
        FLIP_RATE + ", last layer", dir.resolve("flip-rate"));
    md.append("![test accuracy](test-accuracy.png)\n\n![last layer's ").append(FLIP_RATE)
        .append("](flip-rate.png)\n\n");
    List<Path> out = new ArrayList<>();
    for (String f : List.of("test-accuracy", "flip-rate")) {
      out.add(dir.resolve(f + ".png"));
      out.add(dir.resolve(f + ".svg"));
    }
    return out;
  }

  /**
   * Heatmaps of a per-trial metric over the first two numeric varied settings that form a grid (at
   * least 2 x 2 values) at fixed values of every other varied setting: one per such combination.
   */
  static List<Path> heatmaps(SparkSession spark, Configurations configs, String metric, String metricName, Path dir,
      StringBuilder md) throws IOException {
    List<String> numeric = configs.numericVaried();
    if (numeric.size() < 2) {
      md.append("No heatmap: fewer than two numeric settings vary.\n");
      return List.of();
    }
    Map<String, Row> cells = new LinkedHashMap<>();
    for (Row r : spark.sql(SqlFile.load("cells").query(), Map.of("metric", metric)).collectAsList()) {
      cells.put(r.getString(0), r);
    }
    for (int i = 0; i < numeric.size(); i++) {
      for (int j = i + 1; j < numeric.size(); j++) {
        String rowKey = numeric.get(i);
        String colKey = numeric.get(j);
        List<String> others = configs.varied().stream().filter(k -> !k.equals(rowKey) && !k.equals(colKey)).toList();
        Map<String, List<String>> facets = new TreeMap<>();
        for (String key : configs.byKey().keySet()) {
          facets.computeIfAbsent(configs.label(key, others, false), f -> new ArrayList<>()).add(key);
        }
        List<Path> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> facet : facets.entrySet()) {
          TreeMap<Double, String> rows = new TreeMap<>();
          TreeMap<Double, String> cols = new TreeMap<>();
          for (String key : facet.getValue()) {
            rows.put(number(configs, key, rowKey), value(configs.byKey().get(key).get(rowKey)));
            cols.put(number(configs, key, colKey), value(configs.byKey().get(key).get(colKey)));
          }
          if (rows.size() < 2 || cols.size() < 2) {
            continue;
          }
          List<Double> rowValues = new ArrayList<>(rows.keySet());
          List<Double> colValues = new ArrayList<>(cols.keySet());
          Charts.Cell[][] grid = new Charts.Cell[rows.size()][cols.size()];
          for (String key : facet.getValue()) {
            Row c = cells.get(key);
            if (c != null) {
              grid[rowValues.indexOf(number(configs, key, rowKey))][colValues.indexOf(number(configs, key, colKey))] =
                  new Charts.Cell(c.getDouble(1), c.isNullAt(2) ? Double.NaN : c.getDouble(2), c.getLong(3));
            }
          }
          String name = "heatmap-" + metric.replace('_', '-')
              + (others.isEmpty() ? "" : "-" + facet.getKey().replace('=', '-').replace(' ', '_').replaceAll("[^A-Za-z0-9._-]", "-"));
          String rowName = PAPER_NAMES.getOrDefault(rowKey, rowKey);
          String colName = PAPER_NAMES.getOrDefault(colKey, colKey);
          String where = others.isEmpty() ? "" : " at " + configs.label(facet.getValue().get(0), others, true);
          Charts.heatmap(new ArrayList<>(rows.values()), new ArrayList<>(cols.values()), grid,
              metricName + " over " + rowName + " and " + colName + where, rowName, colName, metricName,
              dir.resolve(name));
          md.append("![").append(metricName).append(" over ").append(rowName).append(" and ").append(colName)
              .append(where).append("](").append(name).append(".png)\n\n");
          out.add(dir.resolve(name + ".png"));
          out.add(dir.resolve(name + ".svg"));
        }
        if (!out.isEmpty()) {
          return out;
        }
      }
    }
    md.append("No heatmap: no two numeric settings take two or more values each at fixed values of the other"
        + " varied settings (" + String.join(", ", configs.varied()) + ").\n");
    return List.of();
  }

  private static double number(Configurations configs, String key, String setting) {
    return ((Number) configs.byKey().get(key).get(setting)).doubleValue();
  }

  /** A metric of the trials table by two axes, as a matrix table (rows: first axis, columns: second). */
  public static Table pivot(SparkSession spark, String sweep, String row, String col, String metric) {
    Map<String, Object> p = Map.of("sweep", sweep, "row", SqlFile.identifier(row, "row"),
        "col", SqlFile.identifier(col, "column"), "metric", SqlFile.identifier(metric, "metric"));
    List<Row> rows = spark.sql(SqlFile.load("pivot").query(), p).collectAsList();
    TreeSet<Object> rowKeys = new TreeSet<>(Report::compareValues);
    TreeSet<Object> colKeys = new TreeSet<>(Report::compareValues);
    Map<String, Double> cells = new LinkedHashMap<>();
    for (Row r : rows) {
      rowKeys.add(r.get(0));
      colKeys.add(r.get(1));
      cells.put(r.get(0) + "|" + r.get(1), r.isNullAt(2) ? null : r.getDouble(2));
    }
    List<String> columns = new ArrayList<>();
    columns.add(row + " \\ " + col);
    colKeys.forEach(c -> columns.add(String.valueOf(c)));
    List<List<Object>> out = new ArrayList<>();
    for (Object rk : rowKeys) {
      List<Object> line = new ArrayList<>();
      line.add(String.valueOf(rk));
      for (Object ck : colKeys) {
        line.add(cells.get(rk + "|" + ck));
      }
      out.add(line);
    }
    return new Table("pivot-" + metric + "-by-" + row + "-" + col, metric + " by " + row + " and " + col, columns, out, null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compareValues(Object a, Object b) {
    if (a == null || b == null) {
      return a == b ? 0 : a == null ? -1 : 1; // a setting that does not act on some trials is null there
    }
    if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
      return ca.compareTo(b);
    }
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  private static List<String> distinct(SparkSession spark, String column) {
    return spark.sql("SELECT DISTINCT CAST(IDENTIFIER(:c) AS STRING) FROM report_trials ORDER BY 1", Map.of("c", column))
        .as(Encoders.STRING()).collectAsList();
  }
}
