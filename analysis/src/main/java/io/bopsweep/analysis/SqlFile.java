package io.bopsweep.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A query kept in src/main/resources/sql/NAME.sql, with ${name} parameters. */
public final class SqlFile {
  private static final Pattern PARAM = Pattern.compile("\\$\\{([a-z_0-9]+)}");

  private SqlFile() {}

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

  /** The query with its parameters replaced; every parameter must be given. */
  public static String render(String name, Map<String, String> params) {
    Matcher m = PARAM.matcher(text(name));
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = params.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(name + ".sql needs parameter " + m.group(1));
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
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

  /** A SQL string literal. */
  public static String literal(String s) {
    return s.replace("\\", "\\\\").replace("'", "\\'");
  }

  /** A column name that is safe to splice into a query. */
  public static String identifier(String s, String what) {
    if (!s.matches("[a-z_][a-z_0-9]*")) {
      throw new AnalysisException(what + ": not a column name: '" + s + "'");
    }
    return s;
  }
}
