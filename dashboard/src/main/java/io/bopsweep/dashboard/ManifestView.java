package io.bopsweep.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A sweep manifest ({@code _manifests/SWEEP/TIME-HASH.json}) as the sweeps page shows it: when it
 * was written, by which code, the spec's hash and text, how many trials the spec has and how many
 * of them are committed with each status ({@link #RUNNING} with a progress file and no trials row,
 * {@link #NOT_COMMITTED} with neither). A file that is not a manifest keeps its name and says why
 * in {@code problem}.
 */
public record ManifestView(String name, String sweep, String writtenAt, String codeVersion, String specSha256,
    int trials, Map<String, Integer> statusCounts, boolean countsComplete, String specText, String problem) {
  static final String RUNNING = "RUNNING";
  static final String NOT_COMMITTED = "not committed";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param statusById the committed trials' status, by trial id
   * @param running the trials with a progress file and no trials row
   * @param countsComplete false while the trials files are still being read: a trial counted as not committed may be
   */
  static ManifestView of(StoreAccess.Manifest file, Map<String, String> statusById, Set<String> running,
      boolean countsComplete) {
    Map<?, ?> m;
    try {
      m = JSON.readValue(file.text(), Map.class);
    } catch (JsonProcessingException e) {
      return problem(file, "not JSON (" + StoreAccess.firstLine(e) + ")");
    }
    if (!(m.get("trial_ids") instanceof List<?> ids) || !(m.get("spec_text") instanceof String text)
        || !(m.get("written_at") instanceof String at)) {
      return problem(file, "not a sweep manifest (needs spec_text, trial_ids, written_at)");
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (Object id : ids) {
      String status = statusById.get(String.valueOf(id));
      if (status == null) {
        status = running.contains(String.valueOf(id)) ? RUNNING : NOT_COMMITTED;
      }
      counts.merge(status, 1, Integer::sum);
    }
    return new ManifestView(file.name(), text(m.get("sweep")), at, text(m.get("code_version")),
        text(m.get("spec_sha256")), ids.size(), counts, countsComplete, text, null);
  }

  private static ManifestView problem(StoreAccess.Manifest file, String problem) {
    return new ManifestView(file.name(), null, null, null, null, 0, Map.of(), true, null, problem);
  }

  private static String text(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
