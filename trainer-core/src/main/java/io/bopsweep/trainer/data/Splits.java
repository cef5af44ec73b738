package io.bopsweep.trainer.data;

import static io.bopsweep.trainer.config.Settings.TEST_LIMIT;
import static io.bopsweep.trainer.config.Settings.TRAIN_LIMIT;
import static io.bopsweep.trainer.config.Settings.VALIDATION_SPLIT;

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
    if (cfg.get(VALIDATION_SPLIT) > 0) {
      if (cfg.get(VALIDATION_SPLIT) >= train.size()) {
        throw new IllegalArgumentException("validation_split " + cfg.get(VALIDATION_SPLIT) + " leaves no training images");
      }
      int cut = train.size() - cfg.get(VALIDATION_SPLIT);
      validation = train.slice(cut, train.size());
      t = train.slice(0, cut);
    }
    if (cfg.get(TRAIN_LIMIT) > 0 && cfg.get(TRAIN_LIMIT) < t.size()) {
      t = t.slice(0, cfg.get(TRAIN_LIMIT));
    }
    Images e = test;
    if (cfg.get(TEST_LIMIT) > 0 && cfg.get(TEST_LIMIT) < e.size()) {
      e = e.slice(0, cfg.get(TEST_LIMIT));
    }
    return new Splits(variant, t, e, validation);
  }
}
