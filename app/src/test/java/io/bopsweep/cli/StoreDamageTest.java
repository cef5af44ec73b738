package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SpecParser;
import io.bopsweep.sweep.StoreFixtures;
import io.bopsweep.sweep.Trial;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A store written by the real writer, then damaged: report, sql, sweep and plan refuse it with one
 * line naming the file (exit 2, nothing written); store check lists it (exit 1); store check
 * --repair moves the damaged trial aside, after which the store is clean and the trial pending.
 */
class StoreDamageTest {
  static final String SPEC = "name: dmg\nfixed: {epochs: 2, width: 16, train_limit: 200, test_limit: 100}\n"
      + "grid: {gamma: [1.0e-3, 1.0e-4]}\n";

  @TempDir Path dir;

  interface Damager {
    /** Damages the store at root; returns the damaged file relative to root. */
    String apply(Path root, String id) throws IOException;
  }

  static Stream<Arguments> damage() {
    return Stream.of(
        Arguments.of("truncated trials file with its .crc", (Damager) (root, id) -> {
          truncate(root.resolve("trials/" + id + ".parquet"));
          return "trials/" + id + ".parquet";
        }),
        Arguments.of("truncated trials file without its .crc", (Damager) (root, id) -> {
          truncate(root.resolve("trials/" + id + ".parquet"));
          Files.delete(root.resolve("trials/." + id + ".parquet.crc"));
          return "trials/" + id + ".parquet";
        }),
        Arguments.of("truncated epochs file without its .crc", (Damager) (root, id) -> {
          truncate(root.resolve("epochs/" + id + ".parquet"));
          Files.delete(root.resolve("epochs/." + id + ".parquet.crc"));
          return "epochs/" + id + ".parquet";
        }),
        Arguments.of("corrupt bytes", (Damager) (root, id) -> {
          Path f = root.resolve("trials/" + id + ".parquet");
          byte[] b = Files.readAllBytes(f);
          for (int i = b.length - 60; i < b.length - 8; i++) {
            b[i] = (byte) 0xA5;
          }
          Files.write(f, b);
          Files.delete(root.resolve("trials/." + id + ".parquet.crc"));
          return "trials/" + id + ".parquet";
        }),
        Arguments.of("empty .parquet", (Damager) (root, id) -> {
          Files.write(root.resolve("trials/" + id + ".parquet"), new byte[0]);
          Files.delete(root.resolve("trials/." + id + ".parquet.crc"));
          return "trials/" + id + ".parquet";
        }),
        Arguments.of("stray README.txt in trials/", (Damager) (root, id) -> {
          Files.writeString(root.resolve("trials/README.txt"), "notes");
          return "trials/README.txt";
        }),
        Arguments.of("unknown status", (Damager) (root, id) -> {
          Path f = root.resolve("trials/" + id + ".parquet");
          byte[] b = Files.readAllBytes(f);
          String s = new String(b, StandardCharsets.ISO_8859_1);
          assertTrue(s.contains("DONE"), "the status is stored as plain bytes");
          Files.write(f, s.replace("DONE", "DONX").getBytes(StandardCharsets.ISO_8859_1));
          Files.delete(root.resolve("trials/." + id + ".parquet.crc"));
          return "trials/" + id + ".parquet";
        }),
        Arguments.of("DONE trial without its epochs file", (Damager) (root, id) -> {
          Files.delete(root.resolve("epochs/" + id + ".parquet"));
          Files.delete(root.resolve("epochs/." + id + ".parquet.crc"));
          return "epochs/" + id + ".parquet";
        }));
  }

  static void truncate(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length / 2));
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damage")
  void damageIsOneLineAndRepairMovesTheTrialAside(String name, Damager damager) throws Exception {
    Path spec = dir.resolve("dmg.yaml");
    Files.writeString(spec, SPEC);
    Path root = dir.resolve("results");
    List<Trial> trials = Grid.expand(SpecParser.parse(SPEC, "dmg.yaml", "dmg"));
    StoreFixtures.commit(ResultStore.openOrCreate(root.toString(), new Configuration()), trials);
    String id = trials.get(0).id();
    String file = damager.apply(root, id);
    String before = BadInputTest.hashTree(root);

    String r = root.toString();
    for (String[] args : List.of(new String[] {"report", "dmg", "--results", r},
        new String[] {"sql", "SELECT * FROM epochs", "--results", r},
        new String[] {"sweep", spec.toString(), "--results", r},
        new String[] {"plan", spec.toString(), "--no-probe", "--results", r})) {
      Run run = run(args);
      assertEquals(2, run.code(), args[0] + ": " + run.err());
      List<String> lines = run.err().strip().lines().toList();
      assertEquals(1, lines.size(), args[0] + ": one line: " + run.err());
      assertTrue(lines.get(0).contains(file), args[0] + ": '" + lines.get(0) + "' names " + file);
      assertTrue(lines.get(0).contains("store check"), lines.get(0));
      assertEquals(before, BadInputTest.hashTree(root), args[0] + ": nothing written");
    }

    Run check = run("store", "check", r);
    assertEquals(1, check.code(), check.out() + check.err());
    assertTrue(check.out().contains(file), check.out());

    Run repair = run("store", "check", r, "--repair");
    assertEquals(0, repair.code(), repair.out() + repair.err());
    boolean stray = file.endsWith("README.txt");
    // the whole trial moves (its trials row first of all), or the stray file alone
    assertTrue(repair.out().contains("moved " + (stray ? file : "trials/" + id + ".parquet")), repair.out());
    assertTrue(Files.isDirectory(root.resolve("_damaged")), "moved aside, not deleted");

    Run clean = run("store", "check", r);
    assertEquals(0, clean.code(), clean.out());
    Run plan = run("plan", spec.toString(), "--no-probe", "--results", r);
    assertEquals(0, plan.code(), plan.err());
    String trialLine = plan.out().lines().filter(l -> l.contains(id.substring(0, 8))).findFirst().orElse(plan.out());
    assertTrue(trialLine.contains(stray ? "done" : "pending"), trialLine);
    String otherLine = plan.out().lines().filter(l -> l.contains(trials.get(1).id().substring(0, 8))).findFirst()
        .orElse(plan.out());
    assertTrue(otherLine.contains("done"), otherLine);
  }
}
