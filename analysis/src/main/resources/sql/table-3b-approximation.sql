-- title: 3b The approximation view: latent weights
-- place: 50
-- applies: SELECT count_if(eval_latent) > 0 FROM report_trials
-- reference: Reproduction (MNIST, Adam 1e-3, 6 epochs, 10 seeds): binary 0.9663 +- 0.0180, latent
-- reference: 0.1039 +- 0.0018, latent + retrained BN 0.9807 +- 0.0013.
-- Reproduction's 3b: is a BNN an approximation of its latent real network? Test accuracy with the
-- binary weights, with the latent real weights, and with latent weights after re-estimating the
-- BatchNorm statistics, at the last epoch (DONE trials with eval_latent, mean and std over seeds).
SELECT any_value(t.configuration) AS configuration, any_value(t.optimizer) AS optimizer, any_value(t.lr) AS lr,
       count(DISTINCT t.seed) AS seeds,
       avg(e.test_acc) AS binary_acc_mean, stddev_samp(e.test_acc) AS binary_acc_std,
       avg(e.latent_test_acc) AS latent_acc_mean, stddev_samp(e.latent_test_acc) AS latent_acc_std,
       avg(e.latent_bn_test_acc) AS latent_bn_acc_mean, stddev_samp(e.latent_bn_test_acc) AS latent_bn_acc_std
FROM report_trials t JOIN report_epochs e ON e.trial_id = t.trial_id AND e.epoch = t.epochs_done
WHERE t.status = 'DONE' AND e.latent_test_acc IS NOT NULL
GROUP BY t.config_key
ORDER BY optimizer, lr, configuration
