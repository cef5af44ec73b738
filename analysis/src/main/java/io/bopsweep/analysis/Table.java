package io.bopsweep.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A small result table: column names and rows of plain values, rendered as Markdown, CSV or aligned text. */
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

  static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "";
      }
      double a = Math.abs(d);
      return a != 0 && (a < 1e-3 || a >= 1e5) ? String.format("%.2e", d) : String.format("%.4f", d);
    }
    return String.valueOf(v);
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("## ").append(title).append("\n\n");
    sb.append("| ").append(String.join(" | ", columns)).append(" |\n");
    sb.append("|").append("---|".repeat(columns.size())).append("\n");
    for (List<Object> r : rows) {
      sb.append("| ");
      for (int i = 0; i < r.size(); i++) {
        sb.append(cell(r.get(i))).append(i < r.size() - 1 ? " | " : " |\n");
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
        String s = v == null ? "" : v instanceof Double d ? csvNumber(d) : String.valueOf(v);
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
      text.add(r.stream().map(Table::cell).toList());
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
