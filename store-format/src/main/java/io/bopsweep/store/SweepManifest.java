package io.bopsweep.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * One run of a sweep, as the store keeps it in {@code _manifests/SWEEP/}: which spec (its text and
 * hash) asked for which trials, with which code, when. Reports select a sweep's trials by these
 * ids, not by the sweep column of the rows: a trial two sweeps share belongs to both.
 *
 * @param trialIds the ids of the spec's trials, in expansion order
 */
public record SweepManifest(String sweep, String specText, String specSha256, List<String> trialIds,
    String codeVersion, Instant writtenAt) {

  public SweepManifest {
    trialIds = List.copyOf(trialIds);
  }

  public static SweepManifest of(String sweep, String specText, List<String> trialIds, String codeVersion,
      Instant writtenAt) {
    return new SweepManifest(sweep, specText, sha256(specText), trialIds, codeVersion, writtenAt);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
