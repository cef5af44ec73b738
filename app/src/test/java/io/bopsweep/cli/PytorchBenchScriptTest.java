package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Python tests of bench/: the OpenBLAS kernel choice and the summary of bench/measure's output
 * (no torch needed), and the PyTorch side's
 * in-place Bop and straight-through estimator against references (needs Debian's python3-torch,
 * which .ci/run installs). Without torch the second test fails, saying what to install.
 */
class PytorchBenchScriptTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String PYTHON = "/usr/bin/python3";

  record Run(int code, String output) {}

  static Run python(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  @Test
  void openblasKernelChoice() throws Exception {
    Run r = python("-m", "unittest", "-v", "bench/test_openblas_kernel.py");
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("Ran 10 tests"), r.output());
  }

  @Test
  void summarizerOfTheMeasurements() throws Exception {
    Run r = python("-m", "unittest", "-v", "bench/test_summarize.py");
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("Ran 5 tests"), r.output());
  }

  @Test
  void inPlaceBopAndSteMatchTheirReferences() throws Exception {
    Run torch = python("-c", "import torch, numpy");
    assertEquals(0, torch.code(), PYTHON + " has no torch or numpy, so bench/test_pytorch_bench.py cannot run;"
        + " install them: apt-get install python3-torch libopenblas0-openmp\n" + torch.output());
    Run r = python("-m", "unittest", "-v", "bench/test_pytorch_bench.py");
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("Ran 6 tests"), r.output());
  }
}
