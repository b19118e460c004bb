-- Model versions and the quality gate: each candidate the gate judged (approved ones with their model version, rejected ones without) with its test macro-recall, the champion's, the decision and its reason, the run that trained it and when; and per model version the runs and predictions it made.
WITH gates AS (
    SELECT
        CASE WHEN gate_decision = 'approved' THEN model_version END AS model_version,
        gate_decision,
        candidate_macro_recall,
        champion_macro_recall,
        gate_reason,
        run_id,
        finished_at
    FROM runs
    WHERE gate_decision IN ('approved', 'rejected')
),
usage AS (
    SELECT
        model_version,
        count(*) AS runs_predicted,
        sum(predictions) AS predictions,
        min(started_at) AS first_used_at,
        max(finished_at) AS last_used_at,
        max_by(run_id, started_at) AS last_run_id
    FROM runs
    WHERE model_version IS NOT NULL
    GROUP BY model_version
)
SELECT
    coalesce(g.model_version, u.model_version) AS model_version,
    g.gate_decision,
    g.candidate_macro_recall,
    g.champion_macro_recall,
    g.gate_reason,
    g.run_id AS trained_in_run,
    g.finished_at AS trained_at,
    u.runs_predicted,
    u.predictions,
    u.first_used_at,
    u.last_used_at,
    u.last_run_id
FROM gates AS g
FULL OUTER JOIN usage AS u
    ON u.model_version = g.model_version
ORDER BY coalesce(g.finished_at, u.first_used_at) DESC, g.run_id
