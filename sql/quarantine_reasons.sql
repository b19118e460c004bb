-- Why rows were quarantined, per run (newest first): rows per reason code, their share of the run's quarantined rows and of its rows read, the raw objects involved, and the detail and raw text of the first example.
WITH reasons AS (
    SELECT
        ingest_date,
        run_id,
        reason,
        count(*) AS quarantined_rows,
        count(DISTINCT source_object) AS objects,
        min_by(detail, "row_number") AS example_detail,
        min_by(substr(raw, 1, 200), "row_number") AS example_raw
    FROM quarantine
    GROUP BY ingest_date, run_id, reason
)
SELECT
    q.ingest_date,
    q.run_id,
    q.reason,
    q.quarantined_rows,
    round(CAST(q.quarantined_rows AS double) / sum(q.quarantined_rows) OVER (PARTITION BY q.run_id), 4)
        AS share_of_quarantined,
    round(CAST(q.quarantined_rows AS double) / nullif(r.rows_read, 0), 4) AS share_of_rows_read,
    q.objects,
    q.example_detail,
    q.example_raw
FROM reasons AS q
LEFT JOIN runs AS r
    ON r.run_id = q.run_id
ORDER BY q.ingest_date DESC, r.started_at DESC, q.run_id, q.quarantined_rows DESC, q.reason
