-- Reproduction's table 3: latent weights as inertia. Final training accuracy per optimizer,
-- learning rate and its scale, initialization and its scale (DONE trials, mean and std over seeds).
SELECT optimizer, init, lr, lr_scale, init_scale, clip,
       count(*) AS seeds,
       avg(final_train_acc) AS final_train_acc_mean, stddev_samp(final_train_acc) AS final_train_acc_std,
       avg(final_test_acc) AS final_test_acc_mean
FROM trials
WHERE sweep = '${sweep}' AND status = 'DONE'
GROUP BY optimizer, init, lr, lr_scale, init_scale, clip
ORDER BY optimizer, init, lr, lr_scale, init_scale, clip
