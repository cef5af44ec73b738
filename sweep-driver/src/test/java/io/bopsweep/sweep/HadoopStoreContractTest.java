package io.bopsweep.sweep;

import io.bopsweep.trainer.train.CheckpointStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** The store contract on a Hadoop FileSystem reached by its own URI scheme (testfs://), as hdfs:// or s3a:// are. */
class HadoopStoreContractTest extends StoreContract {
  /** Hadoop's raw local file system under another scheme: no checksum files, found through fs.testfs.impl. */
  public static class TestFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("testfs:///");
    }

    @Override
    public String getScheme() {
      return "testfs";
    }
  }

  @Override
  String uri(Path dir) {
    return "testfs://" + dir.toAbsolutePath();
  }

  @Override
  Configuration conf() {
    Configuration c = new Configuration();
    c.set("fs.testfs.impl", TestFileSystem.class.getName());
    c.setBoolean("fs.testfs.impl.disable.cache", true);
    return c;
  }

  @Override
  boolean writable() {
    return true;
  }

  @Override
  List<CheckpointStore> checkpointStores(ResultStore store, String trialId, Path dir) {
    return List.of(store.checkpoints(trialId));
  }
}
