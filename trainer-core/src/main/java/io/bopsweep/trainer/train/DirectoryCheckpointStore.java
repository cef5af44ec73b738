package io.bopsweep.trainer.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Keeps {@code checkpoint.bin} in a local directory, written to a temporary name and renamed. */
public final class DirectoryCheckpointStore implements CheckpointStore {
  private final Path dir;

  public DirectoryCheckpointStore(Path dir) {
    this.dir = dir;
  }

  private Path file() {
    return dir.resolve("checkpoint.bin");
  }

  @Override
  public Optional<Checkpoint> load() throws IOException {
    Path f = file();
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(f)) {
      return Optional.of(Checkpoint.read(in, f.toString()));
    }
  }

  @Override
  public void save(Checkpoint checkpoint) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "checkpoint", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        checkpoint.write(out);
      }
      Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void clear() throws IOException {
    Files.deleteIfExists(file());
  }
}
