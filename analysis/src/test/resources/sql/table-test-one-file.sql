-- title: A table added as one file
-- place: 95
-- applies: SELECT count_if(sweep = 't51') > 0 FROM report_trials
-- note: ReportTest.aNewTableIsOneSqlFile: this file, on the test class path only, is the whole of a
-- note: new report table (its trials by status, for sweep t51's reports only).
SELECT status, count(*) AS trials
FROM report_trials
GROUP BY status
ORDER BY status
