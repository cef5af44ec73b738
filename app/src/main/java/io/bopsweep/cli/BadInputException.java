package io.bopsweep.cli;

/** Input the user gave that cannot be used (a file, an argument); exit code 2. */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }
}
