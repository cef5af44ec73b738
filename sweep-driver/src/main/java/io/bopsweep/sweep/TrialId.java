package io.bopsweep.sweep;

import io.bopsweep.trainer.config.TrialConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A trial's identity: the first 16 hex digits of SHA-256 of its canonical config (seed included). */
public final class TrialId {
  private TrialId() {}

  public static String of(TrialConfig config) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(config.canonicalJson().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
