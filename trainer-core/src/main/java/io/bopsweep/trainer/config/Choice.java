package io.bopsweep.trainer.config;

import java.util.List;

/** One of a set of values with the lower-case names used in configs, flags and result columns. */
public interface Choice {
  String id();

  /** The value of a choice type: an enum's constants, or the declared optimizers. */
  static <C extends Choice> C parse(Class<C> type, String key, Object value) {
    List<? extends Choice> options = type.isEnum() ? List.of(type.getEnumConstants()) : Choices.Optimizer.declared();
    String text = String.valueOf(value).trim();
    StringBuilder known = new StringBuilder();
    for (Choice e : options) {
      if (e.id().equalsIgnoreCase(text)) {
        return type.cast(e);
      }
      known.append(known.length() == 0 ? "" : ", ").append(e.id());
    }
    throw new ConfigException(key, "unknown value '" + text + "' (one of: " + known + ")");
  }
}
