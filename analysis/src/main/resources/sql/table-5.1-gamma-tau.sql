-- title: 5.1 Bop: γ (gamma) and τ (tau)
-- place: 10
-- applies: SELECT count(DISTINCT gamma, tau) > 1 FROM report_trials WHERE optimizer = 'bop'
-- reference: Paper (5.1, BinaryNet on CIFAR-10, 100 epochs): high γ (1e-2) and τ = 0 give volatile
-- reference: validation accuracy, τ = 0 also deteriorates; the flip rate falls with lower γ and higher τ.
-- note: ln_flip_ratio columns: ln(flip ratio + e^-9) of the last layer (the paper's π), at epoch 1, the
-- note: middle epoch and the last epoch. volatility: std of test accuracy over the last :k epochs
-- note: (all epochs of a shorter trial).
-- Per Bop configuration: final and best test accuracy, the volatility of test accuracy over the last
-- :k epochs (std over epochs, averaged over seeds), and the last layer's ln(flip ratio + e^-9) at the
-- first, middle and last epoch. Mean and std over the seeds that finished (DONE); diverged and failed
-- seeds are counted, not averaged.
WITH t AS (
  SELECT * FROM report_trials WHERE optimizer = 'bop'
),
per_trial AS (
  SELECT d.trial_id, d.config_key, d.final_test_acc, d.best_test_acc,
         stddev_pop(CASE WHEN e.epoch > d.epochs - :k THEN e.test_acc END) AS volatility,
         max(CASE WHEN e.epoch = 1 THEN e.pi_last END) AS pi_first,
         max(CASE WHEN e.epoch = CAST(ceil(d.epochs / 2.0) AS INT) THEN e.pi_last END) AS pi_mid,
         max(CASE WHEN e.epoch = d.epochs THEN e.pi_last END) AS pi_end
  FROM t d JOIN report_epochs e ON e.trial_id = d.trial_id
  WHERE d.status = 'DONE'
  GROUP BY d.trial_id, d.config_key, d.final_test_acc, d.best_test_acc
),
configs AS (
  SELECT config_key, any_value(configuration) AS configuration, any_value(gamma) AS gamma, any_value(tau) AS tau,
         count(DISTINCT CASE WHEN status = 'DONE' THEN seed END) AS seeds,
         count_if(status = 'DIVERGED') AS diverged,
         count_if(status = 'FAILED') AS failed
  FROM t GROUP BY config_key
)
SELECT c.configuration, c.gamma, c.tau, c.seeds, c.diverged, c.failed,
       avg(p.final_test_acc) AS final_test_acc_mean, stddev_samp(p.final_test_acc) AS final_test_acc_std,
       avg(p.best_test_acc) AS best_test_acc_mean, stddev_samp(p.best_test_acc) AS best_test_acc_std,
       avg(p.volatility) AS volatility_mean,
       avg(p.pi_first) AS ln_flip_ratio_first_mean, avg(p.pi_mid) AS ln_flip_ratio_mid_mean,
       avg(p.pi_end) AS ln_flip_ratio_end_mean, stddev_samp(p.pi_end) AS ln_flip_ratio_end_std
FROM configs c LEFT JOIN per_trial p ON p.config_key = c.config_key
GROUP BY c.config_key, c.configuration, c.gamma, c.tau, c.seeds, c.diverged, c.failed
ORDER BY c.gamma, c.tau, c.configuration
