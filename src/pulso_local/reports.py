"""Run reports in the workspace: `pulso report [RUN]` finds the newest (or the named) run's HTML report.

The report job writes `s3://<outputs>/reports/run_id=R/report.html` (`pulso.layout.Layout.report`); the workspace
mirrors the bucket at `<home>/s3/<outputs bucket>/`, so the report is a local file the browser opens directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pulso.config import PulsoConfig
from pulso_local.account import ACCOUNT_ID


class ReportNotFoundError(LookupError):
    """No report for the run asked for (or none at all)."""


def outputs_dir(home: Path, config: PulsoConfig) -> Path:
    """Where the workspace mirrors the outputs bucket (run reports, topic reports, predictions)."""
    return home / "s3" / config.resource_name("buckets.outputs", account_id=ACCOUNT_ID)


def find_run_file(
    home: Path, config: PulsoConfig, key: Callable[[str], str], run_id: str | None, *, missing: str, none_yet: str
) -> Path:
    """The outputs object `key(run_id)` for `run_id`, or the most recently written `key(*)` when `run_id` is None;
    the ReportNotFoundError messages `missing` and `none_yet` say what is absent."""
    root = outputs_dir(home, config)
    if run_id:
        path = root / key(run_id)
        if not path.is_file():
            raise ReportNotFoundError(missing)
        return path
    found = list(root.glob(key("*")))
    if not found:
        raise ReportNotFoundError(none_yet)
    return max(found, key=lambda path: (path.stat().st_mtime, path.parent.name))


def find_report(home: Path, config: PulsoConfig, run_id: str | None = None) -> Path:
    """The report of `run_id`, or the most recently written one when `run_id` is None."""
    return find_run_file(
        home, config, config.layout.report, run_id,
        missing=f"no report for run {run_id} in {home} (see `pulso history`)",
        none_yet=f"no run report in {home} yet: `pulso run` writes one per run",
    )  # fmt: skip
