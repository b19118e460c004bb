-- Messages to answer first in one run: the 100 highest-priority predictions with their text (run ids: run_history).
-- Parameters: the run id, twice (predictions, messages). run_id is projected as "injected": Athena needs it as a
-- literal for each table; there is no partition listing to take "the latest run" from.
SELECT
    p.priority,
    p.label_name,
    p.confidence,
    p.p_negative,
    m.created_at,
    m.author_id,
    m.text,
    p.message_id,
    m.source_object,
    p.model_version,
    p.predicted_at
FROM predictions AS p
JOIN messages AS m
    ON m.message_id = p.message_id
WHERE p.run_id = ?
    AND m.run_id = ?
ORDER BY p.priority DESC, p.p_negative DESC, p.message_id
LIMIT 100
