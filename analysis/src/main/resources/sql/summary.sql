-- title: Per configuration: final and best test accuracy
-- place: 90
-- Every configuration of the report (seeds pooled): its seeds and their final and best test accuracy.
-- Diverged, failed and stopped (early-stopped by a scheduler) trials are counted, not averaged.
SELECT any_value(configuration) AS configuration,
       count(DISTINCT CASE WHEN status = 'DONE' THEN seed END) AS seeds,
       count_if(status = 'DIVERGED') AS diverged, count_if(status = 'FAILED') AS failed,
       count_if(status = 'STOPPED') AS stopped,
       avg(CASE WHEN status = 'DONE' THEN final_test_acc END) AS final_test_acc_mean,
       stddev_samp(CASE WHEN status = 'DONE' THEN final_test_acc END) AS final_test_acc_std,
       avg(CASE WHEN status = 'DONE' THEN best_test_acc END) AS best_test_acc_mean,
       avg(CASE WHEN status = 'DONE' THEN seconds END) AS seconds_mean
FROM report_trials
GROUP BY config_key
ORDER BY configuration
