package io.bopsweep.cli;

import static io.bopsweep.trainer.config.Settings.EPOCHS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
    "data fetch imagenet --data-dir DIR|imagenet cannot be downloaded; give its folder",
    "data fetch imagenet --data-dir DIR --from DIR/nowhere|nowhere: not a directory",
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

  @org.junit.jupiter.api.Test
  void benchProfileWritesATraceAndItsTopOperators() throws Exception {
    Path dir = tmp.resolve("profiles");
    StringWriter out = new StringWriter();
    int code = Main.run(new String[] {"bench", "--only", "mlp-bop", "--steps", "1", "--repeats", "1", "--epoch-images", "100",
        "--threads", "1", "--warmup-seconds", "0", "--repeat-seconds", "0", "--peak-sizes", "64", "--peak-seconds", "0",
        "--profile", dir.toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    assertEquals(0, code, out.toString());
    Path trace = dir.resolve("mlp-bop.json");
    assertTrue(Files.size(trace) > 0, "trace written");
    // the MLP's step is matrix products: they must lead the profile, and the summary must say so
    java.util.List<TraceSummary.Op> top = TraceSummary.top(trace, 1, 3);
    assertTrue(top.stream().anyMatch(op -> op.name().equals("aten::mm")), top.toString());
    assertTrue(out.toString().contains("profile: " + trace), out.toString());
    assertTrue(out.toString().contains("aten::mm"), out.toString());
  }

  /**
   * A stand-in for Python: logs its arguments and prints a result row for the configuration it is
   * asked for (or fails, for the error case).
   */
  private Path fakePython(Path log, boolean fail) throws Exception {
    Path exe = tmp.resolve(fail ? "failing-python" : "fake-python");
    Files.writeString(exe, "#!/bin/sh\n"
        + "echo \"$*\" >> '" + log + "'\n"
        + (fail ? "echo 'No module named torch' >&2; exit 3\n" : "")
        + "echo '{\"environment\": {\"torch\": \"9.9\", \"blas\": \"generic\", \"openblas_config\": \"OpenBLAS 0.3.21 Cooperlake\", "
        + "\"openblas_note\": \"Cooperlake, set by bench: OpenBLAS picked Prescott on this CPU, which supports Cooperlake\"}}'\n"
        + "case \"$*\" in *--peak*) echo '{\"peak\": {\"64\": 1000000.0}}'; exit 0;; esac\n"
        + "while [ \"$1\" != --only ]; do shift; done\n"
        + "echo '{\"name\": \"'$2'\", \"samples_per_sec\": 1000.0, \"ms_step\": 100.0, \"ms_forward\": 30.0, "
        + "\"ms_backward\": 50.0, \"ms_optimizer\": 20.0, \"optimizer_share\": 0.2}'\n");
    assertTrue(exe.toFile().setExecutable(true));
    return exe;
  }

  /** bench --pytorch with the stand-in Python, one quick step per configuration. */
  private int benchWithFakePython(String only, Path log, boolean fail, Path json, StringWriter out, StringWriter err)
      throws Exception {
    Path script = Files.writeString(tmp.resolve("bench.py"), "# not run: the stand-in Python ignores it");
    return Main.run(new String[] {"bench", "--only", only, "--steps", "1", "--repeats", "1", "--epoch-images", "100",
        "--threads", "1", "--warmup-seconds", "0.5", "--repeat-seconds", "0.3", "--peak-sizes", "64,96",
        "--peak-seconds", "0", "--pytorch", "--python", fakePython(log, fail).toString(), "--pytorch-script", script.toString(),
        "--json", json.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @org.junit.jupiter.api.Test
  void benchRunsPytorchPerConfigurationJustBeforeOurs() throws Exception {
    Path log = tmp.resolve("python-calls.log");
    Path json = tmp.resolve("bench.json");
    StringWriter out = new StringWriter();
    int code = benchWithFakePython("mlp-bop,mlp-adam", log, false, json, out, new StringWriter());
    assertEquals(0, code, out.toString());
    java.util.List<String> calls = Files.readAllLines(log);
    assertEquals(3, calls.size(), calls.toString());
    assertEquals(tmp.resolve("bench.py") + " --threads 1 --repeats 1 --peak 64,96 --peak-seconds 0.0", calls.get(0));
    assertEquals(tmp.resolve("bench.py") + " --threads 1 --steps 1 --repeats 1 --repeat-seconds 0.3 --warmup-seconds 0.5 --only mlp-bop",
        calls.get(1));
    assertTrue(calls.get(2).endsWith("--only mlp-adam"), calls.get(2));
    String text = out.toString();
    int torchBop = text.indexOf("pytorch mlp-bop");
    int oursBop = text.indexOf("\nmlp-bop ");
    int torchAdam = text.indexOf("pytorch mlp-adam");
    assertTrue(torchBop >= 0 && torchBop < oursBop && oursBop < torchAdam, text);
    var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertEquals(2, report.get("pytorch").size());
    assertEquals("mlp-adam", report.get("pytorch").get(1).get("name").asText());
    assertEquals("Cooperlake, set by bench: OpenBLAS picked Prescott on this CPU, which supports Cooperlake",
        report.get("pytorch_environment").get("openblas_note").asText());
    assertEquals(1, text.split("pytorch: torch 9.9, BLAS generic \\(OpenBLAS 0.3.21 Cooperlake\\); OpenBLAS kernels: Cooperlake, set by bench", -1).length - 1,
        "the environment printed once: " + text);
    // the peak is the higher side's (the fake's 1,000,000 GFLOP/s at 64^3), ours measured at both sizes
    assertEquals(1e6, report.get("matmul_peak_gflops").asDouble());
    assertEquals("pytorch", report.get("matmul_peak_side").asText());
    assertEquals(2, report.get("matmul_peaks_gflops").get("libtorch").size());
    assertTrue(text.contains("peak: 1000000.0 GFLOP/s (pytorch, 64^3)"), text);
    // each repeat of ours ran for at least --repeat-seconds
    for (var r : report.get("bopsweep")) {
      assertTrue(r.get("seconds_per_repeat").get(0).asDouble() >= 0.3, r.toString());
      assertTrue(r.get("ms_step_min").asDouble() <= r.get("ms_step").asDouble()
          && r.get("ms_step").asDouble() <= r.get("ms_step_max").asDouble(), r.toString());
    }
    // the ratio line: ours over the fake's 1000 img/s
    double ours = report.get("bopsweep").get(0).get("samples_per_sec").asDouble();
    assertTrue(text.contains(String.format("%7.2fx", ours / 1000.0)), text);
  }

  @org.junit.jupiter.api.Test
  void pytorchRunsWithLibgompsDefaultSpinUnlessTheUserSetOneAndKeepsTheUsersOpenblasSettings() {
    Map<String, String> launcherDefault = new HashMap<>(Map.of("GOMP_SPINCOUNT", "10000",
        "BOPSWEEP_DEFAULT_GOMP_SPINCOUNT", "1", "OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "1048576", "PATH", "/bin"));
    BenchCommand.pytorchEnvironment(launcherDefault);
    assertEquals(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "1048576", "PATH", "/bin"), launcherDefault);
    Map<String, String> userSet = new HashMap<>(Map.of("GOMP_SPINCOUNT", "50000", "PATH", "/bin"));
    BenchCommand.pytorchEnvironment(userSet);
    assertEquals(Map.of("GOMP_SPINCOUNT", "50000", "PATH", "/bin"), userSet);
  }

  @org.junit.jupiter.api.Test
  void benchStopsWithOneLineWhenPythonFails() throws Exception {
    Path json = tmp.resolve("never.json");
    StringWriter err = new StringWriter();
    int code = benchWithFakePython("mlp-bop", tmp.resolve("failing-calls.log"), true, json, new StringWriter(), err);
    assertEquals(Main.EXIT_BAD_INPUT, code, err.toString());
    String[] lines = err.toString().strip().split("\n");
    assertTrue(lines[lines.length - 1].contains("--python: ") && lines[lines.length - 1].contains("exited with code 3"),
        err.toString());
    assertTrue(Files.notExists(json), "no JSON for a bench that failed");
  }

  @org.junit.jupiter.api.Test
  void trainWritesOneJsonLinePerEpochWithSnakeCaseKeys() throws Exception {
    io.bopsweep.trainer.data.DataCache.resolve(null).fetch(io.bopsweep.trainer.config.Choices.Dataset.MNIST, null);
    Path json = tmp.resolve("epochs.jsonl");
    StringWriter out = new StringWriter();
    int code = Main.run(new String[] {"train", "--dataset", "mnist", "--model", "mlp", "--width", "32", "--optimizer", "bop",
        "--gamma", "1e-3", "--tau", "1e-6", "--epochs", "2", "--batch-size", "100", "--seed", "0", "--train-limit", "1000",
        "--test-limit", "500", "--json", json.toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    assertEquals(0, code, out.toString());
    java.util.List<String> lines = Files.readAllLines(json);
    assertEquals(2, lines.size());
    var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
    assertEquals(1, first.get("epoch").asInt());
    for (String key : new String[] {"train_loss", "train_acc", "test_loss", "test_acc", "flip_ratio", "layer_flips", "pi_last",
        "gamma", "lr", "train_seconds", "samples_per_sec", "sign_hash"}) {
      assertTrue(first.has(key), key);
    }
    assertTrue(out.toString().contains("epoch   2/2"), out.toString());
    assertTrue(out.toString().contains("DONE after 2 epochs"), out.toString());
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

  /** The shipped ImageNet spec plans without a probe here; with a throughput it estimates the time. */
  @org.junit.jupiter.api.Test
  void imagenetSpecPlansWithoutAProbe() {
    String spec = Path.of("..", "conf", "sweeps", "paper-5.3-imagenet.yaml").toString();
    StringWriter out = new StringWriter();
    assertEquals(0, Main.run(new String[] {"plan", spec}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)));
    String text = out.toString();
    assertTrue(text.contains("3 trials (3 points x 1 grid combinations x 1 seeds), 550 epochs"), text);
    assertTrue(text.contains("binary-alexnet") && text.contains("xnornet") && text.contains("birealnet"), text);
    assertTrue(text.contains("give --throughput"), text);
    assertTrue(!text.contains("estimated time"), text);
    StringWriter timed = new StringWriter();
    assertEquals(0, Main.run(new String[] {"plan", spec, "--throughput", "2000", "--parallel", "3"},
        new PrintWriter(timed, true), new PrintWriter(new StringWriter(), true)));
    // 150 + 100 + 300 epochs of 1,251 batches of 1024 and 50,000 validation images at 1/3 of the cost
    double seconds = 550 * (1251 * 1024 + 50_000 / 3.0) / 2000;
    assertTrue(timed.toString().contains("estimated time: " + PlanCommand.human(seconds) + " of training"), timed.toString());
  }

  /** The quick start's estimate: its probe's rate over the trials' images, spread over 2 slots, plus the fixed cost. */
  @org.junit.jupiter.api.Test
  void planEstimatesTheWallFromAWarmProbeAndTheFixedCost() {
    String spec = Path.of("..", "conf", "sweeps", "quickstart.yaml").toString();
    StringWriter out = new StringWriter();
    assertEquals(0, Main.run(new String[] {"plan", spec, "--parallel", "2"}, new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true)));
    String text = out.toString();
    java.util.regex.Matcher probe = java.util.regex.Pattern.compile("probe \\S+: ([0-9,]+) training images/s per trial").matcher(text);
    assertTrue(probe.find(), text);
    double ips = Double.parseDouble(probe.group(1).replace(",", ""));
    // every trial's epochs x (60,000 training images + 10,000 test images at a third of the cost)
    double training = io.bopsweep.sweep.Grid.expand(io.bopsweep.sweep.SpecParser.parse(Path.of(spec))).stream()
        .mapToDouble(t -> t.config().get(EPOCHS) * (60_000 + 10_000 / 3.0)).sum() / ips;
    java.util.regex.Matcher est = java.util.regex.Pattern.compile(
        "estimated time: (\\d+)m(\\d+)s of training, about (\\d+)m(\\d+)s with 2 trials at once, with 8 s outside the trials").matcher(text);
    assertTrue(est.find(), text);
    double wall = 60 * Integer.parseInt(est.group(3)) + Integer.parseInt(est.group(4));
    assertEquals(8 + training / 2, wall, 1 + 0.01 * training, text);
  }

  /** An ImageNet-style folder: indexed by data fetch, then trained on by train (Bi-Real Net, tiny width). */
  @org.junit.jupiter.api.Test
  void imagenetFolderIsFetchedAndTrainedOn() throws Exception {
    Path folder = tmp.resolve("inet");
    for (String split : new String[] {"train", "val"}) {
      for (int c = 0; c < 2; c++) {
        Path dir = Files.createDirectories(folder.resolve(split).resolve("class" + c));
        for (int i = 0; i < (split.equals("train") ? 4 : 2); i++) {
          java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64 + 8 * i, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 48; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
              img.setRGB(x, y, c == 0 ? 0xE02010 : (x + y) % 2 == 0 ? 0x1020E0 : 0x000000);
            }
          }
          javax.imageio.ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
      }
    }
    Path cache = tmp.resolve("cache");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.run(new String[] {"data", "fetch", "imagenet", "--from", folder.toString(), "--data-dir",
        cache.toString()}, new PrintWriter(out, true), new PrintWriter(err, true)), err.toString());
    assertTrue(out.toString().contains("imagenet: imagenet-unverified"), out.toString());
    assertTrue(out.toString().contains("train 8 images 3x224x224, per class [4, 4]"), out.toString());
    out = new StringWriter();
    assertEquals(0, Main.run(new String[] {"train", "--dataset", "imagenet", "--model", "birealnet", "--width", "0.125",
        "--epochs", "1", "--batch-size", "4", "--data-dir", cache.toString()}, new PrintWriter(out, true),
        new PrintWriter(err, true)), err.toString());
    assertTrue(out.toString().contains("DONE after 1 epochs"), out.toString());
  }

  @org.junit.jupiter.api.Test
  void planPrintsControlCharactersOfADescriptionEscaped() throws Exception {
    java.nio.file.Path spec = java.nio.file.Files.writeString(tmp.resolve("ansi.yaml"),
        "description: \"\\e[2J\\e[31mred\\u0007 text\"\nfixed: {epochs: 1, width: 16}\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.run(new String[] {"plan", spec.toString(), "--no-probe"}, new PrintWriter(out, true),
        new PrintWriter(err, true)), err.toString());
    String first = out.toString().lines().findFirst().orElse("");
    assertEquals("sweep ansi (" + spec + "): \\u001b[2J\\u001b[31mred\\u0007 text", first);
    assertTrue(out.toString().chars().noneMatch(c -> c == 0x1b || c == 0x07), out.toString());
  }
}
