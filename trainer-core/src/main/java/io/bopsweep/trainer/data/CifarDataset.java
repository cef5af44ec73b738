package io.bopsweep.trainer.data;

import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.data.DataCache.Entry;
import io.bopsweep.trainer.data.DataCache.Loaded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CIFAR-10 in its binary version: five training batches and a test batch. The variant is the
 * source's, or recognised from the checksums (the jpeg75 copy), else "cifar10-unverified".
 */
record CifarDataset() implements DatasetFormat {

  @Override
  public Entry verify(Path dir, String source, String variantHint) throws IOException {
    List<String> names = new ArrayList<>(CifarFormat.TRAIN_FILES);
    names.add(CifarFormat.TEST_FILE);
    DataCache.requireFiles(dir, names);
    Map<String, String> sums = new TreeMap<>();
    for (String n : names) {
      sums.put(n, Downloads.sha256(dir.resolve(n)));
    }
    Loaded loaded = read(dir, null);
    if (loaded.train().size() == 0 || loaded.test().size() == 0) {
      throw new DataException(dir + ": empty CIFAR-10 files");
    }
    String variant = variantHint;
    if (variant == null) {
      boolean jpeg75 = KnownData.CIFAR_JPEG75_FILES.entrySet().stream()
          .allMatch(e -> e.getValue().equals(sums.get(e.getKey())));
      variant = jpeg75 ? "cifar10-jpeg75" : "cifar10-unverified";
    }
    if (variant.equals("cifar10-jpeg75")) {
      for (Map.Entry<String, String> e : KnownData.CIFAR_JPEG75_FILES.entrySet()) {
        if (!e.getValue().equals(sums.get(e.getKey()))) {
          throw new DataException(dir.resolve(e.getKey()) + ": checksum mismatch for cifar10-jpeg75");
        }
      }
    }
    if (!variant.equals("cifar10-unverified")) {
      for (String n : names) {
        long size = Files.size(dir.resolve(n));
        if (size != (long) CifarFormat.RECORD * CifarFormat.RECORDS_PER_FILE) {
          throw new DataException(dir.resolve(n) + ": " + size + " bytes, expected "
              + (long) CifarFormat.RECORD * CifarFormat.RECORDS_PER_FILE);
        }
      }
    }
    return new Entry(Dataset.CIFAR10.id(), variant, source, sums);
  }

  @Override
  public Loaded read(Path dir, String variant) {
    List<Path> trainFiles = CifarFormat.TRAIN_FILES.stream().map(dir::resolve).toList();
    return new Loaded(variant, CifarFormat.read(trainFiles), CifarFormat.read(List.of(dir.resolve(CifarFormat.TEST_FILE))));
  }
}
