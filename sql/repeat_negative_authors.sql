-- Authors with repeated negative sentiment: per source and author, at least 2 messages predicted negative (each message once, with its latest prediction), with their messages, negative count and share, mean priority, last message time and their most urgent negative message; the top 500.
SELECT
    m.source,
    m.author_id,
    count(*) AS messages,
    count_if(p.label = -1) AS negative,
    round(CAST(count_if(p.label = -1) AS double) / count(*), 4) AS negative_share,
    round(avg(p.priority), 2) AS mean_priority,
    max(m.created_at) AS last_message_at,
    max(m.created_at) FILTER (WHERE p.label = -1) AS last_negative_at,
    max_by(m.text, p.priority) FILTER (WHERE p.label = -1) AS most_urgent_text
FROM latest_predictions AS p
JOIN messages AS m
    ON m.message_id = p.message_id
    AND m.run_id = p.run_id
WHERE m.author_id IS NOT NULL
GROUP BY m.source, m.author_id
HAVING count_if(p.label = -1) >= 2
ORDER BY negative DESC, last_negative_at DESC, m.source, m.author_id
LIMIT 500
