"""The production state machine under the emulated account: happy path, failures, quality gate, idempotence.

Each test opens its own emulated account on a fresh workspace. Training uses the shipped labelled sample
with small hyperparameters (from a configuration overlay, the way a user would tune them), so a run
takes seconds; the full-size pipeline is measured by `make bench-pipeline`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import pyarrow.parquet as pq
import pytest
from moto.core.exceptions import JsonRESTError

from pulso.config import OVERLAY_ENV, load_config
from pulso.requests import request_problem
from pulso_local.account import ACCOUNT_ID
from pulso_local.compute import EmulatedCompute
from pulso_local.emulator import JobFailedError
from pulso_local.runtime import LocalRuntime, RunReport
from tests.conftest import REPO_ROOT

LABELLED = REPO_ROOT / "data" / "sample_labelled.csv"
UNLABELLED = REPO_ROOT / "data" / "sample_unlabelled.jsonl"
FAST = {"epochs": 3, "hidden_size": 32, "glove_top_words": 5000, "patience": 2}
TRAIN_PATH = [
    "Check the request", "Start the run", "Validate and transform the upload", "Read the run manifest",
    "Train or only predict?", "Train a candidate model", "Compare the candidate with the champion",
    "Register the candidate model", "Anything to predict?", "Find the newest approved model", "Create the model",
    "Predict sentiment in batch", "Publish the predictions", "Record the run", "Write the run report",
    "Notify success",
]  # fmt: skip
FAILURE_TAIL = ["Describe the failure", "Record the failure", "Write the failure report", "Notify failure",
                "Pipeline failed"]  # fmt: skip


OVERLAY = {"pipeline": {"hyperparameters": FAST, "quality_gate": {"floor": 0.4}}}


@pytest.fixture(scope="module")
def overlay_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("overlay") / "overlay.json"
    path.write_text(json.dumps(OVERLAY))
    return path


@pytest.fixture
def overlay(overlay_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Small training for tests; the same overlay reaches the jobs, the Lambdas and train.py."""
    monkeypatch.setenv(OVERLAY_ENV, str(overlay_file))
    return overlay_file


def open_runtime(home: Path, compute_class: type[EmulatedCompute] = EmulatedCompute) -> Any:
    return LocalRuntime.open(home, log=lambda message: None, config=load_config(), compute_class=compute_class)


def states_entered(runtime: LocalRuntime, run_id: str) -> list[str]:
    sfn = boto3.client("stepfunctions")
    arn = f"{runtime.account.state_machine_arn.replace(':stateMachine:', ':execution:')}:{run_id}"
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event]


def predictions(home: Path, run_id: str) -> pd.DataFrame:
    """The run's predictions table, as saved in the workspace."""
    root = home / "s3" / load_config().resource_name("buckets.outputs", account_id=ACCOUNT_ID) / "predictions"
    parts = sorted(root.glob(f"ingest_date=*/run_id={run_id}/*.parquet"))
    assert parts, f"no prediction parts for {run_id}"
    return pd.concat([pq.read_table(part).to_pandas() for part in parts], ignore_index=True)


@pytest.fixture(scope="module")
def trained_workspace(overlay_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunReport]:
    """A workspace after one successful train_and_predict run on the labelled sample (made once)."""
    home = tmp_path_factory.mktemp("trained") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(OVERLAY_ENV, str(overlay_file))
        with open_runtime(home) as runtime:
            report = runtime.run(LABELLED, "tweets", "train_and_predict")
            entered = states_entered(runtime, report.run_id)
    assert report.status == "SUCCEEDED", report.error
    assert entered == TRAIN_PATH
    return home, report


@pytest.fixture
def trained_home(trained_workspace: tuple[Path, RunReport], tmp_path: Path, overlay: Path) -> tuple[Path, RunReport]:
    """A private copy of the trained workspace."""
    home, report = trained_workspace
    shutil.copytree(home, tmp_path / "home")
    return tmp_path / "home", report


