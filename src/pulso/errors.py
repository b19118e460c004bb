"""Error types shared by every Pulso unit. Their messages are one line and name the problem."""

from __future__ import annotations


class PulsoError(Exception):
    """Base class of the errors Pulso raises on purpose."""


class ConfigError(PulsoError, ValueError):
    """The configuration (file, overlay, profile or job argument) is invalid."""


class InputError(PulsoError):
    """An input object cannot be read as its source profile says (missing columns, corrupt file...).

    `reason` is the quarantine reason code recorded for the object as a whole (`glue_jobs.etl.quarantine`); None
    stands for `unreadable_object`.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class AccountingError(PulsoError):
    """Rows read do not equal rows curated + quarantined + duplicates: something was lost."""
