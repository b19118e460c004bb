-- Prediction drift per run that predicted: its predicted label mix against the label mix of the training data of the model that predicted (split train of the run that trained and approved that model version) and against the previous predicting run's mix, with the change in negative share and the total variation distance (0: same mix, 1: disjoint).
WITH run_mix AS (
    SELECT
        run_id,
        min(ingest_date) AS ingest_date,
        max(model_version) AS model_version,
        min(predicted_at) AS predicted_at,
        count(*) AS predictions,
        CAST(count_if(label = -1) AS double) / count(*) AS negative,
        CAST(count_if(label = 0) AS double) / count(*) AS neutral,
        CAST(count_if(label = 1) AS double) / count(*) AS positive
    FROM predictions
    GROUP BY run_id
),
ordered AS (
    SELECT
        c.*,
        coalesce(r.started_at, c.predicted_at) AS run_started_at,
        lag(c.run_id) OVER (ORDER BY coalesce(r.started_at, c.predicted_at), c.run_id) AS previous_run_id,
        lag(c.negative) OVER (ORDER BY coalesce(r.started_at, c.predicted_at), c.run_id) AS previous_negative,
        lag(c.neutral) OVER (ORDER BY coalesce(r.started_at, c.predicted_at), c.run_id) AS previous_neutral,
        lag(c.positive) OVER (ORDER BY coalesce(r.started_at, c.predicted_at), c.run_id) AS previous_positive
    FROM run_mix AS c
    LEFT JOIN runs AS r
        ON r.run_id = c.run_id
),
trained AS (
    SELECT
        model_version,
        max_by(run_id, started_at) AS run_id
    FROM runs
    WHERE gate_decision = 'approved'
        AND model_version IS NOT NULL
    GROUP BY model_version
),
train_mix AS (
    SELECT
        t.model_version,
        t.run_id,
        count(*) AS labelled,
        CAST(count_if(m.label = -1) AS double) / count(*) AS negative,
        CAST(count_if(m.label = 0) AS double) / count(*) AS neutral,
        CAST(count_if(m.label = 1) AS double) / count(*) AS positive
    FROM trained AS t
    JOIN messages AS m
        ON m.run_id = t.run_id
    WHERE m.split = 'train'
        AND m.label IS NOT NULL
    GROUP BY t.model_version, t.run_id
)
SELECT
    o.run_id,
    o.ingest_date,
    o.run_started_at,
    o.model_version,
    o.predictions,
    round(o.negative, 4) AS negative_share,
    round(o.neutral, 4) AS neutral_share,
    round(o.positive, 4) AS positive_share,
    tm.run_id AS training_run_id,
    tm.labelled AS training_rows,
    round(tm.negative, 4) AS training_negative_share,
    round(tm.neutral, 4) AS training_neutral_share,
    round(tm.positive, 4) AS training_positive_share,
    round(o.negative - tm.negative, 4) AS negative_change_vs_training,
    round((abs(o.negative - tm.negative) + abs(o.neutral - tm.neutral) + abs(o.positive - tm.positive)) / 2, 4)
        AS tvd_vs_training,
    o.previous_run_id,
    round(o.previous_negative, 4) AS previous_negative_share,
    round(o.previous_neutral, 4) AS previous_neutral_share,
    round(o.previous_positive, 4) AS previous_positive_share,
    round(o.negative - o.previous_negative, 4) AS negative_change_vs_previous,
    round(
        (abs(o.negative - o.previous_negative) + abs(o.neutral - o.previous_neutral)
            + abs(o.positive - o.previous_positive)) / 2,
        4
    ) AS tvd_vs_previous
FROM ordered AS o
LEFT JOIN train_mix AS tm
    ON tm.model_version = o.model_version
ORDER BY o.run_started_at DESC, o.run_id
