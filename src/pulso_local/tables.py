"""Terminal tables for every `pulso` command: one renderer (rich), plain text that stays readable when piped.

A table is plain text, never ANSI codes: a header, a rule of `-`, one line per row. Cells never wrap: line
breaks and tabs become spaces and a cell wider than `max_width` terminal columns ends with `…`. Widths are
terminal columns (wide East Asian characters and emoji count 2). None renders as `-` unless told otherwise;
numbers are right-aligned.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

MAX_CELL_WIDTH = 60
NULL = "-"
# rich's SIMPLE_HEAD in ASCII: no edges, a rule of `-` under the header, columns apart.
_HEAD_RULE = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)


def is_number(value: object) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def cell_text(value: object, null: str = NULL) -> str:
    """A value as one line: `null` for None and NaN, floats to 4 decimals (3 significant digits when tiny),
    times to the second (milliseconds when they have any), whitespace runs as one space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return null
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value == 0 or abs(value) >= 1e-4 else f"{value:.3g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="milliseconds" if value.microsecond else "seconds")
    return " ".join(str(value).split())


def fit(text: str, max_width: int) -> str:
    """`text` cut to `max_width` terminal columns, ending with `…` when cut."""
    cell = Text(text)
    cell.truncate(max_width, overflow="ellipsis")
    return cell.plain


def render_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = None,
    max_width: int = MAX_CELL_WIDTH,
    null: str = NULL,
    numeric: Sequence[bool] | None = None,
) -> str:
    """The table as text (the title on the first line), lines without trailing spaces, no final newline.

    `numeric` says which columns align right; by default those whose values are all numbers (or None).
    """
    if not columns:
        return title or ""
    cells = [[fit(cell_text(value, null), max_width) for value in row] for row in rows]
    if numeric is None:
        numeric = [all(row[index] is None or is_number(row[index]) for row in rows) for index in range(len(columns))]
    table = Table(box=_HEAD_RULE, show_edge=False, pad_edge=False, header_style="")
    widths = []
    for index, name in enumerate(columns):
        header = fit(cell_text(name, ""), max_width)
        table.add_column(Text(header), justify="right" if numeric[index] else "left", no_wrap=True)
        widths.append(max([cell_len(header)] + [cell_len(row[index]) for row in cells]))
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    width = sum(widths) + 3 * len(widths)  # wider than the table: nothing wraps
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None, markup=False, emoji=False,
                      highlight=False, legacy_windows=False)  # fmt: skip
    console.print(table)
    lines = [line.rstrip() for line in buffer.getvalue().rstrip("\n").split("\n")]
    return "\n".join([" ".join(title.split()), *lines] if title else lines)
