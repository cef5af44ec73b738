package io.bopsweep.trainer.config;

/** An enum whose constants have the lower-case names used in configs, flags and result columns. */
public interface Choice {
  String id();

  static <E extends Enum<E> & Choice> E parse(Class<E> type, String key, Object value) {
    String text = String.valueOf(value).trim();
    StringBuilder known = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      if (e.id().equalsIgnoreCase(text)) {
        return e;
      }
      known.append(known.length() == 0 ? "" : ", ").append(e.id());
    }
    throw new ConfigException(key, "unknown value '" + text + "' (one of: " + known + ")");
  }
}
