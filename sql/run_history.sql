-- Pipeline runs of the last 30 days, newest first: what each run read, curated and predicted, the quality gate's decision, the drift check's status and why a failed run failed.
SELECT
    run_id,
    ingest_date,
    mode,
    profile,
    status,
    started_at,
    finished_at,
    round(to_unixtime(finished_at) - to_unixtime(started_at), 1) AS duration_seconds,
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
    drift_status,
    drift_warnings,
    failure,
    input
FROM runs
WHERE ingest_date >= date_format(current_date - INTERVAL '30' DAY, '%Y-%m-%d')
ORDER BY started_at DESC
LIMIT 100
