package io.bopsweep.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A query kept in src/main/resources/sql/NAME.sql. Values are passed as Spark's named parameter
 * markers ({@code :target}). A table's file starts with a header of comment lines {@code -- key: value}:
 * {@code title} (its heading), {@code applies} (a query over the report's views giving one boolean:
 * the table is part of a report only where it is true; {@code applies: has rows} for "where the table
 * is not empty"; no applies line: always), {@code reference} (the paper's numbers to compare with) and
 * {@code note} (what a column means). A key given on several lines is one text joined by spaces.
 */
public record SqlFile(String name, String title, String applies, String reference, String note, String query) {
  private static final Pattern HEADER = Pattern.compile("^--\\s*(title|applies|reference|note):\\s?(.*)$");
  /** The applies rule of a table included wherever it has rows. */
  public static final String HAS_ROWS = "has rows";

  public static SqlFile load(String name) {
    String title = null;
    StringBuilder applies = new StringBuilder();
    StringBuilder reference = new StringBuilder();
    StringBuilder note = new StringBuilder();
    for (String line : text(name).split("\n")) {
      Matcher m = HEADER.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      String value = m.group(2).strip();
      switch (m.group(1)) {
        case "title" -> title = value;
        case "applies" -> join(applies, value);
        case "reference" -> join(reference, value);
        default -> join(note, value);
      }
    }
    return new SqlFile(name, title == null ? name : title, blankToNull(applies), blankToNull(reference),
        blankToNull(note), String.join("\n", statements(text(name))));
  }

  private static void join(StringBuilder sb, String value) {
    sb.append(sb.isEmpty() ? "" : " ").append(value);
  }

  private static String blankToNull(StringBuilder sb) {
    return sb.isEmpty() ? null : sb.toString();
  }

  public static String text(String name) {
    try (InputStream in = SqlFile.class.getResourceAsStream("/sql/" + name + ".sql")) {
      if (in == null) {
        throw new IllegalArgumentException("no query named " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The statements of a file, split at semicolons that end a line; comment lines dropped. */
  public static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        String s = current.toString().strip();
        out.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  /** A column name that is safe to splice into a query. */
  public static String identifier(String s, String what) {
    if (!s.matches("[a-z_][a-z_0-9]*")) {
      throw new AnalysisException(what + ": not a column name: '" + s + "'");
    }
    return s;
  }
}
