-- Paper 5.2: Bop against latent-weight optimizers. Per optimizer (and learning setting): final
-- test accuracy, the epoch of the best test accuracy, and the first epoch that reaches ${target}
-- test accuracy (averaged over the seeds that reached it; 'reached' counts them).
WITH t AS (
  SELECT * FROM trials WHERE sweep = '${sweep}'
),
reach AS (
  SELECT e.trial_id, min(CASE WHEN e.test_acc >= ${target} THEN e.epoch END) AS epoch_reached
  FROM epochs e JOIN t ON e.trial_id = t.trial_id
  GROUP BY e.trial_id
)
SELECT t.optimizer, t.gamma_schedule, t.lr_schedule,
       count_if(t.status = 'DONE') AS seeds,
       count_if(t.status = 'DIVERGED') AS diverged,
       count_if(t.status = 'FAILED') AS failed,
       avg(CASE WHEN t.status = 'DONE' THEN t.final_test_acc END) AS final_test_acc_mean,
       stddev_samp(CASE WHEN t.status = 'DONE' THEN t.final_test_acc END) AS final_test_acc_std,
       avg(CASE WHEN t.status = 'DONE' THEN t.best_test_acc END) AS best_test_acc_mean,
       avg(CASE WHEN t.status = 'DONE' THEN t.best_epoch END) AS best_epoch_mean,
       count(r.epoch_reached) AS reached,
       avg(r.epoch_reached) AS epochs_to_target_mean
FROM t LEFT JOIN reach r ON r.trial_id = t.trial_id
GROUP BY t.optimizer, t.gamma_schedule, t.lr_schedule
ORDER BY t.optimizer, t.gamma_schedule, t.lr_schedule
