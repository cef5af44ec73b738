package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SpecException;
import io.bopsweep.sweep.SpecParser;
import io.bopsweep.sweep.Trial;
import io.bopsweep.trainer.config.ConfigException;
import io.bopsweep.trainer.config.Settings;
import io.bopsweep.trainer.config.TrialConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;

/** A trial setting is declared once, in {@link Settings}: the config, validation, train's flags and the result columns follow. */
class SettingsSchemaTest {
  /** The flags of {@code train} that are not trial settings. */
  private static final Set<String> RUN_FLAGS =
      Set.of("--json", "--data-dir", "--device", "--threads", "--checkpoint-dir", "--help", "--version");

  private static final Settings.Setting<Double> LABEL_SMOOTHING = new Settings.Setting<>("label_smoothing",
      Settings.Type.DOUBLE, null, r -> 0.0, v -> v >= 0 && v < 1 ? null : "must be in [0, 1)",
      "test-only smoothing", Settings.Applicability.ALWAYS, 0.0);

  @Test
  void theTrainFlagsTheConfigAndTheColumnsAreTheSettings() {
    List<String> names = Settings.all().stream().map(Settings.Setting::name).toList();
    assertEquals(Set.copyOf(names.stream().map(n -> "--" + n.replace('_', '-')).toList()), settingFlags());
    assertEquals(names, List.copyOf(TrialConfig.of(Map.of()).toMap().keySet()));
    for (Settings.Setting<?> s : Settings.all()) {
      for (MessageType table : List.of(ResultStore.schema().epochs(), ResultStore.schema().trials())) {
        assertEquals(column(s.type()), table.getType(s.name()).asPrimitiveType().getPrimitiveTypeName(),
            table.getName() + "." + s.name());
      }
    }
  }

  @Test
  void aSettingDeclaredInOnePlaceIsInTheConfigTheValidationTheFlagsAndTheColumns() {
    String idBefore = TrialConfig.of(Map.of("gamma", 1e-4)).identityJson();
    try (Settings.Registration declared = Settings.register(LABEL_SMOOTHING)) {
      assertEquals(0.1, TrialConfig.of(Map.of("label_smoothing", "0.1")).get(LABEL_SMOOTHING));
      TrialConfig neutral = TrialConfig.of(Map.of("gamma", 1e-4));
      assertEquals(0.0, neutral.get(LABEL_SMOOTHING));
      assertEquals(idBefore, neutral.identityJson(), "at its neutral value it leaves the id as it was");

      ConfigException bad = assertThrows(ConfigException.class, () -> TrialConfig.of(Map.of("label_smoothing", 1.5)));
      assertEquals("label_smoothing: must be in [0, 1), got 1.5", bad.getMessage());
      SpecException badSpec = assertThrows(SpecException.class,
          () -> SpecParser.parse("grid: {label_smoothing: [0.0, 1.5]}", "s.yaml", "s"));
      assertTrue(badSpec.getMessage().contains("grid.label_smoothing[1]: must be in [0, 1)"), badSpec.getMessage());
      List<Trial> trials = Grid.expand(SpecParser.parse("grid: {label_smoothing: [0.0, 0.1]}", "s.yaml", "s"));
      assertEquals(List.of(0.0, 0.1), trials.stream().map(t -> t.config().get(LABEL_SMOOTHING)).toList());

      assertTrue(settingFlags().contains("--label-smoothing"), settingFlags().toString());
      StringWriter help = new StringWriter();
      assertEquals(0, Main.run(new String[] {"train", "--help"}, new PrintWriter(help, true), new PrintWriter(new StringWriter())));
      assertTrue(help.toString().contains("--label-smoothing=LABEL_SMOOTHING") && help.toString().contains("test-only smoothing"),
          help.toString());
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"train", "--label-smoothing", "1.5"}, new PrintWriter(new StringWriter()),
          new PrintWriter(err, true));
      assertEquals(2, code, err.toString());
      List<String> lines = err.toString().strip().lines().toList();
      assertEquals("bopsweep: error: label_smoothing: must be in [0, 1), got 1.5", lines.get(lines.size() - 1));

      for (MessageType table : List.of(ResultStore.schema().epochs(), ResultStore.schema().trials())) {
        assertEquals(PrimitiveTypeName.DOUBLE, table.getType("label_smoothing").asPrimitiveType().getPrimitiveTypeName());
      }
    }
    assertFalse(settingFlags().contains("--label-smoothing"));
    assertThrows(ConfigException.class, () -> TrialConfig.of(Map.of("label_smoothing", 0.1)));
    assertFalse(ResultStore.schema().epochs().containsField("label_smoothing"));
  }

  private static Set<String> settingFlags() {
    Set<String> flags = new TreeSet<>(Main.commandLine().getSubcommands().get("train").getCommandSpec().optionsMap().keySet());
    flags.removeIf(f -> !f.startsWith("--") || RUN_FLAGS.contains(f));
    return flags;
  }

  private static PrimitiveTypeName column(Settings.Type type) {
    switch (type) {
      case INT:
        return PrimitiveTypeName.INT32;
      case LONG:
        return PrimitiveTypeName.INT64;
      case DOUBLE:
        return PrimitiveTypeName.DOUBLE;
      case BOOL:
        return PrimitiveTypeName.BOOLEAN;
      default:
        return PrimitiveTypeName.BINARY;
    }
  }
}
