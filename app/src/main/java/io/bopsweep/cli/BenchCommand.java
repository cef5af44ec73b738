package io.bopsweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bopsweep.trainer.bench.StepBenchmark;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.kernels.KernelThreads;
import io.bopsweep.trainer.optim.TrialOptimizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bopsweep bench}: the trainer's speed on the reference configurations, optionally beside PyTorch. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure training speed on the reference configurations (optionally beside PyTorch).")
final class BenchCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** The configurations of the performance issue: BinaryNet MLP 784-2048x3-10 and the VGG at two widths. */
  static final Map<String, Map<String, Object>> CONFIGS = new LinkedHashMap<>();

  static {
    CONFIGS.put("mlp-bop", Map.of("dataset", "mnist", "model", "mlp", "width", 2048, "optimizer", "bop",
        "bop_start", "sign", "batch_size", 100));
    CONFIGS.put("mlp-adam", Map.of("dataset", "mnist", "model", "mlp", "width", 2048, "optimizer", "adam-latent",
        "batch_size", 100));
    CONFIGS.put("vgg-1.0", Map.of("dataset", "cifar10", "model", "binarynet", "width", 1.0, "optimizer", "bop",
        "bop_start", "sign", "batch_size", 50, "augment", false));
    CONFIGS.put("vgg-0.25", Map.of("dataset", "cifar10", "model", "binarynet", "width", 0.25, "optimizer", "bop",
        "bop_start", "sign", "batch_size", 50, "augment", false));
  }

  @Spec CommandSpec spec;

  @Option(names = "--only", paramLabel = "NAMES", split = ",", description = "run only these (mlp-bop, mlp-adam, vgg-1.0, vgg-0.25)")
  List<String> only;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "libtorch threads (default: all cores)")
  int threads;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "10", description = "timed steps per repeat (VGG 1.0: a quarter)")
  int steps;

  @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "3",
      description = "untimed warm-up per configuration: at least 3 steps and this many seconds")
  double warmupSeconds;

  @Option(names = "--repeats", paramLabel = "N", defaultValue = "3", description = "repeats; medians are reported, with the range")
  int repeats;

  @Option(names = "--repeat-seconds", paramLabel = "S", defaultValue = "3",
      description = "each repeat runs its steps and for at least this many seconds (default: 3)")
  double repeatSeconds;

  @Option(names = "--peak-sizes", paramLabel = "N", split = ",", defaultValue = "1024,2048,3072,4096",
      description = "matrix sizes of the matmul peak (default: 1024,2048,3072,4096)")
  List<Integer> peakSizes;

  @Option(names = "--peak-seconds", paramLabel = "S", defaultValue = "1",
      description = "each repeat of the matmul peak multiplies for at least this many seconds (default: 1)")
  double peakSeconds;

  @Option(names = "--epoch-images", paramLabel = "N", defaultValue = "5000", description = "images in the end-to-end epoch")
  int epochImages;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
  Path json;

  @Option(names = "--profile", paramLabel = "DIR",
      description = "also profile each configuration's steps with libtorch's profiler: DIR/<config>.json (Chrome trace) and its top operators")
  Path profile;

  @Option(names = "--pytorch", description = "also run bench/pytorch_bench.py (PyTorch eager, same configurations) and print ratios")
  boolean pytorch;

  @Option(names = "--python", paramLabel = "EXE", defaultValue = "/usr/bin/python3", description = "Python with torch (default: /usr/bin/python3)")
  String python;

  /** The PyTorch side's first line (torch version, BLAS, OpenBLAS kernels), once one ran. */
  private Object torchEnvironment;

  private static final String DEFAULT_SCRIPT = "bench/pytorch_bench.py";

  @Option(names = "--pytorch-script", paramLabel = "FILE", defaultValue = DEFAULT_SCRIPT,
      description = "the PyTorch side (default: bench/pytorch_bench.py, from the repository root)")
  Path pytorchScript;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    if (only != null) {
      for (String name : only) {
        if (!CONFIGS.containsKey(name)) {
          throw new BadInputException("--only: unknown configuration '" + name + "' (one of " + CONFIGS.keySet() + ")");
        }
      }
    }
    if (profile != null) {
      if (Files.exists(profile) && !Files.isDirectory(profile)) {
        throw new BadInputException("--profile: " + profile + " is a file, not a directory");
      }
      Files.createDirectories(profile);
    }
    if (steps < 1) {
      throw new BadInputException("--steps: must be >= 1");
    }
    if (repeats < 1) {
      throw new BadInputException("--repeats: must be >= 1");
    }
    if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
      throw new BadInputException("--warmup-seconds: must be a number >= 0");
    }
    if (!(repeatSeconds >= 0) || Double.isInfinite(repeatSeconds)) {
      throw new BadInputException("--repeat-seconds: must be a number >= 0");
    }
    if (!(peakSeconds >= 0) || Double.isInfinite(peakSeconds)) {
      throw new BadInputException("--peak-seconds: must be a number >= 0");
    }
    if (peakSizes.stream().anyMatch(n -> n < 1 || n > 16384)) {
      throw new BadInputException("--peak-sizes: each must be in 1..16384, got " + peakSizes);
    }
    if (pytorch && !Files.isRegularFile(pytorchScript)) {
      throw new BadInputException("--pytorch-script: " + pytorchScript + " not found"
          + (pytorchScript.toString().equals(DEFAULT_SCRIPT) ? " (run bench from the repository root)" : ""));
    }
    List<StepBenchmark.Result> results = new ArrayList<>();
    List<Map<String, Object>> torch = new ArrayList<>();
    Map<String, Map<Integer, Double>> peaks = new LinkedHashMap<>();
    peaks.put("libtorch", StepBenchmark.matmulPeak(t, peakSizes, peakSeconds, repeats));
    // after the peak: it sets libtorch's threads, which the kernel threads follow
    out.printf("optimizer kernels: %s on %d thread(s)%n", TrialOptimizer.hostKernels(), KernelThreads.current());
    if (pytorch) {
      peaks.put("pytorch", runPytorchPeak(t, out));
    }
    Peak peak = Peak.highest(peaks);
    peaks.forEach((side, bySize) -> out.printf("float32 matmul %-8s (%d threads, best of %d repeats of >= %s s): %s GFLOP/s%n",
        side, t, repeats, peakSeconds, String.join(", ", bySize.entrySet().stream()
            .map(e -> String.format("%d^3 %.1f", e.getKey(), e.getValue())).toList())));
    out.printf("peak: %.1f GFLOP/s (%s, %d^3); %% of peak below is against it%n", peak.gflops(), peak.side(), peak.size());
    for (Map.Entry<String, Map<String, Object>> e : CONFIGS.entrySet()) {
      if (only != null && !only.contains(e.getKey())) {
        continue;
      }
      if (pytorch) {
        // PyTorch first: its steps and ours are then timed back to back (ours are followed by the epoch)
        torch.addAll(runPytorch(t, e.getKey(), out));
      }
      int n = e.getKey().equals("vgg-1.0") ? Math.max(2, steps / 4) : steps;
      Path trace = profile == null ? null : profile.resolve(e.getKey() + ".json");
      StepBenchmark.Result r = StepBenchmark.run(e.getKey(), TrialConfig.of(e.getValue()), t, 3, warmupSeconds, n,
          repeatSeconds, repeats, epochImages, trace);
      results.add(r);
      out.printf("%-9s %8.0f img/s  step %7.1f ms (%.1f-%.1f) = fwd %6.1f + bwd %6.1f + opt %6.1f (opt %4.1f %%)"
              + "  %6.1f GFLOP/s (%4.1f %% of peak)  peak RSS %6.0f MiB  epoch of %d: %.1f s (%.0f img/s)%n",
          r.name(), r.samplesPerSec(), r.msStep(), r.msStepMin(), r.msStepMax(), r.msForward(), r.msBackward(),
          r.msOptimizer(), 100 * r.optimizerShare(), r.gflops(), 100 * r.gflops() / peak.gflops(), r.peakRssMb(),
          r.epochImages(), r.epochSeconds(), r.epochSamplesPerSec());
      if (trace != null) {
        out.printf("  profile: %s; operators by total time per step (nested ones counted in their callers too):%n", trace);
        for (TraceSummary.Op op : TraceSummary.top(trace, n, 12)) {
          out.printf("  %9.2f ms %7.1fx  %s%n", op.msPerStep(), op.callsPerStep(), op.name());
        }
      }
      out.flush();
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("machine", machine());
    report.put("threads", t);
    report.put("matmul_peaks_gflops", peaks);
    report.put("matmul_peak_gflops", peak.gflops());
    report.put("matmul_peak_side", peak.side());
    report.put("optimizer_kernels", TrialOptimizer.hostKernels());
    report.put("optimizer_kernel_threads", KernelThreads.current());
    report.put("bopsweep", results);
    if (pytorch) {
      report.put("pytorch_environment", torchEnvironment);
      report.put("pytorch", torch);
      out.println();
      out.printf("%-9s %12s %12s %8s %14s %14s %22s%n", "config", "bopsweep/s", "pytorch/s", "ratio", "opt share ours",
          "opt share torch", "% of peak ours/torch");
      for (StepBenchmark.Result r : results) {
        torch.stream().filter(m -> r.name().equals(m.get("name"))).findFirst().ifPresent(m -> {
          double ps = ((Number) m.get("samples_per_sec")).doubleValue();
          double torchGflops = r.flopsPerSample() * ps / 1e9;
          out.printf("%-9s %12.0f %12.0f %7.2fx %13.1f%% %13.1f%% %10.1f%% / %5.1f%%%n", r.name(), r.samplesPerSec(), ps,
              r.samplesPerSec() / ps, 100 * r.optimizerShare(), 100 * ((Number) m.get("optimizer_share")).doubleValue(),
              100 * r.gflops() / peak.gflops(), 100 * torchGflops / peak.gflops());
        });
      }
    }
    if (json != null) {
      Files.writeString(json, JSON.writeValueAsString(report));
      out.println("wrote " + json);
    }
    return 0;
  }

  /**
   * The PyTorch side's environment, from ours: libgomp's default spin count unless the user set one
   * (the launcher's short default is for our kernel threads, and it slows PyTorch a little). A
   * user's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE stay; without them the script picks the kernels.
   */
  static void pytorchEnvironment(Map<String, String> env) {
    KernelThreads.dropLauncherSpinCount(env);
  }

  /** The highest sustained matmul rate measured, and where: the bound "% of peak" is taken against. */
  record Peak(String side, int size, double gflops) {
    static Peak highest(Map<String, Map<Integer, Double>> peaks) {
      Peak best = new Peak("none", 0, Double.NaN);
      for (Map.Entry<String, Map<Integer, Double>> side : peaks.entrySet()) {
        for (Map.Entry<Integer, Double> e : side.getValue().entrySet()) {
          if (Double.isNaN(best.gflops()) || e.getValue() > best.gflops()) {
            best = new Peak(side.getKey(), e.getKey(), e.getValue());
          }
        }
      }
      return best;
    }
  }

  /** The PyTorch side's matmul peak at the same sizes, in its own process. */
  private Map<Integer, Double> runPytorchPeak(int t, PrintWriter out) throws IOException, InterruptedException {
    Map<Integer, Double> peak = new LinkedHashMap<>();
    List<Map<String, Object>> lines = runPython(out, "--peak", "--threads", String.valueOf(t), "--repeats",
        String.valueOf(repeats), "--peak", String.join(",", peakSizes.stream().map(String::valueOf).toList()),
        "--peak-seconds", String.valueOf(peakSeconds));
    for (Map<String, Object> m : lines) {
      if (m.get("peak") instanceof Map<?, ?> bySize) {
        bySize.forEach((k, v) -> peak.put(Integer.valueOf(String.valueOf(k)), ((Number) v).doubleValue()));
      }
    }
    return peak;
  }

  /** Runs one configuration in PyTorch eager, in its own process. */
  private List<Map<String, Object>> runPytorch(int t, String config, PrintWriter out)
      throws IOException, InterruptedException {
    List<Map<String, Object>> rows = runPython(out, "--only " + config, "--threads", String.valueOf(t), "--steps",
        String.valueOf(steps), "--repeats", String.valueOf(repeats), "--repeat-seconds", String.valueOf(repeatSeconds),
        "--warmup-seconds", String.valueOf(warmupSeconds), "--only", config);
    for (Map<String, Object> m : rows) {
      out.printf("pytorch %-9s %8.0f img/s  step %7.1f ms (%.1f-%.1f) = fwd %6.1f + bwd %6.1f + opt %6.1f (opt %4.1f %%)%n",
          m.get("name"), number(m, "samples_per_sec"), number(m, "ms_step"), number(m, "ms_step_min"),
          number(m, "ms_step_max"), number(m, "ms_forward"), number(m, "ms_backward"), number(m, "ms_optimizer"),
          100 * number(m, "optimizer_share"));
    }
    out.flush();
    return rows;
  }

  private static double number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /**
   * Runs the PyTorch script with these arguments and returns its JSON lines, less the environment
   * line (printed the first time it comes); {@code what} names the run in an error.
   */
  private List<Map<String, Object>> runPython(PrintWriter out, String what, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(python, pytorchScript.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pytorchEnvironment(pb.environment());
    Process p = pb.start();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("{")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = new ObjectMapper().readValue(line, Map.class);
          if (m.containsKey("environment")) {
            if (torchEnvironment == null) {
              torchEnvironment = m.get("environment");
              out.println("pytorch: " + describe(torchEnvironment));
            }
            continue;
          }
          rows.add(m);
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new BadInputException("--python: " + python + " " + pytorchScript + " " + what + " exited with code "
          + p.exitValue() + " (is torch installed? its error is above)");
    }
    return rows;
  }

  /** One line for the PyTorch side's environment line: torch, its BLAS, and the OpenBLAS kernels and why. */
  static String describe(Object environment) {
    if (!(environment instanceof Map<?, ?> e)) {
      return String.valueOf(environment);
    }
    return "torch " + e.get("torch") + ", BLAS " + e.get("blas")
        + (e.get("openblas_config") != null ? " (" + e.get("openblas_config") + ")" : "")
        + "; OpenBLAS kernels: " + e.get("openblas_note")
        + (e.get("openblas_l2_size") != null ? "; OPENBLAS_L2_SIZE=" + e.get("openblas_l2_size") : "");
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    try {
      Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
          .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).strip()));
    } catch (IOException e) {
      // not Linux
    }
    return m;
  }
}
