package io.bopsweep.sweep;

import io.bopsweep.trainer.train.Checkpoint;
import io.bopsweep.trainer.train.CheckpointStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A trial's checkpoint on any Hadoop file system, written under a temporary name and renamed. */
final class HadoopCheckpointStore implements CheckpointStore {
  private final ResultStore store;
  private final Path dir;

  HadoopCheckpointStore(ResultStore store, Path dir) {
    this.store = store;
    this.dir = dir;
  }

  @Override
  public Optional<Checkpoint> load() throws IOException {
    FileSystem fs = store.fs();
    Path f = new Path(dir, "checkpoint.bin");
    try (InputStream in = fs.open(f)) {
      return Optional.of(Checkpoint.read(in, f.toString()));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void save(Checkpoint checkpoint) throws IOException {
    FileSystem fs = store.fs();
    fs.mkdirs(dir);
    Path tmp = new Path(dir, ".checkpoint-" + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      checkpoint.write(out);
    }
    Path target = new Path(dir, "checkpoint.bin");
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }

  @Override
  public void clear() throws IOException {
    store.fs().delete(dir, true);
  }
}
