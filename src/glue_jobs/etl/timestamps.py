"""Timestamp parsing for `created_at`, identical on every pandas version (Glue's pandas is old).

Formats: `iso8601` (date, or date and time with `T` or a space, optional fraction and offset, `Z`),
`epoch_seconds`, `epoch_millis`, or any `datetime.strptime` format. Results are naive datetimes in UTC;
a timestamp without an offset is taken to be UTC already.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_EPOCH_LIMITS = (-(2**40), 2**40)


def _to_naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _parse_iso(text: str) -> dt.datetime:
    match = _ISO.fullmatch(text)
    if not match:
        raise ValueError("not ISO 8601")
    year, month, day = (int(part) for part in match.group("date").split("-"))
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    value = dt.datetime(
        year, month, day,
        int(match.group("hour") or 0), int(match.group("minute") or 0), int(match.group("second") or 0),
        int(fraction),
    )  # fmt: skip
    offset = match.group("offset")
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        value -= sign * dt.timedelta(minutes=minutes)
    return value


def _parse_epoch(text: str, per_second: int) -> dt.datetime:
    number = float(text)
    if not _EPOCH_LIMITS[0] < number < _EPOCH_LIMITS[1] * per_second:
        raise ValueError("epoch out of range")
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=number / per_second)


def timestamp_parser(timestamp_format: str) -> Callable[[str], dt.datetime]:
    """A function that parses one string in `timestamp_format` or raises ValueError/OverflowError."""
    if timestamp_format == "iso8601":
        return _parse_iso
    if timestamp_format == "epoch_seconds":
        return lambda text: _parse_epoch(text, 1)
    if timestamp_format == "epoch_millis":
        return lambda text: _parse_epoch(text, 1000)
    return lambda text: _to_naive_utc(dt.datetime.strptime(text, timestamp_format))
