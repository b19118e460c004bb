"""Query results out: the shared terminal table (`pulso_local.tables`), CSV, JSON, or a CSV/JSON/Parquet file."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pulso_local import tables
from pulso_local.query import FORMATS
from pulso_local.query.errors import QueryError

FILE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}


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


def _shown(value: Any) -> Any:
    """A value as the table shows it: None for NaN (NULL), numbers and times for the renderer to format, the rest
    as in CSV (nested values as JSON)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, int | float | str | dt.datetime):
        return value
    return text_of(value)


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


def render_table(table: pa.Table, max_width: int = tables.MAX_CELL_WIDTH) -> str:
    """The shared terminal table (numbers to the right, NULL for nulls, long cells cut with `…`), then `(N rows)`."""
    numeric = [pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) for t in table.schema.types]
    rows = [[_shown(value) for value in row] for row in rows_of(table)]
    text = tables.render_table(table.column_names, rows, max_width=max_width, null="NULL", numeric=numeric)
    return f"{text}\n({table.num_rows} row{'' if table.num_rows == 1 else 's'})"


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
