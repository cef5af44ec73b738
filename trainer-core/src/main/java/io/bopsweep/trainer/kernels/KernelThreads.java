package io.bopsweep.trainer.kernels;

import io.bopsweep.trainer.config.ConfigException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many threads the optimizer kernels of the calling (trial) thread may use, and the helper
 * threads that run their chunks beside it.
 *
 * <p>A trial owns as many cores as it has libtorch threads, and the update is memory-bound: two
 * cores stream more than one. But after the backward pass, libtorch's OpenMP worker keeps spinning
 * on the other core for a while (libgomp's default spin count), and a helper there only competes
 * with it. So helpers are used only when libgomp's workers give up their cores soon:
 * {@code GOMP_SPINCOUNT} at most {@link #SHORT_SPIN} or {@code OMP_WAIT_POLICY=passive} (the
 * launcher sets {@code GOMP_SPINCOUNT=10000} unless it is set). {@code -Dbopsweep.kernelThreads=N}
 * overrides the rule.
 *
 * <p>Each chunk is computed the same way whichever thread takes it, so results do not depend on
 * the number of threads.
 */
public final class KernelThreads {
  /** The largest libgomp spin count with which helpers pay off (libgomp's default is 300,000). */
  static final long SHORT_SPIN = 100_000;

  /** The spin count the launcher and the Spark executors get unless one is set (the one measured). */
  public static final String SHORT_SPIN_DEFAULT = "10000";

  /** Arrays with fewer chunks than this run on the calling thread only. */
  static final int MIN_CHUNKS = 8;

  private static final ThreadLocal<Integer> THREADS = ThreadLocal.withInitial(() -> 1);
  private static final ExecutorService HELPERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bopsweep-kernel");
    t.setDaemon(true);
    return t;
  });
  private static final String OVERRIDE = System.getProperty("bopsweep.kernelThreads");

  private KernelThreads() {}

  /**
   * Sets the calling thread's kernel threads for a trial with {@code torchThreads} libtorch threads:
   * that many when libgomp yields its cores soon (see the class comment), else 1.
   */
  public static void enter(int torchThreads) {
    set(resolve(torchThreads, OVERRIDE, System.getenv("GOMP_SPINCOUNT"), System.getenv("OMP_WAIT_POLICY")));
  }

  /** The kernel threads {@link #enter} sets for a trial with {@code torchThreads} libtorch threads. */
  public static int forTrial(int torchThreads) {
    return resolve(torchThreads, OVERRIDE, System.getenv("GOMP_SPINCOUNT"), System.getenv("OMP_WAIT_POLICY"));
  }

  /**
   * The GOMP_SPINCOUNT Spark executors get: the one the Spark conf gives them ({@code fromConf}, null
   * if none), else this process's, else {@link #SHORT_SPIN_DEFAULT}.
   */
  public static String executorSpinCount(String fromConf, Map<String, String> env) {
    return fromConf != null ? fromConf : env.getOrDefault("GOMP_SPINCOUNT", SHORT_SPIN_DEFAULT);
  }

  /**
   * Removes from {@code env} the spin count the launcher set by default (it marks it with
   * BOPSWEEP_DEFAULT_GOMP_SPINCOUNT), so a child process gets libgomp's own default; a spin count
   * the user set stays.
   */
  public static void dropLauncherSpinCount(Map<String, String> env) {
    if (env.remove("BOPSWEEP_DEFAULT_GOMP_SPINCOUNT") != null) {
      env.remove("GOMP_SPINCOUNT");
    }
  }

  /** Sets the calling thread's kernel threads as they are (tests). */
  static void set(int threads) {
    THREADS.set(Math.max(1, threads));
  }

  /** Which implementation updates CPU tensors: "vector (...)", "scalar", or "tensor operations". */
  public static String hostKernels() {
    return HostBuffers.ENABLED ? HostKernels.best().describe() : "tensor operations";
  }

  /** The calling thread's kernel threads. */
  public static int current() {
    return THREADS.get();
  }

  /** The rule of {@link #enter}, on explicit inputs. */
  static int resolve(int torchThreads, String override, String spinCount, String waitPolicy) {
    if (override != null && !override.isBlank()) {
      try {
        return Math.max(1, Integer.parseInt(override.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException("-Dbopsweep.kernelThreads", "not a whole number: '" + override + "'");
      }
    }
    return Math.max(1, libgompYieldsSoon(spinCount, waitPolicy) ? torchThreads : 1);
  }

  /** Whether libgomp's idle workers stop spinning within {@link #SHORT_SPIN} iterations. */
  static boolean libgompYieldsSoon(String spinCount, String waitPolicy) {
    if (waitPolicy != null && waitPolicy.trim().toLowerCase(Locale.ROOT).equals("passive")) {
      return true;
    }
    long spins = parseSpinCount(spinCount);
    return spins >= 0 && spins <= SHORT_SPIN;
  }

  /** GOMP_SPINCOUNT as libgomp reads it (a number with an optional k, M, G or T suffix), -1 if unset or not a number. */
  static long parseSpinCount(String s) {
    if (s == null || s.isBlank()) {
      return -1;
    }
    String t = s.trim();
    long scale = switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
      case 'k' -> 1_000L;
      case 'm' -> 1_000_000L;
      case 'g' -> 1_000_000_000L;
      case 't' -> 1_000_000_000_000L;
      default -> 1L;
    };
    String digits = scale == 1 ? t : t.substring(0, t.length() - 1).trim();
    try {
      long v = Long.parseLong(digits);
      return v < 0 ? -1 : v * scale;
    } catch (NumberFormatException e) {
      return -1; // "infinity" and the like: it never stops spinning
    }
  }

  /**
   * Runs op over [0, n) in chunks of {@link HostBuffers#CHUNK} on the calling thread and up to
   * {@code threads - 1} helpers, which take chunks from a shared counter; returns the sum of the
   * counts once every chunk is done.
   */
  static long overChunks(int n, int threads, HostBuffers.RangeOp op) {
    int chunks = (n + HostBuffers.CHUNK - 1) / HostBuffers.CHUNK;
    if (threads <= 1 || chunks < MIN_CHUNKS) {
      return HostBuffers.overChunks(n, op);
    }
    Shared shared = new Shared(n, chunks, op);
    for (int i = 1; i < threads; i++) {
      HELPERS.execute(shared::work);
    }
    shared.work();
    while (shared.done.get() < chunks) {
      Thread.onSpinWait(); // the chunks still running elsewhere take microseconds
    }
    if (shared.failure != null) {
      throw shared.failure;
    }
    return shared.sum.get();
  }

  /** One call's chunks: a helper that starts after they are all taken does nothing. */
  private static final class Shared {
    final int n;
    final int chunks;
    final HostBuffers.RangeOp op;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicLong sum = new AtomicLong();
    volatile RuntimeException failure;

    Shared(int n, int chunks, HostBuffers.RangeOp op) {
      this.n = n;
      this.chunks = chunks;
      this.op = op;
    }

    void work() {
      for (int c; (c = next.getAndIncrement()) < chunks; ) {
        try {
          int from = c * HostBuffers.CHUNK;
          sum.addAndGet(op.apply(from, Math.min(n, from + HostBuffers.CHUNK)));
        } catch (RuntimeException | Error e) {
          failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } finally {
          done.incrementAndGet();
        }
      }
    }
  }
}
