-- The support queue: messages whose latest prediction is negative and from a run of the last 7 days, most urgent first (priority = 50 * (1 + p_negative - p_positive), so the most negative and most confident lead), each with its topic, text, author, time, source, model version and run; the top 100 (filter by topic with `pulso query support_queue --where topic=NAME`).
SELECT
    p.priority,
    p.confidence,
    p.p_negative,
    p.topic,
    m.text,
    m.author_id,
    m.created_at,
    m.source,
    p.message_id,
    p.model_version,
    p.run_id,
    p.predicted_at
FROM latest_predictions AS p
JOIN messages AS m
    ON m.message_id = p.message_id
    AND m.run_id = p.run_id
WHERE p.label = -1
    AND p.ingest_date >= date_format(current_date - INTERVAL '7' DAY, '%Y-%m-%d')
ORDER BY p.priority DESC, p.confidence DESC, m.created_at DESC, p.message_id
LIMIT 100
