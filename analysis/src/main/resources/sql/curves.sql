-- Per configuration (the swept keys without the seed) and epoch: test accuracy and the last
-- layer's flip rate, mean and std over seeds. Feeds the plots.
SELECT t.config_label, e.epoch,
       avg(e.test_acc) AS test_acc_mean, coalesce(stddev_samp(e.test_acc), 0) AS test_acc_std,
       avg(e.pi_last) AS pi_last_mean, count(*) AS seeds
FROM (SELECT trial_id, ${label} AS config_label FROM trials WHERE sweep = '${sweep}' AND status = 'DONE') t
JOIN epochs e ON e.trial_id = t.trial_id
GROUP BY t.config_label, e.epoch
ORDER BY t.config_label, e.epoch
