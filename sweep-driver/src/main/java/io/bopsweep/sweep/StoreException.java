package io.bopsweep.sweep;

/** A results directory that cannot be used (not a store, another schema version, not writable). */
public final class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }
}
