"""Run reports in the workspace: `pulso report [RUN]` finds the newest (or the named) run's HTML report.

The report job writes `s3://<outputs>/<layout.reports>run_id=R/report.html`; the workspace mirrors the bucket at
`<home>/s3/<outputs bucket>/`, so the report is a local file the browser opens directly.
"""

from __future__ import annotations

from pathlib import Path

from pulso.config import PulsoConfig
from pulso_local.account import ACCOUNT_ID

REPORT_FILE = "report.html"


class ReportNotFoundError(LookupError):
    """No report for the run asked for (or none at all)."""


def reports_dir(home: Path, config: PulsoConfig, layout_key: str = "reports") -> Path:
    """Where the workspace mirrors the outputs bucket's `layout_key` prefix (run reports, topic reports)."""
    bucket = config.resource_name("buckets.outputs", account_id=ACCOUNT_ID)
    return home / "s3" / bucket / config.layout[layout_key].strip("/")


def find_run_file(folder: Path, name: str, run_id: str | None, *, missing: str, none_yet: str) -> Path:
    """`folder/run_id=R/name` for `run_id`, or the most recently written one when `run_id` is None; the
    ReportNotFoundError messages `missing` and `none_yet` say what is absent."""
    if run_id:
        path = folder / f"run_id={run_id}" / name
        if not path.is_file():
            raise ReportNotFoundError(missing)
        return path
    found = list(folder.glob(f"run_id=*/{name}"))
    if not found:
        raise ReportNotFoundError(none_yet)
    return max(found, key=lambda path: (path.stat().st_mtime, path.parent.name))


def find_report(home: Path, config: PulsoConfig, run_id: str | None = None) -> Path:
    """The report of `run_id`, or the most recently written one when `run_id` is None."""
    return find_run_file(
        reports_dir(home, config), REPORT_FILE, run_id,
        missing=f"no report for run {run_id} in {home} (see `pulso history`)",
        none_yet=f"no run report in {home} yet: `pulso run` writes one per run",
    )  # fmt: skip
