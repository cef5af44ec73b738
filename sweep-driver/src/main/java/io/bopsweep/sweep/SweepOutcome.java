package io.bopsweep.sweep;

import java.nio.file.Path;

/**
 * What a sweep run ended with: its trials' counts by status, where its time went and where its
 * results are.
 *
 * @param sweep the sweep's name
 * @param storeUri the results store the trials were committed to
 * @param trials the trials of the spec
 * @param alreadyDone those that had ended in the store before this run
 * @param done this run's trials by status (the last status of each, for a sweep of several rounds)
 * @param wall from the JVM's start to the end of the last Spark job, and the part the jobs took
 * @param progressLog the file progress lines were appended to; null when none was written
 */
public record SweepOutcome(String sweep, String storeUri, int trials, int alreadyDone, int done, int diverged,
    int failed, int stopped, SweepWall wall, Path progressLog) {

  public boolean anyFailed() {
    return failed > 0;
  }

  /** The trials this run trained: the last round of each. */
  public int run() {
    return done + diverged + failed + stopped;
  }
}
