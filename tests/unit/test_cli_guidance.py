"""The CLI's guidance without an emulated account: one-line usage errors with "did you mean", input checks before
anything starts, `--json` on the read commands, the end-of-run summary and the job lines under each step."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pulso_local import cli
from pulso_local.job_logs import JobKey, JobLogs, readable
from pulso_local.run_summary import summary_lines


def _usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as ended:
        cli.main(list(argv))
    assert ended.value.code == 2
    return capsys.readouterr().err


def test_a_mistyped_command_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    error = _usage_error(capsys, "rnu")
    assert error.splitlines()[-1] == "pulso: argument command: unknown 'rnu'; did you mean run?"


def test_a_mistyped_option_shows_the_subcommands_usage_and_the_closest_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = _usage_error(capsys, "run", "--inptu", "x.csv")
    assert error.startswith("usage: pulso run ")
    assert error.splitlines()[-1] == "pulso run: unrecognized argument '--inptu'; did you mean --input?"


def test_a_mistyped_topics_action_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean review?" in _usage_error(capsys, "topics", "reviw")


@pytest.mark.parametrize(
    ("command", "make", "message"),
    [
        ("run", "empty_dir", "input folder {path} holds no files"),
        ("ingest", "dir_with_file", "ingest takes one file and {path} is a folder"),
        ("run", "missing", "input {path} does not exist"),
    ],
)
def test_inputs_are_checked_before_the_account_starts(
    command: str, make: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("PULSO_HOME", str(tmp_path / "home"))
    path = tmp_path / "input"
    if make != "missing":
        path.mkdir()
    if make == "dir_with_file":
        (path / "a.csv").write_text("x\n")
    argv = [command, str(path)] if command == "ingest" else [command, "--input", str(path)]
    assert cli.main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("pulso: " + message.format(path=path))
    assert len(error.splitlines()) == 1
    assert not (tmp_path / "home").exists(), "nothing started"


@pytest.mark.parametrize("command", ["status", "history", "models"])
def test_read_commands_print_json(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("PULSO_HOME", str(tmp_path))
    (tmp_path / "history.jsonl").write_text(json.dumps({"run_id": "run-1", "status": "SUCCEEDED", "mode": "predict",
                                                        "totals": {"read": 3, "curated": 3}}) + "\n")  # fmt: skip
    assert cli.main([command, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    if command == "history":
        assert data[0]["run_id"] == "run-1"
    elif command == "status":
        assert data["last_run"]["curated"] == 3
        assert data["champion"] is None
    else:
        assert data == []


def test_deleting_the_workspace_needs_confirmation(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    home = tmp_path / "home"
    (home / "runs").mkdir(parents=True)
    monkeypatch.setenv("PULSO_HOME", str(home))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["workspace", "delete"]) == 2
    assert "needs --yes" in capsys.readouterr().err
    assert home.is_dir()
    assert cli.main(["workspace", "delete", "--yes"]) == 0
    assert not home.exists()


def _report(**fields: Any) -> SimpleNamespace:
    base = {"run_id": "run-1", "status": "SUCCEEDED", "seconds": 12.0, "state_seconds": {"Train": 9.0},
            "files": [], "totals": {"read": 10, "curated": 8, "quarantined": 1, "duplicates": 1}, "gate": None,
            "error": None, "outputs": {}, "record": {"predictions": 8, "model_version": "g/1"},
            "report_path": None}  # fmt: skip
    return SimpleNamespace(**{**base, **fields})


def test_the_summary_ends_with_the_local_report_path_and_the_next_commands() -> None:
    lines = summary_lines(_report(report_path="/w/s3/outputs/reports/run_id=run-1/report.html"))
    assert lines[0] == "✓ run run-1 succeeded in 12.0 s"
    assert "  report     /w/s3/outputs/reports/run_id=run-1/report.html" in lines
    commands = [line.strip() for line in lines[lines.index("next:") + 1 :]]
    assert [command.split("  ")[0] for command in commands] == [
        "pulso report run-1 --open",
        "pulso query support_queue",
        "make predict",
    ]


def test_a_failed_run_names_each_unread_file_and_how_to_see_more() -> None:
    lines = summary_lines(_report(status="FAILED", error={"error": "PipelineFailed", "cause": "no input object"},
                                  files=[{"object": "s3://b/k.bin", "error": "not UTF-8"}], record=None))  # fmt: skip
    assert lines[0] == "✗ run run-1 failed after 12.0 s: PipelineFailed: no input object"
    assert "  unread     s3://b/k.bin: not UTF-8" in lines
    assert any("pulso run --verbose" in line for line in lines)


def test_job_lines_are_readable_and_the_raw_form_is_kept() -> None:
    assert readable("$ etl_job.py --input s3://b/k --kms_key_id arn:aws:kms:x") is None
    assert readable("2026-12-07 10:00:00,123 INFO botocore.credentials: Found credentials") is None
    assert readable("2026-12-07 10:00:00,123 INFO glue_jobs.etl: 1,500 rows read") == "1,500 rows read"
    record = {"message": "manifest read", "manifest_uri": "s3://b/manifest.json", "totals": {"read": 3}, "run_id": "r"}
    assert readable(json.dumps(record)) == "manifest read: totals read=3"
    assert readable("x" * 500).endswith("…")


def test_each_jobs_output_goes_to_its_own_log_under_the_run(tmp_path: Path) -> None:
    logs = JobLogs(lambda run_id: tmp_path / run_id)
    key = JobKey("glue", "pulso-dev-etl", "run-1")
    with logs.job(key) as output:
        output.write("first")
    with logs.job(key) as output:
        output.write("second")
    assert (tmp_path / "run-1" / "glue-pulso-dev-etl.log").read_text() == "first\nsecond\n"
    claimed = [logs.claim(key), logs.claim(key), logs.claim(key)]
    assert [item.lines if item else None for item in claimed] == [["first"], ["second"], None]
