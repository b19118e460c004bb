-- Why rows of one run were quarantined: rows per reason and source object, with the first example (run ids: run_history).
-- Parameter: the run id (run_id is projected as "injected": Athena needs it as a literal).
SELECT
    reason,
    source,
    source_object,
    count(*) AS quarantined_rows,
    round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS percent_of_run,
    min("row_number") AS first_row,
    min_by(detail, "row_number") AS first_detail,
    min_by(substr(raw, 1, 200), "row_number") AS first_raw
FROM quarantine
WHERE run_id = ?
GROUP BY reason, source, source_object
ORDER BY quarantined_rows DESC, reason, source_object
