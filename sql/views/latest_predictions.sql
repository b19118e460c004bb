-- Each message's latest prediction: the newest predicted_at, ties broken by the greater run_id (a prediction without a time is never the latest); the columns of predictions and the rank recency (always 1). Re-running an input predicts its messages again: queries that report per message read this view, per-run queries read predictions.
SELECT *
FROM (
    SELECT
        *,
        row_number() OVER (PARTITION BY message_id ORDER BY predicted_at DESC NULLS LAST, run_id DESC) AS recency
    FROM predictions
) AS ranked
WHERE recency = 1
