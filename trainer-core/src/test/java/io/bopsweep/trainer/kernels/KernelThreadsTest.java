package io.bopsweep.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelThreadsTest {
  @ParameterizedTest(name = "GOMP_SPINCOUNT={0} OMP_WAIT_POLICY={1} -> {2}")
  @CsvSource(nullValues = "unset", value = {
      "unset, unset, 1", // libgomp's default spin: helpers would compete with its spinning worker
      "10000, unset, 4",
      "100000, unset, 4",
      "100001, unset, 1",
      "10k, unset, 4",
      "100K, unset, 4",
      "1M, unset, 1",
      "infinity, unset, 1",
      "-5, unset, 1",
      "' ', unset, 1",
      "0, unset, 4",
      "unset, PASSIVE, 4",
      "unset, passive, 4",
      "unset, active, 1",
      "1M, passive, 4"})
  void helpersOnlyWhenLibgompYieldsItsCoresSoon(String spinCount, String waitPolicy, int expected) {
    assertEquals(expected, KernelThreads.resolve(4, null, spinCount, waitPolicy));
  }

  @Test
  void executorsGetTheConfsSpinCountElseThisProcesssElseTheShortDefault() {
    assertEquals("300000", KernelThreads.executorSpinCount("300000", java.util.Map.of("GOMP_SPINCOUNT", "50000")));
    assertEquals("50000", KernelThreads.executorSpinCount(null, java.util.Map.of("GOMP_SPINCOUNT", "50000")));
    assertEquals("10000", KernelThreads.executorSpinCount(null, java.util.Map.of()));
  }

  @Test
  void onlyTheLaunchersDefaultSpinCountIsDropped() {
    java.util.Map<String, String> launcher = new java.util.HashMap<>(java.util.Map.of("GOMP_SPINCOUNT", "10000",
        "BOPSWEEP_DEFAULT_GOMP_SPINCOUNT", "1", "PATH", "/bin"));
    KernelThreads.dropLauncherSpinCount(launcher);
    assertEquals(java.util.Map.of("PATH", "/bin"), launcher);
    java.util.Map<String, String> user = new java.util.HashMap<>(java.util.Map.of("GOMP_SPINCOUNT", "50000"));
    KernelThreads.dropLauncherSpinCount(user);
    assertEquals(java.util.Map.of("GOMP_SPINCOUNT", "50000"), user);
  }

  @Test
  void overrideWinsAndAtLeastOneThread() {
    assertEquals(3, KernelThreads.resolve(1, "3", null, null));
    assertEquals(1, KernelThreads.resolve(4, "0", "10000", null));
    assertEquals(1, KernelThreads.resolve(0, null, "10000", null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelThreads.resolve(2, "two", null, null));
    assertEquals("-Dbopsweep.kernelThreads: not a whole number: 'two'", e.getMessage());
  }

  @ParameterizedTest(name = "n={0} threads={1}")
  @CsvSource({"0, 3", "1, 3", "458752, 3", "524288, 2", "524289, 3", "2000000, 4", "2000000, 1", "700001, 9"})
  void everyElementExactlyOnceAndTheCountsSummed(int n, int threads) {
    int[] visits = new int[n];
    ConcurrentHashMap<String, Boolean> names = new ConcurrentHashMap<>();
    long sum = KernelThreads.overChunks(n, threads, (from, to) -> {
      names.put(Thread.currentThread().getName(), true);
      long s = 0;
      for (int i = from; i < to; i++) {
        visits[i]++;
        s += i % 7;
      }
      return s;
    });
    long expected = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(1, visits[i], "element " + i);
      expected += i % 7;
    }
    assertEquals(expected, sum);
    boolean small = n < KernelThreads.MIN_CHUNKS * HostBuffers.CHUNK;
    if (threads == 1 || small) {
      String caller = Thread.currentThread().getName();
      assertTrue(names.keySet().stream().allMatch(caller::equals), "only the calling thread: " + names.keySet());
    }
  }

  @Test
  void aFailingChunkFailsTheCallAfterTheOthersFinish() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger running = new AtomicInteger();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KernelThreads.overChunks(20 * HostBuffers.CHUNK, 3, (from, to) -> {
          running.incrementAndGet();
          try {
            if (from == 5 * HostBuffers.CHUNK) {
              throw boom;
            }
            return 0;
          } finally {
            running.decrementAndGet();
          }
        }));
    assertSame(boom, e);
    assertEquals(0, running.get(), "a chunk still running after the call returned");
  }

  /**
   * Every chunk has started and finished, once, when the call returns: counted at the moment of
   * return, so a chunk left to a helper shows as missing rather than needing a wait to appear.
   * The previous round's counts are checked again after the next call, where a chunk run twice by
   * a helper that started late would have shown up.
   */
  @Test
  void everyChunkHasRunOnceWhenTheCallReturns() {
    int chunks = KernelThreads.MIN_CHUNKS * 4;
    AtomicInteger previousStarted = null;
    for (int round = 0; round < 50; round++) {
      AtomicInteger started = new AtomicInteger();
      AtomicInteger finished = new AtomicInteger();
      long covered = KernelThreads.overChunks(chunks * HostBuffers.CHUNK, 8, (from, to) -> {
        started.incrementAndGet();
        Thread.onSpinWait();
        finished.incrementAndGet();
        return to - from;
      });
      int startedAtReturn = started.get();
      int finishedAtReturn = finished.get();
      assertEquals(chunks, startedAtReturn, "round " + round + ": chunks started by the return");
      assertEquals(chunks, finishedAtReturn, "round " + round + ": chunks finished by the return");
      assertEquals((long) chunks * HostBuffers.CHUNK, covered, "round " + round);
      if (previousStarted != null) {
        assertEquals(chunks, previousStarted.get(), "round " + (round - 1) + " ran a chunk after it returned");
      }
      previousStarted = started;
    }
  }

  @Test
  void theSettingBelongsToTheCallingThread() throws InterruptedException {
    KernelThreads.set(3);
    try {
      int[] other = new int[1];
      Thread t = new Thread(() -> other[0] = KernelThreads.current());
      t.start();
      t.join();
      assertEquals(1, other[0]);
      assertEquals(3, KernelThreads.current());
    } finally {
      KernelThreads.set(1);
    }
    assertEquals(1, KernelThreads.current());
  }
}
