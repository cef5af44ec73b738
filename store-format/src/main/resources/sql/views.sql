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

-- epochs_live: the epochs above and those running trials have finished so far (epochs_running_raw,
-- one file per epoch under _live/), one row per (trial, epoch). A running attempt's rows stand for
-- its trial (also over an older FAILED attempt's committed rows) until a trials row of that attempt
-- or a later one exists.
CREATE OR REPLACE TEMPORARY VIEW epochs_live AS
WITH running AS (
  SELECT * EXCEPT (rn) FROM (
    SELECT l.*, row_number() OVER (PARTITION BY l.trial_id, l.epoch ORDER BY l.attempt DESC, l.finished_at DESC) AS rn
    FROM epochs_running_raw l
    LEFT ANTI JOIN trials t ON l.trial_id = t.trial_id AND t.attempt >= l.attempt
  ) WHERE rn = 1
)
SELECT * FROM epochs WHERE trial_id NOT IN (SELECT trial_id FROM running)
UNION ALL
SELECT * FROM running;
