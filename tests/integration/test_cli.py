"""The `pulso` console script as a user runs it: exit codes, the --json contract, the workspace commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

FAST = {"pipeline": {"hyperparameters": {"epochs": 3, "hidden_size": 32, "glove_top_words": 5000, "patience": 2}}}


def pulso(*args: str, home: Path, overlay: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PULSO_HOME": str(home)}
    if overlay is not None:
        env["PULSO_CONFIG"] = str(overlay)
    command = [sys.executable, "-m", "pulso_local.cli", *args]
    return subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_run_json_status_history_and_models(tmp_path: Path) -> None:
    overlay = tmp_path / "fast.json"
    overlay.write_text(json.dumps(FAST))
    home = tmp_path / "home"
    result = pulso("run", "--json", home=home, overlay=overlay)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, "stdout holds exactly one JSON object"
    report = json.loads(lines[0])
    assert report["status"] == "SUCCEEDED"
    assert {"run_id", "status", "files", "totals", "metrics", "gate", "outputs"} <= set(report)
    assert report["totals"] == {"read": 1500, "curated": 1490, "quarantined": 7, "duplicates": 3}
    assert report["files"][0]["object"].endswith("sample_labelled.csv")
    assert report["gate"]["decision"] == "approved"
    assert "▶ Train a candidate model" in result.stderr
    assert (home / "registry.json").is_file()
    # Each job's lines print under its own step, readable: the ETL's under "Validate…", the publish job's under
    # "Publish…", never the raw argument line with key ARNs (that is behind --verbose and in the run's logs).
    steps = result.stderr.split("\n▶ ")
    validate = next(step for step in steps if step.startswith("Validate and transform the upload"))
    assert "1,500 rows read" in validate
    publish = next(step for step in steps if step.startswith("Publish the predictions"))
    assert "128 predictions" in publish
    predict = next(step for step in steps if step.startswith("Predict sentiment in batch"))
    assert "publishing" not in predict
    assert "--kms_key_id" not in result.stderr
    assert "arn:aws:kms" not in result.stderr
    assert (home / "runs" / report["run_id"] / "logs" / "glue-pulso-dev-etl.log").is_file()
    assert f"report     {home}" in result.stderr, "the end names the local report file"

    models = pulso("models", home=home)
    assert models.returncode == 0
    assert "Approved" in models.stdout.splitlines()[2]  # header, rule, first version
    status = pulso("status", home=home)
    assert f"last run: {report['run_id']} SUCCEEDED" in status.stdout
    assert "champion: version 1" in status.stdout
    history = pulso("history", home=home)
    assert report["run_id"] in history.stdout

    newest = pulso("report", home=home)
    assert newest.returncode == 0, newest.stderr
    path = Path(newest.stdout.strip())
    assert path.name == "report.html"
    assert path.parent.name == f"run_id={report['run_id']}"
    assert report["run_id"] in path.read_text(encoding="utf-8")
    assert pulso("report", report["run_id"], home=home).stdout.strip() == str(path)
    unknown_run = pulso("report", "run-nope", home=home)
    assert unknown_run.returncode == 2
    assert unknown_run.stderr.strip() == f"pulso report: no report for run run-nope in {home} (see `pulso history`)"


def test_usage_errors_exit_with_2_and_one_line(tmp_path: Path) -> None:
    missing = pulso("run", "--input", str(tmp_path / "nope.csv"), home=tmp_path / "home")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"pulso: input {tmp_path / 'nope.csv'} does not exist"
    unknown = pulso("run", "--profile", "instagram", home=tmp_path / "home")
    assert unknown.returncode == 2
    assert "unknown source profile 'instagram'" in unknown.stderr
    assert pulso("status", home=tmp_path / "empty").stdout.startswith("no runs yet")


def test_start_sends_exactly_the_request_and_reports_a_rejection_in_one_line(tmp_path: Path) -> None:
    """`pulso start` is `aws stepfunctions start-execution --input`: a bad request runs, and ends as a recorded
    rejection with its reason; no traceback."""
    home = tmp_path / "home"
    result = pulso("start", "--request", '{"mode": "predict", "input": "s3://b/k.csv"}', "--name", "bad-1", "--json",
                   home=home)  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["status"] == "FAILED"
    assert report["error"] == {"error": "PipelineFailed", "cause": "InvalidRequest: a predict request needs profile"}
    assert "Traceback" not in result.stderr
    assert "✗ run bad-1 failed after" in result.stderr
    assert "bad-1" in pulso("history", home=home).stdout

    not_json = pulso("start", "--request", "{mode: predict}", home=home)
    assert not_json.returncode == 2
    assert not_json.stderr.strip() == "pulso: the request is not valid JSON: Expecting property name enclosed in " \
                                      "double quotes at line 1"  # fmt: skip
    bad_name = pulso("start", "--request", '{"mode": "discover"}', "--name", "my_run", home=home)
    assert bad_name.returncode == 2
    assert bad_name.stderr.strip().startswith("pulso: --name: a run id (the execution name) must be 1-53 letters")
