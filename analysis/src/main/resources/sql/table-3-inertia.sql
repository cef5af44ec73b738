-- title: 3 Latent weights as inertia: learning rate and init scale
-- place: 30
-- applies: SELECT count(DISTINCT lr, lr_scale, init, init_scale) > 1 FROM report_trials WHERE optimizer <> 'bop'
-- reference: Reproduction (small convnet, 100 epochs, final training accuracy, MNIST / CIFAR-10):
-- reference: Glorot + SGD 0.01: 0.9202 / 0.4144; Glorot + SGD 1: 0.9819 / 0.6545; Glorot x0.01 + SGD 0.01:
-- reference: 0.9800 / 0.6255; uniform + SGD 0.01: 0.9190 / 0.4373; uniform + Adam 0.01: 0.9853 / 0.6570.
-- Reproduction's table 3: final training accuracy per configuration of the latent-weight optimizers
-- (DONE trials, mean and std over seeds).
SELECT any_value(configuration) AS configuration, any_value(optimizer) AS optimizer, any_value(init) AS init,
       any_value(lr) AS lr, any_value(lr_scale) AS lr_scale, any_value(init_scale) AS init_scale,
       any_value(clip) AS clip, count(DISTINCT seed) AS seeds,
       avg(final_train_acc) AS final_train_acc_mean, stddev_samp(final_train_acc) AS final_train_acc_std,
       avg(final_test_acc) AS final_test_acc_mean
FROM report_trials
WHERE status = 'DONE' AND optimizer <> 'bop'
GROUP BY config_key
ORDER BY optimizer, init, lr, lr_scale, init_scale, clip, configuration
