package io.bopsweep.trainer.data;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache.Entry;
import io.bopsweep.trainer.data.DataCache.Loaded;
import java.io.IOException;
import java.nio.file.Path;

/** How one dataset lies in its cache folder: how the folder is checked and read. */
interface DatasetFormat {

  /** Checks a dataset folder and says what it holds; throws a {@link DataException} naming the first bad file. */
  Entry verify(Path dir, String source, String variantHint) throws IOException;

  /** The training and test sets of a checked folder. */
  Loaded read(Path dir, String variant);

  /** Whether the cache keeps an index of the user's own folder instead of downloaded files. */
  default boolean indexesUserFolder() {
    return false;
  }

  static DatasetFormat of(Dataset dataset) {
    return switch (dataset) {
      case MNIST -> new IdxDataset(dataset, KnownData.MNIST);
      case FASHION_MNIST -> new IdxDataset(dataset, KnownData.FASHION_MNIST);
      case CIFAR10 -> new CifarDataset();
      case IMAGENET -> new ImageFolderDataset(dataset);
    };
  }
}
