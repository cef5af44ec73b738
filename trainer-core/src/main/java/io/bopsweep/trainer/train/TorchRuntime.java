package io.bopsweep.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.bopsweep.trainer.kernels.KernelThreads;

/**
 * libtorch as one trial thread needs it. Grad mode is per thread in libtorch and on by default in
 * new threads; the intra-op thread count is per thread too (libtorch's CPU build uses OpenMP,
 * whose thread count belongs to the calling thread). Every trial thread sets both itself: a
 * thread that did not would compute with another thread count, and floating-point reductions in
 * another order.
 */
public final class TorchRuntime {
  private TorchRuntime() {}

  /**
   * Loads the engine (offline), sets this thread's intra-op thread count ({@code threads}, or all
   * cores for 0) and its optimizer kernels' threads ({@link KernelThreads#enter}), and turns grad
   * mode off here.
   */
  public static Engine enter(int threads) {
    Engine engine = load();
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    JniUtils.setNumThreads(n);
    KernelThreads.enter(n);
    JniUtils.setGradMode(false);
    return engine;
  }

  /** Loads the engine (offline) without touching this thread's settings. */
  public static Engine load() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine("PyTorch");
  }

  /** "cpu", "gpu" or "gpu:N" as a DJL device; a GPU that the engine does not see is an error. */
  public static Device device(String name) {
    Device d = Device.fromName(name == null || name.isBlank() ? "cpu" : name);
    if (d.isGpu()) {
      Engine engine = Engine.getEngine("PyTorch");
      if (d.getDeviceId() >= engine.getGpuCount()) {
        throw new IllegalStateException("device " + name + " requested but libtorch sees " + engine.getGpuCount()
            + " GPU(s); is PYTORCH_LIBRARY_PATH pointing at a CUDA build of libtorch?");
      }
    }
    return d;
  }
}
