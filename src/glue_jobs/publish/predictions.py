"""Batch Transform output -> rows of the `predictions` table, plus error records that are kept, never lost.

Batch Transform writes one `<input name>.out` object per input shard: one JSON line per input line, in order,
either a prediction `{message_id, label, label_name, p_negative, p_neutral, p_positive, confidence, priority,
model_version}` or an error record `{message_id, error, model_version}`. Every non-blank line becomes exactly
one table row or one `ErrorRecord`:

- an error record written by the model is kept as it is;
- a line that is not JSON (or longer than `etl.max_record_bytes`) is an error record with error "not JSON"
  (or "line longer than N bytes");
- a JSON line that is not a valid prediction (not an object, a field missing or of the wrong type, a label
  outside the label space) is an error record that says why.

The fields a prediction must hold are the columns of `tables.predictions` in the configuration, except the
ones the job fills itself (`predicted_at`, the run time; `topic` and `topic_map_version`, see
`glue_jobs.publish.topic_assignment`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from glue_jobs.common.writers import TablePartWriter
from glue_jobs.publish.topic_assignment import TOPIC_COLUMNS, TopicAssigner
from pulso.config import ColumnSpec, LabelSpec, TableSpec
from pulso.errors import ConfigError

TABLE = "predictions"
RUN_COLUMNS = ("predicted_at",)  # filled by the job with the run time, not by the model
JOB_COLUMNS = RUN_COLUMNS + TOPIC_COLUMNS  # every column the job fills itself
OUTPUT_SUFFIX = ".out"  # Batch Transform names each output object <input object name>.out
NOT_JSON = "not JSON"
RAW_KEEP_CHARS = 1000  # an error record keeps at most this much of the line it comes from

_INTEGER_BITS = {"tinyint": 8, "smallint": 16, "int": 32, "bigint": 64}
_FLOAT_TYPES = ("double", "float")


@dataclass(frozen=True)
class ErrorRecord:
    """A line of a `.out` object that gives no prediction, and where it was."""

    object: str
    line: int
    message_id: Any
    error: str
    model_version: Any = None
    raw: str | None = None  # the line itself, when it is not an error record written by the model

    def to_json(self) -> str:
        record = {
            "object": self.object,
            "line": self.line,
            "message_id": self.message_id,
            "error": self.error,
            "model_version": self.model_version,
        }
        if self.raw is not None:
            record["raw"] = self.raw
        return json.dumps(record, ensure_ascii=False)


Row = tuple  # one predictions-table row without the run columns, in the table's column order


class _NotAPredictionError(Exception):
    """A JSON object that is not a valid prediction; the message says why."""


def _describe(value: Any) -> str:
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)[:40]
    return f"a JSON {type(value).__name__}"


def _string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _NotAPredictionError(f"{name} must be a string (got {_describe(value)})")
    return value


def _integer(bits: int) -> Callable[[str, Any], int]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def convert(name: str, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _NotAPredictionError(f"{name} must be an integer in [{low}, {high}] (got {_describe(value)})")
        return value

    return convert


def _number(name: str, value: Any) -> float:
    number = math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.nan
    if not math.isfinite(number):
        raise _NotAPredictionError(f"{name} must be a finite number (got {_describe(value)})")
    return number


def _converter(column: ColumnSpec) -> Callable[[str, Any], Any]:
    if column.type == "string":
        return _string
    if column.type in _INTEGER_BITS:
        return _integer(_INTEGER_BITS[column.type])
    if column.type in _FLOAT_TYPES:
        return _number
    raise ConfigError(
        f"config: tables.{TABLE}.columns.{column.name}: the publish job cannot fill a {column.type} column "
        f"from Batch Transform output (supported: string, {', '.join(_INTEGER_BITS)}, {', '.join(_FLOAT_TYPES)})"
    )


class PredictionParser:
    """Turns one line of a `.out` object into a table row or an `ErrorRecord`."""

    def __init__(self, table: TableSpec, labels: LabelSpec) -> None:
        columns = [column for column in table.columns if column.name not in JOB_COLUMNS]
        self.fields = tuple(column.name for column in columns)
        self._converters = [(column.name, _converter(column)) for column in columns]
        self._label_names = {label.value: label.name for label in labels.classes}
        self._label_index = self.fields.index("label") if "label" in self.fields else None
        self._name_index = self.fields.index("label_name") if "label_name" in self.fields else None

    def parse(self, line: bytes, object_uri: str, number: int) -> Row | ErrorRecord:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
            return ErrorRecord(object_uri, number, None, NOT_JSON, raw=_raw(line))
        if not isinstance(record, dict):
            problem = f"a JSON {type(record).__name__}, not an object"
            return ErrorRecord(object_uri, number, None, problem, raw=_raw(line))
        if record.get("error") is not None:
            error = record["error"]
            return ErrorRecord(
                object_uri,
                number,
                record.get("message_id"),
                error if isinstance(error, str) else json.dumps(error, ensure_ascii=False),
                record.get("model_version"),
            )
        try:
            return self._row(record)
        except _NotAPredictionError as problem:
            message_id = record.get("message_id")
            model_version = record.get("model_version")
            return ErrorRecord(object_uri, number, message_id, str(problem), model_version, raw=_raw(line))

    def _row(self, record: dict[str, Any]) -> Row:
        missing = [name for name in self.fields if record.get(name) is None]
        if missing:
            raise _NotAPredictionError(f"not a prediction: missing {', '.join(missing)}")
        row = tuple(convert(name, record[name]) for name, convert in self._converters)
        if self._label_index is not None:
            label = row[self._label_index]
            if label not in self._label_names:
                raise _NotAPredictionError(f"label {label} is not one of {sorted(self._label_names)}")
            if self._name_index is not None and row[self._name_index] != self._label_names[label]:
                raise _NotAPredictionError(f"label_name {row[self._name_index]!r} does not match label {label}")
        return row


def too_long(object_uri: str, number: int, max_bytes: int) -> ErrorRecord:
    return ErrorRecord(object_uri, number, None, f"line longer than {max_bytes} bytes")


def _raw(line: bytes) -> str:
    return line.decode("utf-8", errors="backslashreplace").rstrip("\r\n")[:RAW_KEEP_CHARS]


class PredictionRows:
    """Buffers prediction rows and writes a numbered Parquet part (`part-NNNNN`) every `chunk_rows` rows."""

    def __init__(
        self,
        writer: TablePartWriter,
        fields: tuple[str, ...],
        chunk_rows: int,
        now: dt.datetime,
        topics: TopicAssigner | None = None,
    ) -> None:
        self.writer = writer
        self.topics = topics
        self._topic_columns = [name for name in TOPIC_COLUMNS if name in writer.table.column_names]
        self.fields = fields
        self.chunk_rows = chunk_rows
        self.now = now
        self.written = 0
        self._rows: list[Row] = []

    def add(self, row: Row) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        frame = pd.DataFrame.from_records(self._rows, columns=list(self.fields))
        for name in RUN_COLUMNS:
            frame[name] = pd.Series([self.now] * len(frame), dtype="datetime64[ns]")
        if self._topic_columns:
            topics = self.topics.assign(frame["message_id"].tolist()) if self.topics else None
            for name in self._topic_columns:
                frame[name] = topics[name].to_numpy() if topics is not None else None
        self.writer.write(frame, f"part-{len(self.writer.parts):05d}")
        self.written += len(frame)
        self._rows = []
