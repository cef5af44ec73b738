package io.bopsweep.cli;

import io.bopsweep.sweep.SpecParser;
import io.bopsweep.sweep.SweepSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --max-trials} of the commands that read a sweep spec (plan, sweep), and the reading. */
final class SpecFileLimit {
  @Option(names = "--max-trials", paramLabel = "N", defaultValue = "10000",
      description = "refuse a spec of more than N trials (default: 10000)")
  long maxTrials;

  /** The spec in the file, refused if it expands to more than --max-trials trials. */
  SweepSpec parse(Path specFile) {
    if (maxTrials < 1) {
      throw new BadInputException("--max-trials: must be >= 1, got " + maxTrials);
    }
    return SpecParser.parse(specFile, maxTrials);
  }
}
