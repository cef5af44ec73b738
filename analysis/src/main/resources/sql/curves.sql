-- Per configuration and epoch: test accuracy and the last layer's ln(flip ratio + e^-9), mean and
-- std over seeds (DONE trials). Feeds the plots.
SELECT t.config_key, e.epoch,
       avg(e.test_acc) AS test_acc_mean, coalesce(stddev_samp(e.test_acc), 0) AS test_acc_std,
       avg(e.pi_last) AS pi_last_mean, coalesce(stddev_samp(e.pi_last), 0) AS pi_last_std, count(*) AS seeds
FROM report_trials t JOIN report_epochs e ON e.trial_id = t.trial_id
WHERE t.status = 'DONE'
GROUP BY t.config_key, e.epoch
ORDER BY t.config_key, e.epoch
