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

  @Option(names = "--repeats", paramLabel = "N", defaultValue = "3", description = "repeats; medians are reported")
  int repeats;

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
    if (pytorch && !Files.isRegularFile(pytorchScript)) {
      throw new BadInputException("--pytorch-script: " + pytorchScript + " not found"
          + (pytorchScript.toString().equals(DEFAULT_SCRIPT) ? " (run bench from the repository root)" : ""));
    }
    List<StepBenchmark.Result> results = new ArrayList<>();
    List<Map<String, Object>> torch = new ArrayList<>();
    double peak = StepBenchmark.matmulPeak(t, 1024, 5);
    out.printf("float32 matmul peak (1024^3, %d threads): %.1f GFLOP/s; optimizer kernels: %s on %d thread(s)%n", t,
        peak, TrialOptimizer.hostKernels(), KernelThreads.current());
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
          repeats, epochImages, trace);
      results.add(r);
      out.printf("%-9s %8.0f img/s  step %7.1f ms = fwd %6.1f + bwd %6.1f + opt %6.1f (opt %4.1f %%)  %6.1f GFLOP/s (%4.1f %% of peak)"
              + "  peak RSS %6.0f MiB  epoch of %d: %.1f s (%.0f img/s)%n",
          r.name(), r.samplesPerSec(), r.msStep(), r.msForward(), r.msBackward(), r.msOptimizer(),
          100 * r.optimizerShare(), r.gflops(), 100 * r.gflops() / peak, r.peakRssMb(), r.epochImages(),
          r.epochSeconds(), r.epochSamplesPerSec());
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
    report.put("matmul_peak_gflops", peak);
    report.put("optimizer_kernels", TrialOptimizer.hostKernels());
    report.put("optimizer_kernel_threads", KernelThreads.current());
    report.put("bopsweep", results);
    if (pytorch) {
      report.put("pytorch", torch);
      out.println();
      out.printf("%-9s %12s %12s %8s %14s %14s%n", "config", "bopsweep/s", "pytorch/s", "ratio", "opt share ours", "opt share torch");
      for (StepBenchmark.Result r : results) {
        torch.stream().filter(m -> r.name().equals(m.get("name"))).findFirst().ifPresent(m -> {
          double ps = ((Number) m.get("samples_per_sec")).doubleValue();
          out.printf("%-9s %12.0f %12.0f %7.2fx %13.1f%% %13.1f%%%n", r.name(), r.samplesPerSec(), ps,
              r.samplesPerSec() / ps, 100 * r.optimizerShare(), 100 * ((Number) m.get("optimizer_share")).doubleValue());
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
   * The PyTorch side's environment, from ours: OpenBLAS free to pick its fastest kernels (see the
   * performance issue), and libgomp's default spin count unless the user set one (the launcher's
   * short default is for our kernel threads, and it slows PyTorch a little).
   */
  static void pytorchEnvironment(Map<String, String> env) {
    env.remove("OPENBLAS_CORETYPE");
    env.remove("OPENBLAS_L2_SIZE");
    if (env.remove("BOPSWEEP_DEFAULT_GOMP_SPINCOUNT") != null) {
      env.remove("GOMP_SPINCOUNT");
    }
  }

  /** Runs one configuration in PyTorch eager, in its own process. */
  private List<Map<String, Object>> runPytorch(int t, String config, PrintWriter out)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(python, pytorchScript.toString(), "--threads", String.valueOf(t),
        "--steps", String.valueOf(steps), "--repeats", String.valueOf(repeats), "--warmup-seconds",
        String.valueOf(warmupSeconds), "--only", config));
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
          rows.add(m);
          out.printf("pytorch %-9s %8.0f img/s  step %7.1f ms = fwd %6.1f + bwd %6.1f + opt %6.1f (opt %4.1f %%)%n",
              m.get("name"), ((Number) m.get("samples_per_sec")).doubleValue(), ((Number) m.get("ms_step")).doubleValue(),
              ((Number) m.get("ms_forward")).doubleValue(), ((Number) m.get("ms_backward")).doubleValue(),
              ((Number) m.get("ms_optimizer")).doubleValue(), 100 * ((Number) m.get("optimizer_share")).doubleValue());
          out.flush();
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new BadInputException("--python: " + python + " " + pytorchScript + " --only " + config + " exited with code "
          + p.exitValue() + " (is torch installed? its error is above)");
    }
    return rows;
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
