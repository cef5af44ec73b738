package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "frobnicate|Unmatched argument at index 0: 'frobnicate'",
    "train --gammma 0.1|Unknown options: '--gammma'",
    "train --gamma 2|gamma: must be in (0, 1], got 2.0",
    "train --optimizer adamw|optimizer: unknown value 'adamw'",
    "train --epochs many|epochs: expected an integer, got 'many'",
    "data fetch|Missing required parameter: 'NAME'",
    "data fetch svhn|dataset: unknown value 'svhn'",
    "data verify mnist --data-dir DIR|is not in the cache; run: bopsweep data fetch mnist",
    "plan DIR/missing.yaml|missing.yaml: no such file",
    "sweep DIR/missing.yaml|missing.yaml: no such file",
    "plan|Missing required parameter: 'SPEC'",
  })
  void misuseGetsOneLineAndExitCode2(String args, String expected) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = args.replace("DIR", tmp.toString()).split(" ");
    int code = Main.run(argv, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(2, code, err.toString());
    String[] lines = err.toString().strip().split("\n");
    String line = lines[lines.length - 1];
    assertTrue(line.startsWith("bopsweep: error: "), err.toString());
    assertTrue(line.contains(expected), "'" + line + "' lacks '" + expected + "'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "'fixed: {gama: 1}'|fixed.gama: unknown setting (did you mean 'gamma'?)",
    "'grid: {tau: [-1]}'|grid.tau[0]: must be >= 0",
  })
  void badSpecsWriteNothing(String yaml, String expected) throws Exception {
    Path spec = Files.writeString(tmp.resolve("s.yaml"), yaml);
    Path results = tmp.resolve("results");
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"sweep", spec.toString(), "--results", results.toString()},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertEquals(2, code);
    assertTrue(err.toString().contains(expected), err.toString());
    assertTrue(!Files.exists(results), "nothing written");
  }
}
