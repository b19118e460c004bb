"""Duplicate detection across the chunks of a run, in bounded and small memory.

A row is a duplicate when its message_id, or its text, was already curated in this run; the first
occurrence is kept. Keys are 64-bit hashes kept in sorted NumPy arrays (8 bytes per key, two keys per
curated row), so a run of 2 million rows holds ~32 MB of keys, not Python sets of strings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def hash_keys(values: pd.Series) -> np.ndarray:
    """64-bit hashes of string values (pandas' stable SipHash-based hashing)."""
    return pd.util.hash_pandas_object(values.astype(object), index=False).to_numpy(dtype=np.uint64)


class _SortedKeys:
    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)

    def __len__(self) -> int:
        return len(self._keys)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        if not len(self._keys):
            return np.zeros(len(keys), dtype=bool)
        positions = np.searchsorted(self._keys, keys)
        positions[positions == len(self._keys)] = 0
        return self._keys[positions] == keys

    def add(self, keys: np.ndarray) -> None:
        """Insert new (not yet present, distinct) keys: one sort of the batch and a linear merge."""
        keys = np.sort(keys)
        self._keys = np.insert(self._keys, np.searchsorted(self._keys, keys), keys)


class DuplicateFilter:
    """Remembers the message ids and texts curated so far in the run."""

    def __init__(self) -> None:
        self._ids = _SortedKeys()
        self._texts = _SortedKeys()

    def keep_mask(self, curated: pd.DataFrame) -> np.ndarray:
        """True for rows to keep; remembers their keys. Sequential semantics: earlier rows win."""
        if curated.empty:
            return np.zeros(0, dtype=bool)
        id_keys = hash_keys(curated["message_id"])
        text_keys = hash_keys(curated["text"])
        seen = self._ids.contains(id_keys) | self._texts.contains(text_keys)
        if _all_distinct(id_keys) and _all_distinct(text_keys):
            keep = ~seen  # the common case: no duplicate within the batch
        else:
            keep = self._sequential_keep(id_keys, text_keys, seen)
        self._ids.add(id_keys[keep])
        self._texts.add(text_keys[keep])
        return keep

    @staticmethod
    def _sequential_keep(id_keys: np.ndarray, text_keys: np.ndarray, seen: np.ndarray) -> np.ndarray:
        """Row by row: a row is kept when neither its id nor its text was kept before it."""
        keep = np.zeros(len(id_keys), dtype=bool)
        batch_ids: set[int] = set()
        batch_texts: set[int] = set()
        for index, (id_key, text_key, already) in enumerate(zip(id_keys.tolist(), text_keys.tolist(), seen)):
            if already or id_key in batch_ids or text_key in batch_texts:
                continue
            batch_ids.add(id_key)
            batch_texts.add(text_key)
            keep[index] = True
        return keep


def _all_distinct(keys: np.ndarray) -> bool:
    return len(np.unique(keys)) == len(keys)
