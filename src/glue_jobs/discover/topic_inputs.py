"""What topic discovery reads: the curated messages of a window of ingest dates, and their latest predictions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from glue_jobs.common.storage import ObjectStore, join_uri, read_parquet_object
from pulso.config import PulsoConfig
from pulso.embeddings import find_embeddings, load_embeddings
from pulso.layout import partition_value
from pulso.topics.embedders import GloveMeanEmbedder

MESSAGE_COLUMNS = ["message_id", "text", "text_clean"]
PREDICTION_COLUMNS = ["message_id", "label", "predicted_at"]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def window_dates(to_date: dt.date, days: int) -> tuple[str, str]:
    """(first, last) ingest dates of a window of `days` days ending on `to_date`."""
    return (to_date - dt.timedelta(days=days - 1)).isoformat(), to_date.isoformat()


def _parquet_in_window(store: ObjectStore, table_root: str, first: str, last: str) -> list[tuple[str, str]]:
    """(object URI, ingest date) of every Parquet object of a table whose ingest_date is in [first, last]."""
    found = []
    for obj in store.list_objects(table_root):
        day = partition_value(obj.uri, "ingest_date")
        if obj.name.endswith(".parquet") and day and _DATE.fullmatch(day) and first <= day <= last:
            found.append((obj.uri, day))
    return sorted(found)


def read_window_messages(
    store: ObjectStore, roots: dict[str, str], config: PulsoConfig, first: str, last: str
) -> pd.DataFrame:
    """Curated messages with ingest dates in [first, last]: MESSAGE_COLUMNS and `ingest_date`."""
    table = config.table("messages")
    frames = []
    for uri, ingest_date in _parquet_in_window(store, join_uri(roots[table.bucket], table.prefix), first, last):
        frame = read_parquet_object(store, uri, MESSAGE_COLUMNS)
        frame["ingest_date"] = ingest_date
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*MESSAGE_COLUMNS, "ingest_date"])
    return pd.concat(frames, ignore_index=True)


def latest_labels(store: ObjectStore, roots: dict[str, str], config: PulsoConfig, first: str) -> dict[str, int]:
    """The latest predicted label of every message predicted on or after `first`."""
    table = config.table("predictions")
    frames = [
        read_parquet_object(store, uri, PREDICTION_COLUMNS)
        for uri, _ in _parquet_in_window(store, join_uri(roots[table.bucket], table.prefix), first, "9999-12-31")
    ]
    if not frames:
        return {}
    predictions = pd.concat(frames, ignore_index=True).sort_values(["message_id", "predicted_at"], kind="stable")
    latest = predictions.drop_duplicates("message_id", keep="last")
    return dict(zip(latest["message_id"].astype(str), latest["label"].astype(int)))


def unique_latest(messages: pd.DataFrame) -> pd.DataFrame:
    """One row per message id: the one of the latest ingest date (then the last read)."""
    ordered = messages.sort_values(["message_id", "ingest_date"], kind="stable")
    return ordered.drop_duplicates("message_id", keep="last").reset_index(drop=True)


def stable_sample(messages: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """At most `size` messages: the ones with the smallest hash of (seed, message id) — the same ids every time."""
    if len(messages) <= size:
        return messages
    keys = [hashlib.sha1(f"{seed}:{message_id}".encode()).hexdigest() for message_id in messages["message_id"]]
    order = sorted(range(len(keys)), key=keys.__getitem__)[:size]
    return messages.iloc[sorted(order)].reset_index(drop=True)


def glove_embedder(store: ObjectStore, models_root: str, config: PulsoConfig, words: set[str]) -> GloveMeanEmbedder:
    """Mean-GloVe embedder over `words`, from the embeddings the training job reads (`embeddings/` in models)."""
    prefix = join_uri(models_root, config.layout.embeddings) + "/"
    with tempfile.TemporaryDirectory(prefix="pulso-embeddings-") as folder:
        channel = Path(folder)
        for obj in store.list_objects(prefix):
            target = channel / obj.uri[len(prefix) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            with store.open_read(obj.uri) as stream, open(target, "wb") as out:
                shutil.copyfileobj(stream, out)
        source = find_embeddings(channel, "", "auto")
        vectors = load_embeddings(source, words, 0)
        described = vectors.source.replace(str(channel), prefix.rstrip("/")).replace(channel.name, prefix.rstrip("/"))
        return GloveMeanEmbedder(tuple(vectors.words), vectors.vectors, described)
