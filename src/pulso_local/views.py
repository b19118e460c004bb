"""What the read commands show (`status`, `history`, `models`, `workspace`): each view gives the data for `--json`
and the text for people, built from the workspace files without starting the emulated account."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pulso_local.tables import render_table
from pulso_local.workspace import Workspace

HISTORY_COLUMNS = ("run_id", "status", "mode", "profile", "started", "seconds", "curated", "gate", "error")
MODEL_COLUMNS = ("version", "status", "test_macro_recall", "training_job", "created")


def rows_text(totals: dict[str, Any] | None) -> str:
    """`1,500 read: 1,490 curated, 7 quarantined, 3 duplicates` (empty when the run read nothing)."""
    if not totals:
        return ""
    return (f"{totals.get('read', 0):,} read: {totals.get('curated', 0):,} curated, "
            f"{totals.get('quarantined', 0):,} quarantined, {totals.get('duplicates', 0):,} duplicates")  # fmt: skip


def history_rows(workspace: Workspace) -> list[dict[str, Any]]:
    """Every run with the fields people look at; runs still running or interrupted have no end."""
    rows = []
    for entry in workspace.history():
        totals = entry.get("totals") or {}
        rows.append({
            "run_id": entry["run_id"], "status": entry.get("status"), "mode": entry.get("mode"),
            "profile": entry.get("profile"), "input": entry.get("input"),
            "started": (entry.get("started_at") or "")[:19].replace("T", " ") or None,
            "finished": (entry.get("finished_at") or "")[:19].replace("T", " ") or None,
            "seconds": entry.get("seconds"), "curated": totals.get("curated"), "totals": totals or None,
            "gate": entry.get("gate"), "error": entry.get("error"),
        })  # fmt: skip
    return rows


def history_view(workspace: Workspace) -> tuple[Any, str]:
    rows = history_rows(workspace)
    if not rows:
        return [], f"no runs yet in {workspace.home}: try `pulso run`"
    return rows, render_table(HISTORY_COLUMNS, [[row[column] for column in HISTORY_COLUMNS] for row in rows])


def model_rows(workspace: Workspace) -> list[dict[str, Any]]:
    return [
        {"version": package["version"], "status": package["approval_status"],
         "test_macro_recall": _number(package["metadata"].get("test_macro_recall")),
         "training_job": package["metadata"].get("training_job_name"),
         "created": (package.get("created_at") or "")[:19].replace("T", " ") or None}
        for package in workspace.registry()
    ]  # fmt: skip


def models_view(workspace: Workspace) -> tuple[Any, str]:
    rows = model_rows(workspace)
    if not rows:
        return [], f"no models yet in {workspace.home}: a `pulso run` on labelled data trains one"
    return rows, render_table(MODEL_COLUMNS, [[row[column] for column in MODEL_COLUMNS] for row in rows])


def status_view(workspace: Workspace) -> tuple[Any, str]:
    history = history_rows(workspace)
    approved = [row for row in model_rows(workspace) if row["status"] == "Approved"]
    champion = approved[-1] if approved else None
    data = {"workspace": str(workspace.home), "last_run": history[-1] if history else None, "champion": champion}
    if not history:
        return data, f"no runs yet in {workspace.home}: try `pulso run`"
    last = history[-1]
    details = ", ".join(str(item) for item in (last["mode"], last["profile"] and f"profile {last['profile']}",
                        last["seconds"] is not None and f"{last['seconds']} s") if item)  # fmt: skip
    lines = [f"last run: {last['run_id']} {last['status']} ({details})"]
    if last["totals"]:
        lines.append(f"rows:     {rows_text(last['totals'])}")
    if last["error"]:
        lines.append(f"error:    {last['error']}")
    lines.append(f"champion: version {champion['version']} (test macro-recall {champion['test_macro_recall']})"
                 if champion else "champion: none yet")  # fmt: skip
    lines.append(f"workspace: {workspace.home}")
    return data, "\n".join(lines)


def workspace_text(workspace: Workspace) -> str:
    """Where the workspace is, what it holds and how to remove it."""
    if not workspace.home.exists():
        return f"workspace: {workspace.home} (empty: nothing has run here yet)"
    objects = sum(len(files) for files in workspace.object_files().values())
    runs = workspace.history()
    size = sum(path.stat().st_size for path in workspace.home.rglob("*") if path.is_file() and not path.is_symlink())
    return "\n".join([
        f"workspace: {workspace.home}",
        f"  {len(runs)} runs, {len(workspace.registry())} model versions, {objects} objects, {size / 1e6:.1f} MB",
        "  delete it with `pulso workspace delete` (asks first; `--yes` in scripts)",
    ])  # fmt: skip


def delete_workspace(workspace: Workspace) -> None:
    """Remove everything of the workspace but its lock file (held by the caller), then the lock file."""
    for path in sorted(workspace.home.iterdir()):
        if path == workspace.lock_file:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    _remove_when_empty(workspace.home, keep=workspace.lock_file)


def _remove_when_empty(home: Path, keep: Path) -> None:
    keep.unlink(missing_ok=True)
    if home.is_dir() and not any(home.iterdir()):
        home.rmdir()


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
