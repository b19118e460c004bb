"""The per-chunk transform: raw records in, curated messages and quarantined rows out.

`transform_chunk` is a pure function of a pandas DataFrame (no I/O, no state), so the same code can run
per partition in a Spark-based Glue job (`mapInPandas`) when one machine is no longer enough.

Each row gets the first reason that applies, in this order: reader error, filtered_by_profile,
missing_text, encoding_error, text_too_long, bad_label, bad_split, bad_timestamp, bad_id,
empty_after_cleaning. Rows with no reason are curated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from glue_jobs.etl.timestamps import timestamp_parser
from pulso.config import EtlSettings, SourceProfile, SplitSpec
from pulso.ids import UNLABELLED, assign_split, derived_message_id
from pulso.labels import map_label
from pulso.text import detect_language, normalise

CURATED_COLUMNS = (
    "message_id", "source", "source_object", "source_row", "author_id", "created_at", "text", "text_clean",
    "lang", "label", "split",
)  # fmt: skip
QUARANTINE_COLUMNS = ("source", "source_object", "row_number", "reason", "detail", "raw", "quarantined_at")
_FUTURE_TOLERANCE = dt.timedelta(days=1)
_SURROGATES = re.compile("[\ud800-\udfff]")  # e.g. a lone "\\ud83d" escape in JSON: not valid Unicode text
_SHOWABLE = re.compile(r"[A-Za-z][A-Za-z_-]{0,23}|[+-]?[0-9]{1,3}")  # a label, split or flag; never a message


@dataclass(frozen=True)
class ChunkContext:
    """Everything the transform needs besides the rows: where they come from and the rules."""

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


def _has_surrogates(value: str | None) -> bool:
    return value is not None and not value.isascii() and _SURROGATES.search(value) is not None


def _shown(value: str | None) -> str:
    """A field value as a row detail may name it: a short word or a small number is quoted; anything else
    could be message content (a shifted column, a pasted card number) and is described by its length."""
    if value is None or _SHOWABLE.fullmatch(value):
        return repr(value)
    return f"(a {len(value)}-character value)"


def _values(series: pd.Series) -> list[Any]:
    """Column values as a list, with every kind of missing value (None, NaN, NA) as None."""
    values = series.astype(object)
    return values.where(values.notna(), None).tolist()


class _RowChecker:
    """Validates and cleans one row at a time; fills the per-row output lists."""

    def __init__(self, frame: pd.DataFrame, context: ChunkContext) -> None:
        self.context = context
        self.reasons: list[str | None] = _values(frame["read_error"])
        self.details: list[str | None] = _values(frame["read_detail"])
        self.texts = _values(frame["text"])
        self.given_ids = _values(frame["message_id"])
        self.given_labels = _values(frame["label"])
        self.given_splits = _values(frame["split"])
        self.given_times = _values(frame["created_at"])
        self.keep_values = _values(frame["keep"])
        self.author_ids = [None if a is None else a.strip() or None for a in _values(frame["author_id"])]
        size = len(frame)
        self.message_ids: list[str | None] = [None] * size
        self.labels: list[int | None] = [None] * size
        self.splits: list[str | None] = [None] * size
        self.created: list[dt.datetime | None] = [None] * size
        self.clean: list[str | None] = [None] * size
        self.langs: list[str | None] = [None] * size
        self._parse_time = timestamp_parser(context.profile.timestamp_format)
        self._time_cache: dict[str, dt.datetime | str] = {}

    def check_all(self) -> None:
        for index in range(len(self.reasons)):
            if self.reasons[index] is None:
                failure = self._check(index)
                if failure is not None:
                    self.reasons[index], self.details[index] = failure

    def _check(self, i: int) -> tuple[str, str] | None:
        profile, settings = self.context.profile, self.context.settings
        keep = profile.keep_rows_where
        if keep is not None and self.keep_values[i] not in keep.values:
            return (
                "filtered_by_profile",
                f"{keep.column}={_shown(self.keep_values[i])} is not one of {sorted(keep.values)}",
            )
        text = self.texts[i]
        if text is None or not text.strip():
            return "missing_text", "the text is missing or blank"
        if "\x00" in text:
            return "encoding_error", "NUL characters in the text"
        if _has_surrogates(text) or _has_surrogates(self.given_ids[i]) or _has_surrogates(self.author_ids[i]):
            return "encoding_error", "unpaired UTF-16 surrogates (a broken \\u escape?)"
        if len(text) > settings.max_text_chars:
            return (
                "text_too_long",
                f"{len(text)} characters, more than etl.max_text_chars={settings.max_text_chars}",
            )

        given_label = self.given_labels[i]
        if given_label is not None and given_label.strip():
            label = map_label(given_label, profile.label_mapping or {})
            if label is None:
                return (
                    "bad_label",
                    f"label {_shown(given_label)} is not in the label mapping of profile {profile.name!r}",
                )
            self.labels[i] = label

        given_split = self.given_splits[i]
        if given_split is not None and given_split.strip():
            split = self.context.splits.aliases.get(given_split.strip().lower())
            if split is None:
                return "bad_split", f"split {_shown(given_split)} is not train, validation or test"
            self.splits[i] = split

        given_time = self.given_times[i]
        if given_time is not None and given_time.strip():
            created = self._timestamp(given_time.strip())
            if isinstance(created, str):
                return "bad_timestamp", created
            self.created[i] = created

        message_id = (self.given_ids[i] or "").strip()
        if not message_id:
            message_id = derived_message_id(self.context.object_name, text)
        elif len(message_id) > settings.max_id_chars:
            return (
                "bad_id",
                f"{len(message_id)} characters, more than etl.max_id_chars={settings.max_id_chars}",
            )
        self.message_ids[i] = message_id

        clean = normalise(text)
        if not clean:
            return "empty_after_cleaning", "nothing is left after normalisation"
        self.clean[i] = clean
        self.langs[i] = detect_language(clean)
        if self.labels[i] is None:
            self.splits[i] = UNLABELLED
        elif self.splits[i] is None:
            self.splits[i] = assign_split(message_id, self.context.splits.fractions)
        return None

    def _timestamp(self, text: str) -> dt.datetime | str:
        """The parsed timestamp, or a string explaining why it is bad (cached per distinct value)."""
        cached = self._time_cache.get(text)
        if cached is not None:
            return cached
        earliest = self.context.settings.timestamp_min
        latest = self.context.now + _FUTURE_TOLERANCE
        try:
            value: dt.datetime | str = self._parse_time(text)
        except (ValueError, OverflowError, OSError):
            value = f"created_at {_shown(text)} does not match the format {self.context.profile.timestamp_format!r}"
        else:
            if not earliest <= value <= latest:
                value = f"created_at {value:%Y-%m-%d} lies outside [{earliest:%Y-%m-%d}, run time + 1 day]"
        if len(self._time_cache) < 100_000:
            self._time_cache[text] = value
        return value


def transform_chunk(frame: pd.DataFrame, context: ChunkContext) -> ChunkResult:
    """Validate, clean and label one chunk of raw records (columns: `glue_jobs.etl.read.RAW_COLUMNS`)."""
    checker = _RowChecker(frame, context)
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
