"""Query results out: an aligned text table for the terminal, CSV, JSON, or a CSV/JSON/Parquet file."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pulso_local.query import FORMATS
from pulso_local.query.errors import QueryError

FILE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
MAX_CELL_WIDTH = 60
_ZERO_WIDTH = {"\u200d", "\ufe0e", "\ufe0f"}


def plain(value: Any) -> Any:
    """A JSON-ready value: ISO 8601 times, floats for decimals, None for NaN, nested values converted."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def text_of(value: Any) -> str:
    """A CSV cell: empty for NULL, `YYYY-MM-DD HH:MM:SS[.ffffff]` times (as Athena writes them), JSON for nested."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters and most emoji 2, combining marks 0."""
    width = 0
    for char in text:
        if char in _ZERO_WIDTH or unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _cell(value: Any, max_width: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".") if value == 0 or abs(value) >= 1e-4 else f"{value:.3g}"
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ", timespec="milliseconds" if value.microsecond else "seconds")
    else:
        text = " ".join(text_of(value).split())  # line breaks and tabs would break the table
    if display_width(text) <= max_width:
        return text
    text = text[: max_width - 1]
    while display_width(text) > max_width - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def rows_of(table: pa.Table) -> list[tuple[Any, ...]]:
    """The rows as tuples in column order (a join may repeat a column name, so not as dicts)."""
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique for JSON objects and Parquet: a repeated `label` becomes `label_2`, `label_3`..."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def render_table(table: pa.Table, max_width: int = MAX_CELL_WIDTH) -> str:
    """Columns aligned (numbers to the right), long cells cut with `…`, then `(N rows)`."""
    names = table.column_names
    numeric = [pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) for t in table.schema.types]
    rows = [[_cell(value, max_width) for value in row] for row in rows_of(table)]
    widths = [
        max([display_width(name)] + [display_width(row[index]) for row in rows]) for index, name in enumerate(names)
    ]
    lines = ["  ".join(_pad(name, width, right) for name, width, right in zip(names, widths, numeric, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append(
            "  ".join(_pad(cell, width, right) for cell, width, right in zip(row, widths, numeric, strict=True))
        )
    lines.append(f"({table.num_rows} row{'' if table.num_rows == 1 else 's'})")
    return "\n".join(line.rstrip() for line in lines)


def render_csv(table: pa.Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    writer.writerows([text_of(value) for value in row] for row in rows_of(table))
    return buffer.getvalue()


def render_json(table: pa.Table) -> str:
    """A JSON array of one object per row (column order kept, repeated names made unique)."""
    names = unique_names(table.column_names)
    records = [{name: plain(value) for name, value in zip(names, row, strict=True)} for row in rows_of(table)]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def render(table: pa.Table, fmt: str = "table") -> str:
    if fmt == "table":
        return render_table(table) + "\n"
    if fmt == "csv":
        return render_csv(table)
    if fmt == "json":
        return render_json(table)
    raise QueryError(f"unknown format {fmt!r} (known formats: {', '.join(FORMATS)})")


def file_format(path: Path) -> str:
    """The file format its extension names: csv, json or parquet."""
    try:
        return FILE_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(FILE_FORMATS)
        raise QueryError(f"cannot tell the format of {path} from its extension (use {known})") from None


def write(table: pa.Table, path: Path) -> str:
    """Write the result to `path` in the format of its extension; returns that format."""
    fmt = file_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(table.rename_columns(unique_names(table.column_names)), path)
    else:
        path.write_text(render(table, fmt), encoding="utf-8")
    return fmt
