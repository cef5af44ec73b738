package io.bopsweep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version and git commit this code was built from (recorded with every result). */
public final class CodeVersion {
  private static final String VALUE = load();

  private CodeVersion() {}

  public static String get() {
    return VALUE;
  }

  private static String load() {
    try (InputStream in = CodeVersion.class.getResourceAsStream("/bopsweep-version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      String commit = p.getProperty("commit", "");
      return commit.isBlank() || commit.startsWith("$") ? v : v + "+" + commit;
    } catch (IOException e) {
      return "dev";
    }
  }
}
