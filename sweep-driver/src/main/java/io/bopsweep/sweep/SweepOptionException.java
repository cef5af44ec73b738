package io.bopsweep.sweep;

/** A sweep option that cannot be used. The message is one line: the option, what is wrong. */
public final class SweepOptionException extends IllegalArgumentException {
  public SweepOptionException(String message) {
    super(message);
  }
}
