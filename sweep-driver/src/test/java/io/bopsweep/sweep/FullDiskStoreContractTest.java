package io.bopsweep.sweep;

import io.bopsweep.trainer.train.CheckpointStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** The store contract on a Hadoop FileSystem whose disk is full for results (see {@link FullDiskFileSystem}). */
class FullDiskStoreContractTest extends StoreContract {
  @Override
  String uri(Path dir) {
    return "fulldisk://" + dir.toAbsolutePath();
  }

  @Override
  Configuration conf() {
    Configuration c = new Configuration();
    c.set("fs.fulldisk.impl", FullDiskFileSystem.class.getName());
    c.setBoolean("fs.fulldisk.impl.disable.cache", true);
    return c;
  }

  @Override
  boolean writable() {
    return false;
  }

  @Override
  List<CheckpointStore> checkpointStores(ResultStore store, String trialId, Path dir) {
    return List.of(store.checkpoints(trialId));
  }
}
