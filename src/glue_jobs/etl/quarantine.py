"""The quarantine rules: every reason code a row or an object can be quarantined with, defined once with its rule.

A row gets the first reason that applies, in `ROW_RULE_ORDER`; a row with none is curated. Reader-level reasons
(the record or the object cannot be read) come from `glue_jobs.etl.read`, which raises or records them with the
codes defined here. The rules are pure functions of the row values (no I/O), so the same code runs per pandas
chunk in the Python-shell job and per partition in a Spark job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from glue_jobs.etl.timestamps import timestamp_parser
from pulso.config import EtlSettings, SourceProfile, SplitSpec
from pulso.ids import UNLABELLED, assign_split, derived_message_id
from pulso.labels import map_label
from pulso.text import detect_language, normalise


@dataclass(frozen=True)
class Reason:
    """A quarantine reason: its code (the `reason` column) and the rule, as the data contract states it."""

    code: str
    rule: str


UNREADABLE_OBJECT = Reason(
    "unreadable_object", "The object as a whole cannot be read (corrupt gzip, stream error); row_number is 0"
)
MISSING_COLUMNS = Reason(
    "missing_columns", "The object lacks a column the profile needs (wrong delimiter or wrong profile); row_number is 0"
)
UNPARSEABLE_ROW = Reason(
    "unparseable_row", "The row cannot be parsed: wrong number of fields, broken quoting, invalid JSON, too large"
)
ENCODING_ERROR = Reason(
    "encoding_error", "The row holds bytes that are not valid in the profile's encoding, or NUL characters"
)
FILTERED_BY_PROFILE = Reason(
    "filtered_by_profile", "The profile excludes the row by design (e.g. twcs replies written by the company)"
)
MISSING_TEXT = Reason("missing_text", "The text is missing or blank")
TEXT_TOO_LONG = Reason("text_too_long", "The text is longer than etl.max_text_chars")
BAD_LABEL = Reason("bad_label", "The label is not in the profile's label mapping")
BAD_SPLIT = Reason("bad_split", "The split column holds something other than train, validation or test")
BAD_TIMESTAMP = Reason(
    "bad_timestamp", "created_at cannot be parsed or lies outside [etl.timestamp_min, run time + 1 day]"
)
BAD_ID = Reason("bad_id", "The message id is longer than etl.max_id_chars")
EMPTY_AFTER_CLEANING = Reason("empty_after_cleaning", "Nothing is left after normalisation (only invisible characters)")

OBJECT_REASONS = (UNREADABLE_OBJECT, MISSING_COLUMNS)
READER_REASONS = (UNPARSEABLE_ROW, ENCODING_ERROR)
ROW_RULE_ORDER = (
    FILTERED_BY_PROFILE, MISSING_TEXT, ENCODING_ERROR, TEXT_TOO_LONG, BAD_LABEL, BAD_SPLIT, BAD_TIMESTAMP, BAD_ID,
    EMPTY_AFTER_CLEANING,
)  # fmt: skip
REASONS: dict[str, Reason] = {reason.code: reason for reason in (*OBJECT_REASONS, *READER_REASONS, *ROW_RULE_ORDER)}
QUARANTINE_COLUMNS = ("source", "source_object", "row_number", "reason", "detail", "raw", "quarantined_at")

_FUTURE_TOLERANCE = dt.timedelta(days=1)
_SURROGATES = re.compile("[\ud800-\udfff]")  # e.g. a lone "\\ud83d" escape in JSON: not valid Unicode text
_SHOWABLE = re.compile(r"[A-Za-z][A-Za-z_-]{0,23}|[+-]?[0-9]{1,3}")  # a label, split or flag; never a message
_INVALID_BYTES = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of undecodable bytes


class RuleContext(Protocol):
    """What the row rules need besides the rows (`glue_jobs.etl.curate.ChunkContext` is one)."""

    object_name: str
    profile: SourceProfile
    splits: SplitSpec
    settings: EtlSettings
    now: dt.datetime


def has_invalid_bytes(raw: str) -> bool:
    """Whether a record read with surrogateescape holds bytes that are not valid in its encoding."""
    return _INVALID_BYTES.search(raw) is not None


def raw_row_problem(raw: str) -> tuple[str | None, str | None, str]:
    """The encoding rule on a raw record as read: (reason code, detail, storable raw); (None, None, raw) when fine."""
    if has_invalid_bytes(raw):
        return (
            ENCODING_ERROR.code,
            "bytes that are not valid in the profile's encoding",
            raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),  # undecodable bytes as \\xNN
        )
    if "\x00" in raw:
        return (
            ENCODING_ERROR.code,
            "NUL characters (a binary or UTF-16 file read as text?)",
            raw.replace("\x00", "\\x00"),
        )
    return None, None, raw


def _has_surrogates(value: str | None) -> bool:
    return value is not None and not value.isascii() and _SURROGATES.search(value) is not None


def shown(value: str | None) -> str:
    """A field value as a row detail may name it: a short word or a small number is quoted; anything else
    could be message content (a shifted column, a pasted card number) and is described by its length."""
    if value is None or _SHOWABLE.fullmatch(value):
        return repr(value)
    return f"(a {len(value)}-character value)"


def _values(series: pd.Series) -> list[Any]:
    """Column values as a list, with every kind of missing value (None, NaN, NA) as None."""
    values = series.astype(object)
    return values.where(values.notna(), None).tolist()


class RowRules:
    """The row rules: validates one row at a time, in `ROW_RULE_ORDER`, and fills the per-row output lists with
    the cleaned values of the rows that pass (the cleaning a rule needs: the text after normalisation)."""

    def __init__(self, frame: pd.DataFrame, context: RuleContext) -> None:
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
                FILTERED_BY_PROFILE.code,
                f"{keep.column}={shown(self.keep_values[i])} is not one of {sorted(keep.values)}",
            )
        text = self.texts[i]
        if text is None or not text.strip():
            return MISSING_TEXT.code, "the text is missing or blank"
        if "\x00" in text:
            return ENCODING_ERROR.code, "NUL characters in the text"
        if _has_surrogates(text) or _has_surrogates(self.given_ids[i]) or _has_surrogates(self.author_ids[i]):
            return ENCODING_ERROR.code, "unpaired UTF-16 surrogates (a broken \\u escape?)"
        if len(text) > settings.max_text_chars:
            return (
                TEXT_TOO_LONG.code,
                f"{len(text)} characters, more than etl.max_text_chars={settings.max_text_chars}",
            )

        given_label = self.given_labels[i]
        if given_label is not None and given_label.strip():
            label = map_label(given_label, profile.label_mapping or {})
            if label is None:
                return (
                    BAD_LABEL.code,
                    f"label {shown(given_label)} is not in the label mapping of profile {profile.name!r}",
                )
            self.labels[i] = label

        given_split = self.given_splits[i]
        if given_split is not None and given_split.strip():
            split = self.context.splits.aliases.get(given_split.strip().lower())
            if split is None:
                return BAD_SPLIT.code, f"split {shown(given_split)} is not train, validation or test"
            self.splits[i] = split

        given_time = self.given_times[i]
        if given_time is not None and given_time.strip():
            created = self._timestamp(given_time.strip())
            if isinstance(created, str):
                return BAD_TIMESTAMP.code, created
            self.created[i] = created

        message_id = (self.given_ids[i] or "").strip()
        if not message_id:
            message_id = derived_message_id(self.context.object_name, text)
        elif len(message_id) > settings.max_id_chars:
            return (
                BAD_ID.code,
                f"{len(message_id)} characters, more than etl.max_id_chars={settings.max_id_chars}",
            )
        self.message_ids[i] = message_id

        clean = normalise(text)
        if not clean:
            return EMPTY_AFTER_CLEANING.code, "nothing is left after normalisation"
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
            value = f"created_at {shown(text)} does not match the format {self.context.profile.timestamp_format!r}"
        else:
            if not earliest <= value <= latest:
                value = f"created_at {value:%Y-%m-%d} lies outside [{earliest:%Y-%m-%d}, run time + 1 day]"
        if len(self._time_cache) < 100_000:
            self._time_cache[text] = value
        return value
