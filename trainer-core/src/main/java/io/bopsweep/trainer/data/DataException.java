package io.bopsweep.trainer.data;

/** A data file or cache that is missing, malformed or fails verification. One line naming the file. */
public final class DataException extends RuntimeException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
