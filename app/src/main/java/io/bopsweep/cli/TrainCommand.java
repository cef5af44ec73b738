package io.bopsweep.cli;

import static io.bopsweep.trainer.config.Settings.DATASET;
import static io.bopsweep.trainer.config.Settings.EPOCHS;
import static io.bopsweep.trainer.config.Settings.MODEL;
import static io.bopsweep.trainer.config.Settings.OPTIMIZER;

import io.bopsweep.trainer.config.Settings;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.train.CheckpointStore;
import io.bopsweep.trainer.train.DirectoryCheckpointStore;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.Json;
import io.bopsweep.trainer.train.TrainingListener;
import io.bopsweep.trainer.train.TrialOutcome;
import io.bopsweep.trainer.train.TrialRunner;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bopsweep train}: one trial on this machine. Every trial setting is a flag (added from {@link Settings}). */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train one trial here; every trial setting has a flag (e.g. --lr-scale).",
    sortOptions = false)
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", paramLabel = "FILE", description = "write the epoch records as JSON lines")
  Path json;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "dataset cache directory")
  String dataDir;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: cpu)")
  String device;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "libtorch threads (default: all cores)")
  int threads;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "keep an epoch checkpoint here and resume from it if present")
  Path checkpointDir;

  /** Adds one --flag per trial setting. */
  static void addSettingOptions(CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    for (Settings.Setting<?> s : Settings.all()) {
      spec.addOption(OptionSpec.builder(s.flag())
          .paramLabel(s.name().toUpperCase())
          .type(String.class)
          .description(s.doc())
          .build());
    }
  }

  @Override
  public Integer call() throws IOException {
    Map<String, Object> raw = new LinkedHashMap<>();
    for (Settings.Setting<?> s : Settings.all()) {
      OptionSpec o = spec.findOption(s.flag());
      if (o != null && o.getValue() != null) {
        raw.put(s.name(), o.getValue());
      }
    }
    TrialConfig cfg = TrialConfig.of(raw);
    PrintWriter out = spec.commandLine().getOut();
    Splits splits = DataCache.resolve(dataDir).splits(cfg);
    Path jsonTmp = json == null ? null : json.resolveSibling(json.getFileName() + ".tmp");
    CheckpointStore checkpoints = checkpointDir == null ? CheckpointStore.NONE : new DirectoryCheckpointStore(checkpointDir);
    out.printf("training %s / %s / %s on %s (%,d train, %,d test images), %d epochs%n", cfg.get(DATASET).id(),
        cfg.get(MODEL).id(), cfg.get(OPTIMIZER).id(), splits.variant(), splits.train().size(), splits.test().size(),
        cfg.get(EPOCHS));
    TrialOutcome outcome;
    try (Writer jsonOut = jsonTmp == null ? Writer.nullWriter() : Files.newBufferedWriter(jsonTmp)) {
      TrainingListener progress = new TrainingListener() {
        @Override
        public void onEpoch(TrialConfig c, EpochRecord r) {
          out.printf("epoch %3d/%d  train loss %.4f acc %.4f  test loss %.4f acc %.4f  flips %.2e  pi_last %.2f  %.1fs  %,.0f img/s%n",
              r.epoch(), c.get(EPOCHS), r.trainLoss(), r.trainAcc(), r.testLoss(), r.testAcc(), r.flipRatio(), r.piLast(),
              r.trainSeconds() + r.evalSeconds(), r.samplesPerSec());
          try {
            jsonOut.write(Json.line(r));
            jsonOut.write('\n');
            jsonOut.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
      TrialRunner.Options options = TrialRunner.Options.defaults().withDevice(device, threads)
          .withCheckpoints(checkpoints).withListener(progress);
      outcome = TrialRunner.run(cfg, splits, options);
    }
    if (jsonTmp != null) {
      Files.move(jsonTmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    EpochRecord last = outcome.epochs().isEmpty() ? null : outcome.epochs().get(outcome.epochs().size() - 1);
    out.printf("%s after %d epochs in %.1fs%s%n", outcome.status(), outcome.epochs().size(), outcome.seconds(),
        last == null ? "" : String.format("; final test acc %.4f, best %.4f", last.testAcc(),
            outcome.epochs().stream().mapToDouble(EpochRecord::testAcc).max().orElse(Double.NaN)));
    if (outcome.status() != TrialStatus.DONE) {
      spec.commandLine().getErr().println("bopsweep: trial " + outcome.status() + ": " + outcome.error());
      return Main.EXIT_FAILED;
    }
    return 0;
  }
}
