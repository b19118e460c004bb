"""The workspace's files without an emulated account: the lock, the history's run events, atomic writes,
log retention, legacy workspaces, and the read views that show them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pulso_local import views
from pulso_local.workspace import (
    INTERRUPTED,
    KEEP_RUN_LOGS_ENV,
    RUNNING,
    Workspace,
    WorkspaceBusyError,
    WorkspaceError,
    default_home,
    keep_run_logs,
    write_atomically,
)

HOLD_LOCK = """
import sys, time
from pathlib import Path
from pulso_local.workspace import Workspace
with Workspace(Path(sys.argv[1])).locked("run"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(home: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def _end(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    assert process.stdout is not None
    process.stdout.close()


def test_a_second_command_refuses_at_once_naming_the_holder(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(WorkspaceBusyError) as refused, Workspace(tmp_path).locked("topics discover"):
            pass
        assert time.monotonic() - started < 1
        message = str(refused.value)
        assert f"`pulso run` (pid {holder.pid}" in message
        assert "\n" not in message
    finally:
        _end(holder)


def test_a_lock_held_by_a_killed_process_is_free_again(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    _end(holder)  # SIGKILL: no cleanup runs; the kernel releases the flock
    with Workspace(tmp_path).locked("run"):
        assert json.loads((tmp_path / ".lock").read_text())["pid"] == os.getpid()


def test_runs_still_running_when_the_lock_is_taken_become_interrupted(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.append_history(
        {"run_id": "run-a", "status": RUNNING, "mode": "predict", "started_at": "2026-12-07T10:00:00"}
    )
    workspace.append_history({"run_id": "run-b", "status": RUNNING, "mode": "predict"})
    workspace.append_history({"run_id": "run-b", "status": "SUCCEEDED", "seconds": 3.0})
    with workspace.locked("run"):
        pass
    by_id = {entry["run_id"]: entry for entry in workspace.history()}
    assert by_id["run-a"]["status"] == INTERRUPTED
    assert by_id["run-a"]["started_at"] == "2026-12-07T10:00:00"  # the start is kept, the end is added
    assert by_id["run-b"]["status"] == "SUCCEEDED"
    with workspace.locked("run"):  # marked once, not at every command
        pass
    assert sum(INTERRUPTED in line for line in workspace.history_file.read_text().splitlines()) == 1


def test_a_torn_last_history_line_is_skipped(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.append_history({"run_id": "run-a", "status": "SUCCEEDED"})
    with workspace.history_file.open("a") as stream:
        stream.write('{"run_id": "run-b", "sta')  # the process died mid-write
    assert [entry["run_id"] for entry in workspace.history()] == ["run-a"]


def test_atomic_writes_leave_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_atomically(target, "old")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["state.json"]


def test_run_logs_keep_the_newest_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = Workspace(tmp_path)
    for number in range(5):
        folder = workspace.run_logs_dir(f"run-{number}")
        folder.mkdir(parents=True)
        os.utime(folder.parent, (1_000_000 + number, 1_000_000 + number))
    monkeypatch.setenv(KEEP_RUN_LOGS_ENV, "3")
    assert workspace.prune_run_logs() == ["run-0", "run-1"]
    assert sorted(path.name for path in workspace.runs_dir.iterdir()) == ["run-2", "run-3", "run-4"]


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_bad_retention_setting_is_one_line(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEEP_RUN_LOGS_ENV, value)
    with pytest.raises(WorkspaceError, match=f"{KEEP_RUN_LOGS_ENV} must be a whole number"):
        keep_run_logs()


def test_a_workspace_from_before_snapshots_loads_without_its_etag_markers(tmp_path: Path) -> None:
    """The defect: every `.etag` marker was uploaded as an object, adding a layer (`X.etag.etag`) per command."""
    bucket = tmp_path / "s3" / "pulso-dev-outputs"
    (bucket / "runs").mkdir(parents=True)
    (bucket / "runs" / "r.json").write_text("{}")
    (bucket / "runs" / "r.json.etag").write_text('"abc"')
    (bucket / "runs" / "r.json.etag.etag").write_text('"def"')
    workspace = Workspace(tmp_path)
    files = workspace.object_files()
    assert [path.name for path in files["pulso-dev-outputs"]] == ["r.json"]
    assert (tmp_path / "s3").is_symlink()
    assert (tmp_path / "s3" / "pulso-dev-outputs" / "runs" / "r.json").is_file()


def test_default_home_is_the_nearest_workspace_up_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULSO_HOME", raising=False)
    (tmp_path / ".pulso").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert default_home() == tmp_path / ".pulso"
    monkeypatch.setenv("PULSO_HOME", str(tmp_path / "elsewhere"))
    assert default_home() == tmp_path / "elsewhere"


def test_views_show_no_python_values(tmp_path: Path) -> None:
    """The defect: `None` in history, `totals {'read': …}` dicts in status, `profile None` for discover runs."""
    workspace = Workspace(tmp_path)
    workspace.append_history({"run_id": "topics-1", "status": "SUCCEEDED", "mode": "discover", "profile": None,
                              "seconds": 2.5, "totals": {}, "gate": None, "error": None})  # fmt: skip
    workspace.append_history({"run_id": "run-1", "status": "SUCCEEDED", "mode": "predict", "profile": "tweets",
                              "seconds": 9.0, "totals": {"read": 1500, "curated": 1490, "quarantined": 7,
                              "duplicates": 3}, "gate": None, "error": None})  # fmt: skip
    _, history = views.history_view(workspace)
    assert "None" not in history
    _, status = views.status_view(workspace)
    assert "{" not in status
    assert "None" not in status
    assert "1,500 read: 1,490 curated, 7 quarantined, 3 duplicates" in status
    data, _ = views.status_view(workspace)
    assert json.loads(json.dumps(data))["last_run"]["run_id"] == "run-1"
    workspace.append_history({"run_id": "topics-2", "status": "SUCCEEDED", "mode": "discover", "profile": None})
    _, status = views.status_view(workspace)
    assert "profile" not in status.splitlines()[0]
