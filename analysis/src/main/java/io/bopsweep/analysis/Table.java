package io.bopsweep.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A small result table: column names and rows of plain values, rendered as Markdown, CSV or aligned
 * text. Markdown and aligned text format a number by its column's kind (see {@link #cell}); CSV keeps
 * ten significant digits, timestamps as ISO 8601 instants (UTC, with the zone).
 */
public record Table(String name, String title, List<String> columns, List<List<Object>> rows, String note) {

  public static Table of(String name, String title, Dataset<Row> df, String note) {
    List<String> cols = List.of(df.columns());
    List<List<Object>> rows = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < cols.size(); i++) {
        row.add(r.isNullAt(i) ? null : r.get(i));
      }
      rows.add(row);
    }
    return new Table(name, title, cols, rows, note);
  }

  /**
   * A value as the tables show it, one format per kind of column: ln(flip ratio) columns 2 decimals,
   * accuracies and their std 4 decimals, epochs and seconds 1 decimal, anything else (settings such
   * as gamma, lr, init_scale) its shortest exact form ({@link #setting}).
   */
  static String cell(String column, Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "";
      }
      if (column.contains("ln_flip_ratio")) {
        return String.format(Locale.ROOT, "%.2f", d);
      }
      if (column.contains("acc") || column.contains("volatility")) {
        return String.format(Locale.ROOT, "%.4f", d);
      }
      if (column.contains("epoch") || column.contains("seconds")) {
        return String.format(Locale.ROOT, "%.1f", d);
      }
      return setting(d);
    }
    if (v instanceof Timestamp ts) {
      return ts.toInstant().toString();
    }
    return String.valueOf(v);
  }

  /** A setting's value as the paper writes it: 0, 0.01, 100, 1e-3, 2.5e-4. */
  public static String setting(double d) {
    if (!Double.isFinite(d)) {
      return String.valueOf(d);
    }
    if (d == 0) {
      return "0";
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    double a = Math.abs(d);
    if (a < 1e-2 || a >= 1e5) {
      int exponent = b.precision() - b.scale() - 1;
      String mantissa = b.movePointLeft(exponent).stripTrailingZeros().toPlainString();
      return mantissa + "e" + exponent;
    }
    return b.toPlainString();
  }

  /** The query result with its map, array and struct columns as JSON text (for CSV and tables). */
  public static Dataset<Row> complexAsJson(Dataset<Row> df) {
    StructType schema = df.schema();
    Column[] cols = new Column[schema.fields().length];
    for (int i = 0; i < cols.length; i++) {
      StructField f = schema.fields()[i];
      DataType t = f.dataType();
      Column c = df.col("`" + f.name().replace("`", "``") + "`");
      cols[i] = t instanceof MapType || t instanceof ArrayType || t instanceof StructType
          ? functions.to_json(c).as(f.name()) : c;
    }
    return df.select(cols);
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("## ").append(title).append("\n\n");
    sb.append("| ").append(String.join(" | ", columns)).append(" |\n");
    sb.append("|").append("---|".repeat(columns.size())).append("\n");
    for (List<Object> r : rows) {
      sb.append("| ");
      for (int i = 0; i < r.size(); i++) {
        sb.append(cell(columns.get(i), r.get(i))).append(i < r.size() - 1 ? " | " : " |\n");
      }
    }
    if (rows.isEmpty()) {
      sb.append("\n(no rows)\n");
    }
    if (note != null && !note.isBlank()) {
      sb.append("\n").append(note.strip()).append("\n");
    }
    return sb.toString();
  }

  public String csv() {
    StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
    for (List<Object> r : rows) {
      List<String> cells = new ArrayList<>();
      for (Object v : r) {
        String s = v == null ? "" : v instanceof Double d ? csvNumber(d) : v instanceof Timestamp ts
            ? ts.toInstant().toString() : v instanceof Instant in ? in.toString() : String.valueOf(v);
        cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  /**
   * Ten significant digits: enough for any metric, and stable where Spark sums in another order
   * (which changes the last bits of a mean).
   */
  static String csvNumber(double d) {
    if (!Double.isFinite(d)) {
      return Double.isNaN(d) ? "" : String.valueOf(d);
    }
    if (d == 0) {
      return "0";
    }
    return new java.math.BigDecimal(d).round(new java.math.MathContext(10)).stripTrailingZeros().toString();
  }

  public String aligned() {
    int[] w = new int[columns.size()];
    List<List<String>> text = new ArrayList<>();
    text.add(columns);
    for (List<Object> r : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        line.add(cell(columns.get(i), r.get(i)));
      }
      text.add(line);
    }
    for (List<String> r : text) {
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < text.size(); k++) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < w.length; i++) {
        line.add(String.format("%-" + w[i] + "s", text.get(k).get(i)));
      }
      sb.append(String.join("  ", line).stripTrailing()).append('\n');
      if (k == 0) {
        List<String> dashes = new ArrayList<>();
        for (int width : w) {
          dashes.add("-".repeat(width));
        }
        sb.append(String.join("  ", dashes)).append('\n');
      }
    }
    return sb.toString();
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".md"), markdown());
    Files.writeString(dir.resolve(name + ".csv"), csv());
  }
}
