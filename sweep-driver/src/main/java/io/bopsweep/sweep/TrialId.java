package io.bopsweep.sweep;

import io.bopsweep.trainer.config.TrialConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A trial's identity: the first 16 hex digits of SHA-256 of the settings that act on it (seed
 * included), as {@link TrialConfig#identityJson} writes them; the rule is written down in
 * {@link io.bopsweep.trainer.config.Settings}.
 */
public final class TrialId {
  private TrialId() {}

  public static String of(TrialConfig config) {
    return ofIdentityJson(config.identityJson());
  }

  /** The id of a stored row, recomputed from its config_json (ids of other versions map to this one). */
  public static String ofStoredConfig(String configJson) {
    return of(TrialConfig.fromCanonicalJson(configJson));
  }

  static String ofIdentityJson(String identityJson) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identityJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
