package io.bopsweep.sweep;

import io.bopsweep.trainer.train.TrialStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What killed processes leave in a store and nothing reads: the {@code _staging/} folders of
 * commits that did not finish, empty {@code _attempts/TRIAL/N.json} records (a create whose write
 * failed), temporary store markers, what a killed {@code store compact} left ({@link
 * StoreCompaction#recover}: finished or rolled back), and the run state ({@code _live/},
 * {@code _checkpoints/}) of a trial whose task was killed between its commit and the removal of that
 * state. Removed by the driver that holds the lock, before it starts any task, so no writer of this
 * store is running.
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
    removed.addAll(runStateOfCommittedAttempts(store));
    return removed;
  }

  /**
   * What {@link TrialTask} removes after a commit, where the commit's attempt is the trial's last one:
   * its live rows and checkpoint (a STOPPED trial keeps its checkpoint, less its progress record, to
   * continue from if promoted). The run state of an attempt that started after the committed one is
   * kept: the next run continues from it.
   */
  private static List<String> runStateOfCommittedAttempts(ResultStore store) throws IOException {
    FileSystem fs = store.fs();
    Path root = store.root();
    Set<String> withRunState = new TreeSet<>();
    for (String dir : List.of("_live", "_checkpoints")) {
      list(fs, new Path(root, dir)).forEach(f -> withRunState.add(f.getPath().getName()));
    }
    List<String> removed = new ArrayList<>();
    if (withRunState.isEmpty()) {
      return removed;
    }
    Map<String, FrozenTrial> committed = new HashMap<>();
    store.trials().forEach(t -> committed.put(t.trialId(), t));
    for (String id : withRunState) {
      FrozenTrial t = committed.get(id);
      if (t == null || lastAttemptStarted(store, id) > t.attempt()) {
        continue;
      }
      List<Path> state = t.status() == TrialStatus.STOPPED
          ? List.of(new Path(root, "_live/" + id), new Path(root, "_checkpoints/" + id + "/progress.json"))
          : List.of(new Path(root, "_live/" + id), new Path(root, "_checkpoints/" + id));
      for (Path p : state) {
        if (fs.delete(p, true)) {
          removed.add(p.toString());
        }
      }
    }
    return removed;
  }

  private static int lastAttemptStarted(ResultStore store, String trialId) throws IOException {
    return store.attempts(trialId).stream().mapToInt(a -> ((Number) a.get("attempt")).intValue()).max().orElse(0);
  }

  private static List<FileStatus> list(FileSystem fs, Path dir) throws IOException {
    try {
      return List.of(fs.listStatus(dir));
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }
}
