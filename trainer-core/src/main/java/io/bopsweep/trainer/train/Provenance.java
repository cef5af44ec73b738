package io.bopsweep.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import io.bopsweep.trainer.kernels.KernelThreads;
import io.bopsweep.trainer.optim.TrialOptimizer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a trial's arithmetic depended on besides its settings: the machine and build that computed
 * it. Results reproduce bitwise only on the same CPU model (vector ISA), thread counts and build
 * (libtorch, DJL, JVM); every stored row records these.
 *
 * @param cpuModel the CPU's model name (/proc/cpuinfo), else the architecture
 * @param vectorIsa what the optimizer kernels' vectors are: "AVX-512", "AVX2", "NEON", "N-bit", "scalar", or
 *     "none (tensor operations)" where libtorch updates the tensors itself (GPU)
 * @param kernelPath which implementation ran the optimizer updates (see {@link TrialOptimizer#hostKernels})
 * @param kernelThreads threads of the optimizer kernels (see {@link KernelThreads})
 * @param threadsPerTrial libtorch intra-op threads of the trial
 * @param libtorchFlavor "cpu", or "cu" and the CUDA version DJL found
 * @param gpuName the GPU's name where the trial ran on one, else null
 */
public record Provenance(String cpuModel, String vectorIsa, String kernelPath, int kernelThreads, int threadsPerTrial,
    String libtorchVersion, String libtorchFlavor, String djlVersion, String jvmVersion, String gpuName)
    implements Serializable {

  /** The provenance of a trial that runs here with this many libtorch threads on this device ("cpu", "gpu:N"). */
  public static Provenance here(int threadsPerTrial, String device) {
    Engine engine = TorchRuntime.load();
    boolean gpu = device != null && device.startsWith("gpu");
    String kernels = gpu ? "tensor operations" : TrialOptimizer.hostKernels();
    boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
    return new Provenance(readCpuModel(), vectorIsa(kernels, System.getProperty("os.arch")), kernels,
        gpu ? 1 : KernelThreads.forTrial(threadsPerTrial), threadsPerTrial, engine.getVersion(),
        cuda ? "cu" + CudaUtils.getCudaVersionString() : "cpu", Engine.getDjlVersion(),
        Runtime.version() + " (" + System.getProperty("java.vm.vendor", "?") + ")", gpu ? gpuName(device) : null);
  }

  /** The columns as stored (snake_case names). */
  public Map<String, Object> columns() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu_model", cpuModel);
    m.put("vector_isa", vectorIsa);
    m.put("kernel_path", kernelPath);
    m.put("kernel_threads", kernelThreads);
    m.put("threads_per_trial", threadsPerTrial);
    m.put("libtorch_version", libtorchVersion);
    m.put("libtorch_flavor", libtorchFlavor);
    m.put("djl_version", djlVersion);
    m.put("jvm_version", jvmVersion);
    m.put("gpu_name", gpuName);
    return m;
  }

  /** The ISA name of a kernel description such as "vector (512-bit, 16 floats)". */
  static String vectorIsa(String kernels, String arch) {
    if (kernels.startsWith("scalar")) {
      return "scalar";
    }
    if (!kernels.startsWith("vector (")) {
      return "none (" + kernels + ")";
    }
    String bits = kernels.substring("vector (".length(), kernels.indexOf("-bit"));
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
    return switch (bits) {
      case "512" -> x86 ? "AVX-512" : "512-bit";
      case "256" -> x86 ? "AVX2" : "256-bit";
      case "128" -> x86 ? "SSE (128-bit)" : arch.equals("aarch64") ? "NEON" : "128-bit";
      default -> bits + "-bit";
    };
  }

  static String readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name") || line.startsWith("Model") || line.startsWith("Hardware")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture below
    }
    return System.getProperty("os.arch");
  }

  private static String gpuName(String device) {
    String index = device.contains(":") ? device.substring(device.indexOf(':') + 1) : "0";
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", index)
          .redirectErrorStream(true).start();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
        String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
      p.destroyForcibly();
    } catch (IOException e) {
      // no nvidia-smi: the compute capability below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "GPU " + index + " (compute capability " + CudaUtils.getComputeCapability(Integer.parseInt(index)) + ")";
  }
}
