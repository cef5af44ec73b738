package io.bopsweep.trainer.train;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a trial keeps its latest epoch checkpoint. Contract: {@link #save} replaces the previous
 * checkpoint atomically (a crash leaves the old or the new one, never a mix); {@link #load}
 * returns the latest complete one.
 */
public interface CheckpointStore {
  CheckpointStore NONE = new CheckpointStore() {
    @Override public Optional<Checkpoint> load() { return Optional.empty(); }
    @Override public void save(Checkpoint checkpoint) {}
    @Override public void clear() {}
  };

  Optional<Checkpoint> load() throws IOException;

  void save(Checkpoint checkpoint) throws IOException;

  /** Removes the checkpoint (after the trial's results are committed). */
  void clear() throws IOException;
}
