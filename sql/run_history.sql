-- Pipeline runs of the last 30 days, newest first: what each run read, curated and predicted, and the quality gate's decision.
SELECT
    run_id,
    ingest_date,
    mode,
    profile,
    status,
    started_at,
    finished_at,
    date_diff('second', started_at, finished_at) AS duration_seconds,
    rows_read,
    curated,
    quarantined,
    duplicates,
    labelled,
    predictions,
    model_version,
    candidate_macro_recall,
    champion_macro_recall,
    gate_decision,
    gate_reason,
    input
FROM runs
WHERE ingest_date >= date_format(current_date - INTERVAL '30' DAY, '%Y-%m-%d')
ORDER BY started_at DESC
LIMIT 100
