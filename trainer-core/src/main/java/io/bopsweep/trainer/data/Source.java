package io.bopsweep.trainer.data;

import java.io.IOException;
import java.nio.file.Path;

/** One place a dataset can come from. */
interface Source {
  String describe();

  /**
   * Puts the dataset's files, uncompressed and under their cache names, into an empty directory.
   *
   * @return the variant if the source itself proves it (e.g. the official CIFAR-10 tarball's checksum), else null
   */
  String fetchInto(Path dir) throws IOException;
}
