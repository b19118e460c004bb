-- Predicted sentiment per day the messages were written (UTC) and per source, over every run: messages, counts and shares of negative, neutral and positive, mean priority. Each message counts once, with its latest prediction; messages without created_at fall under a NULL day.
SELECT
    date(m.created_at) AS day,
    m.source,
    count(*) AS messages,
    count_if(p.label = -1) AS negative,
    count_if(p.label = 0) AS neutral,
    count_if(p.label = 1) AS positive,
    round(CAST(count_if(p.label = -1) AS double) / count(*), 4) AS negative_share,
    round(CAST(count_if(p.label = 0) AS double) / count(*), 4) AS neutral_share,
    round(CAST(count_if(p.label = 1) AS double) / count(*), 4) AS positive_share,
    round(avg(p.priority), 2) AS mean_priority
FROM latest_predictions AS p
JOIN messages AS m
    ON m.message_id = p.message_id
    AND m.run_id = p.run_id
GROUP BY date(m.created_at), m.source
ORDER BY day, m.source
