package io.bopsweep.analysis;

import java.util.List;

/**
 * Which stored trials one report covers: a sweep's name (the report's title), the stored
 * {@code trial_id}s of the trials it covers, and lines the report prints about what it left out
 * (for example stored trials of an earlier version of the spec).
 */
public record ReportScope(String sweep, List<String> trialIds, List<String> notes) {
  public ReportScope {
    trialIds = List.copyOf(trialIds);
    notes = List.copyOf(notes);
  }
}
