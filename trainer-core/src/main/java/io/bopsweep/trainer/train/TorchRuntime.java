package io.bopsweep.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch as one trial thread needs it. Grad mode is per thread in libtorch and on by default in
 * new threads, so every trial sets it itself. The intra-op thread count is process-wide.
 */
public final class TorchRuntime {
  private static volatile int threadsSet = -1;

  private TorchRuntime() {}

  /** Loads the engine (offline), sets the intra-op thread count if given (> 0) and turns grad mode off here. */
  public static Engine enter(int threads) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Engine engine = Engine.getEngine("PyTorch");
    if (threads > 0 && threadsSet != threads) {
      synchronized (TorchRuntime.class) {
        if (threadsSet != threads) {
          JniUtils.setNumThreads(threads);
          threadsSet = threads;
        }
      }
    }
    JniUtils.setGradMode(false);
    return engine;
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
