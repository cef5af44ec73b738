package io.bopsweep.trainer.data;

import io.bopsweep.trainer.config.TrialConfig;

/**
 * The data one trial trains and evaluates on.
 *
 * @param variant what the data really is, as recorded in results (mnist, fashion-mnist, cifar10,
 *     cifar10-jpeg75, cifar10-unverified)
 * @param validation held-out tail of the training set, or null
 */
public record Splits(String variant, Images train, Images test, Images validation) {

  /** Applies a trial's train_limit, test_limit and validation_split to a dataset's two parts. */
  public static Splits forTrial(TrialConfig cfg, String variant, Images train, Images test) {
    Images validation = null;
    Images t = train;
    if (cfg.validationSplit() > 0) {
      if (cfg.validationSplit() >= train.size()) {
        throw new IllegalArgumentException("validation_split " + cfg.validationSplit() + " leaves no training images");
      }
      int cut = train.size() - cfg.validationSplit();
      validation = train.slice(cut, train.size());
      t = train.slice(0, cut);
    }
    if (cfg.trainLimit() > 0 && cfg.trainLimit() < t.size()) {
      t = t.slice(0, cfg.trainLimit());
    }
    Images e = test;
    if (cfg.testLimit() > 0 && cfg.testLimit() < e.size()) {
      e = e.slice(0, cfg.testLimit());
    }
    return new Splits(variant, t, e, validation);
  }
}
