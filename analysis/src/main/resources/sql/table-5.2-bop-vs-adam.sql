-- title: 5.2 Bop against latent-weight optimizers
-- place: 20
-- applies: SELECT count_if(optimizer = 'bop') > 0 AND count_if(optimizer <> 'bop') > 0 FROM report_trials
-- reference: Paper (5.2, CIFAR-10, 500 epochs): Bop 91.3 %, latent-weight Adam 90.9 % test accuracy.
-- reference: Reproduction: Bop 88.7 % (327 epochs, γ 1e-3, τ 1e-7).
-- note: epochs_to_target: the first epoch with test accuracy >= :target, averaged over the seeds that
-- note: reached it (reached counts them). gamma, tau and gamma_schedule are Bop's; lr and lr_scale
-- note: those of a latent-weight optimizer (lr_schedule applies to both).
-- Per configuration (seeds pooled, nothing else): final test accuracy, the epoch of the best test
-- accuracy, and the first epoch that reaches the target test accuracy.
WITH reach AS (
  SELECT e.trial_id, min(CASE WHEN e.test_acc >= :target THEN e.epoch END) AS epoch_reached
  FROM report_epochs e
  GROUP BY e.trial_id
)
SELECT any_value(t.configuration) AS configuration, any_value(t.optimizer) AS optimizer,
       any_value(CASE WHEN t.optimizer = 'bop' THEN t.gamma END) AS gamma,
       any_value(CASE WHEN t.optimizer = 'bop' THEN t.tau END) AS tau,
       any_value(CASE WHEN t.optimizer = 'bop' THEN t.gamma_schedule END) AS gamma_schedule,
       any_value(CASE WHEN t.optimizer <> 'bop' THEN t.lr END) AS lr,
       any_value(CASE WHEN t.optimizer <> 'bop' THEN t.lr_scale END) AS lr_scale,
       any_value(t.lr_schedule) AS lr_schedule,
       count(DISTINCT CASE WHEN t.status = 'DONE' THEN t.seed END) AS seeds,
       count_if(t.status = 'DIVERGED') AS diverged,
       count_if(t.status = 'FAILED') AS failed,
       avg(CASE WHEN t.status = 'DONE' THEN t.final_test_acc END) AS final_test_acc_mean,
       stddev_samp(CASE WHEN t.status = 'DONE' THEN t.final_test_acc END) AS final_test_acc_std,
       avg(CASE WHEN t.status = 'DONE' THEN t.best_test_acc END) AS best_test_acc_mean,
       avg(CASE WHEN t.status = 'DONE' THEN t.best_epoch END) AS best_epoch_mean,
       count(r.epoch_reached) AS reached,
       avg(r.epoch_reached) AS epochs_to_target_mean
FROM report_trials t LEFT JOIN reach r ON r.trial_id = t.trial_id
GROUP BY t.config_key
ORDER BY optimizer, configuration