@pytest.mark.slow
def test_a_labelled_upload_runs_every_state_and_leaves_every_artifact(trained_home: tuple[Path, RunReport]) -> None:
    home, report = trained_home
    totals = report.totals
    assert totals["read"] == totals["curated"] + totals["quarantined"] + totals["duplicates"]
    assert totals["quarantined"] > 0  # the sample carries bad rows and duplicates on purpose
    assert totals["duplicates"] > 0
    assert [file["read"] for file in report.files] == [totals["read"]]
    assert report.gate["decision"] == "approved"
    assert report.metrics["candidate"]["test_macro_recall"] > 0.4
    assert report.outputs["model_package"].endswith("/1")
    assert report.notification.startswith(f"Pulso run {report.run_id} succeeded")

    buckets = {path.name.split("-")[2]: path for path in (home / "s3").iterdir() if path.is_dir()}
    run = report.run_id
    assert list((buckets["transformed"] / "messages").glob(f"ingest_date=*/run_id={run}/*.parquet"))
    assert list(buckets["models"].glob(f"training-jobs/{run}-train-0/output/model.tar.gz"))
    assert list(buckets["models"].glob(f"training-jobs/{run}-train-0/output/output.tar.gz"))
    manifest = json.loads(next(buckets["transformed"].glob(f"manifests/run_id={run}/manifest.json")).read_text())
    registry = json.loads((home / "registry.json").read_text())["packages"]
    assert [(package["version"], package["approval_status"]) for package in registry] == [(1, "Approved")]
    assert float(registry[0]["metadata"]["test_macro_recall"]) == report.metrics["candidate"]["test_macro_recall"]

    table = predictions(home, run)
    assert len(table) == manifest["outputs"]["transform_input_records"]
    assert set(table["label"]) <= {-1, 0, 1}
    assert table["model_version"].unique().tolist() == ["pulso-dev-sentiment/1"]
    record = json.loads(next(buckets["outputs"].glob(f"runs/ingest_date=*/run_id={run}.json")).read_text())
    assert record["status"] == "SUCCEEDED"
    assert record["curated"] == totals["curated"]
    assert record["predictions"] == len(table)


@pytest.mark.slow
def test_a_worse_candidate_is_not_approved_and_the_champion_predicts(
    trained_home: tuple[Path, RunReport], tmp_path: Path
) -> None:
    home, _ = trained_home
    shuffled = tmp_path / "shuffled.csv"
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    labels = frame["label"].sample(frac=1.0, random_state=7).to_numpy()
    frame["label"] = labels  # labels no longer match the texts: the candidate learns noise
    frame["id"] = "shuffled-" + frame["id"]
    frame.to_csv(shuffled, index=False)
    with open_runtime(home) as runtime:
        report = runtime.run(shuffled, "tweets", "train_and_predict")
    table = predictions(home, report.run_id)
    assert report.status == "SUCCEEDED", report.error
    assert report.gate["decision"] == "rejected"
    assert report.gate["approval_status"] == "PendingManualApproval"
    assert report.metrics["champion"]["version"] == 1
    assert table["model_version"].unique().tolist() == ["pulso-dev-sentiment/1"]
    registry = json.loads((home / "registry.json").read_text())["packages"]
    assert [(package["version"], package["approval_status"]) for package in registry] == [
        (1, "Approved"), (2, "PendingManualApproval")]  # fmt: skip


@pytest.mark.slow
def test_predict_mode_uses_the_champion_and_reruns_duplicate_nothing(trained_home: tuple[Path, RunReport]) -> None:
    home, _ = trained_home
    with open_runtime(home) as runtime:
        first = runtime.run(UNLABELLED, "tweets", "predict")
        second = runtime.run(UNLABELLED, "tweets", "predict")
        entered = states_entered(runtime, first.run_id)
    tables = [predictions(home, report.run_id) for report in (first, second)]
    assert first.status == second.status == "SUCCEEDED"
    assert "Train a candidate model" not in entered
    assert len(tables[0]) == first.totals["curated"]
    assert tables[0]["message_id"].is_unique
    # The same messages get the same ids and the same answers; each run owns its own partition.
    assert tables[0]["message_id"].tolist() == tables[1]["message_id"].tolist()
    assert tables[0]["label"].tolist() == tables[1]["label"].tolist()


def test_predict_mode_without_an_approved_model_fails_clearly(tmp_path: Path, overlay: Path) -> None:
    with open_runtime(tmp_path / "home") as runtime:
        report = runtime.run(UNLABELLED, "tweets", "predict")
        entered = states_entered(runtime, report.run_id)
    assert report.status == "FAILED"
    assert report.error["error"] == "PipelineFailed"
    assert "NoApprovedModelError" in report.error["cause"]
    assert "no approved model in pulso-dev-sentiment" in report.error["cause"]
    assert entered[-len(FAILURE_TAIL) :] == FAILURE_TAIL
    assert "no approved model" in report.notification


