"""The few lines `pulso run` ends with: what happened, where the report is, and what to do next."""

from __future__ import annotations

from typing import Any, Protocol

from pulso_local.views import rows_text


class _Report(Protocol):
    run_id: str
    status: str
    seconds: float
    state_seconds: dict[str, float]
    files: list[dict[str, Any]]
    totals: dict[str, int]
    gate: dict[str, Any] | None
    error: dict[str, str] | None
    outputs: dict[str, str]
    record: dict[str, Any] | None

    @property
    def report_path(self) -> str | None: ...


def summary_lines(report: _Report) -> list[str]:
    """The outcome (one line), the facts that matter (one line each), then the next commands."""
    record = report.record or {}
    lines = [_outcome(report)]
    if report.totals:
        lines.append(f"  rows       {rows_text(report.totals)}")
    for item in report.files:
        if item.get("error"):
            lines.append(f"  unread     {item.get('object')}: {item['error']}")
    if report.gate:
        lines.append(f"  model      candidate {report.gate.get('decision')}: {report.gate.get('reason')}")
    if record.get("predictions") is not None:
        version = record.get("model_version")
        model = f" with model version {version}" if version else ""
        lines.append(f"  predicted  {record['predictions']:,} messages{model}")
    if record.get("drift_status") and record["drift_status"] != "ok":
        lines.append(f"  drift      {record['drift_status']}: {record.get('drift_warnings') or 'see the report'}")
    if report.report_path:
        lines.append(f"  report     {report.report_path}")
    slowest = sorted(report.state_seconds.items(), key=lambda item: -item[1])[:3]
    if slowest:
        lines.append("  slowest    " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
    logs = report.outputs.get("logs")
    if logs:
        lines.append(f"  logs       {logs}")
    return [*lines, "next:", *(f"  {command:<40} {why}" for command, why in next_commands(report))]


def next_commands(report: _Report) -> list[tuple[str, str]]:
    """The commands that make sense after this run, with why."""
    if report.status != "SUCCEEDED":
        return [("pulso run --verbose", "the same run with every job line"),
                ("pulso history", "this run and the ones before")]  # fmt: skip
    commands = []
    if report.report_path:
        commands.append((f"pulso report {report.run_id} --open", "the run report in a browser"))
    if (report.record or {}).get("predictions"):
        commands.append(("pulso query support_queue", "the most negative messages first"))
    commands.append(("make predict", "predict new messages with the champion model"))
    return commands


def _outcome(report: _Report) -> str:
    if report.status == "SUCCEEDED":
        return f"✓ run {report.run_id} succeeded in {report.seconds:.1f} s"
    error = report.error or {}
    cause = f"{error.get('error')}: {error.get('cause')}" if error.get("cause") else str(error.get("error") or "")
    return f"✗ run {report.run_id} {report.status.lower()} after {report.seconds:.1f} s: {cause}"
