-- Any per-trial metric of the trials table by two swept axes (DONE trials, mean over seeds).
SELECT IDENTIFIER(:row) AS row_value, IDENTIFIER(:col) AS col_value, avg(IDENTIFIER(:metric)) AS mean,
       stddev_samp(IDENTIFIER(:metric)) AS std, count(*) AS seeds
FROM trials
WHERE sweep = :sweep AND status = 'DONE'
GROUP BY 1, 2
ORDER BY 1, 2
