package io.bopsweep.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The files of a store's driver lock, {@code _lock/}: {@code N.json} (generation N and its holder,
 * created exclusively and never rewritten), {@code N.beat.MILLIS} (heartbeats) and
 * {@code N.released}. Every change is the creation or deletion of a whole file.
 *
 * <p>Exclusive creation: on a local file system a hard link of a fully written temporary file
 * ({@code link(2)} fails if the name exists); elsewhere a rename of a fully written temporary file,
 * which HDFS (and other file systems with atomic rename) refuses when the target exists. Local
 * files are handled by the raw local file system: no {@code .crc} side files, no chmod.
 */
final class LockDirectory {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who holds (or held) a generation. */
  record Holder(String sweep, String host, long pid, String started, long heartbeat) {
    String describe() {
      return host == null ? "another sweep driver (unreadable lock file)"
          : "the sweep driver of '" + sweep + "' on " + host + " (pid " + pid + ", since " + started + ")";
    }
  }

  /** A generation as read from the directory: its token, holder, newest heartbeat, release. */
  record Generation(long token, Holder holder, long heartbeat, boolean released) {}

  private final ResultStore store;
  private final Path dir;

  LockDirectory(ResultStore store) {
    this.store = store;
    this.dir = new Path(store.root(), "_lock");
  }

  ResultStore store() {
    return store;
  }

  Path path() {
    return dir;
  }

  private FileSystem fs() throws IOException {
    FileSystem fs = store.fs();
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }

  /** The highest generation, or null if the lock was never taken. */
  Generation highest() throws IOException {
    FileSystem fs = fs();
    for (int tries = 0; ; tries++) {
      FileStatus[] files;
      try {
        files = fs.listStatus(dir);
      } catch (FileNotFoundException e) {
        return null;
      }
      long top = 0;
      for (FileStatus f : files) {
        String[] parts = f.getPath().getName().split("\\.");
        if (parts.length == 2 && parts[1].equals("json") && isNumber(parts[0])) {
          top = Math.max(top, Long.parseLong(parts[0]));
        }
      }
      if (top == 0) {
        return null;
      }
      Holder holder;
      try {
        holder = read(fs, new Path(dir, top + ".json"));
      } catch (FileNotFoundException e) {
        if (tries < 5) {
          continue; // removed by a newer holder since the listing: look again
        }
        throw e;
      }
      long beat = holder.heartbeat();
      boolean released = false;
      for (FileStatus f : files) {
        String[] parts = f.getPath().getName().split("\\.");
        if (parts.length >= 2 && parts[0].equals(String.valueOf(top))) {
          if (parts.length == 3 && parts[1].equals("beat") && isNumber(parts[2])) {
            beat = Math.max(beat, Long.parseLong(parts[2]));
          } else if (parts.length == 2 && parts[1].equals("released")) {
            released = true;
          }
        }
      }
      if (holder.host() == null) {
        FileStatus st = fs.getFileStatus(new Path(dir, top + ".json"));
        beat = Math.max(beat, st.getModificationTime());
      }
      return new Generation(top, holder, beat, released);
    }
  }

  private static Holder read(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, Holder.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return new Holder(null, null, 0, null, 0);
    }
  }

  /** Creates generation n for a holder; false if it exists already. */
  boolean create(long n, Holder holder) throws IOException {
    FileSystem fs = fs();
    fs.mkdirs(dir);
    byte[] bytes = JSON.writeValueAsBytes(holder);
    Path target = new Path(dir, n + ".json");
    if (fs instanceof RawLocalFileSystem local) {
      java.nio.file.Path file = local.pathToFile(target).toPath();
      java.nio.file.Path tmp = file.resolveSibling("." + n + "." + UUID.randomUUID() + ".tmp");
      try {
        Files.write(tmp, bytes);
        Files.createLink(file, tmp);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    Path tmp = new Path(dir, "." + n + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(bytes);
      }
      return fs.rename(tmp, target);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } finally {
      fs.delete(tmp, false);
    }
  }

  /** Records a heartbeat of generation n, then removes its older ones. */
  void beat(long n, long millis) throws IOException {
    FileSystem fs = fs();
    fs.create(new Path(dir, n + ".beat." + millis), true).close();
    for (FileStatus f : fs.listStatus(dir)) {
      String[] parts = f.getPath().getName().split("\\.");
      if (parts.length == 3 && parts[0].equals(String.valueOf(n)) && parts[1].equals("beat") && isNumber(parts[2])
          && Long.parseLong(parts[2]) < millis) {
        fs.delete(f.getPath(), false);
      }
    }
  }

  void release(long n) throws IOException {
    fs().create(new Path(dir, n + ".released"), true).close();
  }

  /** Removes the files of generations below n (taken over or released). */
  void removeBelow(long n) throws IOException {
    FileSystem fs = fs();
    for (FileStatus f : fs.listStatus(dir)) {
      String first = f.getPath().getName().split("\\.")[0];
      if (isNumber(first) && Long.parseLong(first) < n) {
        fs.delete(f.getPath(), false);
      }
    }
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() < 19 && s.chars().allMatch(Character::isDigit);
  }
}
