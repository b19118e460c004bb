"""How the reports write numbers, shares, times and texts: pure functions from data values to display strings.

The view models (`glue_jobs.report.view`, `glue_jobs.discover.topic_view`) use them; nothing here knows HTML (the
templates escape what they show). Standard library only and Python 3.9 compatible (Glue Python shell).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from typing import Any

NOT_SHOWN = "—"


def number(value: Any) -> float | None:
    """A finite number from an int, float or numeric string (Athena rows are strings); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    if not isinstance(value, numbers.Real):  # also numpy numbers from pandas rows
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fmt_count(value: Any) -> str:
    """1234567 -> '1,234,567'; non-integers keep one decimal; missing -> an em dash."""
    value = number(value)
    if value is None:
        return NOT_SHOWN
    return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"


def fmt_metric(value: Any) -> str:
    """A metric with 4 decimals."""
    value = number(value)
    return NOT_SHOWN if value is None else f"{value:.4f}"


def fmt_share(value: Any, decimals: int = 1) -> str:
    """A share (0..1) as a percentage; tiny non-zero shares say so instead of rounding to 0."""
    value = number(value)
    if value is None:
        return NOT_SHOWN
    smallest = 10.0 ** (-decimals) / 100
    if 0 < abs(value) < smallest:
        return f"<{100 * smallest:.{decimals}f}%" if value > 0 else f">-{100 * smallest:.{decimals}f}%"
    return f"{100 * value:.{decimals}f}%"


def fmt_points(value: Any) -> str:
    """A difference of shares in percentage points, signed."""
    value = number(value)
    return NOT_SHOWN if value is None else f"{100 * value:+.1f} pp"


def fmt_decimal(value: Any, decimals: int = 2) -> str:
    value = number(value)
    return NOT_SHOWN if value is None else f"{value:,.{decimals}f}"


def fmt_signed(value: Any, decimals: int = 2) -> str:
    value = number(value)
    return NOT_SHOWN if value is None else f"{value:+,.{decimals}f}"


def parse_timestamp(value: Any) -> dt.datetime | None:
    """'YYYY-MM-DD HH:MM:SS.fff' (also with 'T', a trailing 'Z' or more fraction digits) as naive UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("T", " ")
    if text.endswith("Z"):
        text = text[:-1]
    match = re.match(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d+))?$", text)
    if not match:
        return None
    try:
        moment = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    fraction = (match.group(2) or "0")[:6].ljust(6, "0")
    return moment.replace(microsecond=int(fraction))


def fmt_duration(started: Any, finished: Any) -> str:
    """'1 h 02 min 03 s', '4 min 05 s' or '12.3 s'; an em dash when a time is missing or they are reversed."""
    start, end = parse_timestamp(started), parse_timestamp(finished)
    if start is None or end is None or end < start:
        return NOT_SHOWN
    seconds = (end - start).total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    return f"{minutes} min {secs:02d} s"


def shown(value: Any) -> str:
    """The text of any value; missing or empty -> an em dash (the template escapes it)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_SHOWN
    return str(value)


def shorten(value: str, limit: int) -> str:
    """Whitespace collapsed, cut at a word boundary near `limit` characters, with an ellipsis."""
    flat = " ".join(value.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"
