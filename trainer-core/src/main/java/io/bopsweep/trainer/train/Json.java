package io.bopsweep.trainer.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;

/** JSON of epoch records: snake_case keys (test_acc, layer_flips), one object a line. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .setSerializationInclusion(JsonInclude.Include.ALWAYS)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  public static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static EpochRecord epoch(String line) {
    try {
      return MAPPER.readValue(line, EpochRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an epoch record: " + e.getOriginalMessage(), e);
    }
  }

  public static String lines(List<EpochRecord> records) {
    StringBuilder sb = new StringBuilder();
    for (EpochRecord r : records) {
      sb.append(line(r)).append('\n');
    }
    return sb.toString();
  }

  public static List<EpochRecord> parseLines(String text) {
    return text.lines().filter(l -> !l.isBlank()).map(Json::epoch).toList();
  }
}
