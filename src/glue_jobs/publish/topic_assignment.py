"""Topics on predictions: the publish job gives each prediction the topic of the newest approved map.

The run's curated messages give the tokens (`text_clean`); the approved map's own embedder embeds them and the
nearest approved centroid names the topic (`other` beyond its distance threshold). Before any approval, or when
the map cannot be read, `topic` and `topic_map_version` stay null: topics annotate predictions, they never fail
a run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import pandas as pd

from glue_jobs.common.topic_maps import ApprovedMap
from pulso.topics.category_map import OTHER
from pulso.topics.tokens import content_tokens

log = logging.getLogger("pulso.topics")

TOPIC_COLUMNS = ("topic", "topic_map_version")


class TopicAssigner:
    """Assigns the approved topics to message ids, given the run's messages (id -> text_clean)."""

    def __init__(self, approved: ApprovedMap, texts: Mapping[str, str | None]) -> None:
        self.map, self.embedder = approved
        self.texts = texts
        self.counts: dict[str, int] = {}

    @classmethod
    def for_run(cls, approved: ApprovedMap | None, messages: pd.DataFrame | None) -> TopicAssigner | None:
        """An assigner over the run's messages (`message_id`, `text_clean`); None without an approved map or
        messages (topics stay null)."""
        if approved is None or messages is None:
            return None
        texts = dict(zip(messages["message_id"].astype(str), messages["text_clean"]))
        log.info("topics: map version %d (%d categories) over %d messages", approved[0].version,
                 len(approved[0].categories), len(texts))  # fmt: skip
        return cls(approved, texts)

    def assign(self, message_ids: Sequence[str]) -> pd.DataFrame:
        """The topic columns for `message_ids` (a message without tokens or not in the run gets `other`)."""
        tokens = [content_tokens(self.texts.get(str(message_id))) for message_id in message_ids]
        embeddings, embedded = self.embedder.embed(tokens)
        topics, _ = self.map.assign(embeddings, embedded)
        for topic in topics:
            self.counts[topic] = self.counts.get(topic, 0) + 1
        return pd.DataFrame({
            "topic": pd.Series(topics, dtype=object),
            "topic_map_version": pd.Series([self.map.version] * len(topics), dtype="Int32"),
        })  # fmt: skip

    def summary(self) -> dict[str, object]:
        return {"map_version": self.map.version, "counts": dict(sorted(self.counts.items())), "other": OTHER}
