-- Theorem 1: latent-weight SGD with learning rate x c and initialization x c gives the same binary
-- weights. Trials that differ only in (lr_scale, init_scale) with the same ratio lr_scale/init_scale
-- form a class; 'identical' says whether every member had the same binary weights after every
-- epoch (same sequence of sign_hash). Only classes with two or more members are listed.
WITH traj AS (
  SELECT t.trial_id, t.optimizer, t.init, t.clip, t.seed, t.lr_scale, t.init_scale,
         round(t.lr_scale / t.init_scale, 12) AS ratio,
         array_join(transform(array_sort(collect_list(struct(e.epoch, e.sign_hash))), x -> x.sign_hash), ',') AS trajectory
  FROM trials t JOIN epochs e ON e.trial_id = t.trial_id
  WHERE t.sweep = '${sweep}' AND t.status = 'DONE' AND t.optimizer <> 'bop'
  GROUP BY t.trial_id, t.optimizer, t.init, t.clip, t.seed, t.lr_scale, t.init_scale
)
SELECT optimizer, init, clip, ratio, seed,
       count(*) AS members,
       array_join(array_sort(collect_list(CAST(init_scale AS STRING))), ' ') AS init_scales,
       count(DISTINCT trajectory) = 1 AS identical
FROM traj
GROUP BY optimizer, init, clip, ratio, seed
HAVING count(*) >= 2
ORDER BY optimizer, init, clip, ratio, seed
