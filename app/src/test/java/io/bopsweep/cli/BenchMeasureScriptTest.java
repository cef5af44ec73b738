package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bench/measure refuses bad arguments with one line and exit code 2, before it measures or writes anything. */
class BenchMeasureScriptTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "bench/measure {0}")
  @CsvSource(delimiter = '|', value = {
    "NONE|bench/measure: usage: bench/measure OUT_DIR",
    "TMP|bench/measure: TMP exists; give a new directory",
    "TMP/new TMP/other|bench/measure: usage: bench/measure OUT_DIR",
  })
  void badArgumentsGetOneLineAndExitCode2(String args, String expected) throws Exception {
    Path before = Files.writeString(tmp.resolve("kept.txt"), "x");
    List<String> cmd = new ArrayList<>(List.of("bash", PytorchBenchScriptTest.ROOT.resolve("bench/measure").toString()));
    for (String a : args.split(" ")) {
      if (!a.equals("NONE")) {
        cmd.add(a.replace("TMP", tmp.toString()));
      }
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.waitFor(), out);
    assertEquals(expected.replace("TMP", tmp.toString()), out.strip());
    try (var files = Files.list(tmp)) {
      assertEquals(List.of(before), files.toList(), "nothing written");
    }
  }
}
