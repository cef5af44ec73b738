package io.bopsweep.trainer.config;

import static io.bopsweep.trainer.config.Settings.GAMMA;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides what one trial computes: every stored row can be traced back to it.
 * Holds a value for every setting of {@link Settings}, read with {@code cfg.get(GAMMA)}.
 * Built only through {@link #of}, so every instance is complete and validated. Where the device or
 * thread count runs the trial is not part of it.
 */
public final class TrialConfig {

  private static final ObjectMapper CANONICAL_JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** Every setting's value by name, in declaration order. */
  private final Map<String, Object> resolved;

  private TrialConfig(Map<String, Object> resolved) {
    this.resolved = Collections.unmodifiableMap(resolved);
  }

  /** Resolves defaults and validates; unknown keys and bad values throw {@link ConfigException}. */
  public static TrialConfig of(Map<String, ?> raw) {
    return new TrialConfig(Settings.resolve(raw));
  }

  /** The value of a setting. */
  public <T> T get(Settings.Setting<T> setting) {
    return setting.in(resolved);
  }

  /** Every setting by its snake_case name, in declaration order, as plain values (strings, numbers, booleans). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    resolved.forEach((name, value) -> m.put(name, Settings.plain(value)));
    return Collections.unmodifiableMap(m);
  }

  /** This config with some settings changed (re-resolved, so dependent defaults do not follow). */
  public TrialConfig with(Map<String, ?> changes) {
    Map<String, Object> m = new LinkedHashMap<>(toMap());
    m.putAll(changes);
    return of(m);
  }

  public TrialConfig with(String key, Object value) {
    return with(Collections.singletonMap(key, value));
  }

  /** Sorted-key JSON of {@link #toMap()}: the text a trial id hashes. */
  public String canonicalJson() {
    try {
      return CANONICAL_JSON.writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This config with every setting that does not act on it at its default (see {@link Settings}). */
  public TrialConfig normalized() {
    Map<String, Object> plain = new LinkedHashMap<>();
    Settings.normalize(Settings.all(), Settings.resolve(toMap())).forEach((k, v) -> plain.put(k, Settings.plain(v)));
    return of(plain);
  }

  /** The names of the settings that do not act on this trial. */
  public java.util.Set<String> notApplying() {
    return Settings.notApplying(Settings.all(), Settings.resolve(toMap()));
  }

  /** Sorted-key JSON of {@link Settings#identity}: the text a trial id hashes. */
  public String identityJson() {
    try {
      return CANONICAL_JSON.writeValueAsString(Settings.identity(Settings.all(), Settings.resolve(toMap())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #toMap()} with the settings that do not act on this trial as null: what the store records. */
  public Map<String, Object> effectiveMap() {
    Map<String, Object> m = new LinkedHashMap<>(toMap());
    notApplying().forEach(name -> m.put(name, null));
    return Collections.unmodifiableMap(m);
  }

  /** Reads {@link #canonicalJson} (or a stored config_json, whose null settings take their defaults). */
  public static TrialConfig fromCanonicalJson(String json) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = CANONICAL_JSON.readValue(json, Map.class);
      return of(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a trial config: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrialConfig other && resolved.equals(other.resolved);
  }

  @Override
  public int hashCode() {
    return resolved.hashCode();
  }

  @Override
  public String toString() {
    return "TrialConfig" + toMap();
  }
}
