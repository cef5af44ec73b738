package io.bopsweep.sweep;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A local file system (scheme fulldisk://) whose disk is full for results: every file written
 * under _staging fails with "No space left on device"; checkpoints and markers still work. While
 * {@link #everything} is set, every file created fails the way the local Hadoop file system fails
 * on a full disk: the file is created empty, then its first write throws an {@code FSError}, which
 * is not an IOException.
 */
public class FullDiskFileSystem extends RawLocalFileSystem {
  static volatile boolean everything;
  static final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public URI getUri() {
    return URI.create("fulldisk:///");
  }

  @Override
  public String getScheme() {
    return "fulldisk";
  }

  private static Error noSpace() {
    refused.incrementAndGet();
    return org.apache.hadoop.fs.DiskFullErrors.noSpace();
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    full(f);
    if (everything) {
      super.create(f, overwrite, bufferSize, replication, blockSize, progress).close();
      throw noSpace();
    }
    return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
  }

  private static void full(Path f) throws IOException {
    if (f.toString().contains("_staging")) {
      throw new IOException("No space left on device");
    }
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    full(f);
    if (everything) {
      super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress).close();
      throw noSpace();
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }
}
