-- Any per-trial metric of the report's DONE trials by configuration: mean, std and seeds. Feeds the heatmaps.
SELECT config_key, avg(IDENTIFIER(:metric)) AS mean, stddev_samp(IDENTIFIER(:metric)) AS std,
       count(DISTINCT seed) AS seeds
FROM report_trials
WHERE status = 'DONE'
GROUP BY config_key
