package io.bopsweep.analysis;

/** Results that cannot be analysed (no store, no trials, a bad query); one line. */
public final class AnalysisException extends RuntimeException {
  public AnalysisException(String message) {
    super(message);
  }
}
