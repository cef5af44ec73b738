package io.bopsweep.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;

/** The optimizer implementations every optimizer test runs: both host kernels and the tensor path (null). */
final class Paths {
  private Paths() {}

  static List<HostKernels> all() {
    // the build starts test JVMs with --add-modules jdk.incubator.vector; without it the vector kernels go untested
    assertNotNull(HostKernels.vector(), "the Vector API module is not in this JVM");
    return Arrays.asList(HostKernels.vector(), HostKernels.scalar(), null);
  }

  static String name(HostKernels k) {
    return k == null ? "tensor" : k.describe();
  }
}