class _FailingGlue(EmulatedCompute):
    def run_glue_job(self, job_name: str, script_location: str, arguments: dict[str, str]) -> None:
        raise RuntimeError("disk full (injected)")


class _FailingTransform(EmulatedCompute):
    def run_transform_job(self, request: dict[str, Any], model: dict[str, Any]) -> None:
        raise JobFailedError("ClientError: the container crashed (injected)")


class _FailingGate(EmulatedCompute):
    def invoke_lambda(self, function_name: str, handler: str, environment: dict[str, str], event: Any) -> Any:
        if function_name.endswith("quality-gate"):
            raise KeyError("evaluation.json has no metrics (injected)")
        return super().invoke_lambda(function_name, handler, environment, event)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("compute_class", "mode", "failed_state", "cause"),
    [
        (_FailingGlue, "train_and_predict", "Validate and transform the upload", "disk full (injected)"),
        (_FailingTransform, "predict", "Predict sentiment in batch", "the container crashed (injected)"),
        (_FailingGate, "train_and_predict", "Compare the candidate with the champion", "has no metrics (injected)"),
    ],
)
def test_each_failure_is_caught_notified_and_fails_the_run(
    trained_home: tuple[Path, RunReport], compute_class: type[EmulatedCompute], mode: str, failed_state: str, cause: str
) -> None:
    home, _ = trained_home
    with open_runtime(home, compute_class) as runtime:
        report = runtime.run(LABELLED if mode == "train_and_predict" else UNLABELLED, "tweets", mode)
        entered = states_entered(runtime, report.run_id)
    assert report.status == "FAILED"
    assert entered[-len(FAILURE_TAIL) - 1 :] == [failed_state, *FAILURE_TAIL]
    assert cause in report.error["cause"]
    assert cause in report.notification
    history = [json.loads(line) for line in (home / "history.jsonl").read_text().splitlines()]
    assert history[-1]["status"] == "FAILED"


@pytest.mark.slow
def test_a_failing_training_job_fails_the_run_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    overlay = tmp_path / "bad.json"
    overlay.write_text(json.dumps({"pipeline": {"hyperparameters": {**FAST, "epochs": "ten"}}}))
    monkeypatch.setenv(OVERLAY_ENV, str(overlay))
    with open_runtime(tmp_path / "home") as runtime:
        report = runtime.run(LABELLED, "tweets", "train_and_predict")
        entered = states_entered(runtime, report.run_id)
    assert report.status == "FAILED"
    assert entered[-len(FAILURE_TAIL) - 1 :] == ["Train a candidate model", *FAILURE_TAIL]
    assert "HyperparameterError: hyperparameter epochs must be a number (got 'ten')" in report.error["cause"]


class _NoCapacityOnce(EmulatedCompute):
    calls = 0

    def run_training_job(self, request: dict[str, Any]) -> dict[str, Any]:
        type(self).calls += 1
        if type(self).calls == 1:
            raise JsonRESTError("ResourceLimitExceeded", "no ml.c5.2xlarge capacity (injected)")
        return super().run_training_job(request)


@pytest.mark.slow
def test_a_transient_error_is_retried_under_a_new_job_name(tmp_path: Path, overlay: Path) -> None:
    _NoCapacityOnce.calls = 0
    with open_runtime(tmp_path / "home", _NoCapacityOnce) as runtime:
        report = runtime.run(LABELLED, "tweets", "train_and_predict")
        jobs = boto3.client("sagemaker").list_training_jobs()["TrainingJobSummaries"]
    assert report.status == "SUCCEEDED", report.error
    assert _NoCapacityOnce.calls == 2
    assert report.outputs["model"].split("/")[-3] == f"{report.run_id}-train-1"
    assert {job["TrainingJobName"] for job in jobs} == {f"{report.run_id}-train-0", f"{report.run_id}-train-1"}


BAD_REQUESTS = [
    {"input": "s3://x/y"},
    {"mode": 7},
    {"mode": "retrain", "input": "s3://x/y", "profile": "tweets"},
    {"mode": "predict"},
    {"mode": "predict", "input": 3, "profile": "tweets"},
    {"mode": "predict", "input": "/home/me/file.csv", "profile": "tweets"},
    {"mode": "predict", "input": "s3://x/y"},
    {"mode": "predict", "input": "s3://x/y", "profile": "instagram"},
    "just a string",
    [1, 2],
]


