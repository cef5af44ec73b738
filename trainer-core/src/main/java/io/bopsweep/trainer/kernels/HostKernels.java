package io.bopsweep.trainer.kernels;

import java.nio.ByteBuffer;

/**
 * The elementwise optimizer updates over the memory of CPU tensors (native-order byte buffers),
 * on the index range [from, to) of float elements. Every implementation performs, element for
 * element, the same float operations in the same order as the plain-Java references in the tests,
 * so all of them give bitwise the same results.
 */
interface HostKernels {
  /** Arrays shorter than this take the plain loops (see {@link #bestFor}). */
  int SMALL_ARRAY = 4096;

  /**
   * Bop for one kernel (see {@link BopUpdate}); returns the number of signs that changed.
   *
   * @param settledAbove NaN, or a threshold such that every w with |m| > settledAbove (m before
   *     this step) is -sign(m): a kernel may then leave w unread where no lane can change
   */
  long bop(ByteBuffer w, ByteBuffer m, ByteBuffer g, int from, int to, float decay, float rate, float tau,
      boolean copyGrad, boolean strict, float settledAbove);

  /**
   * Keras Adam (bias correction folded into lrT), optionally clipped to [-1, 1]. If binary is not
   * null, also writes sign(w) (+1 where w >= 0, -1 elsewhere) there, in the same pass.
   *
   * @return the number of binary weights whose value changed (0 if binary is null)
   */
  long adam(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer binary, int from, int to, float lrT,
      boolean clip);

  /** binary = sign(latent); returns the number of binary weights whose value changed. */
  long copySigns(ByteBuffer latent, ByteBuffer binary, int from, int to);

  /** out = sign(x): +1 where x >= 0, -1 elsewhere (NaN included). */
  void sign(ByteBuffer x, ByteBuffer out, int from, int to);

  /**
   * The straight-through sign's backward pass: out = g where |x| <= 1, +0 elsewhere (NaN
   * included), as libtorch's {@code where(|x| <= 1, g, 0)} gives.
   */
  void steMask(ByteBuffer g, ByteBuffer x, ByteBuffer out, int from, int to);

  /** A short description for benchmark output. */
  String describe();

  /** The fastest implementation this JVM can run (see {@link #vector()}) unless -Dbopsweep.vectorKernels=false. */
  static HostKernels best() {
    return Holder.BEST;
  }

  /**
   * {@link #best()} for arrays of at least {@link #SMALL_ARRAY} elements, the plain loops below. A
   * kernel that only ever sees small arrays (Adam on the BatchNorm parameters under Bop) is called
   * too rarely for the JIT to compile its Vector API code for the first hundreds of steps, and runs
   * it many times slower until then; plain loops are compiled within a few calls. Both give bitwise
   * the same results.
   */
  static HostKernels bestFor(long elements) {
    return elements < SMALL_ARRAY ? Holder.SCALAR : Holder.BEST;
  }

  /**
   * The Vector API implementation, or null when the JVM was started without
   * {@code --add-modules jdk.incubator.vector}.
   */
  static HostKernels vector() {
    return Holder.VECTOR;
  }

  static HostKernels scalar() {
    return Holder.SCALAR;
  }

  final class Holder {
    private Holder() {}

    static final HostKernels SCALAR = new ScalarKernels();
    static final HostKernels VECTOR = loadVector();
    static final HostKernels BEST =
        VECTOR != null && !"false".equals(System.getProperty("bopsweep.vectorKernels")) ? VECTOR : SCALAR;

    private static HostKernels loadVector() {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return null;
      }
      try {
        return (HostKernels) Class.forName("io.bopsweep.trainer.kernels.VectorKernels").getDeclaredConstructor()
            .newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }
  }
}
