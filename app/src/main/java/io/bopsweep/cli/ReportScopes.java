package io.bopsweep.cli;

import io.bopsweep.analysis.ReportScope;
import io.bopsweep.sweep.FrozenTrial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which stored trials a report covers: pure functions of the wanted trial ids and the stored rows. */
final class ReportScopes {
  private ReportScopes() {}

  /**
   * The stored trials of the given (current) trial ids, under the name {@code sweep}. A stored row
   * counts for the trial its config computes (ids of earlier versions map to the current one);
   * where several rows map to one trial, the one stored under the current id is taken, else the
   * first. The notes say what is not covered: trials not stored yet, and stored trials under the
   * name {@code sweep} that are not among the wanted ones (of an earlier version of the spec).
   */
  static ReportScope of(String sweep, List<String> wanted, List<FrozenTrial> stored) {
    // each stored trial's current id, computed once (it parses the stored config)
    Map<FrozenTrial, String> currentId = new java.util.IdentityHashMap<>();
    stored.forEach(t -> currentId.put(t, t.currentId()));
    Map<String, String> storedId = new LinkedHashMap<>();
    for (FrozenTrial t : stored) {
      String current = currentId.get(t);
      storedId.merge(current, t.trialId(), (a, b) -> b.equals(current) ? b : a);
    }
    Set<String> wantedSet = new LinkedHashSet<>(wanted);
    List<String> ids = new ArrayList<>();
    int missing = 0;
    for (String id : wantedSet) {
      String s = storedId.get(id);
      if (s == null) {
        missing++;
      } else {
        ids.add(s);
      }
    }
    Set<String> leftOut = new LinkedHashSet<>();
    Set<String> shared = new LinkedHashSet<>();
    for (FrozenTrial t : stored) {
      if (t.sweep().equals(sweep) && !wantedSet.contains(currentId.get(t))) {
        leftOut.add(t.trialId());
      }
      if (!t.sweep().equals(sweep) && wantedSet.contains(currentId.get(t)) && ids.contains(t.trialId())) {
        shared.add(t.trialId());
      }
    }
    List<String> notes = new ArrayList<>();
    if (missing > 0) {
      notes.add(missing + " of the " + wantedSet.size() + " trials of " + sweep + " are not in the store yet");
    }
    if (!leftOut.isEmpty()) {
      notes.add(leftOut.size() + (leftOut.size() == 1 ? " stored trial" : " stored trials") + " under sweep name " + sweep
          + (leftOut.size() == 1 ? " is" : " are") + " not in the current spec (left out)");
    }
    if (!shared.isEmpty()) {
      notes.add(shared.size() + " of the trials were stored by another sweep (shared, included)");
    }
    return new ReportScope(sweep, ids, notes);
  }

  /** The stored trials under the name {@code sweep}: for stores written before manifests existed. */
  static ReportScope bySweepColumn(String sweep, List<FrozenTrial> stored) {
    List<String> ids = stored.stream().filter(t -> t.sweep().equals(sweep)).map(FrozenTrial::trialId)
        .distinct().toList();
    return new ReportScope(sweep, ids, ids.isEmpty() ? List.of()
        : List.of("no manifest of sweep " + sweep + " in the store: the report covers the " + ids.size()
            + " trials stored under that name"));
  }
}
