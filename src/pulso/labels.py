"""Label mapping: from what sources write (0/1/2, 1/2, names, -1.0...) to the canonical -1/0/1."""

from __future__ import annotations

import re
from collections.abc import Mapping

_INTEGRAL_FLOAT = re.compile(r"[-+]?\d+\.0*")


def label_key(raw: object) -> str:
    """The lookup key for a raw label: trimmed, lowercased, `2.0` -> `2`, `+1` -> `1`."""
    key = str(raw).strip().lower()
    if _INTEGRAL_FLOAT.fullmatch(key):
        key = str(int(float(key)))
    elif key.startswith("+") and key[1:].isdigit():
        key = key[1:]
    return key


def map_label(raw: object, mapping: Mapping[str, int]) -> int | None:
    """The canonical label for `raw`, or None when the mapping does not know it."""
    if isinstance(raw, bool):
        return None
    return mapping.get(label_key(raw))
