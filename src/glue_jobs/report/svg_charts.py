"""Small inline-SVG charts for the run report: horizontal and vertical bars, stacked bars per category, a
heatmap (confusion matrix) and a line chart (learning curve).

Standard library only (the report renders inside a Glue Python shell job). Every function returns one `<svg>`
element meant to be inlined in an HTML5 document (no `xmlns`, no script, no external reference) with
`role="img"`, an accessible name (`aria-label` and a `<title>`), and a `<title>` on every mark that tells its
exact value on hover. All text is HTML-escaped. Empty inputs, zeros, negative, NaN or infinite values never
raise: bars are clamped at zero and a chart without data says so.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from html import escape

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


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing `.0`."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _shorten(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: max(limit - 1, 1)] + "…"


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _text(x: float, y: float, content: str, *, anchor: str = "start", cls: str = "", extra: str = "") -> str:
    attributes = f' x="{_n(x)}" y="{_n(y)}"'
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    if cls:
        attributes += f' class="{escape(cls)}"'
    if extra:
        attributes += " " + extra
    return f"<text{attributes}>{escape(content)}</text>"


def _tooltip(content: str) -> str:
    return f"<title>{escape(content)}</title>"


def _svg(width: float, height: float, title: str, body: Sequence[str], cls: str) -> str:
    label = escape(title)
    return (
        f'<svg class="chart {escape(cls)}" role="img" aria-label="{label}" width="{_n(width)}" '
        f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" font-family="{escape(FONT_FAMILY)}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOR}"><title>{label}</title>' + "".join(body) + "</svg>"
    )


def empty_chart(title: str, message: str = "no data", *, width: float = 320, height: float = 48) -> str:
    """A placeholder with the chart's accessible name that says why nothing is drawn."""
    body = [
        f'<rect x="0.5" y="0.5" width="{_n(width - 1)}" height="{_n(height - 1)}" fill="none" '
        f'stroke="{GRID_COLOR}" stroke-dasharray="4 3"/>',
        _text(width / 2, height / 2 + FONT_SIZE / 3, message, anchor="middle", extra=f'fill="{AXIS_COLOR}"'),
    ]
    return _svg(width, height, title, body, "chart-empty")


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
) -> str:
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
    body = [f'<line x1="{_n(label_width)}" y1="0" x2="{_n(label_width)}" y2="{_n(height)}" stroke="{AXIS_COLOR}"/>']
    for index, (label, short, number, text) in enumerate(zip(labels, shown, numbers, texts)):
        top = gap + index * (bar_height + gap)
        middle = top + bar_height / 2 + FONT_SIZE / 3
        length = plot * number / scale_max
        body.append(
            f'<g class="bar">{_tooltip(f"{label}: {text}")}'
            f'<rect x="{_n(label_width)}" y="{_n(top)}" width="{_n(length)}" height="{_n(bar_height)}" '
            f'fill="{escape(fills[index])}"/>'
            + _text(label_width - 6, middle, short, anchor="end", cls="label")
            + _text(label_width + length + 4, middle, text, cls="value")
            + "</g>"
        )
    return _svg(width, height, title, body, "chart-hbars")


def _rotated(labels: Sequence[str], slot: float) -> bool:
    return any(_text_width(label) > slot - 4 for label in labels)


def _label_every(slot: float, rotated: bool) -> int:
    """Show every k-th category label so that rotated labels never overlap."""
    return max(1, math.ceil((FONT_SIZE + 2) / slot)) if rotated else 1


def _y_axis(ticks: Sequence[float], left: float, right: float, top: float, plot_height: float, fmt: Formatter) -> list:
    parts = []
    for tick in ticks:
        y = top + plot_height - plot_height * tick / ticks[-1]
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{GRID_COLOR}"/>')
        parts.append(_text(left - 6, y + FONT_SIZE / 3, fmt(tick), anchor="end", cls="tick"))
    return parts


def _x_labels(shown: Sequence[str], left: float, slot: float) -> tuple[list[str], float]:
    """Category labels under the plot (rotated when they do not fit); the parts and the height they take."""
    rotated = _rotated(shown, slot)
    every = _label_every(slot, rotated)
    parts = []
    for index, label in enumerate(shown):
        if index % every:
            continue
        x = left + slot * index + slot / 2
        if rotated:
            y = 10.0
            parts.append(
                _text(x, y, label, anchor="end", cls="label", extra=f'transform="rotate(-40 {_n(x)} {_n(y)})"')
            )
        else:
            parts.append(_text(x, FONT_SIZE + 4, label, anchor="middle", cls="label"))
    height = max(_text_width(label) for label in shown) * SIN_40 + 18 if rotated else FONT_SIZE + 10
    return parts, height


