package io.bopsweep.sweep;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A local file system (scheme blocking://) whose listing of a trials/ directory, once armed, waits
 * until released, and fails the way an NIO read does when its thread is interrupted meanwhile
 * (the channel closes: ClosedByInterruptException), remembering that it was.
 */
public class BlockingFileSystem extends RawLocalFileSystem {
  static volatile CountDownLatch entered;
  static volatile CountDownLatch release;
  static volatile boolean interrupted;

  static void arm() {
    entered = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted = false;
  }

  @Override
  public URI getUri() {
    return URI.create("blocking:///");
  }

  @Override
  public String getScheme() {
    return "blocking";
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    CountDownLatch r = release;
    if (r != null && f.getName().equals("trials")) {
      entered.countDown();
      try {
        r.await();
      } catch (InterruptedException e) {
        interrupted = true;
        throw new ClosedByInterruptException();
      }
    }
    return super.listStatus(f);
  }
}
