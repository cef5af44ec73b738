package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/bopsweep's class-data-sharing archive: recorded once, used after, never a part of a
 * command's output, never taken from a killed recording, and off when asked.
 */
class LauncherClassArchiveIT {
  static final Path LAUNCHER = Path.of("..", "bin", "bopsweep").toAbsolutePath().normalize();
  static final String STORE = Path.of("..", "docs", "results", "quickstart", "store").toAbsolutePath().normalize()
      .toString();
  static final List<String> QUERY = List.of("sql", "SELECT count(*) AS n FROM trials", "--results", STORE,
      "--format", "csv");

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  Run launch(Map<String, String> env, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "bin/bopsweep finished");
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
  }

  List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theFirstCommandRecordsTheArchiveAndLaterOnesUseItWithTheSameOutput() throws Exception {
    Path cds = tmp.resolve("cds");
    Files.createDirectories(cds);
    // left by a recording whose launcher was killed: pid 2^22 + 1 is above Linux's pid_max
    Path stale = cds.resolve("bopsweep-123.4194305.part");
    Files.writeString(stale, "half an archive");
    Map<String, String> env = Map.of("BOPSWEEP_CDS_DIR", cds.toString());

    Run off = launch(Map.of("BOPSWEEP_CDS", "off", "BOPSWEEP_CDS_DIR", cds.toString()), QUERY);
    assertEquals(0, off.code(), off.err());
    assertEquals(List.of(stale.getFileName().toString()), names(cds), "BOPSWEEP_CDS=off records nothing");
    assertFalse(off.err().contains("class archive"), off.err());

    Run first = launch(env, QUERY);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.err().contains("recording a class archive"), first.err());
    List<String> after = names(cds);
    assertEquals(1, after.size(), "one archive, the stale part removed: " + after);
    assertTrue(after.get(0).matches("bopsweep-\\d+\\.jsa"), after.toString());

    Run second = launch(env, QUERY);
    assertEquals(0, second.code(), second.err());
    assertFalse(second.err().contains("recording"), second.err());
    assertEquals(after, names(cds), "the archive is used, not recorded again");
    assertEquals(off.out(), first.out(), "the recording adds nothing to the output");
    assertEquals(off.out(), second.out(), "the archive adds nothing to the output");
    long trials;
    try (Stream<Path> s = Files.list(Path.of(STORE, "trials"))) {
      trials = s.filter(f -> f.toString().endsWith(".parquet")).count();
    }
    assertEquals("n\n" + trials + "\n", off.out());

    // the recording ran a sweep's trial: the classes only a trial in a Spark task loads are archived
    Run listing = launch(Map.of("BOPSWEEP_CDS_DIR", cds.toString(), "BOPSWEEP_JAVA_OPTS",
        "-XX:+PrintSharedArchiveAndExit"), QUERY);
    assertEquals(0, listing.code(), listing.err());
    for (String archived : List.of("io.bopsweep.sweep.SweepRunner", "io.bopsweep.sweep.TrialTask",
        "io.bopsweep.sweep.SpecParser", "org.yaml.snakeyaml.parser.ParserImpl")) {
      assertTrue(listing.out().contains(": " + archived + " app_loader"), archived + " is in the archive");
    }
  }

  @Test
  void anUnwritableCacheMeansNoArchiveAndTheCommandStillRuns() throws Exception {
    Path notADir = tmp.resolve("file");
    Files.writeString(notADir, "x");
    Run r = launch(Map.of("BOPSWEEP_CDS_DIR", notADir.resolve("cds").toString()), QUERY);
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("recording"), r.err());
    assertEquals("x", Files.readString(notADir));
  }

  @Test
  void aRecordingThatFailsIsSaidInOneLineAndTheCommandStillRuns() throws Exception {
    // a JAVA_HOME whose java refuses -XX:ArchiveClassesAtExit (as when the archive cannot be written) and runs the rest
    Path bin = Files.createDirectories(tmp.resolve("jdk").resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*)"
        + " echo 'Error: cannot write the archive' >&2; exit 1;; esac; done\nexec '"
        + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
    assertTrue(java.toFile().setExecutable(true), "the test's java is executable");
    Path cds = Files.createDirectories(tmp.resolve("cds"));
    Run r = launch(Map.of("JAVA_HOME", tmp.resolve("jdk").toString(), "BOPSWEEP_CDS_DIR", cds.toString()), QUERY);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("bopsweep: could not record the class archive; going on without it"), r.err());
    assertEquals(List.of(), names(cds), "neither an archive nor a part of one is left");
    long trials;
    try (Stream<Path> s = Files.list(Path.of(STORE, "trials"))) {
      trials = s.filter(f -> f.toString().endsWith(".parquet")).count();
    }
    assertEquals("n\n" + trials + "\n", r.out());
  }
}
