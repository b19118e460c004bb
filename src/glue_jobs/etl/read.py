"""Stream raw objects as chunks of raw records; every record keeps its number and its raw text.

Formats: CSV (with or without header), JSON Lines, TweetEval text+label file pairs; any of them gzipped
(detected by content, not by name). Memory is bounded by the chunk size and `etl.max_record_bytes`,
never by the object size.

Each chunk is a DataFrame with the columns `RAW_COLUMNS`: the record number, the raw row, a reader
error (reason code) when the record could not be parsed, and the profile's fields under their canonical
names, as strings. Validation happens later, in `glue_jobs.etl.curate`.

Why the standard library's csv module and not a block parser: the data contract needs, per record, the
raw text, the record number, per-row encoding errors and tolerance for bare carriage returns inside
unquoted texts (the twcs export has them); record-level parsing gives all four exactly.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import pandas as pd

from glue_jobs.common.lines import bounded_lines
from glue_jobs.common.storage import ObjectStore, StoredObject
from glue_jobs.etl.quarantine import (
    BAD_LABEL,
    MISSING_COLUMNS,
    UNPARSEABLE_ROW,
    UNREADABLE_OBJECT,
    has_invalid_bytes,
    raw_row_problem,
)
from pulso.config import CANONICAL_FIELDS, CsvOptions, EtlSettings, SourceProfile
from pulso.errors import InputError

KEEP_FIELD = "keep"
EXTRACTED_FIELDS = (*CANONICAL_FIELDS, KEEP_FIELD)
RAW_COLUMNS = ("source_row", "raw", "read_error", "read_detail", *EXTRACTED_FIELDS)

_GZIP_MAGIC = b"\x1f\x8b"
_SUSPECT_CHARS = re.compile("[\udc80-\udcff\x00]")
_CR_SENTINEL = "\U0010fffd"  # stands in for a bare CR while the csv module parses a line
_TWEETEVAL_TEXT = re.compile(r"^(?P<split>.+)_text\.txt(?:\.gz)?$")
_CORRUPT_STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
# A header field shown in an error: a plain identifier. Anything else may be a record (a file without its
# header line) or binary garbage, and errors never quote records.
_HEADER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class ReadRequest:
    """One object to read: the object, its companion (TweetEval labels file) and how to read it."""

    obj: StoredObject
    profile: SourceProfile
    settings: EtlSettings
    companion: StoredObject | None = None


class _RecordTooLargeError(Exception):
    pass


class _CountingReader(io.RawIOBase):
    """Counts the (compressed) bytes consumed, for progress reporting."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._stream.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.bytes_read += len(chunk)
        return len(chunk)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _open_text(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    """Decompress (gzip by magic bytes) and decode lazily; lines end at LF only (a bare CR is content).

    Undecodable bytes are kept as surrogate escapes so the record can be quarantined with its raw bytes.
    """
    buffered = io.BufferedReader(stream) if not isinstance(stream, io.BufferedReader) else stream
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        buffered = io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"))  # type: ignore[arg-type]
    head = buffered.peek(4)[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # drops a byte-order mark, if any
    return io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="\n")


def _lines(text: io.TextIOWrapper, max_chars: int) -> Iterator[str]:
    """Lines with their line ending; a line longer than `max_chars` raises `_RecordTooLargeError`."""
    while True:
        line = text.readline(max_chars + 1)
        if not line:
            return
        if len(line) > max_chars and not line.endswith("\n"):
            raise _RecordTooLargeError
        yield line


def _strip_line_end(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line


class _ChunkBuilder:
    """Accumulates records and emits DataFrames of at most `chunk_rows` rows.

    A record is (raw, error, detail, values); `to_columns` turns the chunk's values into the canonical
    columns at flush time, with one comprehension per column rather than work per row.
    """

    def __init__(self, chunk_rows: int, to_columns: Callable[[list[Any]], dict[str, list[Any]]]) -> None:
        self.chunk_rows = chunk_rows
        self.to_columns = to_columns
        self.rows_read = 0
        self._reset()

    def _reset(self) -> None:
        self._raws: list[str] = []
        self._errors: list[str | None] = []
        self._details: list[str | None] = []
        self._values: list[Any] = []

    def add(
        self, raw: str, error: str | None = None, detail: str | None = None, values: Any = None
    ) -> pd.DataFrame | None:
        self.rows_read += 1
        if error is None and _SUSPECT_CHARS.search(raw):
            error, detail, raw = raw_row_problem(raw)
            if error is not None:
                values = None
        self._raws.append(raw)
        self._errors.append(error)
        self._details.append(detail)
        self._values.append(values)
        return self.flush() if len(self._raws) >= self.chunk_rows else None

    def flush(self) -> pd.DataFrame | None:
        if not self._raws:
            return None
        first_row = self.rows_read - len(self._raws) + 1
        columns: dict[str, list[Any]] = {
            "source_row": list(range(first_row, self.rows_read + 1)),
            "raw": self._raws,
            "read_error": self._errors,
            "read_detail": self._details,
        }
        columns.update(self.to_columns(self._values))
        # Object dtype: raw values may hold lone surrogates (a broken \\u escape in JSON), which Arrow-backed
        # strings reject; curation quarantines them as encoding errors.
        frame = pd.DataFrame(columns, columns=list(RAW_COLUMNS), dtype=object)
        self._reset()
        return frame


def _extracted_columns(rows: list[Sequence[Any] | None]) -> dict[str, list[Any]]:
    """Columns from per-row tuples aligned with EXTRACTED_FIELDS (None for rows that could not be parsed)."""
    blank = (None,) * len(EXTRACTED_FIELDS)
    filled = [row if row is not None else blank for row in rows]
    return {name: list(column) for name, column in zip(EXTRACTED_FIELDS, zip(*filled))}


# --- CSV ------------------------------------------------------------------------------------------------


def _column_positions(
    header: Sequence[str], profile: SourceProfile, where: str, header_line: int | None = None
) -> dict[str, list[int]]:
    """Map canonical fields to header positions; a required column that is missing is an InputError.

    `header_line` is the file line the header was read from (None: the names come from the profile).
    """
    exact = {}
    folded = {}
    for position, name in enumerate(header):
        exact.setdefault(name.strip(), position)
        folded.setdefault(name.strip().lower(), position)

    def find(column: str) -> int | None:
        return exact.get(column, folded.get(column.lower()))

    positions: dict[str, list[int]] = {}
    missing: list[str] = []
    for canonical, columns in profile.columns.items():
        found = [find(column) for column in columns]
        if any(position is None for position in found):
            if canonical not in profile.optional_columns:
                missing.extend(column for column, position in zip(columns, found) if position is None)
            found = [position for position in found if position is not None]
        positions[canonical] = [position for position in found if position is not None]
    if profile.keep_rows_where:
        keep_position = find(profile.keep_rows_where.column)
        if keep_position is None:
            missing.append(profile.keep_rows_where.column)
        positions[KEEP_FIELD] = [keep_position] if keep_position is not None else []
    if missing:
        raise InputError(
            f"{where}: profile {profile.name!r} needs column(s) {', '.join(repr(m) for m in missing)}, "
            f"{_describe_header(header, header_line)}{_delimiter_hint(header, profile.csv.delimiter)}",
            reason=MISSING_COLUMNS.code,
        )
    return positions


def _describe_header(header: Sequence[str], header_line: int | None) -> str:
    """The header's column names when they look like names; otherwise only its line and field count."""
    names = [name.strip() for name in header]
    parts = re.split(r"[;\t|,]", names[0]) if len(names) == 1 else names  # one field: another delimiter?
    if header_line is None or all(_HEADER_NAME.fullmatch(part.strip()) for part in parts):
        return f"the file has {names[:12]}"
    if any(_SUSPECT_CHARS.search(name) for name in header):
        return f"line {header_line} is not text in the profile's encoding (a binary file?)"
    return (
        f"line {header_line} ({len(header)} field{'' if len(header) == 1 else 's'}) does not look like a header line "
        "(a file without one? set csv.header and csv.column_names in the profile)"
    )


def _delimiter_hint(header: Sequence[str], delimiter: str) -> str:
    if len(header) != 1:
        return ""
    for candidate, name in ((";", "';'"), ("\t", "tab"), ("|", "'|'"), (",", "','")):
        if candidate != delimiter and candidate in header[0]:
            return f" (the header looks {name}-delimited: set csv.delimiter in the profile)"
    return ""


def _csv_columns(positions: dict[str, list[int]]) -> Callable[[list[Any]], dict[str, list[Any]]]:
    """Column extraction for CSV records (lists of fields); several text columns are joined by newlines."""

    def joined(fields: Sequence[str], where: Sequence[int]) -> str:
        return "\n".join(part for part in (fields[position].strip() for position in where) if part)

    def to_columns(rows: list[Any]) -> dict[str, list[Any]]:
        columns: dict[str, list[Any]] = {}
        for name in EXTRACTED_FIELDS:
            where = positions.get(name) or []
            if not where:
                columns[name] = [None] * len(rows)
            elif len(where) == 1:
                position = where[0]
                columns[name] = [None if fields is None else fields[position] for fields in rows]
            else:
                columns[name] = [None if fields is None else joined(fields, where) for fields in rows]
        return columns

    return to_columns


def _reparse(raw_lines: str, options: CsvOptions) -> list[str] | None:
    """Parse one record the csv module rejected because of a bare CR in an unquoted text, or of NUL
    characters (Python < 3.11): parse a stand-in copy, then put the CRs back. None if still unparseable."""
    text = raw_lines.replace("\x00", "")
    ending = "\r\n" if text.endswith("\r\n") else "\n" if text.endswith("\n") else ""
    body = text[: len(text) - len(ending)].replace("\r\n", "\n").replace("\r", _CR_SENTINEL)
    lines = [line + "\n" for line in body.split("\n")]
    try:
        records = [record for record in csv.reader(lines, delimiter=options.delimiter, quotechar=options.quotechar)]
    except csv.Error:
        return None
    if len(records) != 1:
        return None
    return [field.replace(_CR_SENTINEL, "\r") for field in records[0]]


def _csv_records(text: io.TextIOWrapper, request: ReadRequest, builder: _ChunkBuilder) -> Iterator[pd.DataFrame]:
    """CSV records. The csv module iterates the lines at C speed; `itertools.tee` hands the same lines to the
    raw-row capture, and `reader.line_num` tells how many lines each record took."""
    profile, settings = request.profile, request.settings
    options = profile.csv
    where = request.obj.uri
    to_parse, to_keep = itertools.tee(_lines(text, settings.max_record_bytes))
    csv.field_size_limit(settings.max_record_bytes)
    reader = csv.reader(to_parse, delimiter=options.delimiter, quotechar=options.quotechar, strict=False)
    header: list[str] | None = None
    if not options.header:
        header = list(options.column_names or ())
        builder.to_columns = _csv_columns(_column_positions(header, profile, where))
    consumed = 0
    while True:
        failure = None
        try:
            fields: list[str] | None = next(reader)
        except StopIteration:
            return
        except _RecordTooLargeError:
            raise InputError(
                f"{where}: line {consumed + 1} or a record starting there is longer than etl.max_record_bytes "
                f"({settings.max_record_bytes} characters); an unbalanced quote?",
                reason=UNREADABLE_OBJECT.code,
            ) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise InputError(
                    f"{where}: the record starting at line {consumed + 1} is larger than etl.max_record_bytes "
                    f"({settings.max_record_bytes} characters); an unbalanced quote?",
                    reason=UNREADABLE_OBJECT.code,
                ) from None
            fields, failure = None, error
        first_line = consumed + 1
        raw_lines = "".join(itertools.islice(to_keep, reader.line_num - consumed))
        consumed = reader.line_num
        if failure is not None:
            fields = _reparse(raw_lines, options)
        raw = _strip_line_end(raw_lines)
        if not raw.strip():
            continue  # blank lines are not records
        if header is None:
            header = fields or []
            builder.to_columns = _csv_columns(_column_positions(header, profile, where, first_line))
            continue
        if fields is None:
            chunk = builder.add(raw, UNPARSEABLE_ROW.code, f"line {first_line}: {failure}")
        elif len(fields) != len(header):
            chunk = builder.add(
                raw, UNPARSEABLE_ROW.code, f"line {first_line}: expected {len(header)} fields, found {len(fields)}"
            )
        else:
            chunk = builder.add(raw, values=fields)
        if chunk is not None:
            yield chunk


# --- JSON Lines -----------------------------------------------------------------------------------------


def _json_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return json.dumps(value)
    raise TypeError(type(value).__name__)


def _json_record_values(record: dict[str, object], profile: SourceProfile) -> list[str | None]:
    values: list[str | None] = []
    for name in EXTRACTED_FIELDS:
        if name == KEEP_FIELD:
            columns = (profile.keep_rows_where.column,) if profile.keep_rows_where else ()
        else:
            columns = profile.columns.get(name, ())
        parts = [_json_value(record.get(column)) for column in columns]
        present = [part for part in parts if part is not None]
        if not present:
            values.append(None)
        elif len(present) == 1:
            values.append(present[0])
        else:
            values.append("\n".join(part.strip() for part in present if part.strip()))
    return values


def _jsonl_records(text: io.TextIOWrapper, request: ReadRequest, builder: _ChunkBuilder) -> Iterator[pd.DataFrame]:
    max_chars = request.settings.max_record_bytes
    for line_number, line, whole in bounded_lines(text, max_chars):
        if whole:
            chunk = _jsonl_record(_strip_line_end(line), line_number, request.profile, builder)
        else:
            detail = f"line {line_number}: longer than etl.max_record_bytes ({max_chars} characters)"
            chunk = builder.add(line[:1000] + "…", UNPARSEABLE_ROW.code, detail)
        if chunk is not None:
            yield chunk


def _jsonl_record(raw: str, line_number: int, profile: SourceProfile, builder: _ChunkBuilder) -> pd.DataFrame | None:
    if has_invalid_bytes(raw):
        return builder.add(raw)  # the builder quarantines it as an encoding error
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        detail = f"line {line_number}: invalid JSON ({error.msg} at column {error.colno})"
        return builder.add(raw, UNPARSEABLE_ROW.code, detail)
    except ValueError:  # e.g. an integer with more digits than Python converts
        return builder.add(raw, UNPARSEABLE_ROW.code, f"line {line_number}: invalid JSON (a value out of range)")
    except RecursionError:
        return builder.add(raw, UNPARSEABLE_ROW.code, f"line {line_number}: invalid JSON (nested too deeply)")
    if not isinstance(record, dict):
        found = type(record).__name__
        return builder.add(raw, UNPARSEABLE_ROW.code, f"line {line_number}: a JSON {found}, not an object")
    try:
        values = _json_record_values(record, profile)
    except TypeError as error:
        return builder.add(raw, UNPARSEABLE_ROW.code, f"line {line_number}: a field holds a JSON {error}")
    return builder.add(raw, values=values)


# --- TweetEval ------------------------------------------------------------------------------------------


def tweeteval_split(name: str) -> str | None:
    """The split named by a TweetEval text file (`train_text.txt` -> `train`), or None if not one."""
    match = _TWEETEVAL_TEXT.match(name)
    return match.group("split") if match else None


def _tweeteval_records(
    text: io.TextIOWrapper, labels: io.TextIOWrapper | None, request: ReadRequest, builder: _ChunkBuilder
) -> Iterator[pd.DataFrame]:
    max_chars = request.settings.max_record_bytes
    split = tweeteval_split(request.obj.name)
    text_lines = _lines(text, max_chars)
    label_lines = _lines(labels, max_chars) if labels is not None else None
    index = {name: position for position, name in enumerate(EXTRACTED_FIELDS)}
    while True:
        text_line = next(text_lines, None)
        label_line = next(label_lines, None) if label_lines is not None else None
        if text_line is None and label_line is None:
            return
        text_value = _strip_line_end(text_line).strip() if text_line is not None else None
        label_value = _strip_line_end(label_line).strip() if label_line is not None else None
        raw = json.dumps({"text": text_value, "label": label_value}, ensure_ascii=False)
        values: list[object] = [None] * len(EXTRACTED_FIELDS)
        values[index["text"]] = text_value
        values[index["label"]] = label_value
        values[index["split"]] = split
        if label_lines is not None and label_line is None:
            detail = f"line {builder.rows_read + 1}: the labels file has no line for it"
            chunk = builder.add(raw, BAD_LABEL.code, detail, values)
        else:
            chunk = builder.add(raw, values=values)  # undecodable bytes are caught by the builder
        if chunk is not None:
            yield chunk


# --- entry point ----------------------------------------------------------------------------------------


def _describe_stream_error(error: BaseException) -> str:
    """Why a stream broke, in words that never carry its bytes (gzip and codec messages quote them)."""
    if isinstance(error, gzip.BadGzipFile):
        return "not a valid gzip stream: corrupt, or other data after the compressed data"
    if isinstance(error, EOFError):
        return "the compressed data ends early: a truncated file?"
    if isinstance(error, zlib.error):
        return "corrupt compressed data"
    if isinstance(error, UnicodeDecodeError):
        return f"not valid {error.encoding} text ({error.reason})"
    if isinstance(error, UnicodeError):
        return "a text encoding error"
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__


def detect_format(name: str, profile: SourceProfile, head: bytes) -> str:
    """The concrete format of an object: the profile's, or for `auto` by extension then by content."""
    if profile.format != "auto":
        return profile.format
    base = name[:-3] if name.endswith(".gz") else name
    if base.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if base.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    return "jsonl" if head.lstrip().startswith(b"{") else "csv"


def read_chunks(
    store: ObjectStore, request: ReadRequest, on_progress: Callable[[int], None] | None = None
) -> Iterator[pd.DataFrame]:
    """Yield the object's records as DataFrames of at most `chunk_rows` rows (columns: `RAW_COLUMNS`).

    An object that cannot be read to its end raises `InputError` after the chunks read so far were yielded,
    so the rows before the problem are still accounted for.
    """
    builder = _ChunkBuilder(request.settings.chunk_rows, _extracted_columns)
    counter = _CountingReader(store.open_read(request.obj.uri))
    companion_text = None
    try:
        text = _open_text(counter, request.profile.encoding)
        head = text.buffer.peek(64)[:64] if hasattr(text.buffer, "peek") else b""
        kind = detect_format(request.obj.name, request.profile, head)
        if kind == "tweeteval":
            if request.companion is not None:
                companion_text = _open_text(store.open_read(request.companion.uri), request.profile.encoding)
            records = _tweeteval_records(text, companion_text, request, builder)
        elif kind == "jsonl":
            records = _jsonl_records(text, request, builder)
        else:
            records = _csv_records(text, request, builder)
        for chunk in records:
            if on_progress is not None:
                on_progress(counter.bytes_read)
            yield chunk
    except (*_CORRUPT_STREAM_ERRORS, OSError, UnicodeError) as error:
        rest = builder.flush()
        if rest is not None:
            yield rest
        raise InputError(
            f"{request.obj.uri}: the object cannot be read past record {builder.rows_read} "
            f"({_describe_stream_error(error)})",
            reason=UNREADABLE_OBJECT.code,
        ) from None
    except _RecordTooLargeError:
        rest = builder.flush()
        if rest is not None:
            yield rest
        raise InputError(
            f"{request.obj.uri}: line after record {builder.rows_read} is longer than etl.max_record_bytes "
            f"({request.settings.max_record_bytes} characters)",
            reason=UNREADABLE_OBJECT.code,
        ) from None
    except InputError:
        rest = builder.flush()
        if rest is not None:
            yield rest
        raise
    finally:
        counter.close()
        if companion_text is not None:
            companion_text.close()
    rest = builder.flush()
    if rest is not None:
        if on_progress is not None:
            on_progress(counter.bytes_read)
        yield rest
