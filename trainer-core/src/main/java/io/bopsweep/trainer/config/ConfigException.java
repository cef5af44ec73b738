package io.bopsweep.trainer.config;

/** A setting that is missing, of the wrong type or out of range. The message is one line that names the key. */
public final class ConfigException extends IllegalArgumentException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
