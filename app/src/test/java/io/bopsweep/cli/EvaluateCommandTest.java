package io.bopsweep.cli;

import static io.bopsweep.trainer.config.Settings.OPTIMIZER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.SpecParser;
import io.bopsweep.sweep.Trial;
import io.bopsweep.trainer.config.Choices;
import io.bopsweep.trainer.config.Choices.Optimizer;
import io.bopsweep.trainer.data.DataCache;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} on the saved models of a real short MNIST sweep. */
class EvaluateCommandTest {
  static final String SPEC = """
      name: evaluate-it
      fixed: {dataset: mnist, model: mlp, width: 32, epochs: 2, batch_size: 100, train_limit: 1000, test_limit: 500}
      points:
        - {optimizer: bop}
        - {optimizer: sgd-latent, lr: 1.0e300}
      """;

  @TempDir static Path tmp;
  static Path results;
  static String done;
  static String diverged;

  record Run(int exit, String out, String err) {
    String lastErrLine() {
      String[] lines = err.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void sweep() throws Exception {
    DataCache.resolve(null).fetch(Choices.Dataset.MNIST, null);
    Path spec = Files.writeString(tmp.resolve("evaluate-it.yaml"), SPEC);
    results = tmp.resolve("results");
    Run run = cli("sweep", spec.toString(), "--results", results.toString());
    assertTrue(run.out().contains("1 done, 1 diverged, 0 failed"), run.out() + run.err());
    List<Trial> trials = Grid.expand(SpecParser.parse(spec));
    done = trials.stream().filter(t -> t.config().get(OPTIMIZER) == Optimizer.BOP).findFirst().orElseThrow().id();
    diverged = trials.stream().filter(t -> t.config().get(OPTIMIZER) != Optimizer.BOP).findFirst().orElseThrow().id();
  }

  private static Path model(String id) {
    return results.resolve("models").resolve(id + ".bmodel");
  }

  @Test
  void evaluateReproducesTheStoredFinalTestAccuracyBitwise() {
    Run r = cli("evaluate", "--results", results.toString(), done);
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains(done + ": test acc "), r.out());
    assertTrue(r.out().strip().endsWith(": identical"), r.out());
    assertFalse(Files.exists(model(diverged)), "only DONE trials keep a model");
  }

  private static void assertOneLineExit2(Run r, String expected) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.lastErrLine().startsWith("bopsweep: error: "), r.err());
    assertTrue(r.lastErrLine().contains(expected), "'" + r.lastErrLine() + "' lacks '" + expected + "'");
  }

  @Test
  void aMissingOrDamagedModelFileGivesOneLineAndExit2() throws Exception {
    byte[] good = Files.readAllBytes(model(done));
    byte[] flipped = good.clone();
    flipped[good.length / 3] ^= 0x01;
    byte[] otherVersion = good.clone();
    ByteBuffer.wrap(otherVersion).putInt(4, 9);
    CRC32 crc = new CRC32();
    crc.update(otherVersion, 0, otherVersion.length - 8);
    ByteBuffer.wrap(otherVersion).putLong(otherVersion.length - 8, crc.getValue());
    String name = "models/" + done + ".bmodel: ";
    Path hadoopChecksum = model(done).resolveSibling("." + done + ".bmodel.crc");
    try {
      assertTrue(Files.exists(hadoopChecksum), "the local file system keeps a checksum beside the file");
      Files.write(model(done), flipped);
      assertOneLineExit2(cli("evaluate", "--results", results.toString(), done), name + "model file is damaged");
      // without the file system's checksum, the model file's own one must catch the damage
      Files.delete(hadoopChecksum);
      Files.write(model(done), Arrays.copyOf(good, good.length / 2));
      assertOneLineExit2(cli("evaluate", "--results", results.toString(), done), name + "model file is damaged");
      Files.write(model(done), flipped);
      assertOneLineExit2(cli("evaluate", "--results", results.toString(), done), name + "model file is damaged");
      Files.write(model(done), otherVersion);
      assertOneLineExit2(cli("evaluate", "--results", results.toString(), done), name + "model format version 9");
      Files.delete(model(done));
      assertOneLineExit2(cli("evaluate", "--results", results.toString(), done), name + "no such model file");
    } finally {
      Files.write(model(done), good);
    }
  }

  @Test
  void aTrialThatIsNotDoneOrNotThereGivesOneLineAndExit2() {
    assertOneLineExit2(cli("evaluate", "--results", results.toString(), diverged), "trial is DIVERGED");
    assertOneLineExit2(cli("evaluate", "--results", results.toString(), "0123456789abcdef"),
        "0123456789abcdef: no committed trial");
    assertOneLineExit2(cli("evaluate", "--results", tmp.resolve("nowhere").toString(), done), "no such results directory");
  }
}
