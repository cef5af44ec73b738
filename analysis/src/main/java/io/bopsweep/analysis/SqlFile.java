package io.bopsweep.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A query kept in src/main/resources/sql/NAME.sql. Values are passed as Spark's named parameter
 * markers ({@code :target}). A table's file starts with a header of comment lines {@code -- key: value}:
 * {@code title} (its heading), {@code place} (a number: the file is a table of every report, in the
 * order of these numbers), {@code applies} (a query over the report's views giving one boolean:
 * the table is part of a report only where it is true; {@code applies: has rows} for "where the table
 * is not empty"; no applies line: always), {@code reference} (the paper's numbers to compare with) and
 * {@code note} (what a column means). A key given on several lines is one text joined by spaces.
 *
 * @param place where the table stands in a report; null for a query that is not a report table
 */
public record SqlFile(String name, String title, Double place, String applies, String reference, String note,
    String query) {
  private static final Pattern HEADER = Pattern.compile("^--\\s*(title|place|applies|reference|note):\\s?(.*)$");
  /** The applies rule of a table included wherever it has rows. */
  public static final String HAS_ROWS = "has rows";

  public static SqlFile load(String name) {
    String title = null;
    Double place = null;
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
        case "place" -> place = place(name, value);
        case "applies" -> join(applies, value);
        case "reference" -> join(reference, value);
        default -> join(note, value);
      }
    }
    return new SqlFile(name, title == null ? name : title, place, blankToNull(applies), blankToNull(reference),
        blankToNull(note), String.join("\n", statements(text(name))));
  }

  static double place(String name, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new AnalysisException("sql/" + name + ".sql: place: not a number: '" + value + "'");
    }
  }

  /**
   * The report's tables: every {@code sql/*.sql} on the class path whose header has a {@code place},
   * in the order of their places (then names). A new table is one such file.
   */
  public static List<SqlFile> reportTables() {
    List<SqlFile> tables = new ArrayList<>();
    for (String name : names()) {
      SqlFile f = load(name);
      if (f.place() != null) {
        tables.add(f);
      }
    }
    tables.sort(Comparator.comparing((SqlFile f) -> f.place()).thenComparing(SqlFile::name));
    return tables;
  }

  /** The names of the {@code sql/*.sql} resources in every class path folder and jar that has some. */
  static Set<String> names() {
    Set<String> names = new TreeSet<>();
    try {
      ClassLoader loader = SqlFile.class.getClassLoader();
      // the folder's own entry: Maven's and the shade plugin's jars have one
      for (URL root : Collections.list(loader.getResources("sql"))) {
        if ("file".equals(root.getProtocol())) {
          try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
            files.map(f -> f.getFileName().toString()).filter(SqlFile::isSqlFile).forEach(f -> names.add(stem(f)));
          }
        } else if ("jar".equals(root.getProtocol())) {
          JarURLConnection connection = (JarURLConnection) root.openConnection();
          connection.setUseCaches(false);
          try (JarFile jar = connection.getJarFile()) {
            jar.stream().map(JarEntry::getName)
                .filter(e -> e.startsWith("sql/") && e.indexOf('/', 4) < 0 && isSqlFile(e.substring(4)))
                .forEach(e -> names.add(stem(e.substring(4))));
          }
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list the sql/ queries on the class path", e);
    }
    return names;
  }

  private static boolean isSqlFile(String fileName) {
    return fileName.endsWith(".sql") && fileName.length() > 4;
  }

  private static String stem(String fileName) {
    return fileName.substring(0, fileName.length() - 4);
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
