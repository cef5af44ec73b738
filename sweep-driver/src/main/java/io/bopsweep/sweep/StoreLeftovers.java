package io.bopsweep.sweep;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What killed processes leave in a store and nothing reads: the {@code _staging/} folders of
 * commits that did not finish, empty {@code _attempts/TRIAL/N.json} records (a create whose write
 * failed), temporary store markers, and what a killed {@code store compact} left ({@link
 * StoreCompaction#recover}: finished or rolled back). Removed by the driver that holds the lock, before it
 * starts any task, so no writer of this store is running.
 */
public final class StoreLeftovers {
  private StoreLeftovers() {}

  /** Removes the leftovers; returns the paths removed. Refuses unless {@code lock} holds the store's lock. */
  public static List<String> remove(ResultStore store, DriverLock lock) {
    try {
      return removeAll(store, lock);
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      throw new StoreException(store.uri() + ": cannot remove what killed commits left (" + ResultStore.oneLine(e) + ")");
    }
  }

  private static List<String> removeAll(ResultStore store, DriverLock lock) throws IOException {
    lock.fence().check(store);
    FileSystem fs = store.fs();
    Path root = store.root();
    List<String> removed = new ArrayList<>();
    for (FileStatus f : list(fs, new Path(root, "_staging"))) {
      if (fs.delete(f.getPath(), true)) {
        removed.add(f.getPath().toString());
      }
    }
    for (FileStatus trial : list(fs, new Path(root, "_attempts"))) {
      for (FileStatus f : trial.isDirectory() ? list(fs, trial.getPath()) : List.<FileStatus>of()) {
        if (f.isFile() && f.getLen() == 0 && f.getPath().getName().endsWith(".json") && fs.delete(f.getPath(), false)) {
          removed.add(f.getPath().toString());
        }
      }
    }
    for (FileStatus f : list(fs, root)) {
      if (f.isFile() && ResultStore.isMarkerTemp(f.getPath().getName()) && fs.delete(f.getPath(), false)) {
        removed.add(f.getPath().toString());
      }
    }
    removed.addAll(StoreCompaction.recover(store, lock)); // a killed store compact: finished or rolled back
    return removed;
  }

  private static List<FileStatus> list(FileSystem fs, Path dir) throws IOException {
    try {
      return List.of(fs.listStatus(dir));
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }
}
