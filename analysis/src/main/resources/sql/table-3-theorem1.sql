-- title: 3 Theorem 1: equivalent scalings, identical binary weights?
-- place: 40
-- applies: has rows
-- reference: Theorem 1: without clipping, latent-weight SGD with learning rate x c and init x c gives
-- reference: the same binary weights at every step. Exact with float64 latent weights; with float32
-- reference: the rounding of the scaled weights may break it.
-- note: A class: DONE trials of a latent-weight optimizer equal in every setting (seed included) but
-- note: lr, lr_scale and init_scale, with the same ratio = lr x lr_scale / init_scale. members lists
-- note: each member's lr x lr_scale / init_scale. identical: every member had the same binary weights
-- note: after every epoch (the same sign_hash sequence).
WITH traj AS (
  SELECT t.trial_id, t.optimizer, t.init, t.clip, t.latent_dtype, t.seed, t.lr, t.lr_scale, t.init_scale,
         to_json(map_filter(from_json(t.config_json, 'map<string,string>'),
                            (k, v) -> k NOT IN ('lr', 'lr_scale', 'init_scale'))) AS others,
         round(t.lr * t.lr_scale / t.init_scale, 12) AS ratio,
         array_join(transform(array_sort(collect_list(struct(e.epoch, e.sign_hash))), x -> x.sign_hash), ',') AS trajectory
  FROM report_trials t JOIN report_epochs e ON e.trial_id = t.trial_id
  WHERE t.status = 'DONE' AND t.optimizer <> 'bop'
  GROUP BY t.trial_id, t.optimizer, t.init, t.clip, t.latent_dtype, t.seed, t.lr, t.lr_scale, t.init_scale,
           t.config_json
)
SELECT any_value(optimizer) AS optimizer, any_value(init) AS init, any_value(clip) AS clip,
       any_value(latent_dtype) AS latent_dtype, any_value(seed) AS seed, ratio,
       count(*) AS members,
       array_join(array_sort(collect_list(concat_ws(' x ', regexp_replace(CAST(lr AS STRING), '\\.0$', ''),
           regexp_replace(CAST(lr_scale AS STRING), '\\.0$', '')) || ' / '
           || regexp_replace(CAST(init_scale AS STRING), '\\.0$', ''))), '; ') AS lr_x_lr_scale_over_init_scale,
       count(DISTINCT trajectory) = 1 AS identical,
       CASE WHEN any_value(clip) THEN 'not expected: clipped'
            WHEN any_value(latent_dtype) = 'float64' THEN 'identical'
            ELSE 'identical up to rounding: float32 rounding may break it' END AS expected
FROM traj
GROUP BY others, ratio
HAVING count(DISTINCT lr, lr_scale, init_scale) >= 2
ORDER BY optimizer, init, clip, latent_dtype, ratio, seed
