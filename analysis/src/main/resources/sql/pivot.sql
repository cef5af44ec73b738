-- Any per-trial metric of the trials table by two swept axes (DONE trials, mean over seeds).
SELECT ${row} AS row_value, ${col} AS col_value, avg(${metric}) AS mean, stddev_samp(${metric}) AS std, count(*) AS seeds
FROM trials
WHERE sweep = '${sweep}' AND status = 'DONE'
GROUP BY ${row}, ${col}
ORDER BY ${row}, ${col}
