package io.bopsweep.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One sweep driver per results store at a time: {@code _driver.lock} names the holder (host, pid)
 * and carries a heartbeat refreshed every few seconds. A second driver refuses while the holder is
 * alive; a lock whose holder died (same host and its process is gone, or no heartbeat for
 * {@link #STALE_MILLIS}) is taken over, so a driver killed with -9 can simply be started again.
 */
public final class DriverLock implements AutoCloseable {
  static final long HEARTBEAT_MILLIS = 5_000;
  static final long STALE_MILLIS = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path path;
  private final String owner;
  private final ScheduledExecutorService heartbeat;

  private DriverLock(FileSystem fs, Path path, String owner) {
    this.fs = fs;
    this.path = path;
    this.owner = owner;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bopsweep-driver-lock");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
  }

  public static DriverLock acquire(ResultStore store, String sweep) {
    try {
      FileSystem fs = store.fs();
      Path path = new Path(store.root(), "_driver.lock");
      String host = InetAddress.getLocalHost().getHostName();
      long pid = ProcessHandle.current().pid();
      String owner = host + ":" + pid + ":" + ManagementFactory.getRuntimeMXBean().getStartTime();
      for (int tries = 0; tries < 3; tries++) {
        Map<String, Object> lock = read(fs, path);
        if (lock != null) {
          String reason = stale(lock, host);
          if (reason == null) {
            throw new StoreException(store.uri() + ": in use by the sweep driver of '" + lock.get("sweep") + "' on "
                + lock.get("host") + " (pid " + lock.get("pid") + ", since " + lock.get("started") + "); wait for it,"
                + " or delete " + path + " if that driver is gone");
          }
          fs.delete(path, false);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", owner);
        m.put("sweep", sweep);
        m.put("host", host);
        m.put("pid", pid);
        m.put("started", java.time.Instant.now().toString());
        m.put("heartbeat", System.currentTimeMillis());
        try (OutputStream out = fs.create(path, false)) {
          out.write(JSON.writeValueAsBytes(m));
        } catch (FileAlreadyExistsException e) {
          continue; // another driver was faster; look again
        }
        Map<String, Object> mine = read(fs, path);
        if (mine != null && owner.equals(mine.get("owner"))) {
          return new DriverLock(fs, path, owner);
        }
      }
      throw new StoreException(store.uri() + ": another sweep driver is starting on this results directory");
    } catch (IOException e) {
      throw new StoreException(store.uri() + ": cannot lock the results directory (" + ResultStore.oneLine(e) + ")");
    }
  }

  /** Why a lock may be taken over, or null if its holder looks alive. */
  static String stale(Map<String, Object> lock, String host) {
    Object hb = lock.get("heartbeat");
    long age = System.currentTimeMillis() - (hb instanceof Number n ? n.longValue() : 0);
    if (age > STALE_MILLIS) {
      return "no heartbeat for " + age / 1000 + " s";
    }
    if (host.equals(lock.get("host")) && lock.get("pid") instanceof Number pid
        && ProcessHandle.of(pid.longValue()).map(ph -> !ph.isAlive()).orElse(true)) {
      return "its process is gone";
    }
    return null;
  }

  private static Map<String, Object> read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(in, Map.class);
      return m;
    } catch (FileNotFoundException e) {
      return null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Map.of();
    }
  }

  private void beat() {
    try {
      Map<String, Object> m = read(fs, path);
      if (m == null || !owner.equals(m.get("owner"))) {
        return;
      }
      Map<String, Object> next = new LinkedHashMap<>(m);
      next.put("heartbeat", System.currentTimeMillis());
      Path tmp = new Path(path.getParent(), "._driver.lock." + ProcessHandle.current().pid() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(JSON.writeValueAsBytes(next));
      }
      fs.delete(path, false);
      fs.rename(tmp, path);
    } catch (IOException e) {
      // the next beat tries again
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      Map<String, Object> m = read(fs, path);
      if (m != null && owner.equals(m.get("owner"))) {
        fs.delete(path, false);
      }
    } catch (IOException e) {
      // a stale lock is taken over by the next driver
    }
  }
}
