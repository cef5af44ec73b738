package io.bopsweep.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;

/** YAML a spec may not use, found before it is read as data (where it would read as something else). */
final class YamlChecks {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlChecks() {}

  /**
   * Refuses aliases ({@code *name}): the reader would take them as the anchor's name, not its
   * value, and later checks would then report a misleading type error. Syntax errors are left to
   * the reader, which names them.
   */
  static void refuseAliases(String text, String source) {
    try (YAMLParser p = FACTORY.createParser(text)) {
      while (p.nextToken() != null) {
        if (p.isCurrentAlias()) {
          throw new SpecException(source + ": line " + p.currentLocation().getLineNr() + ": YAML aliases (*"
              + Escapes.printable(p.getText()) + ") are not supported; write the value out");
        }
      }
    } catch (JsonProcessingException e) {
      // reported by the reader with its line
    } catch (IOException e) {
      throw new SpecException(source + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