def _category_axis(labels: Sequence[str], left: float, right: float) -> tuple[float, float, list[str], float]:
    """(left, slot, label parts, label height) of a category axis; rotated labels get the room they need on the
    left, so the first one is never cut off."""
    shown = [_shorten(label, 16) for label in labels]
    slot = (right - left) / len(labels)
    if _rotated(shown, slot):
        left = max(left, _text_width(shown[0]) * COS_40 - slot / 2 + 4)
        slot = (right - left) / len(labels)
    parts, height = _x_labels(shown, left, slot)
    return left, slot, parts, height


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
) -> str:
    """One column per category with a y axis; values above the columns where they fit."""
    _check_lengths(labels, values)
    if not labels:
        return empty_chart(title, width=width)
    numbers = [_clean(value) for value in values]
    scale = max(_clean(max_value) if max_value is not None else 0.0, *numbers)
    ticks = nice_ticks(scale, integer=_integers(numbers) and max_value is None)
    left = max(_text_width(value_format(tick)) for tick in ticks) + 12
    top, right = FONT_SIZE + 8, width - 8
    left, slot, label_parts, label_height = _category_axis(labels, left, right)
    plot_height = max(height - top - label_height, 60.0)
    body = _y_axis(ticks, left, right, top, plot_height, value_format)
    bottom = top + plot_height
    fills = _colors(len(labels), color, colors)
    bar_width = max(slot * 0.7, 1.0)
    show_values = all(_text_width(value_format(number)) <= slot for number in numbers)  # all or none
    for index, (label, number) in enumerate(zip(labels, numbers)):
        x = left + slot * index + (slot - bar_width) / 2
        bar = plot_height * number / ticks[-1]
        text = value_format(number)
        value_label = ""
        if show_values:
            value_label = _text(x + bar_width / 2, bottom - bar - 4, text, anchor="middle", cls="value")
        body.append(
            f'<g class="bar">{_tooltip(f"{label}: {text}")}<rect x="{_n(x)}" y="{_n(bottom - bar)}" '
            f'width="{_n(bar_width)}" height="{_n(bar)}" fill="{escape(fills[index])}"/>{value_label}</g>'
        )
    body.append(f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" stroke="{AXIS_COLOR}"/>')
    body.append(f'<g transform="translate(0 {_n(bottom)})">' + "".join(label_parts) + "</g>")
    return _svg(width, bottom + label_height, title, body, "chart-vbars")


def _legend(series: Sequence[str], colors: Sequence[str], left: float, y: float) -> list[str]:
    parts, x = [], left
    for name, color in zip(series, colors):
        short = _shorten(name, 20)
        parts.append(
            f'<g class="legend-item"><rect x="{_n(x)}" y="{_n(y - 10)}" width="12" height="12" '
            f'fill="{escape(color)}"/>' + _text(x + 16, y, short, cls="legend") + "</g>"
        )
        x += 16 + _text_width(short) + 16
    return parts


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
) -> str:
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
    body = _legend(series, fills, 8, 14)
    if horizontal:
        return _stacked_rows(categories, series, rows, totals, fills, title, normalise, value_format, width, body)
    scale = 1.0 if normalise else max(totals)
    axis_format = _percent if normalise else value_format
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0] if normalise else nice_ticks(scale, integer=_integers(totals))
    left = max(_text_width(axis_format(tick)) for tick in ticks) + 12
    top, right = legend_height + FONT_SIZE, width - 8
    left, slot, label_parts, label_height = _category_axis(categories, left, right)
    plot_height = max(height - top - label_height, 80.0)
    body += _y_axis(ticks, left, right, top, plot_height, axis_format)
    bottom = top + plot_height
    bar_width = max(slot * 0.72, 1.0)
    show_totals = not normalise and all(_text_width(value_format(total)) <= slot for total in totals)
    for index, (category, row, total) in enumerate(zip(categories, rows, totals)):
        x = left + slot * index + (slot - bar_width) / 2
        y = bottom
        segments = []
        for name, number, fill in zip(series, row, fills):
            share = number / total if total else 0.0
            size = plot_height * (share if normalise else number / ticks[-1])
            y -= size
            segments.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_width)}" height="{_n(size)}" fill="{escape(fill)}">'
                f"{_tooltip(f'{category}, {name}: {value_format(number)} ({_percent(share)})')}</rect>"
            )
        total_text = value_format(total)
        if show_totals:
            segments.append(_text(x + bar_width / 2, y - 4, total_text, anchor="middle", cls="value"))
        body.append('<g class="bar">' + "".join(segments) + "</g>")
    body.append(f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" stroke="{AXIS_COLOR}"/>')
    body.append(f'<g transform="translate(0 {_n(bottom)})">' + "".join(label_parts) + "</g>")
    return _svg(width, bottom + label_height, title, body, "chart-stacked")


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
    body: list[str],
) -> str:
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
        segments = []
        for name, number, fill in zip(series, row, fills):
            share = number / total if total else 0.0
            size = plot * (share if normalise else number / scale)
            tip = _tooltip(f"{category}, {name}: {value_format(number)} ({_percent(share)})")
            segments.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(size)}" height="{_n(bar_height)}" '
                f'fill="{escape(fill)}">{tip}</rect>'
            )
            inside = _percent(share) if normalise else value_format(number)
            if number and _text_width(inside) + 6 <= size:
                segments.append(
                    _text(
                        x + size / 2,
                        y + bar_height / 2 + FONT_SIZE / 3,
                        inside,
                        anchor="middle",
                        cls="inside",
                        extra='fill="#ffffff"',
                    )
                )
            x += size
        middle = y + bar_height / 2 + FONT_SIZE / 3
        segments.append(_text(label_width - 6, middle, short, anchor="end", cls="label"))
        segments.append(_text(x + 4, middle, total_texts[index], cls="value"))
        body.append('<g class="bar">' + "".join(segments) + "</g>")
    height = top + len(categories) * (bar_height + gap)
    body.append(
        f'<line x1="{_n(label_width)}" y1="{_n(top - 4)}" x2="{_n(label_width)}" y2="{_n(height)}" '
        f'stroke="{AXIS_COLOR}"/>'
    )
    return _svg(label_width + plot + value_width, height, title, body, "chart-stacked chart-stacked-rows")


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


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
) -> str:
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
    body = [
        _text(left + cell * len(col_labels) / 2, FONT_SIZE + 2, col_title, anchor="middle", cls="axis-title"),
        _text(
            FONT_SIZE,
            top + cell * len(row_labels) / 2,
            row_title,
            anchor="middle",
            cls="axis-title",
            extra=f'transform="rotate(-90 {FONT_SIZE} {_n(top + cell * len(row_labels) / 2)})"',
        ),
    ]
    for col, label in enumerate(short_cols):
        body.append(_text(left + cell * col + cell / 2, top - 6, label, anchor="middle", cls="label"))
    for row_index, (label, short, row) in enumerate(zip(row_labels, short_rows, rows)):
        total = sum(row)
        y = top + cell * row_index
        body.append(_text(left - 6, y + cell / 2 + FONT_SIZE / 3, short, anchor="end", cls="label"))
        for col_index, (col_label, number) in enumerate(zip(col_labels, row)):
            share = number / total if total else 0.0
            x = left + cell * col_index
            ink = "#ffffff" if share > 0.5 else TEXT_COLOR
            text = value_format(number)
            tip = f"{row_title} {label}, {col_title} {col_label}: {text} ({_percent(share)} of the row)"
            body.append(
                f'<g class="cell" data-row="{row_index}" data-col="{col_index}">{_tooltip(tip)}'
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(cell)}" height="{_n(cell)}" fill="{_blend(share)}" '
                f'stroke="#ffffff" stroke-width="2"/>'
                + _text(
                    x + cell / 2,
                    y + cell / 2 + FONT_SIZE / 3,
                    text,
                    anchor="middle",
                    cls="cell-value",
                    extra=f'fill="{ink}" font-weight="600"',
                )
                + "</g>"
            )
    width = left + cell * len(col_labels) + 8
    height = top + cell * len(row_labels) + 8
    return _svg(width, height, title, body, "chart-heatmap")


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
) -> str:
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

    body = []
    for tick in ticks:
        y = bottom - plot_height * (tick - low) / (high - low)
        body.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{GRID_COLOR}"/>')
        body.append(_text(left - 6, y + FONT_SIZE / 3, tick_format(tick), anchor="end", cls="tick"))
    labelled_x = sorted({x for x, _ in points})
    every = max(1, math.ceil(len(labelled_x) * 28 / max(right - left, 1)))
    for index, x_value in enumerate(labelled_x):
        if index % every == 0:
            x, _ = place(x_value, low)
            body.append(_text(x, bottom + FONT_SIZE + 4, default_format(x_value), anchor="middle", cls="tick"))
    if x_title:
        body.append(_text((left + right) / 2, height - 4, x_title, anchor="middle", cls="axis-title"))
    if y_title:
        middle = (top + bottom) / 2
        body.append(
            _text(
                FONT_SIZE,
                middle,
                y_title,
                anchor="middle",
                cls="axis-title",
                extra=f'transform="rotate(-90 {FONT_SIZE} {_n(middle)})"',
            )
        )
    placed = [place(x, y) for x, y in points]
    body.append(
        f'<polyline fill="none" stroke="{escape(color)}" stroke-width="2" '
        f'points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in placed)}"/>'
    )
    for (x_value, y_value), (x, y) in zip(points, placed):
        tip = f"{x_title or 'x'} {default_format(x_value)}: {value_format(y_value)}"
        body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{escape(color)}">{_tooltip(tip)}</circle>')
    return _svg(width, height, title, body, "chart-line")
