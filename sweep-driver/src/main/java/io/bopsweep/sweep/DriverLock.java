package io.bopsweep.sweep;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.hadoop.fs.FSError;

/**
 * One sweep driver per results store at a time, with a fencing token.
 *
 * <p>Each acquisition creates the next generation file {@code _lock/N.json} exclusively (see
 * {@link LockDirectory}); the highest generation is the lock, N its token. Taking over a stale
 * lock is creating N+1, which exactly one of any number of simultaneous drivers can do; nothing
 * is deleted or rewritten while a contender may be reading it. The holder beats by creating
 * {@code N.beat.MILLIS} files and releases by creating {@code N.released}.
 *
 * <p>A holder is judged alive first by its process when it runs on this host, else by its last
 * heartbeat ({@link Policy#staleMillis}). A heartbeat that cannot be written (disk full) is tried
 * again at the next beat. A holder whose beat finds a higher generation (it was paused, or its
 * host unreachable, for longer than {@code staleMillis}) has lost the lock: it runs its
 * {@code onLost} action; and every task checks the token before it records an attempt and before
 * it commits ({@link Fence}), so a driver that lost the lock commits nothing more.
 */
public final class DriverLock implements AutoCloseable {

  /** Timing and the view of this host a lock uses; tests shorten the times. */
  public record Policy(long heartbeatMillis, long staleMillis, String host, LongPredicate processAlive) {
    public static Policy defaults() {
      long stale = Long.getLong("bopsweep.lock.staleMillis", 60_000);
      return new Policy(Math.max(50, stale / 12), stale, System.getProperty("bopsweep.lock.host", localHost()),
          pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
  }

  /** What a task checks before it records an attempt and before it commits. */
  public record Fence(long token) implements Serializable {
    /** No lock (a store used without a driver lock, e.g. in tests of the task alone). */
    public static final Fence NONE = new Fence(0);

    public void check(ResultStore store) throws IOException {
      if (token == 0) {
        return;
      }
      LockDirectory dir = new LockDirectory(store);
      LockDirectory.Generation top = dir.highest();
      if (top == null || top.token() != token || top.released()) {
        throw new LockLostException(store.uri() + ": this sweep driver lost its lock"
            + (top != null && top.token() != token ? " to " + top.holder().describe() : "") + "; stopping");
      }
    }
  }

  /** A commit or attempt refused because its driver no longer holds the lock. */
  public static final class LockLostException extends IllegalStateException {
    public LockLostException(String message) {
      super(message);
    }
  }

  private final LockDirectory dir;
  private final long token;
  private final Policy policy;
  private final ScheduledExecutorService heartbeat;
  private volatile String lost;
  private volatile Runnable onLost = () -> {};

  private DriverLock(LockDirectory dir, long token, Policy policy) {
    this.dir = dir;
    this.token = token;
    this.policy = policy;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bopsweep-driver-lock");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, policy.heartbeatMillis(), policy.heartbeatMillis(),
        TimeUnit.MILLISECONDS);
  }

  public static DriverLock acquire(ResultStore store, String sweep) {
    return acquire(store, sweep, Policy.defaults());
  }

  public static DriverLock acquire(ResultStore store, String sweep, Policy policy) {
    LockDirectory dir = new LockDirectory(store);
    long pid = ProcessHandle.current().pid();
    try {
      for (int tries = 0; tries < 50; tries++) {
        LockDirectory.Generation top = dir.highest();
        if (top != null && !top.released() && stale(top, policy, System.currentTimeMillis()) == null) {
          throw new StoreException(store.uri() + ": in use by " + top.holder().describe() + "; wait for it, or"
              + " delete " + dir.path() + " if that driver is gone");
        }
        long next = top == null ? 1 : top.token() + 1;
        LockDirectory.Holder me = new LockDirectory.Holder(sweep, policy.host(), pid,
            java.time.Instant.now().toString(), System.currentTimeMillis());
        if (dir.create(next, me)) {
          LockDirectory.Generation now = dir.highest();
          if (now != null && now.token() == next) {
            dir.removeBelow(next);
            return new DriverLock(dir, next, policy);
          }
        }
      }
      throw new StoreException(store.uri() + ": other sweep drivers keep taking this results directory's lock");
    } catch (IOException | FSError e) {
      throw new StoreException(store.uri() + ": cannot lock the results directory (" + ResultStore.oneLine(e) + ")");
    }
  }

  /** Why a lock may be taken over, or null while its holder looks alive. */
  static String stale(LockDirectory.Generation g, Policy policy, long nowMillis) {
    LockDirectory.Holder h = g.holder();
    if (h.host() != null && h.host().equals(policy.host()) && h.pid() > 0) {
      return policy.processAlive().test(h.pid()) ? null : "its process is gone";
    }
    long age = nowMillis - g.heartbeat();
    return age > policy.staleMillis() ? "no heartbeat for " + age / 1000 + " s" : null;
  }

  public long token() {
    return token;
  }

  public Fence fence() {
    return new Fence(token);
  }

  /** Run once when the lock is found lost (e.g. cancel the running jobs). */
  public void onLost(Runnable action) {
    this.onLost = action;
  }

  /** Why this driver lost the lock, or null while it holds it. */
  public String lost() {
    return lost;
  }

  void beat() {
    try {
      if (lost != null) {
        return;
      }
      LockDirectory.Generation top = dir.highest();
      if (top == null || top.token() != token || top.released()) {
        lose(top == null || top.token() == token ? "its lock file is gone" : "taken over by " + top.holder().describe());
        return;
      }
      dir.beat(token, System.currentTimeMillis());
    } catch (IOException | FSError | RuntimeException e) {
      // disk full or the store briefly unreachable: the next beat tries again
    }
  }

  private void lose(String why) {
    lost = dir.store().uri() + ": this sweep driver lost its lock (" + why + "); stopping";
    onLost.run();
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lost == null) {
      try {
        dir.release(token);
      } catch (IOException | FSError e) {
        // a lock not released is taken over once its process is gone or its heartbeat old
      }
    }
  }

  static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
