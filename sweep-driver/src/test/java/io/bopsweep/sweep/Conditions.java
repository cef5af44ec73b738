package io.bopsweep.sweep;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting for something to happen in another thread or process, failing the test when it does not. */
public final class Conditions {
  private Conditions() {}

  public static void awaitOrFail(BooleanSupplier condition, int seconds, String what) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }
}
