package io.bopsweep.sweep;

/** A sweep spec that cannot be used. The message is one line: file, key path, what is wrong. */
public final class SpecException extends IllegalArgumentException {
  public SpecException(String message) {
    super(message);
  }
}
