"""Nothing is lost: per input object, rows read = curated + quarantined + duplicates, or the job fails."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pulso.errors import AccountingError
from pulso.ids import SPLITS, UNLABELLED


@dataclass
class ObjectAccount:
    """What happened to the rows of one input object."""

    object: str
    bytes: int = 0
    read: int = 0
    curated: int = 0
    quarantined: int = 0
    duplicates: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    splits: Counter[str] = field(default_factory=Counter)
    labels: Counter[int] = field(default_factory=Counter)
    companion: str | None = None
    error: str | None = None
    error_reason: str | None = None

    def add_chunk(self, read: int, curated: pd.DataFrame, quarantine: pd.DataFrame, duplicates: int) -> None:
        self.read += read
        self.curated += len(curated)
        self.duplicates += duplicates
        self.quarantined += len(quarantine)
        self.reasons.update(quarantine["reason"].tolist())
        self.splits.update(curated["split"].tolist())
        self.labels.update(int(value) for value in curated["label"].dropna().tolist())

    @property
    def labelled(self) -> int:
        return sum(self.labels.values())

    def check(self) -> None:
        """Raise AccountingError unless every row read is curated, quarantined or a counted duplicate."""
        accounted = self.curated + self.quarantined + self.duplicates
        if accounted != self.read:
            raise AccountingError(
                f"{self.object}: {self.read} rows read but {self.curated} curated + {self.quarantined} quarantined "
                f"+ {self.duplicates} duplicates = {accounted}"
            )

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "object": self.object,
            "bytes": self.bytes,
            "read": self.read,
            "curated": self.curated,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "labelled": self.labelled,
            "quarantine_reasons": dict(sorted(self.reasons.items())),
            "splits": {name: self.splits.get(name, 0) for name in (*SPLITS, UNLABELLED)},
            "error": self.error,
        }
        if self.companion:
            summary["companion"] = self.companion
        return summary


def totals(accounts: list[ObjectAccount]) -> dict[str, Any]:
    """The four counts, labelled rows, reasons, splits and labels summed over all objects."""
    reasons: Counter[str] = Counter()
    splits: Counter[str] = Counter()
    labels: Counter[int] = Counter()
    for account in accounts:
        reasons.update(account.reasons)
        splits.update(account.splits)
        labels.update(account.labels)
    return {
        "read": sum(account.read for account in accounts),
        "curated": sum(account.curated for account in accounts),
        "quarantined": sum(account.quarantined for account in accounts),
        "duplicates": sum(account.duplicates for account in accounts),
        "labelled": sum(labels.values()),
        "quarantine_reasons": dict(sorted(reasons.items())),
        "splits": {name: splits.get(name, 0) for name in (*SPLITS, UNLABELLED)},
        "labels": {str(value): labels[value] for value in sorted(labels)},
        "objects_failed": sum(1 for account in accounts if account.error),
    }