@pytest.mark.slow
def test_every_bad_request_is_rejected_recorded_and_explained(tmp_path: Path, overlay: Path) -> None:
    """On AWS a Choice rule on a missing field would fail the execution uncatchably (no record, no notice);
    the emulated account fails such a definition the same way, so these runs prove the definition is safe."""
    home = tmp_path / "home"
    with open_runtime(home) as runtime:
        reports = [runtime.start_request(request, f"bad-{index}") for index, request in enumerate(BAD_REQUESTS)]
    profiles = load_config().profiles
    for request, report in zip(BAD_REQUESTS, reports, strict=True):
        reason = request_problem(request, profiles)
        assert reason, request
        assert report.status == "FAILED", request
        assert report.states[:2] == ["Check the request", "Reject the request"], request
        assert report.states[-len(FAILURE_TAIL) :] == FAILURE_TAIL
        assert report.error == {"error": "PipelineFailed", "cause": f"InvalidRequest: {reason}"}
        record = next(_outputs(home).glob(f"runs/ingest_date=*/run_id={report.run_id}.json"))
        assert json.loads(record.read_text())["failure"] == f"InvalidRequest: {reason}"
        assert f"Cause: {reason}" in report.notification


@pytest.mark.slow
def test_an_upload_starts_one_run_through_on_upload_even_when_delivered_twice(
    trained_home: tuple[Path, RunReport],
) -> None:
    home, _ = trained_home
    with open_runtime(home) as runtime:
        event = runtime.put_upload(UNLABELLED, "tweets", "predict")
        first = runtime.deliver(event)
        again = runtime.deliver(event)  # S3 delivers at least once: the same object version again
        reports = [runtime.follow(arn) for arn in first]
        executions = boto3.client("stepfunctions").list_executions(stateMachineArn=runtime.account.state_machine_arn)
    assert len(first) == 1
    assert again == []
    assert reports[0].status == "SUCCEEDED", reports[0].error
    assert reports[0].run_id.startswith("up-")
    assert [item["name"] for item in executions["executions"]] == [reports[0].run_id]


def _outputs(home: Path) -> Path:
    return home / "s3" / load_config().resource_name("buckets.outputs", account_id=ACCOUNT_ID)


@pytest.mark.slow
def test_a_run_checks_drift_and_writes_a_report_that_matches_the_tables(trained_home: tuple[Path, RunReport]) -> None:
    home, report = trained_home
    run = report.run_id
    outputs = _outputs(home)
    table = predictions(home, run)
    manifest = json.loads(next(home.glob(f"s3/*transformed*/manifests/run_id={run}/manifest.json")).read_text())
    record = json.loads(next(outputs.glob(f"runs/ingest_date=*/run_id={run}.json")).read_text())

    drift = json.loads((outputs / f"predictions-manifests/run_id={run}/summary.json").read_text())["drift"]
    assert drift["status"] in ("ok", "warning")
    assert [check["name"] for check in drift["checks"]] == ["label_mix", "oov_rate", "mean_tokens", "language_mix"]
    assert drift["reference"]["messages"] == manifest["training"]["train"]  # the training rows of the model
    assert drift["current"]["messages"] == len(table)
    shares = table["label_name"].value_counts(normalize=True)
    for name, share in drift["current"]["label_mix"].items():
        assert share == pytest.approx(shares.get(name, 0.0), abs=1e-4)
    assert record["drift_status"] == drift["status"]

    data = json.loads((outputs / f"reports/run_id={run}/report.json").read_text())
    html = (outputs / f"reports/run_id={run}/report.html").read_text()
    assert data["missing"] == {}
    assert data["run"] == record
    assert data["accounting"]["totals"]["read"] == manifest["totals"]["read"]
    assert {row["reason"]: row["count"] for row in data["quarantine_reasons"]} == manifest["totals"][
        "quarantine_reasons"
    ]
    assert data["evaluation"]["metrics"]["test"]["macro_recall"] == report.metrics["candidate"]["test_macro_recall"]
    by_source = sum(row["negative"] + row["neutral"] + row["positive"] for row in data["sentiment_by_source"])
    by_day = sum(row["negative"] + row["neutral"] + row["positive"] for row in data["sentiment_by_day"])
    assert by_source == by_day == len(table)
    queue = [row["priority"] for row in data["support_queue"]]
    assert queue == sorted(queue, reverse=True)
    assert queue[0] == pytest.approx(table["priority"].max())
    assert run in html
    assert f"{manifest['totals']['curated']:,}" in html
    for external in ('src="http', "src='http", "url(http", "<link", "<script"):  # self-contained
        assert external not in html


