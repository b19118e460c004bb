"""Read the approved topic map (and its embedder) from the models bucket, for the discovery and publish jobs."""

from __future__ import annotations

import json
import logging
from typing import Any

from glue_jobs.common.storage import ObjectStore, join_uri, read_bytes_if_exists
from pulso.config import PulsoConfig
from pulso.layout import EMBEDDER_FILE, MAP_FILE
from pulso.topics.category_map import CategoryMap
from pulso.topics.embedders import Embedder, from_bytes

log = logging.getLogger("pulso.topics")

ApprovedMap = tuple[CategoryMap, Embedder]


def latest_pointer(store: ObjectStore, models_root: str, config: PulsoConfig) -> dict[str, Any] | None:
    """`topic-maps/latest.json` ({"version", "prefix"}), or None before the first approval."""
    data = read_bytes_if_exists(store, join_uri(models_root, config.layout.topic_map_pointer))
    return None if data is None else json.loads(data)


def load_latest_map(store: ObjectStore, models_root: str, config: PulsoConfig) -> ApprovedMap | None:
    """The newest approved map with its embedder; None before the first approval. An unreadable map is
    logged and treated as none (topics are an annotation: they never fail a run)."""
    try:
        pointer = latest_pointer(store, models_root, config)
        if pointer is None:
            return None
        prefix = join_uri(models_root, str(pointer["prefix"]))
        document = read_bytes_if_exists(store, join_uri(prefix, MAP_FILE))
        embedder = read_bytes_if_exists(store, join_uri(prefix, EMBEDDER_FILE))
        if document is None or embedder is None:
            raise ValueError(f"{prefix} lacks {MAP_FILE} or {EMBEDDER_FILE}")
        return CategoryMap.from_json(json.loads(document)), from_bytes(embedder)
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("the approved topic map cannot be read, topics are not assigned: %s", error)
        return None
