package io.bopsweep.store;

/** A results store that cannot be used as it is; the message is one line naming it. */
public final class StoreFormatException extends RuntimeException {
  public StoreFormatException(String message) {
    super(message);
  }
}