@pytest.mark.slow
def test_a_drifting_run_warns_in_the_row_the_metrics_and_the_notification(
    trained_home: tuple[Path, RunReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _ = trained_home
    strict = {**OVERLAY, "pipeline": {**OVERLAY["pipeline"], "drift": {
        "label_mix": 0.0001, "oov_rate_increase": 0.5, "mean_tokens_change": 0.5, "language_mix": 0.5}}}  # fmt: skip
    overlay_path = tmp_path / "strict.json"
    overlay_path.write_text(json.dumps(strict))
    monkeypatch.setenv(OVERLAY_ENV, str(overlay_path))
    with open_runtime(home) as runtime:
        report = runtime.run(UNLABELLED, "tweets", "predict")
        cloudwatch = boto3.client("cloudwatch")
        metrics = {metric["MetricName"] for metric in cloudwatch.list_metrics(Namespace="Pulso/Drift")["Metrics"]}
        glue = boto3.client("glue")
        database = load_config().resource_name("glue_database")
        registered = {
            table: [p["Values"] for p in glue.get_partitions(DatabaseName=database, TableName=table)["Partitions"]]
            for table in ("messages", "quarantine", "predictions", "runs")
        }
    assert report.status == "SUCCEEDED", report.error
    assert {"DriftBreaches", "Drift_label_mix", "Drift_oov_rate"} <= metrics
    record = json.loads(next(_outputs(home).glob(f"runs/ingest_date=*/run_id={report.run_id}.json")).read_text())
    # Redshift Spectrum reads only registered partitions: every table the run wrote lists the run's partition.
    assert [record["ingest_date"]] in registered.pop("runs")
    for table, values in registered.items():
        assert any(value[1] == report.run_id for value in values), f"{table}: the run's partition is not registered"
    assert record["drift_status"] == "warning"
    assert record["drift_warnings"].startswith("label_mix ")
    assert "DRIFT WARNING: label_mix" in report.notification
    data = json.loads((_outputs(home) / f"reports/run_id={report.run_id}/report.json").read_text())
    assert data["drift"]["status"] == "warning"
    assert data["missing"]["evaluation"].startswith("predict mode")


def _scheduled_request(runtime: LocalRuntime, scheduled_time: str) -> dict[str, Any]:
    """What the daily schedule sends (terraform/modules/orchestration/locals.tf daily_input)."""
    prefix = f"s3://{runtime.account.bucket('raw')}/incoming/tweets/batch/"
    return {"input": prefix, "profile": "tweets", "mode": "predict", "scheduled_time": scheduled_time}


@pytest.mark.slow
def test_the_daily_run_predicts_the_previous_days_batch_folder_once(trained_home: tuple[Path, RunReport]) -> None:
    home, _ = trained_home
    with open_runtime(home) as runtime:
        raw = runtime.account.bucket("raw")
        boto3.client("s3").upload_file(str(UNLABELLED), raw, "incoming/tweets/batch/2026-12-04/drop.jsonl")
        boto3.client("s3").upload_file(str(UNLABELLED), raw, "incoming/tweets/batch/2026-12-03/older.jsonl")
        report = runtime.start_request(_scheduled_request(runtime, "2026-12-05T01:00:00Z"), "daily-1")
    assert report.status == "SUCCEEDED", report.error
    assert [item["object"].rsplit("/", 2)[-2] for item in report.files] == ["2026-12-04"]
    assert len(predictions(home, report.run_id)) == report.totals["curated"] > 0


def test_a_day_with_nothing_new_is_a_recorded_no_op(tmp_path: Path, overlay: Path) -> None:
    """No model is needed when there is nothing to predict: the run succeeds and is recorded."""
    home = tmp_path / "home"
    with open_runtime(home) as runtime:
        report = runtime.start_request(_scheduled_request(runtime, "2026-12-05T01:00:00Z"), "daily-empty")
        entered = states_entered(runtime, report.run_id)
    assert report.status == "SUCCEEDED", report.error
    assert report.totals == {"read": 0, "curated": 0, "quarantined": 0, "duplicates": 0}
    assert "Find the newest approved model" not in entered
    assert entered[-4:] == ["Anything to predict?", "Record the run", "Write the run report", "Notify success"]
    record = json.loads(next(_outputs(home).glob("runs/ingest_date=*/run_id=daily-empty.json")).read_text())
    assert (record["status"], record["predictions"], record["rows_read"]) == ("SUCCEEDED", 0, 0)
