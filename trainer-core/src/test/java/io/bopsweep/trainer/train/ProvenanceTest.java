package io.bopsweep.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import io.bopsweep.trainer.kernels.KernelThreads;
import io.bopsweep.trainer.optim.TrialOptimizer;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

  @Test
  void theVectorIsaIsNamedFromTheKernelsVectorWidthAndTheArchitecture() {
    assertEquals("AVX-512", Provenance.vectorIsa("vector (512-bit, 16 floats)", "amd64"));
    assertEquals("AVX2", Provenance.vectorIsa("vector (256-bit, 8 floats)", "amd64"));
    assertEquals("NEON", Provenance.vectorIsa("vector (128-bit, 4 floats)", "aarch64"));
    assertEquals("scalar", Provenance.vectorIsa("scalar", "amd64"));
    assertEquals("none (tensor operations)", Provenance.vectorIsa("tensor operations", "amd64"));
  }

  @Test
  void aCpuTrialRecordsThisMachineAndBuild() {
    Provenance p = Provenance.here(2, "cpu");
    Engine engine = TorchRuntime.load();
    assertEquals(2, p.threadsPerTrial());
    assertEquals(KernelThreads.forTrial(2), p.kernelThreads());
    assertEquals(TrialOptimizer.hostKernels(), p.kernelPath());
    assertEquals(engine.getVersion(), p.libtorchVersion());
    assertEquals("cpu", p.libtorchFlavor(), "the tests run the CPU build of libtorch");
    assertEquals(Engine.getDjlVersion(), p.djlVersion());
    assertEquals(Runtime.version().toString(), p.jvmVersion().substring(0, p.jvmVersion().indexOf(' ')));
    assertFalse(p.cpuModel().isBlank());
    assertNull(p.gpuName());
    assertEquals(10, p.columns().size());
  }
}
