package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver lock: exclusive under simultaneous starts, fenced after a pause, alive through a full disk. */
class DriverLockTest {
  @TempDir Path tmp;

  static DriverLock.Policy policy(String host, long staleMillis) {
    return new DriverLock.Policy(Math.max(50, staleMillis / 10), staleMillis, host,
        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  static ResultStore store(String uri) {
    return ResultStore.openOrCreate(uri, new Configuration());
  }

  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return p.pid();
  }

  @Test
  void sixteenSimultaneousStartsOverAStaleLockHaveExactlyOneWinner() throws Exception {
    long dead = deadPid();
    String host = DriverLock.localHost();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int round = 0; round < 40; round++) {
        ResultStore store = store(tmp.resolve("r" + round).toString());
        // half the rounds: a dead process on this host; the others: another host's heartbeat long gone
        boolean sameHost = round % 2 == 0;
        new LockDirectory(store).create(1, new LockDirectory.Holder("old", sameHost ? host : "gone-host",
            sameHost ? dead : 42, "2026-01-01T00:00:00Z", System.currentTimeMillis() - 3_600_000));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          String sweep = "s" + i;
          results.add(pool.submit(() -> {
            start.await();
            try {
              return DriverLock.acquire(store, sweep, policy(host, 60_000));
            } catch (StoreException e) {
              return e.getMessage();
            }
          }));
        }
        start.countDown();
        List<DriverLock> winners = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Future<Object> f : results) {
          Object r = f.get(60, TimeUnit.SECONDS);
          if (r instanceof DriverLock l) {
            winners.add(l);
          } else {
            refusals.add((String) r);
          }
        }
        assertEquals(1, winners.size(), "round " + round + ": " + refusals);
        DriverLock winner = winners.get(0);
        assertEquals(2, winner.token(), "the stale generation 1 was taken over once");
        for (String refusal : refusals) {
          assertTrue(refusal.contains("in use by the sweep driver of 's") && refusal.contains(" on " + host + " (pid "),
              "round " + round + ": " + refusal);
          assertEquals(1, refusal.lines().count(), refusal);
        }
        winner.fence().check(store);
        winner.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aReleasedLockIsTakenAtOnceAndTheOldGenerationRemoved() throws Exception {
    ResultStore store = store(tmp.resolve("r").toString());
    DriverLock first = DriverLock.acquire(store, "a", policy("h", 60_000));
    DriverLock.Fence stale = first.fence();
    first.close();
    assertThrows(DriverLock.LockLostException.class, () -> stale.check(store), "a released lock fences its commits");
    DriverLock second = DriverLock.acquire(store, "b", policy("h", 60_000));
    assertEquals(first.token() + 1, second.token());
    try (var files = Files.list(tmp.resolve("r/_lock"))) {
      assertTrue(files.allMatch(f -> f.getFileName().toString().startsWith(second.token() + ".")));
    }
    StoreException refused = assertThrows(StoreException.class, () -> DriverLock.acquire(store, "c", policy("h", 60_000)));
    assertTrue(refused.getMessage().contains("in use by the sweep driver of 'b'"), refused.getMessage());
    second.close();
  }

  @Test
  void aLiveHolderOnThisHostIsNotTakenOverWhateverItsHeartbeatAge() throws Exception {
    ResultStore store = store(tmp.resolve("r").toString());
    new LockDirectory(store).create(1, new LockDirectory.Holder("paused", DriverLock.localHost(),
        ProcessHandle.current().pid(), "2026-01-01T00:00:00Z", System.currentTimeMillis() - 3_600_000));
    StoreException e = assertThrows(StoreException.class,
        () -> DriverLock.acquire(store, "b", policy(DriverLock.localHost(), 1_000)));
    assertTrue(e.getMessage().contains("in use by the sweep driver of 'paused'"), e.getMessage());
  }

  /**
   * A real driver-like process (it holds the lock and "commits" through the fence every 50 ms) is
   * stopped with SIGSTOP for longer than the stale time; a driver that judges it by heartbeat takes
   * the lock; after SIGCONT the paused one commits nothing more and stops with one line.
   */
  @Test
  void aPausedHolderThatResumesFindsItLostTheLockAndCommitsNothing() throws Exception {
    Path results = tmp.resolve("r");
    ResultStore store = store(results.toString());
    Path commits = tmp.resolve("commits.txt");
    Path log = tmp.resolve("holder.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        LockHolderProcess.class.getName(), results.toString(), commits.toString()));
    Process holder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Conditions.awaitOrFail(() -> lines(commits) >= 3, 120, "the holder commits");
      signal("STOP", holder.pid());
      DriverLock taker = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (taker == null && System.nanoTime() < end) {
        try {
          taker = DriverLock.acquire(store, "taker", policy("taker-host", LockHolderProcess.STALE_MILLIS));
        } catch (StoreException e) {
          assertTrue(e.getMessage().contains("in use by the sweep driver of 'paused'"), e.getMessage());
          Thread.sleep(100);
        }
      }
      assertTrue(taker != null, "the paused holder's heartbeat went stale and the lock was taken over");
      long committedBefore = lines(commits);
      signal("CONT", holder.pid());
      assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "the resumed holder stops");
      String out = Files.readString(log).strip();
      assertEquals(3, holder.exitValue(), out);
      assertTrue(out.contains("lost its lock") && out.contains("taker"), out);
      assertEquals(1, out.lines().count(), out);
      // a commit whose fence check passed just before SIGSTOP may still land (the window between
      // check and rename); no commit starts after the lock was taken over
      assertTrue(lines(commits) <= committedBefore + 1, lines(commits) + " lines, " + committedBefore + " before");
      taker.fence().check(store);
      assertNull(taker.lost());
      taker.close();
    } finally {
      holder.destroyForcibly();
    }
  }

  static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
    assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue());
  }

  @Test
  void aHeartbeatSurvivesSecondsOfAFullDiskAndTheLockStaysHeld() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.fulldisk.impl", FullDiskFileSystem.class.getName());
    conf.set("fs.fulldisk.impl.disable.cache", "true");
    ResultStore store = ResultStore.openOrCreate("fulldisk://" + tmp.resolve("full").toAbsolutePath(), conf);
    DriverLock lock = DriverLock.acquire(store, "full", policy("host-a", 2_000));
    try {
      int before = FullDiskFileSystem.refused.get();
      FullDiskFileSystem.everything = true;
      try {
        Conditions.awaitOrFail(() -> FullDiskFileSystem.refused.get() >= before + 5, 60,
            "five heartbeats refused for a full disk");
      } finally {
        FullDiskFileSystem.everything = false;
      }
      long freed = System.currentTimeMillis();
      Conditions.awaitOrFail(() -> {
        try {
          return new LockDirectory(store).highest().heartbeat() > freed;
        } catch (java.io.IOException e) {
          return false;
        }
      }, 60, "a heartbeat after the disk has space again");
      assertNull(lock.lost());
      StoreException e = assertThrows(StoreException.class, () -> DriverLock.acquire(store, "b", policy("host-b", 2_000)));
      assertTrue(e.getMessage().contains("in use by the sweep driver of 'full' on host-a"), e.getMessage());
      lock.fence().check(store);
    } finally {
      FullDiskFileSystem.everything = false;
      lock.close();
    }
  }
}
