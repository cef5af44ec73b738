package io.bopsweep.sweep;

import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.DirectoryCheckpointStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** The store contract on a local path (Hadoop's checksummed local file system underneath). */
class LocalStoreContractTest extends StoreContract {
  @Override
  String uri(Path dir) {
    return dir.toString();
  }

  @Override
  Configuration conf() {
    return new Configuration();
  }

  @Override
  boolean writable() {
    return true;
  }

  @Override
  List<CheckpointStore> checkpointStores(ResultStore store, String trialId, Path dir) {
    return List.of(store.checkpoints(trialId), new DirectoryCheckpointStore(dir));
  }
}
