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

  /** "0.1.0-SNAPSHOT+3f2a1bc", with "-dirty" when built from uncommitted changes. */
  private static String load() {
    String version = read("/bopsweep-version.properties").getProperty("version", "dev");
    Properties git = read("/bopsweep-git.properties");
    String commit = git.getProperty("git.commit.id.abbrev", "");
    if (commit.isBlank()) {
      return version;
    }
    return version + "+" + commit + ("true".equals(git.getProperty("git.dirty")) ? "-dirty" : "");
  }

  private static Properties read(String resource) {
    Properties p = new Properties();
    try (InputStream in = CodeVersion.class.getResourceAsStream(resource)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // no version information
    }
    return p;
  }
}
