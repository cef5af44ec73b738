-- The views analysis reads. Registered over the raw Parquet tables epochs_raw and trials_raw.
-- trials: one row per trial, its latest committed attempt.
CREATE OR REPLACE TEMPORARY VIEW trials AS
SELECT * EXCEPT (rn) FROM (
  SELECT *, row_number() OVER (PARTITION BY trial_id ORDER BY finished_at DESC, attempt DESC) AS rn
  FROM trials_raw
) WHERE rn = 1;

-- epochs: rows of committed trials only, of the attempt that committed them, one per (trial, epoch).
CREATE OR REPLACE TEMPORARY VIEW epochs AS
SELECT * EXCEPT (rn) FROM (
  SELECT e.*, row_number() OVER (PARTITION BY e.trial_id, e.epoch ORDER BY e.finished_at DESC) AS rn
  FROM epochs_raw e
  LEFT SEMI JOIN trials t ON e.trial_id = t.trial_id AND e.attempt = t.attempt
) WHERE rn = 1;
