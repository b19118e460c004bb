-- Predicted sentiment per day the messages were written, in one run: counts and shares per label (run ids: run_history).
-- Parameters: the run id, twice (predictions, messages). Messages without created_at are counted under a NULL day.
SELECT
    date(m.created_at) AS day,
    count(*) AS messages,
    count_if(p.label = -1) AS negative,
    count_if(p.label = 0) AS neutral,
    count_if(p.label = 1) AS positive,
    round(CAST(count_if(p.label = -1) AS double) / count(*), 4) AS negative_share,
    round(CAST(count_if(p.label = 1) AS double) / count(*), 4) AS positive_share,
    round(avg(p.priority), 4) AS mean_priority
FROM predictions AS p
JOIN messages AS m
    ON m.message_id = p.message_id
WHERE p.run_id = ?
    AND m.run_id = ?
GROUP BY date(m.created_at)
ORDER BY day NULLS LAST
