package io.bopsweep.sweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;

/**
 * A stand-in for a sweep driver, run as its own process by {@link DriverLockTest}: it takes the
 * lock of a store as a driver on another host would be seen (judged by heartbeat), and appends a
 * line to a file every 50 ms after checking its fence, as a task does before each commit. When it
 * finds the lock lost it prints the one line a driver prints and exits with 3.
 */
public final class LockHolderProcess {
  static final long STALE_MILLIS = 1_500;

  public static void main(String[] args) throws Exception {
    ResultStore store = ResultStore.openOrCreate(args[0], new Configuration());
    Path commits = Path.of(args[1]);
    DriverLock lock = DriverLock.acquire(store, "paused", new DriverLock.Policy(100, STALE_MILLIS, "holder-host",
        pid -> true));
    lock.onLost(() -> stop(lock.lost()));
    DriverLock.Fence fence = lock.fence();
    for (int k = 0; ; k++) {
      try {
        fence.check(store);
      } catch (DriverLock.LockLostException e) {
        stop(e.getMessage());
      }
      Files.writeString(commits, "commit " + k + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Thread.sleep(50);
    }
  }

  private static synchronized void stop(String line) {
    System.out.println(line);
    System.out.flush();
    Runtime.getRuntime().halt(3);
  }
}
