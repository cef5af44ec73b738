package io.bopsweep.trainer.data;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache.Entry;
import io.bopsweep.trainer.data.DataCache.Loaded;
import java.nio.file.Path;

/**
 * ImageNet: it cannot be downloaded (its licence), so the cache keeps an index of the user's class
 * folders (see {@link ImageFolderIndex}) and the images stay there.
 */
record ImageFolderDataset(Dataset dataset) implements DatasetFormat {

  @Override
  public Entry verify(Path dir, String source, String variantHint) {
    ImageFolderIndex.Index index = ImageFolderIndex.scan(Path.of(source));
    return new Entry(dataset.id(), index.variant(), source, index.sha256());
  }

  @Override
  public Loaded read(Path dir, String variant) {
    return ImageFolderIndex.read(dir, variant, dataset.imageSize());
  }

  @Override
  public boolean indexesUserFolder() {
    return true;
  }
}
