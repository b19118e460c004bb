"""The geometry of the run report's small inline-SVG charts: horizontal and vertical bars, stacked bars per
category, a heatmap (confusion matrix) and a line chart (learning curve).

Every function returns a `Chart`: its size, accessible name and marks (rectangles, texts, lines, circles, a
polyline, groups), with coordinates as numbers and every label and tooltip as plain text. The template macro
`report/charts.svg.j2` draws a chart as one `<svg>` element for an HTML5 document (no `xmlns`, no script, no
external reference) with `role="img"`, an accessible name (`aria-label` and a `<title>`) and a `<title>` on every
mark that tells its exact value on hover; it escapes all text (`glue_jobs.report.templating.render_chart`).
Empty inputs, zeros, negative, NaN or infinite values never raise: bars are clamped at zero and a chart without
data says so. Standard library only and Python 3.9 compatible (the report renders inside a Glue Python shell job).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Union

Formatter = Callable[[float], str]

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
FONT_SIZE = 12
CHAR_WIDTH = 0.6 * FONT_SIZE  # a fair estimate of one character's width, for layout
AXIS_COLOR = "#57606a"
GRID_COLOR = "#d8dee4"
TEXT_COLOR = "#24292f"
BAR_COLOR = "#3b6ea8"
PALETTE = ("#3b6ea8", "#e07b39", "#4f9d69", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c")
MAX_LABEL_CHARS = 28
COS_40, SIN_40 = math.cos(math.radians(40)), math.sin(math.radians(40))  # rotated category labels


# ---------------------------------------------------------------------------------------------- marks


@dataclass(frozen=True)
class Text:
    """A label at (x, y); `rotate` turns it (degrees) around that point."""

    x: float
    y: float
    content: str
    anchor: str = "start"
    cls: str = ""
    fill: str = ""
    weight: str = ""
    rotate: float | None = None
    kind: ClassVar[str] = "text"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = ""
    stroke_width: float | None = None
    dasharray: str = ""
    tooltip: str = ""  # a `<title>` inside the rectangle
    kind: ClassVar[str] = "rect"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    kind: ClassVar[str] = "line"


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    stroke_width: float = 2
    kind: ClassVar[str] = "polyline"


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str = ""
    tooltip: str = ""
    kind: ClassVar[str] = "circle"


@dataclass(frozen=True)
class Group:
    """Marks drawn together (a bar, a cell, a legend item, a cluster), with one hover title for all of them;
    `data` are `data-*` attributes, `fill` is inherited by the marks, `translate_y` moves the group down."""

    marks: tuple[Mark, ...]
    cls: str = ""
    tooltip: str = ""
    data: tuple[tuple[str, str], ...] = ()
    fill: str = ""
    fill_opacity: str = ""
    translate_y: float | None = None
    kind: ClassVar[str] = "group"


Mark = Union[Text, Rect, Line, Polyline, Circle, Group]


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    title: str
    cls: str
    marks: tuple[Mark, ...]
    font_family: str = FONT_FAMILY
    font_size: int = FONT_SIZE
    fill: str = TEXT_COLOR


# ---------------------------------------------------------------------------------------------- helpers


def coordinate(value: float) -> str:
    """A coordinate as the SVG writes it: at most one decimal, no trailing `.0`."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def default_format(value: float) -> str:
    """Integers with thousands separators, other numbers with 4 decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}"


def _clean(value: object) -> float:
    """A finite, non-negative float (None, NaN, infinities, negatives and non-numbers become 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy numbers are Real too
        return 0.0
    number = float(value)
    return number if math.isfinite(number) and number > 0 else 0.0


def _shorten(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: max(limit - 1, 1)] + "…"


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def empty_chart(title: str, message: str = "no data", *, width: float = 320, height: float = 48) -> Chart:
    """A placeholder with the chart's accessible name that says why nothing is drawn."""
    marks = (
        Rect(0.5, 0.5, width - 1, height - 1, "none", stroke=GRID_COLOR, dasharray="4 3"),
        Text(width / 2, height / 2 + FONT_SIZE / 3, message, anchor="middle", fill=AXIS_COLOR),
    )
    return Chart(width, height, title, "chart-empty", marks)


def nice_ticks(maximum: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick values from 0 up to at least `maximum` (`[0, 1]` when the maximum is 0)."""
    maximum = _clean(maximum)
    if maximum == 0:
        return [0.0, 1.0]
    raw = maximum / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(factor * power for factor in steps if factor * power >= raw)
    if integer:
        step = max(step, 1.0)
    ticks = [0.0]
    while ticks[-1] < maximum - 1e-9 * step:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def nice_range(low: float, high: float, count: int = 4) -> list[float]:
    """Round ticks that cover [low, high] in about `count` steps (for axes that need not start at 0)."""
    span = high - low or abs(high) or 1.0
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    if last <= first:
        last = first + 1
    return [round(index * step, 10) for index in range(first, last + 1)]


def _colors(count: int, color: str, colors: Sequence[str] | None) -> list[str]:
    if colors:
        return [colors[index % len(colors)] for index in range(count)]
    return [color] * count


def _check_lengths(labels: Sequence[object], values: Sequence[object]) -> None:
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


# ---------------------------------------------------------------------------------------------- bars


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    value_format: Formatter = default_format,
    color: str = BAR_COLOR,
    colors: Sequence[str] | None = None,
    max_value: float | None = None,
    width: float = 560,
    bar_height: float = 20,
) -> Chart:
    """One labelled bar per row, the value written after the bar; `max_value` fixes the scale (e.g. 1.0)."""
    _check_lengths(labels, values)
    if not labels:
        return empty_chart(title, width=width)
    numbers = [_clean(value) for value in values]
    shown = [_shorten(label) for label in labels]
    texts = [value_format(number) for number in numbers]
    label_width = max(_text_width(label) for label in shown) + 10
    value_width = max(_text_width(text) for text in texts) + 10
    plot = max(width - label_width - value_width, 60.0)
    width = label_width + plot + value_width
    scale_max = max(_clean(max_value) if max_value is not None else 0.0, *numbers) or 1.0
    gap = 6.0
    height = len(labels) * (bar_height + gap) + gap
    fills = _colors(len(labels), color, colors)
    marks: list[Mark] = [Line(label_width, 0, label_width, height, AXIS_COLOR)]
    for index, (label, short, number, text) in enumerate(zip(labels, shown, numbers, texts)):
        top = gap + index * (bar_height + gap)
        middle = top + bar_height / 2 + FONT_SIZE / 3
        length = plot * number / scale_max
        bar = (
            Rect(label_width, top, length, bar_height, fills[index]),
            Text(label_width - 6, middle, short, anchor="end", cls="label"),
            Text(label_width + length + 4, middle, text, cls="value"),
        )
        marks.append(Group(bar, cls="bar", tooltip=f"{label}: {text}"))
    return Chart(width, height, title, "chart-hbars", tuple(marks))


def _rotated(labels: Sequence[str], slot: float) -> bool:
    return any(_text_width(label) > slot - 4 for label in labels)


def _label_every(slot: float, rotated: bool) -> int:
    """Show every k-th category label so that rotated labels never overlap."""
    return max(1, math.ceil((FONT_SIZE + 2) / slot)) if rotated else 1


def _y_axis(ticks: Sequence[float], left: float, right: float, top: float, plot_height: float, fmt: Formatter) -> list:
    marks: list[Mark] = []
    for tick in ticks:
        y = top + plot_height - plot_height * tick / ticks[-1]
        marks.append(Line(left, y, right, y, GRID_COLOR))
        marks.append(Text(left - 6, y + FONT_SIZE / 3, fmt(tick), anchor="end", cls="tick"))
    return marks


def _x_labels(shown: Sequence[str], left: float, slot: float) -> tuple[list[Mark], float]:
    """Category labels under the plot (rotated when they do not fit); the marks and the height they take."""
    rotated = _rotated(shown, slot)
    every = _label_every(slot, rotated)
    marks: list[Mark] = []
    for index, label in enumerate(shown):
        if index % every:
            continue
        x = left + slot * index + slot / 2
        if rotated:
            marks.append(Text(x, 10.0, label, anchor="end", cls="label", rotate=-40))
        else:
            marks.append(Text(x, FONT_SIZE + 4, label, anchor="middle", cls="label"))
    height = max(_text_width(label) for label in shown) * SIN_40 + 18 if rotated else FONT_SIZE + 10
    return marks, height


def _category_axis(labels: Sequence[str], left: float, right: float) -> tuple[float, float, list[Mark], float]:
    """(left, slot, label marks, label height) of a category axis; rotated labels get the room they need on the
    left, so the first one is never cut off."""
    shown = [_shorten(label, 16) for label in labels]
    slot = (right - left) / len(labels)
    if _rotated(shown, slot):
        left = max(left, _text_width(shown[0]) * COS_40 - slot / 2 + 4)
        slot = (right - left) / len(labels)
    marks, height = _x_labels(shown, left, slot)
    return left, slot, marks, height


def _integers(numbers: Sequence[float]) -> bool:
    return all(float(number).is_integer() for number in numbers)


def vertical_bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    value_format: Formatter = default_format,
    color: str = BAR_COLOR,
    colors: Sequence[str] | None = None,
    max_value: float | None = None,
    width: float = 560,
    height: float = 220,
) -> Chart:
    """One column per category with a y axis; values above the columns where they fit."""
    _check_lengths(labels, values)
    if not labels:
        return empty_chart(title, width=width)
    numbers = [_clean(value) for value in values]
    scale = max(_clean(max_value) if max_value is not None else 0.0, *numbers)
    ticks = nice_ticks(scale, integer=_integers(numbers) and max_value is None)
    left = max(_text_width(value_format(tick)) for tick in ticks) + 12
    top, right = FONT_SIZE + 8, width - 8
    left, slot, label_marks, label_height = _category_axis(labels, left, right)
    plot_height = max(height - top - label_height, 60.0)
    marks = _y_axis(ticks, left, right, top, plot_height, value_format)
    bottom = top + plot_height
    fills = _colors(len(labels), color, colors)
    bar_width = max(slot * 0.7, 1.0)
    show_values = all(_text_width(value_format(number)) <= slot for number in numbers)  # all or none
    for index, (label, number) in enumerate(zip(labels, numbers)):
        x = left + slot * index + (slot - bar_width) / 2
        bar = plot_height * number / ticks[-1]
        text = value_format(number)
        parts: list[Mark] = [Rect(x, bottom - bar, bar_width, bar, fills[index])]
        if show_values:
            parts.append(Text(x + bar_width / 2, bottom - bar - 4, text, anchor="middle", cls="value"))
        marks.append(Group(tuple(parts), cls="bar", tooltip=f"{label}: {text}"))
    marks.append(Line(left, bottom, right, bottom, AXIS_COLOR))
    marks.append(Group(tuple(label_marks), translate_y=bottom))
    return Chart(width, bottom + label_height, title, "chart-vbars", tuple(marks))


def _legend(series: Sequence[str], colors: Sequence[str], left: float, y: float) -> list[Mark]:
    marks: list[Mark] = []
    x = left
    for name, color in zip(series, colors):
        short = _shorten(name, 20)
        item = (Rect(x, y - 10, 12, 12, color), Text(x + 16, y, short, cls="legend"))
        marks.append(Group(item, cls="legend-item"))
        x += 16 + _text_width(short) + 16
    return marks


def stacked_bars(
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    colors: Sequence[str] | None = None,
    horizontal: bool = False,
    normalise: bool = False,
    value_format: Formatter = default_format,
    width: float = 720,
    height: float = 260,
) -> Chart:
    """One bar per category made of one segment per series (`values[category][series]`), with a legend.

    Vertical (columns, e.g. per day) by default; `horizontal=True` draws rows (e.g. per source). `normalise=True`
    makes every bar 100 % and writes shares in the segments that are wide enough; tooltips always give counts.
    """
    if len(values) != len(categories):
        raise ValueError(f"{len(categories)} categories but {len(values)} rows of values")
    for row in values:
        _check_lengths(series, row)
    if not categories or not series:
        return empty_chart(title, width=width)
    fills = _colors(len(series), BAR_COLOR, colors or PALETTE)
    rows = [[_clean(value) for value in row] for row in values]
    totals = [sum(row) for row in rows]
    legend_height = 24.0
    marks = _legend(series, fills, 8, 14)
    if horizontal:
        return _stacked_rows(categories, series, rows, totals, fills, title, normalise, value_format, width, marks)
    scale = 1.0 if normalise else max(totals)
    axis_format = _percent if normalise else value_format
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0] if normalise else nice_ticks(scale, integer=_integers(totals))
    left = max(_text_width(axis_format(tick)) for tick in ticks) + 12
    top, right = legend_height + FONT_SIZE, width - 8
    left, slot, label_marks, label_height = _category_axis(categories, left, right)
    plot_height = max(height - top - label_height, 80.0)
    marks += _y_axis(ticks, left, right, top, plot_height, axis_format)
    bottom = top + plot_height
    bar_width = max(slot * 0.72, 1.0)
    show_totals = not normalise and all(_text_width(value_format(total)) <= slot for total in totals)
    for index, (category, row, total) in enumerate(zip(categories, rows, totals)):
        x = left + slot * index + (slot - bar_width) / 2
        y = bottom
        segments: list[Mark] = []
        for name, number, fill in zip(series, row, fills):
            share = number / total if total else 0.0
            size = plot_height * (share if normalise else number / ticks[-1])
            y -= size
            tip = f"{category}, {name}: {value_format(number)} ({_percent(share)})"
            segments.append(Rect(x, y, bar_width, size, fill, tooltip=tip))
        if show_totals:
            segments.append(Text(x + bar_width / 2, y - 4, value_format(total), anchor="middle", cls="value"))
        marks.append(Group(tuple(segments), cls="bar"))
    marks.append(Line(left, bottom, right, bottom, AXIS_COLOR))
    marks.append(Group(tuple(label_marks), translate_y=bottom))
    return Chart(width, bottom + label_height, title, "chart-stacked", tuple(marks))


def _stacked_rows(
    categories: Sequence[str],
    series: Sequence[str],
    rows: Sequence[Sequence[float]],
    totals: Sequence[float],
    fills: Sequence[str],
    title: str,
    normalise: bool,
    value_format: Formatter,
    width: float,
    marks: list[Mark],
) -> Chart:
    shown = [_shorten(category) for category in categories]
    label_width = max(_text_width(label) for label in shown) + 10
    total_texts = [value_format(total) for total in totals]
    value_width = max(_text_width(text) for text in total_texts) + 10
    plot = max(width - label_width - value_width, 80.0)
    bar_height, gap, top = 22.0, 8.0, 28.0
    scale = max(totals) or 1.0
    for index, (category, short, row, total) in enumerate(zip(categories, shown, rows, totals)):
        y = top + index * (bar_height + gap)
        x = label_width
        middle = y + bar_height / 2 + FONT_SIZE / 3
        segments: list[Mark] = []
        for name, number, fill in zip(series, row, fills):
            share = number / total if total else 0.0
            size = plot * (share if normalise else number / scale)
            tip = f"{category}, {name}: {value_format(number)} ({_percent(share)})"
            segments.append(Rect(x, y, size, bar_height, fill, tooltip=tip))
            inside = _percent(share) if normalise else value_format(number)
            if number and _text_width(inside) + 6 <= size:
                segments.append(Text(x + size / 2, middle, inside, anchor="middle", cls="inside", fill="#ffffff"))
            x += size
        segments.append(Text(label_width - 6, middle, short, anchor="end", cls="label"))
        segments.append(Text(x + 4, middle, total_texts[index], cls="value"))
        marks.append(Group(tuple(segments), cls="bar"))
    height = top + len(categories) * (bar_height + gap)
    marks.append(Line(label_width, top - 4, label_width, height, AXIS_COLOR))
    return Chart(label_width + plot + value_width, height, title, "chart-stacked chart-stacked-rows", tuple(marks))


# ---------------------------------------------------------------------------------------------- heatmap


def _blend(share: float) -> str:
    """From a very light to a dark blue as `share` goes from 0 to 1."""
    share = min(max(share, 0.0), 1.0)
    low, high = (240, 244, 250), (20, 64, 128)
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heatmap(
    matrix: Sequence[Sequence[float | None]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str,
    row_title: str = "true label",
    col_title: str = "predicted label",
    value_format: Formatter = default_format,
    cell: float = 72,
) -> Chart:
    """A matrix of shaded cells with the value in each; the shade is the cell's share of its row (for a confusion
    matrix with true labels as rows: the diagonal is each class's recall). Rows that sum to 0 stay unshaded."""
    if len(matrix) != len(row_labels):
        raise ValueError(f"{len(row_labels)} row labels but {len(matrix)} rows")
    for row in matrix:
        _check_lengths(col_labels, row)
    if not row_labels or not col_labels:
        return empty_chart(title)
    rows = [[_clean(value) for value in row] for row in matrix]
    short_rows = [_shorten(label, 16) for label in row_labels]
    short_cols = [_shorten(label, max(int(cell / CHAR_WIDTH), 4)) for label in col_labels]
    row_axis = FONT_SIZE + 10
    left = row_axis + max(_text_width(label) for label in short_rows) + 10
    top = 2 * FONT_SIZE + 18
    marks: list[Mark] = [
        Text(left + cell * len(col_labels) / 2, FONT_SIZE + 2, col_title, anchor="middle", cls="axis-title"),
        Text(FONT_SIZE, top + cell * len(row_labels) / 2, row_title, anchor="middle", cls="axis-title", rotate=-90),
    ]
    for col, label in enumerate(short_cols):
        marks.append(Text(left + cell * col + cell / 2, top - 6, label, anchor="middle", cls="label"))
    for row_index, (label, short, row) in enumerate(zip(row_labels, short_rows, rows)):
        total = sum(row)
        y = top + cell * row_index
        marks.append(Text(left - 6, y + cell / 2 + FONT_SIZE / 3, short, anchor="end", cls="label"))
        for col_index, (col_label, number) in enumerate(zip(col_labels, row)):
            share = number / total if total else 0.0
            x = left + cell * col_index
            ink = "#ffffff" if share > 0.5 else TEXT_COLOR
            text = value_format(number)
            tip = f"{row_title} {label}, {col_title} {col_label}: {text} ({_percent(share)} of the row)"
            parts = (
                Rect(x, y, cell, cell, _blend(share), stroke="#ffffff", stroke_width=2),
                Text(x + cell / 2, y + cell / 2 + FONT_SIZE / 3, text, anchor="middle", cls="cell-value", fill=ink,
                     weight="600"),
            )  # fmt: skip
            data = (("row", str(row_index)), ("col", str(col_index)))
            marks.append(Group(parts, cls="cell", tooltip=tip, data=data))
    width = left + cell * len(col_labels) + 8
    height = top + cell * len(row_labels) + 8
    return Chart(width, height, title, "chart-heatmap", tuple(marks))


# ---------------------------------------------------------------------------------------------- line chart


def line_chart(
    xs: Sequence[float],
    ys: Sequence[float | None],
    *,
    title: str,
    x_title: str = "",
    y_title: str = "",
    value_format: Formatter = default_format,
    tick_format: Formatter | None = None,
    y_range: tuple[float, float] | None = None,
    color: str = BAR_COLOR,
    width: float = 420,
    height: float = 200,
) -> Chart:
    """A polyline with a marker (and tooltip) per point; `y_range` fixes the y scale, else round ticks fit the
    data. Points whose y is None or not finite are skipped. `tick_format` (default `value_format`) labels the axis."""
    _check_lengths(xs, ys)
    points = [
        (float(x), float(y))
        for x, y in zip(xs, ys)
        if isinstance(y, numbers.Real) and not isinstance(y, bool) and math.isfinite(y) and math.isfinite(float(x))
    ]
    if not points:
        return empty_chart(title, width=width)
    tick_format = tick_format or value_format
    if y_range is None:
        ticks = nice_range(min(y for _, y in points), max(y for _, y in points))
    else:
        low, high = y_range
        ticks = [low + (high - low) * step / 4 for step in range(5)] if high > low else [low, low + 1.0]
    low, high = ticks[0], ticks[-1]
    x_low, x_high = min(x for x, _ in points), max(x for x, _ in points)
    left = max(_text_width(tick_format(tick)) for tick in ticks) + 14 + (FONT_SIZE + 4 if y_title else 0)
    top, right = 10.0, width - 14
    bottom = height - (2 * FONT_SIZE + 14 if x_title else FONT_SIZE + 12)
    plot_height = bottom - top

    def place(x: float, y: float) -> tuple[float, float]:
        fraction = (x - x_low) / (x_high - x_low) if x_high > x_low else 0.5
        return left + (right - left) * fraction, bottom - plot_height * (min(max(y, low), high) - low) / (high - low)

    marks: list[Mark] = []
    for tick in ticks:
        y = bottom - plot_height * (tick - low) / (high - low)
        marks.append(Line(left, y, right, y, GRID_COLOR))
        marks.append(Text(left - 6, y + FONT_SIZE / 3, tick_format(tick), anchor="end", cls="tick"))
    labelled_x = sorted({x for x, _ in points})
    every = max(1, math.ceil(len(labelled_x) * 28 / max(right - left, 1)))
    for index, x_value in enumerate(labelled_x):
        if index % every == 0:
            x, _ = place(x_value, low)
            marks.append(Text(x, bottom + FONT_SIZE + 4, default_format(x_value), anchor="middle", cls="tick"))
    if x_title:
        marks.append(Text((left + right) / 2, height - 4, x_title, anchor="middle", cls="axis-title"))
    if y_title:
        marks.append(Text(FONT_SIZE, (top + bottom) / 2, y_title, anchor="middle", cls="axis-title", rotate=-90))
    placed = [place(x, y) for x, y in points]
    marks.append(Polyline(tuple(placed), color))
    for (x_value, y_value), (x, y) in zip(points, placed):
        tip = f"{x_title or 'x'} {default_format(x_value)}: {value_format(y_value)}"
        marks.append(Circle(x, y, 3.5, color, tooltip=tip))
    return Chart(width, height, title, "chart-line", tuple(marks))
