-- Paper 5.1 (Fig. 1): Bop's adaptivity rate gamma and threshold tau.
-- Per (gamma, tau): final and best test accuracy, the volatility of test accuracy over the last
-- ${k} epochs (std over epochs, averaged over seeds), and the last layer's flip rate
-- pi = log(flips/total + e^-9) at the first, middle and last epoch. Mean and std over the seeds
-- that finished (DONE); diverged and failed seeds are counted, not averaged.
WITH t AS (
  SELECT * FROM trials WHERE sweep = '${sweep}' AND optimizer = 'bop'
),
done AS (
  SELECT * FROM t WHERE status = 'DONE'
),
per_trial AS (
  SELECT d.trial_id, d.gamma, d.tau, d.final_test_acc, d.best_test_acc,
         stddev_pop(CASE WHEN e.epoch > d.epochs - ${k} THEN e.test_acc END) AS volatility,
         max(CASE WHEN e.epoch = 1 THEN e.pi_last END) AS pi_first,
         max(CASE WHEN e.epoch = CAST(ceil(d.epochs / 2.0) AS INT) THEN e.pi_last END) AS pi_mid,
         max(CASE WHEN e.epoch = d.epochs THEN e.pi_last END) AS pi_end
  FROM done d JOIN epochs e ON e.trial_id = d.trial_id
  GROUP BY d.trial_id, d.gamma, d.tau, d.final_test_acc, d.best_test_acc
),
status AS (
  SELECT gamma, tau,
         count_if(status = 'DIVERGED') AS diverged,
         count_if(status = 'FAILED') AS failed
  FROM t GROUP BY gamma, tau
)
SELECT s.gamma, s.tau,
       count(p.trial_id) AS seeds, s.diverged, s.failed,
       avg(p.final_test_acc) AS final_test_acc_mean, stddev_samp(p.final_test_acc) AS final_test_acc_std,
       avg(p.best_test_acc) AS best_test_acc_mean, stddev_samp(p.best_test_acc) AS best_test_acc_std,
       avg(p.volatility) AS volatility_mean,
       avg(p.pi_first) AS pi_first_mean, avg(p.pi_mid) AS pi_mid_mean, avg(p.pi_end) AS pi_end_mean,
       stddev_samp(p.pi_end) AS pi_end_std
FROM status s LEFT JOIN per_trial p ON p.gamma = s.gamma AND p.tau = s.tau
GROUP BY s.gamma, s.tau, s.diverged, s.failed
ORDER BY s.gamma, s.tau
