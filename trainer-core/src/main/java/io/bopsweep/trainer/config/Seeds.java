package io.bopsweep.trainer.config;

/**
 * Independent random streams derived from a trial's seed, so that no random draw depends on what
 * ran before it in the JVM, and a resumed trial draws exactly what an uninterrupted one would.
 */
public final class Seeds {
  public static final long INIT = 1;
  public static final long SHUFFLE = 2;
  public static final long AUGMENT = 3;

  private Seeds() {}

  /** The seed of one stream of a trial. */
  public static long stream(long seed, long stream) {
    return mix(mix(seed) ^ mix(stream * 0x9E3779B97F4A7C15L + 1));
  }

  /** The seed of one stream in one epoch of a trial. */
  public static long stream(long seed, long stream, int epoch) {
    return mix(stream(seed, stream) + 0x632BE59BD9B4E019L * (epoch + 1));
  }

  /** SplitMix64's finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
