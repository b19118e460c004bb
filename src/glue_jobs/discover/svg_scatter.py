"""The geometry of the topic report's map: a scatter plot of a 2-D map of clustered messages.

One group per cluster carries the cluster's colour (`fill`) and a hover title that names the cluster; its points
are bare circles, drawn with coordinates rounded to one decimal so that 5,000 points stay a compact page. The axes
of such a map (UMAP or PCA) have no unit, so there are none: the points are scaled to fill the box. It returns a
`glue_jobs.report.svg_charts.Chart`, drawn by the same template macro as the run report's charts. Standard
library only and Python 3.9 compatible.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

from glue_jobs.report.svg_charts import GRID_COLOR, Chart, Circle, Group, Mark, Rect, empty_chart

MARGIN = 10.0
RADIUS = 2.2


def _finite(*values: object) -> bool:
    return all(
        isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) for value in values
    )


def _scale(low: float, high: float, start: float, length: float) -> tuple[float, float]:
    """(offset, factor) that maps [low, high] onto [start, start + length]; a single value goes to the middle."""
    if high > low:
        factor = length / (high - low)
        return start - low * factor, factor
    return start + length / 2, 0.0


def group_points(points: Sequence[tuple[float, float, int]]) -> dict[int, list[tuple[float, float]]]:
    """The finite points per cluster, in input order; points with a non-finite coordinate are left out."""
    groups: dict[int, list[tuple[float, float]]] = {}
    for x, y, cluster in points:
        if _finite(x, y) and _finite(cluster):
            groups.setdefault(int(cluster), []).append((float(x), float(y)))
    return groups


def scatter(
    points: Sequence[tuple[float, float, int]],
    colors: Sequence[str],
    *,
    width: int,
    height: int,
    title: str,
    names: Mapping[int, str] | None = None,
    radius: float = RADIUS,
) -> Chart:
    """Points `(x, y, cluster)` scaled into a `width` x `height` box with margins; cluster `c` is drawn in
    `colors[c % len(colors)]`, larger clusters first so that small ones stay visible on top; `names` (cluster ->
    name) goes into each group's hover title."""
    groups = group_points(points)
    if not groups or not colors:
        return empty_chart(title, "no points to draw", width=width)
    xs = [x for group in groups.values() for x, _ in group]
    ys = [y for group in groups.values() for _, y in group]
    pad = MARGIN + radius
    x_offset, x_factor = _scale(min(xs), max(xs), pad, width - 2 * pad)
    # SVG's y grows downwards: flip it so that the map reads like a plot.
    y_offset, y_factor = _scale(min(ys), max(ys), pad, height - 2 * pad)
    marks: list[Mark] = [Rect(0.5, 0.5, width - 1, height - 1, "none", stroke=GRID_COLOR)]
    for cluster, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        name = (names or {}).get(cluster)
        label = f"cluster {cluster}" + (f": {name}" if name else "") + f" ({len(members):,} points)"
        circles = tuple(Circle(x_offset + x * x_factor, height - (y_offset + y * y_factor), radius) for x, y in members)
        marks.append(
            Group(circles, cls="cluster", tooltip=label, data=(("cluster", str(cluster)),),
                  fill=colors[cluster % len(colors)], fill_opacity="0.75")
        )  # fmt: skip
    return Chart(width, height, title, "chart-scatter", tuple(marks))
