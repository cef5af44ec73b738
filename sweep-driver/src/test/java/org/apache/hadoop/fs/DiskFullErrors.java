package org.apache.hadoop.fs;

import java.io.IOException;

/** The error the local Hadoop file system throws when a write hits a full disk (FSError's constructor is package-private). */
public final class DiskFullErrors {
  private DiskFullErrors() {}

  public static FSError noSpace() {
    return new FSError(new IOException("No space left on device"));
  }
}
