package io.bopsweep.sweep;

import java.lang.management.ManagementFactory;

/**
 * Where a sweep's wall time went: from the JVM's start to the end of the Spark job that ran its
 * trials, and the part of it the job took. The rest is the sweep's fixed cost: the JVM and Spark
 * starting, reading the spec and the store, checking data and models.
 */
public record SweepWall(double totalSeconds, double inTrialsSeconds) {

  /** The JVM's uptime now, with the job that just ended after {@code jobNanos}. */
  public static SweepWall sinceJvmStart(long jobNanos) {
    return new SweepWall(ManagementFactory.getRuntimeMXBean().getUptime() / 1e3, jobNanos / 1e9);
  }

  public double outsideSeconds() {
    return totalSeconds - inTrialsSeconds;
  }

  /** For the sweep's last line. */
  public String describe() {
    return String.format("wall %.1f s since the JVM started: %.1f s running trials, %.1f s outside them", totalSeconds,
        inTrialsSeconds, outsideSeconds());
  }
}
