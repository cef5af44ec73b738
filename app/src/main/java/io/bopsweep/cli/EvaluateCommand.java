package io.bopsweep.cli;

import io.bopsweep.sweep.FrozenTrial;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.DataCache;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.train.ModelEvaluation;
import io.bopsweep.trainer.train.SavedModel;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bopsweep evaluate --results DIR TRIAL_ID}: loads a DONE trial's saved model and evaluates
 * it on the trial's test set; exit 0 when the accuracy equals the stored final test accuracy.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a DONE trial's saved model on its test set and compare with the stored final test accuracy.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TRIAL_ID", description = "a committed DONE trial of the store")
  String trialId;

  @Option(names = "--results", paramLabel = "DIR_OR_URI", defaultValue = "results",
      description = "results store (default: results/)")
  String results;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "dataset cache directory")
  String dataDir;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "libtorch threads (default: 1, as a sweep's trials)")
  int threads;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ResultStore store = ResultStore.open(results, new Configuration());
    FrozenTrial trial = store.trial(trialId)
        .orElseThrow(() -> new BadInputException(trialId + ": no committed trial with this id in " + results));
    if (trial.status() != TrialStatus.DONE) {
      throw new BadInputException(trialId + ": trial is " + trial.status() + "; only DONE trials keep a model");
    }
    SavedModel model;
    try {
      model = store.model(trialId);
    } catch (SavedModel.ModelFileException e) {
      throw new BadInputException(e.getMessage());
    }
    String source = "models/" + trialId + ".bmodel";
    TrialConfig cfg;
    try {
      cfg = TrialConfig.fromCanonicalJson(model.configJson());
    } catch (RuntimeException e) {
      throw new BadInputException(source + ": its config is unusable (" + Main.firstLine(e.getMessage()) + ")");
    }
    Splits splits = DataCache.resolve(dataDir).splits(cfg);
    ModelEvaluation.Result result;
    try {
      result = ModelEvaluation.evaluate(model, splits, "cpu", threads, source);
    } catch (SavedModel.ModelFileException e) {
      throw new BadInputException(e.getMessage());
    }
    Double stored = trial.metrics().finalTestAcc();
    boolean same = stored != null && result.testAcc() == stored;
    out.printf("%s: test acc %s, stored final test acc %s: %s%n", trialId, result.testAcc(), stored,
        same ? "identical" : "DIFFERENT");
    return same ? 0 : Main.EXIT_FAILED;
  }
}
