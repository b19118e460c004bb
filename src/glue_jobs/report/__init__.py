"""The run report job: one self-contained HTML page per run (accounting, evaluation, sentiment, queue, drift)."""
