"""Reading lines with bounded memory, for JSON Lines inputs of any size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, AnyStr


def bounded_lines(stream: IO[AnyStr], limit: int) -> Iterator[tuple[int, AnyStr, bool]]:
    """(line number, line, whole) for every non-blank line of a text or binary stream.

    At most `limit` + 1 characters (or bytes) of a line are read at a time: a longer line comes with
    `whole=False` and only its head; the rest is skipped without being held, so memory stays bounded
    whatever the stream holds. Line numbers count every line, blank ones included.
    """
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        newline = b"\n" if isinstance(line, bytes) else "\n"
        if len(line) > limit and not line.endswith(newline):
            while True:  # skip the rest of the oversized line; the next line starts a new record
                rest = stream.readline(limit + 1)
                if not rest or rest.endswith(newline):
                    break
            yield number, line, False
        elif line.strip():
            yield number, line, True
