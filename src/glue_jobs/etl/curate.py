"""Curate one chunk: raw records in, curated messages and quarantined rows out.

`curate_chunk` is a pure function of a pandas DataFrame (no I/O, no state), so the same code can run per partition
in a Spark-based Glue job (`mapInPandas`) when one machine is no longer enough. The rules that decide what is
quarantined, and with which reason code, are in `glue_jobs.etl.quarantine`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from glue_jobs.etl.quarantine import QUARANTINE_COLUMNS, RowRules
from pulso.config import EtlSettings, SourceProfile, SplitSpec

CURATED_COLUMNS = (
    "message_id", "source", "source_object", "source_row", "author_id", "created_at", "text", "text_clean",
    "lang", "label", "split",
)  # fmt: skip


@dataclass(frozen=True)
class ChunkContext:
    """Everything curation needs besides the rows: where they come from and the rules."""

    source: str
    source_object: str
    object_name: str
    profile: SourceProfile
    splits: SplitSpec
    settings: EtlSettings
    now: dt.datetime  # the run's clock, naive UTC


@dataclass
class ChunkResult:
    curated: pd.DataFrame
    quarantine: pd.DataFrame


def curate_chunk(frame: pd.DataFrame, context: ChunkContext) -> ChunkResult:
    """Validate, clean and label one chunk of raw records (columns: `glue_jobs.etl.read.RAW_COLUMNS`)."""
    checker = RowRules(frame, context)
    checker.check_all()
    rows = frame["source_row"].tolist()
    raws = frame["raw"].tolist()
    kept = [i for i, reason in enumerate(checker.reasons) if reason is None]
    rejected = [i for i, reason in enumerate(checker.reasons) if reason is not None]

    def pick(values: list[Any], indexes: list[int]) -> list[Any]:
        return [values[i] for i in indexes]

    curated = pd.DataFrame(
        {
            "message_id": pick(checker.message_ids, kept),
            "source": [context.source] * len(kept),
            "source_object": [context.source_object] * len(kept),
            "source_row": pd.array(pick(rows, kept), dtype="int64"),
            "author_id": pick(checker.author_ids, kept),
            "created_at": pd.Series(pick(checker.created, kept), dtype="datetime64[ns]"),
            "text": pick(checker.texts, kept),
            "text_clean": pick(checker.clean, kept),
            "lang": pick(checker.langs, kept),
            "label": pd.array(pick(checker.labels, kept), dtype="Int8"),
            "split": pick(checker.splits, kept),
        },
        columns=list(CURATED_COLUMNS),
    )
    quarantine = pd.DataFrame(
        {
            "source": [context.source] * len(rejected),
            "source_object": [context.source_object] * len(rejected),
            "row_number": pd.array(pick(rows, rejected), dtype="int64"),
            "reason": pick(checker.reasons, rejected),
            "detail": pick(checker.details, rejected),
            "raw": pick(raws, rejected),
            "quarantined_at": pd.Series([context.now] * len(rejected), dtype="datetime64[ns]"),
        },
        columns=list(QUARANTINE_COLUMNS),
    )
    return ChunkResult(curated=curated, quarantine=quarantine)
