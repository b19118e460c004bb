"""The workspace under real commands: it stays the same size, keeps registry dates, refuses a second command while
one runs (in both orders, nothing lost), survives SIGKILL at several points, and a local run that reads nothing
fails as the Glue job does on AWS."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pulso_local.runtime import LocalRuntime
from pulso_local.workspace import Workspace
from tests.conftest import REPO_ROOT

FAST = {"pipeline": {"hyperparameters": {"epochs": 3, "hidden_size": 32, "glove_top_words": 5000, "patience": 2}}}
LABELLED = REPO_ROOT / "data" / "sample_labelled.csv"
UNLABELLED = REPO_ROOT / "data" / "sample_unlabelled.jsonl"
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    overlay = tmp_path / "fast.json"
    overlay.write_text(json.dumps(FAST))
    return {**os.environ, "PULSO_HOME": str(tmp_path / "home"), "PULSO_CONFIG": str(overlay)}


def pulso(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pulso_local.cli", *args]
    return subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pulso_local.cli", *args]
    return subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(process: subprocess.Popen[str], marker: str, timeout: float = 300) -> list[str]:
    """Read the process's stderr until a line contains `marker`; the lines read."""
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            raise AssertionError(f"the command ended before {marker!r}: {''.join(lines[-20:])}")
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"no {marker!r} within {timeout} s")


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, rest = process.communicate(timeout=600)
    return process.returncode, rest


def saved_objects(home: Path) -> list[str]:
    return sorted(str(path.relative_to(home / "s3")) for path in (home / "s3").rglob("*") if path.is_file())


def history(env: dict[str, str]) -> list[dict[str, object]]:
    result = pulso(env, "history", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_commands_leave_the_object_count_and_the_registry_dates_unchanged(env: dict[str, str]) -> None:
    """The defect: each start uploaded the previous save's `.etag` markers as objects (`X.etag.etag…`), and every
    start re-created the model versions with the time of the restore as their creation time."""
    home = Path(env["PULSO_HOME"])
    assert pulso(env, "run").returncode == 0
    objects = saved_objects(home)
    registry = json.loads((home / "registry.json").read_text())["packages"]
    assert not [name for name in objects if name.endswith(".etag")]
    for _ in range(3):
        with LocalRuntime.open(home, log=lambda _: None, command="status check"):
            pass
    assert saved_objects(home) == objects
    assert json.loads((home / "registry.json").read_text())["packages"] == registry
    assert len(list((home / "snapshots").iterdir())) <= 2, "old snapshots are removed"
    # The training log the run printed is still there after the next commands, under the run.
    run_id = history(env)[0]["run_id"]
    logs = home / "runs" / str(run_id) / "logs"
    assert any(path.name.startswith("training-") and "epoch=1" in path.read_text() for path in logs.iterdir())


@pytest.mark.parametrize("order", ["train_then_predict", "predict_then_train"])
def test_a_second_command_refuses_while_a_run_holds_the_workspace(env: dict[str, str], order: str) -> None:
    """Either order: the second command exits 3 at once with one line; when the first is done, the second runs;
    nothing of either run is lost (two runs in the history, every prediction saved)."""
    home = Path(env["PULSO_HOME"])
    assert pulso(env, "run").returncode == 0  # a champion, so that a predict run can run first
    first, second = (LABELLED, UNLABELLED) if order == "train_then_predict" else (UNLABELLED, LABELLED)
    running = start(env, "run", "--input", str(first))
    wait_for_line(running, "▶ Validate and transform the upload")
    started = time.monotonic()
    refused = pulso(env, "run", "--input", str(second))
    assert refused.returncode == 3, refused.stderr
    assert time.monotonic() - started < 20, "refused at once, before an account starts"
    message = refused.stderr.strip().splitlines()[-1]
    assert message.startswith(f"pulso: workspace {home} is in use by `pulso run` (pid {running.pid}")
    assert "emulated account ready" not in refused.stderr
    assert finish(running)[0] == 0
    assert pulso(env, "run", "--input", str(second)).returncode == 0
    runs = history(env)
    assert [run["status"] for run in runs] == ["SUCCEEDED"] * 3
    predictions = pulso(env, "query", "SELECT run_id, count(*) AS n FROM predictions GROUP BY run_id", "--format",
                        "json")  # fmt: skip
    counted = {row["run_id"]: row["n"] for row in json.loads(predictions.stdout)}
    assert set(counted) == {run["run_id"] for run in runs}


@pytest.mark.parametrize(
    "marker", ["▶ Validate and transform the upload", "▶ Train a candidate model", "▶ Publish the predictions"]
)
def test_a_run_killed_mid_way_is_interrupted_and_a_rerun_loses_and_duplicates_nothing(
    env: dict[str, str], marker: str
) -> None:
    home = Path(env["PULSO_HOME"])
    killed = start(env, "run")
    wait_for_line(killed, marker)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    runs = history(env)  # read-only: shows the run as interrupted without taking the lock
    assert [run["status"] for run in runs] == ["INTERRUPTED"]
    assert "interrupted" in str(runs[0]["error"])

    rerun = pulso(env, "run", "--json")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert json.loads(rerun.stdout)["totals"] == {"read": 1500, "curated": 1490, "quarantined": 7, "duplicates": 3}
    assert [run["status"] for run in history(env)] == ["INTERRUPTED", "SUCCEEDED"]
    counts = pulso(env, "query", "SELECT count(*) AS n, count(DISTINCT message_id) AS d FROM predictions",
                   "--format", "json")  # fmt: skip
    assert json.loads(counts.stdout) == [{"n": 128, "d": 128}]
    messages = pulso(env, "query", "SELECT count(*) AS n FROM messages", "--format", "json")
    assert json.loads(messages.stdout) == [{"n": 1490}]
    assert Workspace(home).registry()[-1]["version"] == 1


def test_a_run_that_reads_nothing_fails_as_on_aws_and_json_carries_each_files_error(
    env: dict[str, str], tmp_path: Path
) -> None:
    """The defect: the local runtime called `run_job` and skipped the entry point's "no input object could be read",
    so a run of random bytes said SUCCEEDED with 0 curated."""
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 40)
    result = pulso(env, "run", "--input", str(garbage), "--json")
    assert result.returncode == 1, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["status"] == "FAILED"
    assert "no input object could be read" in report["error"]["cause"]
    assert report["files"][0]["object"].endswith("garbage.csv")
    assert report["files"][0]["error"]
    assert "Traceback" not in result.stderr
