package io.bopsweep.trainer.data;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache.Entry;
import io.bopsweep.trainer.data.DataCache.Loaded;
import io.bopsweep.trainer.data.KnownData.IdxFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * MNIST and Fashion-MNIST: the four IDX files. Files of the known sizes must have the known
 * checksums; other files are accepted as an "-unverified" variant if they read correctly.
 */
record IdxDataset(Dataset dataset, java.util.List<IdxFile> known) implements DatasetFormat {

  @Override
  public Entry verify(Path dir, String source, String variantHint) throws IOException {
    DataCache.requireFiles(dir, known.stream().map(IdxFile::name).toList());
    Map<String, String> sums = new TreeMap<>();
    boolean allKnown = true;
    for (IdxFile f : known) {
      Path p = dir.resolve(f.name());
      String sum = Downloads.sha256(p);
      sums.put(f.name(), sum);
      long size = Files.size(p);
      if (size == f.size() && !sum.equals(f.sha256())) {
        throw new DataException(p + ": checksum mismatch (sha256 " + sum + ", expected " + f.sha256() + ")");
      }
      allKnown &= sum.equals(f.sha256());
    }
    read(dir, null); // headers, dimensions, counts, label range
    return new Entry(dataset.id(), allKnown ? dataset.id() : dataset.id() + "-unverified", source, sums);
  }

  @Override
  public Loaded read(Path dir, String variant) {
    ImageSet train = IdxFormat.read(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"));
    ImageSet test = IdxFormat.read(dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"));
    return new Loaded(variant, train, test);
  }
}
