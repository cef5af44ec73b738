-- Reproduction's 3b: is a BNN an approximation of its latent real network? Test accuracy with the
-- binary weights, with the latent real weights, and with latent weights after re-estimating the
-- BatchNorm statistics, at the last epoch (DONE trials with eval_latent, mean and std over seeds).
SELECT t.optimizer, t.lr, count(*) AS seeds,
       avg(e.test_acc) AS binary_acc_mean, stddev_samp(e.test_acc) AS binary_acc_std,
       avg(e.latent_test_acc) AS latent_acc_mean, stddev_samp(e.latent_test_acc) AS latent_acc_std,
       avg(e.latent_bn_test_acc) AS latent_bn_acc_mean, stddev_samp(e.latent_bn_test_acc) AS latent_bn_acc_std
FROM trials t JOIN epochs e ON e.trial_id = t.trial_id AND e.epoch = t.epochs_done
WHERE t.sweep = '${sweep}' AND t.status = 'DONE' AND e.latent_test_acc IS NOT NULL
GROUP BY t.optimizer, t.lr
ORDER BY t.optimizer, t.lr
