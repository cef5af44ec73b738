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
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The report of one sweep: the paper's tables that apply to what the sweep varied (Markdown and
 * CSV), and PNG plots. Every number comes from the .sql files over the registered views.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> NUMERIC_AXES = Set.of("gamma", "tau", "lr", "lr_scale", "init_scale", "width", "adam_lr",
      "batch_size", "epochs", "bn_momentum");

  /** Reference numbers from ../shared/PAPER.md, printed under the matching tables. */
  static final Map<String, String> REFERENCES = Map.of(
      "table-5.1-gamma-tau",
      "Paper (5.1, BinaryNet on CIFAR-10, 100 epochs): high gamma (1e-2) and tau = 0 give volatile validation"
          + " accuracy, tau = 0 also deteriorates; the flip rate falls with lower gamma and higher tau.",
      "table-5.2-bop-vs-adam",
      "Paper (5.2, CIFAR-10, 500 epochs): Bop 91.3 %, latent-weight Adam 90.9 % test accuracy."
          + " Reproduction: Bop 88.7 % (327 epochs, gamma 1e-3, tau 1e-7).",
      "table-3-inertia",
      "Reproduction (small convnet, 100 epochs, final training accuracy, MNIST / CIFAR-10): Glorot + SGD 0.01:"
          + " 0.9202 / 0.4144; Glorot + SGD 1: 0.9819 / 0.6545; Glorot x0.01 + SGD 0.01: 0.9800 / 0.6255;"
          + " uniform + SGD 0.01: 0.9190 / 0.4373; uniform + Adam 0.01: 0.9853 / 0.6570.",
      "table-3-theorem1",
      "Theorem 1: without clipping, lr x c with init x c gives the same binary weights at every step"
          + " (identical = true expected for sgd-latent with clip = false).",
      "table-3b-approximation",
      "Reproduction (MNIST, Adam 1e-3, 6 epochs, 10 seeds): binary 0.9663 +- 0.0180, latent 0.1039 +- 0.0018,"
          + " latent + retrained BN 0.9807 +- 0.0013.");

  private Report() {}

  /** The keys a sweep varied (from the trials' swept column), in first-seen order. */
  public static List<String> sweptKeys(SparkSession spark, String sweep) {
    Set<String> keys = new LinkedHashSet<>();
    for (Row r : spark.sql("SELECT swept FROM trials WHERE sweep = '" + SqlFile.literal(sweep) + "'").collectAsList()) {
      try {
        Map<?, ?> m = JSON.readValue(r.getString(0), Map.class);
        m.keySet().forEach(k -> keys.add(String.valueOf(k)));
      } catch (IOException e) {
        throw new AnalysisException("unreadable swept column: " + e.getMessage());
      }
    }
    return new ArrayList<>(keys);
  }

  public static Table query(SparkSession spark, String name, String title, Map<String, String> params) {
    return Table.of(name, title, spark.sql(SqlFile.render(name, params)), REFERENCES.get(name));
  }

  /**
   * Writes the report of the stored trials a scope names, under the scope's sweep name, into dir;
   * the scope's notes close its README. The trials and epochs views are narrowed to those trials
   * (their sweep column set to the scope's name) for the rest of this session.
   */
  public static List<Path> write(SparkSession spark, ReportScope scope, Path dir) throws IOException {
    if (scope.trialIds().isEmpty()) {
      throw new AnalysisException("no stored trials of sweep '" + scope.sweep() + "'"
          + (scope.notes().isEmpty() ? "" : ": " + String.join("; ", scope.notes())));
    }
    Object[] ids = scope.trialIds().toArray();
    org.apache.spark.sql.Column name = org.apache.spark.sql.functions.lit(scope.sweep());
    for (String view : List.of("trials", "epochs")) {
      spark.table(view).where(org.apache.spark.sql.functions.col("trial_id").isin(ids)).withColumn("sweep", name)
          .localCheckpoint().createOrReplaceTempView(view);
    }
    List<Path> written = write(spark, scope.sweep(), dir);
    if (!scope.notes().isEmpty()) {
      StringBuilder md = new StringBuilder("\n## Scope\n\n");
      scope.notes().forEach(n -> md.append("- ").append(n).append('\n'));
      Files.writeString(dir.resolve("README.md"), md.toString(), java.nio.file.StandardOpenOption.APPEND);
    }
    return written;
  }

  /** Writes the report of a sweep into dir; returns the files written. */
  public static List<Path> write(SparkSession spark, String sweep, Path dir) throws IOException {
    if (!Results.sweeps(spark).contains(sweep)) {
      throw new AnalysisException("no trials of sweep '" + sweep + "' in the results (sweeps there: "
          + Results.sweeps(spark) + ")");
    }
    Files.createDirectories(dir);
    List<String> swept = sweptKeys(spark, sweep);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("sweep", SqlFile.literal(sweep));
    p.put("k", "5");
    p.put("target", "0.9");
    List<Table> tables = new ArrayList<>();
    if (swept.contains("gamma") || swept.contains("tau")) {
      tables.add(query(spark, "table-5.1-gamma-tau", "5.1 Bop: gamma and tau", p));
    }
    if (swept.contains("optimizer")) {
      tables.add(query(spark, "table-5.2-bop-vs-adam", "5.2 Bop against latent-weight optimizers", p));
    }
    if (swept.contains("lr_scale") || swept.contains("init_scale") || swept.contains("init")) {
      tables.add(query(spark, "table-3-inertia", "3 Latent weights as inertia: learning-rate and init scale", p));
      tables.add(query(spark, "table-3-theorem1", "3 Theorem 1: equivalent scalings, identical binary weights?", p));
    }
    long latent = spark.sql("SELECT count(*) FROM trials WHERE sweep = '" + SqlFile.literal(sweep) + "' AND eval_latent")
        .first().getLong(0);
    if (latent > 0) {
      tables.add(query(spark, "table-3b-approximation", "3b The approximation view: latent weights", p));
    }
    List<String> axes = swept.stream().filter(k -> !k.equals("seed")).toList();
    // a configuration is what its trial's point and grid cell set (the swept column), seeds pooled
    String label = axes.isEmpty() ? "'all'"
        : "concat_ws(' ', transform(map_entries(from_json(swept, 'map<string,string>')), e -> concat(e.key, '=', e.value)))";
    Map<String, String> summaryParams = new LinkedHashMap<>(p);
    summaryParams.put("label", label);
    tables.add(Table.of("summary", "Per configuration: final and best test accuracy", spark.sql(
        "SELECT " + label + " AS configuration, count_if(status = 'DONE') AS seeds, count_if(status = 'DIVERGED') AS diverged,"
            + " count_if(status = 'FAILED') AS failed, count_if(status = 'STOPPED') AS stopped, avg(CASE WHEN status = 'DONE' THEN final_test_acc END) AS final_test_acc_mean,"
            + " stddev_samp(CASE WHEN status = 'DONE' THEN final_test_acc END) AS final_test_acc_std,"
            + " avg(CASE WHEN status = 'DONE' THEN best_test_acc END) AS best_test_acc_mean, avg(CASE WHEN status = 'DONE' THEN seconds END) AS seconds_mean"
            + " FROM trials WHERE sweep = '" + SqlFile.literal(sweep) + "' GROUP BY 1 ORDER BY 1"), null));

    List<Path> written = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Sweep " + sweep + "\n\n");
    md.append("Swept: ").append(axes.isEmpty() ? "(nothing)" : String.join(", ", axes)).append(". Data: ")
        .append(String.join(", ", distinct(spark, sweep, "data_variant"))).append(". Code: ")
        .append(String.join(", ", distinct(spark, sweep, "code_version"))).append(".\n\n");
    for (Table t : tables) {
      t.write(dir);
      written.add(dir.resolve(t.name() + ".md"));
      written.add(dir.resolve(t.name() + ".csv"));
      md.append(t.markdown()).append('\n');
    }

    List<Charts.Curve> acc = new ArrayList<>();
    List<Charts.Curve> pi = new ArrayList<>();
    Map<String, List<Row>> byConfig = new LinkedHashMap<>();
    for (Row r : spark.sql(SqlFile.render("curves", summaryParams)).collectAsList()) {
      byConfig.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
    }
    byConfig.forEach((cfg, rows) -> {
      double[] x = new double[rows.size()];
      double[] m = new double[rows.size()];
      double[] s = new double[rows.size()];
      double[] pm = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        x[i] = rows.get(i).getInt(1);
        m[i] = rows.get(i).getDouble(2);
        s[i] = rows.get(i).getDouble(3);
        pm[i] = rows.get(i).getDouble(4);
      }
      acc.add(new Charts.Curve(cfg, x, m, s));
      pi.add(new Charts.Curve(cfg, x, pm, new double[rows.size()]));
    });
    if (!acc.isEmpty()) {
      Path accPng = dir.resolve("test-accuracy.png");
      Charts.bands(acc, sweep + ": test accuracy (mean +- std over seeds)", "epoch", "test accuracy", accPng);
      Path piPng = dir.resolve("flip-rate.png");
      Charts.lines(pi, sweep + ": last layer flip rate pi = log(flips/total + e^-9)", "epoch", "pi (last layer)", piPng);
      written.add(accPng);
      written.add(piPng);
      md.append("![test accuracy](test-accuracy.png)\n\n![flip rate](flip-rate.png)\n\n");
    }
    List<String> numeric = axes.stream().filter(NUMERIC_AXES::contains).toList();
    List<String> heatAxes = numeric.size() >= 2 ? numeric.subList(0, 2) : axes.size() >= 2 ? axes.subList(0, 2) : List.of();
    if (heatAxes.size() == 2) {
      Path heat = dir.resolve("heatmap-final-test-acc.png");
      heatmap(spark, sweep, heatAxes.get(0), heatAxes.get(1), "final_test_acc", heat);
      written.add(heat);
      md.append("![final test accuracy over ").append(heatAxes.get(0)).append(" and ").append(heatAxes.get(1))
          .append("](heatmap-final-test-acc.png)\n");
    }
    Path index = dir.resolve("README.md");
    Files.writeString(index, md.toString());
    written.add(0, index);
    return written;
  }

  /** A metric of the trials table by two axes, as a matrix table (rows: first axis, columns: second). */
  public static Table pivot(SparkSession spark, String sweep, String row, String col, String metric) {
    Map<String, String> p = Map.of("sweep", SqlFile.literal(sweep), "row", SqlFile.identifier(row, "row"),
        "col", SqlFile.identifier(col, "column"), "metric", SqlFile.identifier(metric, "metric"));
    List<Row> rows = spark.sql(SqlFile.render("pivot", p)).collectAsList();
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

  static void heatmap(SparkSession spark, String sweep, String row, String col, String metric, Path png) throws IOException {
    Table t = pivot(spark, sweep, row, col, metric);
    List<String> rowValues = new ArrayList<>();
    List<String> colValues = t.columns().subList(1, t.columns().size());
    double[][] z = new double[t.rows().size()][colValues.size()];
    for (int r = 0; r < t.rows().size(); r++) {
      rowValues.add(String.valueOf(t.rows().get(r).get(0)));
      for (int c = 0; c < colValues.size(); c++) {
        Object v = t.rows().get(r).get(c + 1);
        z[r][c] = v == null ? Double.NaN : (Double) v;
      }
    }
    Charts.heatmap(rowValues, colValues, z, sweep + ": " + metric + " over " + row + " and " + col, row, col, metric, png);
  }

  private static List<String> distinct(SparkSession spark, String sweep, String column) {
    List<String> out = new ArrayList<>();
    spark.sql("SELECT DISTINCT " + column + " FROM trials WHERE sweep = '" + SqlFile.literal(sweep) + "' ORDER BY 1")
        .collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
