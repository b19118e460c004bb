"""Stream raw objects as chunks of raw records; every record keeps its number and its raw text.

Formats: CSV (with or without header), JSON Lines, TweetEval text+label file pairs; any of them gzipped
(detected by content, not by name). Memory is bounded by the chunk size and `etl.max_record_bytes`,
never by the object size.

Each chunk is a DataFrame with the columns `RAW_COLUMNS`: the record number, the raw row, a reader
error (reason code) when the record could not be parsed, and the profile's fields under their canonical
names, as strings. Validation happens later, in `glue_jobs.transform`.

Why the standard library's csv module and not a block parser: the data contract needs, per record, the
raw text, the record number, per-row encoding errors and tolerance for bare carriage returns inside
unquoted texts (the twcs export has them); record-level parsing gives all four exactly.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pandas as pd

from glue_jobs.storage import ObjectStore, StoredObject
from pulso.config import CANONICAL_FIELDS, EtlSettings, SourceProfile
from pulso.errors import InputError

KEEP_FIELD = "keep"
EXTRACTED_FIELDS = (*CANONICAL_FIELDS, KEEP_FIELD)
RAW_COLUMNS = ("source_row", "raw", "read_error", "read_detail", *EXTRACTED_FIELDS)

_GZIP_MAGIC = b"\x1f\x8b"
_INVALID_BYTES = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of undecodable bytes
_CR_SENTINEL = "\U0010fffd"  # stands in for a bare CR while the csv module parses a line
_TWEETEVAL_TEXT = re.compile(r"^(?P<split>.+)_text\.txt(?:\.gz)?$")
_CORRUPT_STREAM_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


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


def _describe_invalid_bytes(raw: str) -> str:
    """Show undecodable bytes as \\xNN so the raw row can be stored as valid text."""
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read_error(raw: str) -> tuple[str | None, str | None, str]:
    """Reader-level problems of a raw row: (reason, detail, storable raw)."""
    if _INVALID_BYTES.search(raw):
        return (
            "encoding_error",
            "bytes that are not valid in the profile's encoding",
            _describe_invalid_bytes(raw),
        )
    if "\x00" in raw:
        return (
            "encoding_error",
            "NUL characters (a binary or UTF-16 file read as text?)",
            raw.replace("\x00", "\\x00"),
        )
    return None, None, raw


class _ChunkBuilder:
    """Accumulates records column by column and emits DataFrames of at most `chunk_rows` rows."""

    def __init__(self, chunk_rows: int) -> None:
        self.chunk_rows = chunk_rows
        self.rows_read = 0
        self._reset()

    def _reset(self) -> None:
        self._columns: dict[str, list[object]] = {name: [] for name in RAW_COLUMNS}

    def add(
        self,
        raw: str,
        error: str | None = None,
        detail: str | None = None,
        values: Sequence[object] | None = None,
    ) -> pd.DataFrame | None:
        self.rows_read += 1
        if error is None:
            error, detail, raw = _read_error(raw)
            if error is not None:
                values = None
        columns = self._columns
        columns["source_row"].append(self.rows_read)
        columns["raw"].append(raw)
        columns["read_error"].append(error)
        columns["read_detail"].append(detail)
        for name, value in zip(EXTRACTED_FIELDS, values or (None,) * len(EXTRACTED_FIELDS)):
            columns[name].append(value)
        return self.flush() if len(columns["raw"]) >= self.chunk_rows else None

    def flush(self) -> pd.DataFrame | None:
        if not self._columns["raw"]:
            return None
        # Object dtype: raw values may hold lone surrogates (a broken \\u escape in JSON), which Arrow-backed
        # strings reject; the transform quarantines them as encoding errors.
        frame = pd.DataFrame(self._columns, columns=list(RAW_COLUMNS), dtype=object)
        self._reset()
        return frame


# --- CSV ------------------------------------------------------------------------------------------------


class _LineFeed:
    """Feeds lines to csv.reader and remembers the raw lines of the record being parsed."""

    def __init__(self, lines: Iterator[str], max_record_chars: int) -> None:
        self._lines = lines
        self._max_record_chars = max_record_chars
        self._pending_chars = 0
        self.line_number = 0
        self.record_first_line = 1
        self._pending: list[str] = []
        self.has_bare_cr = False

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line_number += 1
        self._pending.append(line)
        self._pending_chars += len(line)
        if self._pending_chars > self._max_record_chars:
            raise _RecordTooLargeError
        if "\x00" in line:  # Python < 3.11 csv refuses NUL; the raw row keeps it and is quarantined
            line = line.replace("\x00", "")
        if "\r" in line:
            ending = "\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""
            body = line[: len(line) - len(ending)]
            if "\r" in body:
                self.has_bare_cr = True
                line = body.replace("\r", _CR_SENTINEL) + ending
        return line

    def take_raw(self) -> str:
        raw = _strip_line_end("".join(self._pending))
        self._pending = []
        self._pending_chars = 0
        self.record_first_line = self.line_number + 1
        return raw


def _column_positions(header: Sequence[str], profile: SourceProfile, where: str) -> dict[str, list[int]]:
    """Map canonical fields to header positions; a required column that is missing is an InputError."""
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
            f"the file has {list(header)[:12]}{_delimiter_hint(header, profile.csv.delimiter)}",
            reason="missing_columns",
        )
    return positions


def _delimiter_hint(header: Sequence[str], delimiter: str) -> str:
    if len(header) != 1:
        return ""
    for candidate, name in ((";", "';'"), ("\t", "tab"), ("|", "'|'"), (",", "','")):
        if candidate != delimiter and candidate in header[0]:
            return f" (the header looks {name}-delimited: set csv.delimiter in the profile)"
    return ""


def _pick(fields: Sequence[str], positions: Sequence[int]) -> str | None:
    if not positions:
        return None
    if len(positions) == 1:
        return fields[positions[0]]
    parts = [fields[position].strip() for position in positions]
    return "\n".join(part for part in parts if part)


def _csv_records(text: io.TextIOWrapper, request: ReadRequest, builder: _ChunkBuilder) -> Iterator[pd.DataFrame]:
    profile, settings = request.profile, request.settings
    options = profile.csv
    feed = _LineFeed(_lines(text, settings.max_record_bytes), settings.max_record_bytes)
    csv.field_size_limit(settings.max_record_bytes + 1)  # the feed's own, clearer limit applies first
    reader = csv.reader(feed, delimiter=options.delimiter, quotechar=options.quotechar, strict=False)
    where = request.obj.uri
    header: list[str] | None = list(options.column_names) if not options.header else None
    positions = _column_positions(header, profile, where) if header is not None else {}

    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except _RecordTooLargeError:
            raise InputError(
                f"{where}: the record starting at line {feed.record_first_line} is larger than "
                f"etl.max_record_bytes ({settings.max_record_bytes} characters); an unbalanced quote?"
            ) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise InputError(f"{where}: line {feed.record_first_line}: {error}") from None
            first_line = feed.record_first_line
            chunk = builder.add(feed.take_raw(), "unparseable_row", f"line {first_line}: {error}")
            if chunk is not None:
                yield chunk
            continue
        first_line = feed.record_first_line
        has_bare_cr = feed.has_bare_cr
        feed.has_bare_cr = False
        raw = feed.take_raw()
        if not raw.strip():
            continue  # blank lines are not records
        if has_bare_cr:
            fields = [field.replace(_CR_SENTINEL, "\r") for field in fields]
        if header is None:
            header = fields
            positions = _column_positions(header, profile, where)
            continue
        if len(fields) != len(header):
            detail = f"line {first_line}: expected {len(header)} fields, found {len(fields)}"
            chunk = builder.add(raw, "unparseable_row", detail)
        else:
            values = [_pick(fields, positions.get(name, ())) for name in EXTRACTED_FIELDS]
            chunk = builder.add(raw, values=values)
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
    line_number = 0
    while True:
        line = text.readline(max_chars + 1)
        if not line:
            return
        line_number += 1
        if len(line) > max_chars and not line.endswith("\n"):
            while True:  # skip the rest of the oversized line; the next line starts a new record
                rest = text.readline(max_chars + 1)
                if not rest or rest.endswith("\n"):
                    break
            detail = f"line {line_number}: longer than etl.max_record_bytes ({max_chars} characters)"
            chunk = builder.add(line[:1000] + "…", "unparseable_row", detail)
        elif not line.strip():
            continue
        else:
            chunk = _jsonl_record(_strip_line_end(line), line_number, request.profile, builder)
        if chunk is not None:
            yield chunk


def _jsonl_record(raw: str, line_number: int, profile: SourceProfile, builder: _ChunkBuilder) -> pd.DataFrame | None:
    if _INVALID_BYTES.search(raw):
        return builder.add(raw)  # the builder quarantines it as an encoding error
    try:
        record = json.loads(raw)
    except ValueError as error:
        return builder.add(raw, "unparseable_row", f"line {line_number}: invalid JSON ({error})")
    if not isinstance(record, dict):
        found = type(record).__name__
        return builder.add(raw, "unparseable_row", f"line {line_number}: a JSON {found}, not an object")
    try:
        values = _json_record_values(record, profile)
    except TypeError as error:
        return builder.add(raw, "unparseable_row", f"line {line_number}: a field holds a JSON {error}")
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
            chunk = builder.add(raw, "bad_label", detail, values)
        else:
            chunk = builder.add(raw, values=values)  # undecodable bytes are caught by the builder
        if chunk is not None:
            yield chunk


# --- entry point ----------------------------------------------------------------------------------------


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
    builder = _ChunkBuilder(request.settings.chunk_rows)
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
            f"({type(error).__name__}: {error})"
        ) from None
    except _RecordTooLargeError:
        rest = builder.flush()
        if rest is not None:
            yield rest
        raise InputError(
            f"{request.obj.uri}: line after record {builder.rows_read} is longer than etl.max_record_bytes "
            f"({request.settings.max_record_bytes} characters)"
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
