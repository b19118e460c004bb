"""Stable identifiers and split assignment, identical on every platform and Python version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

SPLITS = ("train", "validation", "test")
UNLABELLED = "unlabelled"


def _digest(text: str, size: int) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).digest()


def derived_message_id(object_name: str, text: str) -> str:
    """An id for a message that came without one: a hash of the source object's name and the text."""
    return "h" + _digest(f"{object_name}\x1f{text}", 10).hex()


def split_position(message_id: str) -> float:
    """A uniform number in [0, 1) derived from the message id alone."""
    return int.from_bytes(_digest(message_id, 8), "big") / 2.0**64


def assign_split(message_id: str, fractions: Mapping[str, float]) -> str:
    """train / validation / test by a stable hash of the message id, in the configured proportions."""
    position = split_position(message_id)
    cumulative = 0.0
    for split in SPLITS:
        cumulative += fractions.get(split, 0.0)
        if position < cumulative:
            return split
    return SPLITS[-1]
