package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.BN_MOMENTUM;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Images;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.model.Models;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Pass;
import io.bopsweep.trainer.model.Pass.KernelView;

/** Evaluates a saved model on a trial's test set the way the trial's last epoch did. */
public final class ModelEvaluation {
  private ModelEvaluation() {}

  /** Test loss and accuracy of the binary network. */
  public record Result(double testLoss, double testAcc) {}

  /**
   * Builds the network of the model's config, loads the model into it and evaluates it in the
   * chunks a trial uses.
   *
   * @param source the model file's name, for messages
   */
  public static Result evaluate(SavedModel model, Splits data, String device, int threads, String source)
      throws SavedModel.ModelFileException {
    TrialConfig cfg = TrialConfig.fromCanonicalJson(model.configJson());
    TorchRuntime.enter(threads);
    Device d = TorchRuntime.device(device);
    Images train = data.train();
    try (NDManager manager = NDManager.newBaseManager(d, "PyTorch")) {
      Network net = Models.build(cfg, train.channels(), train.height(), train.classes(), manager);
      model.restoreInto(net, source);
      double[] test = TrialRunner.evaluate(net, data.test(), new Pass(false, KernelView.BINARY, cfg.get(BN_MOMENTUM)),
          TrialRunner.defaultEvalBatch(cfg), manager);
      return new Result(test[0], test[1]);
    }
  }
}
