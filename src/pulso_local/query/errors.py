"""Errors of the query package; their messages are one line."""

from __future__ import annotations

import re

from pulso.errors import PulsoError


class QueryError(PulsoError):
    """The query cannot be found, translated, run or written: a usage error (the CLI exits with 2)."""


class EngineError(PulsoError):
    """The engine cannot be reached (AWS credentials, network): not the query's fault (the CLI exits with 1)."""


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_line(error: BaseException) -> str:
    """The first line of an error's message, without the terminal colours sqlglot puts around the culprit."""
    lines = [line.strip() for line in _ANSI.sub("", str(error)).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
