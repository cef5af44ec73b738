package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.dashboard.Dashboard;
import io.bopsweep.dashboard.StoreAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code bopsweep serve} and {@code bopsweep store synthesize}: bad input is one line, exit 2. */
class ServeCommandTest {
  @TempDir static Path dir;

  @BeforeAll
  static void files() throws IOException {
    Path notStore = Files.createDirectories(dir.resolve("not-a-store"));
    Files.writeString(notStore.resolve("mine.txt"), "precious");
    Files.writeString(dir.resolve("a-file"), "not a directory");
    Path store = Files.createDirectories(dir.resolve("store"));
    Files.writeString(store.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":1}");
  }

  record Run(int code, String out, String err) {}

  static Run run(String line) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = line.replace("DIR", dir.toString()).split(" ");
    int code = Main.run(argv, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("serve --results DIR/missing", "--results " + "DIR/missing: no such results directory"),
        Arguments.of("serve --results DIR/not-a-store", "not a bopsweep results store (no STORE.json)"),
        Arguments.of("serve --results DIR/a-file", "is a file, not a results directory"),
        Arguments.of("serve --results DIR/store --port 70000", "--port: use 0 to 65535, got 70000"),
        Arguments.of("serve --results DIR/store --port x", "--port"),
        Arguments.of("store synthesize DIR/synth-0 --trials 0 --epochs 3", "--trials: use 1 or more, got 0"),
        Arguments.of("store synthesize DIR/synth-1 --trials 2 --epochs 0", "--epochs: use 1 or more, got 0"),
        Arguments.of("store synthesize DIR/not-a-store --trials 2 --epochs 2", "not a bopsweep results store (no STORE.json) and not empty"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputIsOneLineAndExitTwoAndWritesNothing(String line, String message) {
    Run r = run(line);
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(message.replace("DIR", dir.toString())), r.err());
    assertFalse(Files.exists(dir.resolve("synth-0")) || Files.exists(dir.resolve("synth-1")));
    assertEquals(List.of("mine.txt"), Stream.of(dir.resolve("not-a-store").toFile().list()).toList());
  }

  @Test
  void aTakenPortIsOneLineAndExitTwo() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run r = run("serve --results DIR/store --port " + taken.getLocalPort());
      assertEquals(2, r.code(), r.err());
      assertEquals("bopsweep: error: --port " + taken.getLocalPort()
          + ": already in use on 127.0.0.1 (choose another with --port)", r.err().strip());
    }
  }

  @Test
  void synthesizedTrialsAreCommittedOnePairOfFilesEachAndReadByTheDashboard() throws IOException {
    Run r = run("store synthesize DIR/synthetic --trials 40 --epochs 3 --sweep grid");
    assertEquals(0, r.code(), r.err());
    try (Stream<Path> trials = Files.list(dir.resolve("synthetic/trials"));
        Stream<Path> epochs = Files.list(dir.resolve("synthetic/epochs"))) {
      assertEquals(40, trials.filter(p -> p.toString().endsWith(".parquet")).count());
      assertEquals(40, epochs.filter(p -> p.toString().endsWith(".parquet")).count());
    }
    Dashboard dashboard = new Dashboard(StoreAccess.open(dir.resolve("synthetic").toString(), new Configuration()), () -> {
      throw new AssertionError("no Spark for the trials and curves");
    });
    assertEquals(40, dashboard.refresh());
    // 5 gammas x 4 taus, seeds 0 and 1: 20 groups of two seeds, each with a std at every epoch
    List<Dashboard.Group> groups = dashboard.groups("grid", List.of());
    assertEquals(20, groups.size());
    for (Dashboard.Group g : groups) {
      assertEquals(2, g.trialIds().size());
      assertEquals(List.of(1, 2, 3), g.bands().get("test_acc").epoch());
      g.bands().get("test_acc").std().forEach(s -> assertNotNull(s));
    }
  }
}
