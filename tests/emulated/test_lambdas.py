"""The Lambda handlers against moto: S3, Step Functions and the SageMaker model registry, as in the contracts."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_plus

import pytest

from lambdas import common, find_champion, on_upload, quality_gate, read_manifest, record_run
from lambdas.common import ObjectNotFoundError, parse_s3_uri, read_json
from pulso.config import CONFIG_URI_ENV, OVERLAY_ENV, QualityGateSettings, effective_config, load_config
from tests.conftest import create_runs_table

CONFIG = load_config()
GROUP = "pulso-test-sentiment"
MODELS_BUCKET = "pulso-test-models"
OUTPUTS_BUCKET = "pulso-test-outputs"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311-ubuntu22.04-sagemaker"
PASS_DEFINITION = {"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": True}}}
METADATA_KEY = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9_.])*$")
GATE = QualityGateSettings(metric="test_macro_recall", floor=0.5, tolerance=0.01)


# --- common -------------------------------------------------------------------------------------------------


def test_parse_s3_uri() -> None:
    assert parse_s3_uri("s3://bucket/a/b.json") == ("bucket", "a/b.json")
    assert parse_s3_uri("s3://bucket") == ("bucket", "")
    for bad in ("bucket/key", "https://bucket/key", "s3:///key"):
        with pytest.raises(ValueError, match="S3 URI"):
            parse_s3_uri(bad)


def test_read_json_of_a_missing_object_names_the_uri(boto3_session, buckets: dict[str, str]) -> None:
    with pytest.raises(ObjectNotFoundError, match=re.escape("s3://pulso-test-raw/nothing.json does not exist")):
        read_json("s3://pulso-test-raw/nothing.json", session=boto3_session)


# --- on_upload ----------------------------------------------------------------------------------------------


@pytest.fixture
def state_machine(boto3_session) -> str:
    sfn = boto3_session.client("stepfunctions")
    return sfn.create_state_machine(
        name="pulso-test-pipeline",
        definition=json.dumps(PASS_DEFINITION),
        roleArn="arn:aws:iam::123456789012:role/pulso-test-states",
    )["stateMachineArn"]


def eventbridge_event(bucket: str, key: str, version_id: str | None = "v1", etag: str = "e1") -> dict[str, Any]:
    obj: dict[str, Any] = {"key": key, "size": 10, "etag": etag, "sequencer": "617f08299329d189"}
    if version_id:
        obj["version-id"] = version_id
    return {
        "version": "0",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"version": "0", "bucket": {"name": bucket}, "object": obj, "reason": "PutObject"},
    }


def s3_notification(bucket: str, encoded_key: str, event_name: str = "ObjectCreated:Put") -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": event_name,
                "s3": {
                    "bucket": {"name": bucket},
                    "object": {"key": encoded_key, "size": 10, "eTag": "abc123", "sequencer": "0A1B"},
                },
            }
        ]
    }


def executions(boto3_session, arn: str) -> list[dict[str, Any]]:
    sfn = boto3_session.client("stepfunctions")
    found = sfn.list_executions(stateMachineArn=arn)["executions"]
    return [sfn.describe_execution(executionArn=item["executionArn"]) for item in found]


def test_eventbridge_upload_starts_one_execution_with_the_contract_input(boto3_session, state_machine: str) -> None:
    report = on_upload.start_runs(
        eventbridge_event("raw", "incoming/twcs/2026/11/twcs.csv", version_id="3HL4kqtJ"),
        state_machine_arn=state_machine,
        session=boto3_session,
    )
    expected_name = "up-" + hashlib.sha256(b"raw/incoming/twcs/2026/11/twcs.csv@3HL4kqtJ").hexdigest()[:32]
    [execution] = executions(boto3_session, state_machine)
    assert execution["name"] == expected_name
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", execution["name"])
    assert json.loads(execution["input"]) == {
        "input": "s3://raw/incoming/twcs/2026/11/twcs.csv",
        "profile": "twcs",
        "mode": "train_and_predict",
    }
    assert [item["name"] for item in report["started"]] == [expected_name]
    assert report["started"][0]["execution_arn"] == execution["executionArn"]
    assert report["skipped"] == report["duplicates"] == []


def test_a_repeated_delivery_starts_no_second_run(boto3_session, state_machine: str) -> None:
    event = eventbridge_event("raw", "incoming/tweets/file.csv")
    first = on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    second = on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    assert len(first["started"]) == 1
    assert second["started"] == []
    assert [item["name"] for item in second["duplicates"]] == [first["started"][0]["name"]]
    assert len(executions(boto3_session, state_machine)) == 1


def test_execution_already_exists_is_a_duplicate_not_an_error(
    boto3_session, state_machine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = eventbridge_event("raw", "incoming/tweets/file.csv")
    first = on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    # moto keeps executions RUNNING, and StartExecution with the same name and input on a running Standard
    # execution returns it without error (as AWS does); once it is closed AWS and moto raise ExecutionAlreadyExists.
    boto3_session.client("stepfunctions").stop_execution(executionArn=first["started"][0]["execution_arn"])
    # Two deliveries racing: the lookup misses, StartExecution answers ExecutionAlreadyExists.
    monkeypatch.setattr(on_upload, "_execution_exists", lambda sfn, arn: False)
    second = on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    assert second["started"] == []
    assert second["duplicates"][0]["execution_arn"] == first["started"][0]["execution_arn"]
    assert len(executions(boto3_session, state_machine)) == 1


def test_a_new_version_of_the_same_key_is_a_new_run(boto3_session, state_machine: str) -> None:
    for version in ("v1", "v2"):
        event = eventbridge_event("raw", "incoming/tweets/file.csv", version_id=version)
        on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    assert len({execution["name"] for execution in executions(boto3_session, state_machine)}) == 2


def test_s3_notification_keys_are_url_decoded(boto3_session, state_machine: str) -> None:
    report = on_upload.start_runs(
        s3_notification("raw", "incoming/tweets/my+file%C3%A9.csv"),
        state_machine_arn=state_machine,
        session=boto3_session,
    )
    [execution] = executions(boto3_session, state_machine)
    assert json.loads(execution["input"])["input"] == "s3://raw/incoming/tweets/my fileé.csv"
    # No version id in the record: the ETag makes the name.
    expected = "up-" + hashlib.sha256("raw/incoming/tweets/my fileé.csv@abc123".encode()).hexdigest()[:32]
    assert execution["name"] == expected
    assert report["started"][0]["object"] == "s3://raw/incoming/tweets/my fileé.csv"


@pytest.mark.parametrize(
    "key",
    [
        "incoming/tweets/march report.csv",
        "incoming/tweets/réclamations été.csv",
        "incoming/tweets/日本語 ファイル.jsonl",
        "incoming/tweets/c++ 100% sure.csv",  # a literal + and % survive both shapes
    ],
)
def test_both_event_shapes_give_the_same_key_and_the_same_run(key: str) -> None:
    # S3 notifications carry the key form-encoded (space -> +, UTF-8 bytes -> %XX); EventBridge carries it plain.
    notification = s3_notification("raw", quote_plus(key, safe="/"))
    notification["Records"][0]["s3"]["object"]["versionId"] = "v1"
    [from_notification] = on_upload.uploads_from_event(notification)
    [from_eventbridge] = on_upload.uploads_from_event(eventbridge_event("raw", key, version_id="v1"))
    assert from_notification.key == from_eventbridge.key == key
    assert on_upload.execution_name(from_notification) == on_upload.execution_name(from_eventbridge)
    plan = on_upload.plan_run(from_eventbridge, cfg=CONFIG)
    assert plan.input == {"input": f"s3://raw/{key}", "profile": "tweets", "mode": "train_and_predict"}


def test_a_notification_key_that_is_not_url_encoded_utf8_is_an_error() -> None:
    with pytest.raises(ValueError, match="is not URL-encoded UTF-8"):
        on_upload.uploads_from_event(s3_notification("raw", "incoming/tweets/bad%E9name.csv"))


def test_without_version_id_the_etag_names_the_run(boto3_session, state_machine: str) -> None:
    event = eventbridge_event("raw", "incoming/tweets/a.csv", version_id=None, etag="etag9")
    report = on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    assert report["started"][0]["name"] == "up-" + hashlib.sha256(b"raw/incoming/tweets/a.csv@etag9").hexdigest()[:32]


def test_predict_folder_and_default_mode_choose_the_mode(boto3_session, state_machine: str) -> None:
    predict = on_upload.start_runs(
        eventbridge_event("raw", "incoming/tweets/predict/x.csv"),
        state_machine_arn=state_machine,
        session=boto3_session,
    )
    assert predict["started"][0]["mode"] == "predict"
    # A file named predict is not the predict folder.
    named = on_upload.start_runs(
        eventbridge_event("raw", "incoming/tweets/predict"), state_machine_arn=state_machine, session=boto3_session
    )
    assert named["started"][0]["mode"] == "train_and_predict"
    default = on_upload.start_runs(
        eventbridge_event("raw", "incoming/tweets/y.csv"),
        state_machine_arn=state_machine,
        default_mode="predict",
        session=boto3_session,
    )
    assert default["started"][0]["mode"] == "predict"
    with pytest.raises(ValueError, match="DEFAULT_MODE must be one of"):
        on_upload.start_runs(
            eventbridge_event("raw", "incoming/tweets/y.csv"), state_machine_arn=state_machine, default_mode="train"
        )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("incoming/instagram/x.csv", "unknown profile 'instagram'"),
        ("elsewhere/tweets/x.csv", "key is not under incoming/"),
        ("incoming/x.csv", "no profile folder"),
        ("incoming/tweets/", "folder marker"),
        ("incoming/tweets/batch/2026-12-04/x.csv", "the daily scheduled run predicts it"),
    ],
)
def test_objects_that_start_no_run_are_skipped_with_a_reason(
    boto3_session, state_machine: str, key: str, reason: str
) -> None:
    report = on_upload.start_runs(eventbridge_event("raw", key), state_machine_arn=state_machine, session=boto3_session)
    assert report["started"] == report["duplicates"] == []
    assert report["skipped"][0]["object"] == f"s3://raw/{key}"
    assert reason in report["skipped"][0]["reason"]
    assert executions(boto3_session, state_machine) == []


def test_removed_objects_are_skipped(boto3_session, state_machine: str) -> None:
    event = s3_notification("raw", "incoming/tweets/a.csv", event_name="ObjectRemoved:Delete")
    report = on_upload.start_runs(event, state_machine_arn=state_machine, session=boto3_session)
    assert report["skipped"][0]["reason"] == "not an object-created event"
    assert executions(boto3_session, state_machine) == []


def test_on_upload_handler_reads_its_environment(
    boto3_session, state_machine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = eventbridge_event("raw", "incoming/tweets/z.csv")
    monkeypatch.delenv("STATE_MACHINE_ARN", raising=False)
    with pytest.raises(RuntimeError, match="STATE_MACHINE_ARN"):
        on_upload.handler(event, None)
    monkeypatch.setenv("STATE_MACHINE_ARN", state_machine)
    monkeypatch.setenv("DEFAULT_MODE", "predict")
    report = on_upload.handler(event, None)
    assert report["started"][0]["mode"] == "predict"
    with pytest.raises(ValueError, match="not an S3 event"):
        on_upload.handler({"hello": "world"}, None)


# --- read_manifest ------------------------------------------------------------------------------------------


def etl_manifest(transformed: str) -> dict[str, Any]:
    """A manifest as `glue_jobs.etl.pipeline.run_etl` writes it."""
    run = "up-0123456789abcdef0123456789abcdef"
    objects = [
        {
            "object": "s3://raw/incoming/tweets/a.csv",
            "bytes": 1000,
            "read": 300,
            "curated": 250,
            "quarantined": 40,
            "duplicates": 10,
            "labelled": 240,
            "quarantine_reasons": {"missing_text": 40},
            "splits": {"train": 200, "validation": 20, "test": 20, "unlabelled": 10},
            "error": None,
        },
        {
            "object": "s3://raw/incoming/tweets/b.csv",
            "bytes": 10,
            "read": 0,
            "curated": 0,
            "quarantined": 1,
            "duplicates": 0,
            "labelled": 0,
            "quarantine_reasons": {"unreadable_object": 1},
            "splits": {"train": 0, "validation": 0, "test": 0, "unlabelled": 0},
            "error": "corrupt gzip",
        },
    ]
    return {
        "run_id": run,
        "ingest_date": "2026-11-22",
        "status": "SUCCEEDED",
        "profile": "tweets",
        "mode": "train_and_predict",
        "input": "s3://raw/incoming/tweets/",
        "objects": objects,
        "ignored_objects": [],
        "totals": {
            "read": 300,
            "curated": 250,
            "quarantined": 41,
            "duplicates": 10,
            "labelled": 240,
            "quarantine_reasons": {"missing_text": 40, "unreadable_object": 1},
            "splits": {"train": 200, "validation": 20, "test": 20, "unlabelled": 10},
            "labels": {"-1": 80, "0": 80, "1": 80},
            "objects_failed": 1,
        },
        "training": {
            "labelled_rows": 240,
            "train": 200,
            "validation": 20,
            "test": 20,
            "min_labelled_rows": 200,
            "enough_labelled_rows": True,
        },
        "outputs": {
            "messages": f"s3://{transformed}/messages/ingest_date=2026-11-22/run_id={run}/",
            "quarantine": f"s3://{transformed}/quarantine/ingest_date=2026-11-22/run_id={run}/",
            "transform_input": f"s3://{transformed}/transform-input/run_id={run}/",
            "transform_input_shards": 1,
            "transform_input_records": 30,
            "manifest": f"s3://{transformed}/manifests/run_id={run}/manifest.json",
        },
        "runtime": {"python": "3.9.20", "pandas": "1.5.3"},
    }


def test_read_manifest_returns_the_contract_summary(boto3_session, buckets: dict[str, str]) -> None:
    transformed = buckets["transformed"]
    manifest = etl_manifest(transformed)
    key = f"manifests/run_id={manifest['run_id']}/manifest.json"
    boto3_session.client("s3").put_object(Bucket=transformed, Key=key, Body=json.dumps(manifest, indent=2).encode())

    summary = read_manifest.handler({"manifest_uri": f"s3://{transformed}/{key}"}, None)

    assert summary == {
        "run_id": manifest["run_id"],
        "ingest_date": "2026-11-22",
        "totals": {"read": 300, "curated": 250, "quarantined": 41, "duplicates": 10, "labelled": 240},
        "files": [
            {
                "object": "s3://raw/incoming/tweets/a.csv",
                "read": 300,
                "curated": 250,
                "quarantined": 40,
                "duplicates": 10,
            },
            {"object": "s3://raw/incoming/tweets/b.csv", "read": 0, "curated": 0, "quarantined": 1, "duplicates": 0},
        ],
        "enough_labelled_rows": True,
        "labelled_rows": 240,
        "min_labelled_rows": 200,
        "messages": manifest["outputs"]["messages"],
        "transform_input": manifest["outputs"]["transform_input"],
        "transform_input_records": 30,
    }


def test_read_manifest_fails_clearly_when_the_manifest_is_missing(boto3_session, buckets: dict[str, str]) -> None:
    uri = f"s3://{buckets['transformed']}/manifests/run_id=nope/manifest.json"
    with pytest.raises(read_manifest.ManifestNotFoundError, match=re.escape(f"run manifest not found at {uri}")):
        read_manifest.handler({"manifest_uri": uri}, None)
    with pytest.raises(ValueError, match="manifest_uri"):
        read_manifest.handler({}, None)


# --- model registry helpers ---------------------------------------------------------------------------------


def evaluation(test: float | None, validation: float = 0.7) -> dict[str, Any]:
    metrics: dict[str, Any] = {"validation": {"macro_recall": validation, "macro_f1": 0.69, "accuracy": 0.71}}
    if test is not None:
        metrics["test"] = {"macro_recall": test, "macro_f1": round(test - 0.03, 4), "accuracy": round(test - 0.02, 4)}
    return {"model_id": "job", "primary_metric": "macro_recall", "metrics": metrics}


def model_archive(
    evaluation_json: dict[str, Any] | None, member_prefix: str = "", *, weights_first: bool = False
) -> bytes:
    """A model.tar.gz laid out as training packs it (sorted names, evaluation.json before the weights), or with
    `weights_first` in another order SageMaker may use: the weights first, evaluation.json last."""
    files: list[tuple[str, bytes]] = [("code/inference/handler.py", b"# handler\n"), ("config.json", b"{}")]
    if evaluation_json is not None:
        files.append(("evaluation.json", json.dumps(evaluation_json).encode()))
    files += [("model.pt", bytes(range(256)) * 512), ("vocab.json", b"[]")]
    if weights_first:
        files.sort(key=lambda item: (item[0] != "model.pt", item[0] == "evaluation.json"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files:
            info = tarfile.TarInfo(member_prefix + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def registry(boto3_session) -> Any:
    boto3_session.client("s3").create_bucket(Bucket=MODELS_BUCKET)
    sagemaker = boto3_session.client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    return sagemaker


def upload_model(
    session, name: str, evaluation_json: dict[str, Any] | None, member_prefix: str = "", *, weights_first: bool = False
) -> str:
    key = f"training-jobs/{name}/output/model.tar.gz"
    body = model_archive(evaluation_json, member_prefix, weights_first=weights_first)
    session.client("s3").put_object(Bucket=MODELS_BUCKET, Key=key, Body=body)
    return f"s3://{MODELS_BUCKET}/{key}"


def register(sagemaker, status: str, properties: dict[str, str] | None = None, model_data: str = "") -> str:
    arguments: dict[str, Any] = {
        "ModelPackageGroupName": GROUP,
        "ModelApprovalStatus": status,
        "InferenceSpecification": {
            "Containers": [{"Image": IMAGE, "ModelDataUrl": model_data or f"s3://{MODELS_BUCKET}/m.tar.gz"}],
            "SupportedContentTypes": ["application/jsonlines"],
            "SupportedResponseMIMETypes": ["application/jsonlines"],
        },
    }
    if properties:
        arguments["CustomerMetadataProperties"] = properties
    return sagemaker.create_model_package(**arguments)["ModelPackageArn"]


def gate(session, test: float | None, validation: float = 0.7, member_prefix: str = "") -> dict[str, Any]:
    uri = upload_model(session, "candidate", evaluation(test, validation), member_prefix)
    event = {"model_artifacts": uri, "training_job_name": "pulso-train-1", "model_package_group": GROUP}
    return quality_gate.handler(event, None)


# --- quality_gate -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("member_prefix", ["", "./"])
def test_first_model_above_the_floor_is_approved(boto3_session, registry, member_prefix: str) -> None:
    result = gate(boto3_session, 0.6629, member_prefix=member_prefix)
    assert result["decision"] == "approved"
    assert result["approval_status"] == "Approved"
    assert result["metric"] == "test_macro_recall"
    assert result["champion"] is None
    assert result["reason"] == "candidate test_macro_recall 0.6629 >= floor 0.50 and there is no approved champion yet"
    assert result["candidate"] == {
        "test_macro_recall": 0.6629,
        "test_macro_f1": 0.6329,
        "test_accuracy": 0.6429,
        "validation_macro_recall": 0.7,
    }
    assert result["metadata"]["test_macro_recall"] == "0.6629"
    assert result["metadata"]["training_job_name"] == "pulso-train-1"
    assert result["metadata"]["gate_decision"] == "approved"
    assert all(isinstance(value, str) for value in result["metadata"].values())
    assert all(METADATA_KEY.match(key) for key in result["metadata"])


def test_a_model_below_the_floor_is_rejected(boto3_session, registry) -> None:
    result = gate(boto3_session, 0.45)
    assert result["decision"] == "rejected"
    assert result["approval_status"] == "PendingManualApproval"
    assert result["reason"] == "candidate test_macro_recall 0.4500 < floor 0.50"


def test_within_tolerance_of_the_champion_is_approved(boto3_session, registry) -> None:
    arn = register(registry, "Approved", {"test_macro_recall": "0.6600"})
    result = gate(boto3_session, 0.6550)
    assert result["decision"] == "approved"
    assert result["champion"] == {"model_package_arn": arn, "version": 1, "test_macro_recall": 0.66}
    assert result["reason"] == (
        "candidate test_macro_recall 0.6550 >= floor 0.50 and within 0.01 of champion version 1 (0.6600)"
    )
    assert result["metadata"]["champion_version"] == "1"


def test_exactly_tolerance_below_the_champion_is_approved(boto3_session, registry) -> None:
    register(registry, "Approved", {"test_macro_recall": "0.66"})
    assert gate(boto3_session, 0.65)["decision"] == "approved"
    # 0.6004 - 0.1 is 0.5004000000000001 in floating point: the boundary must still pass.
    wide = QualityGateSettings(metric="test_macro_recall", floor=0.5, tolerance=0.1)
    decision = quality_gate.decide({"test_macro_recall": 0.5004}, {"version": 1, "test_macro_recall": 0.6004}, wide)
    assert decision.decision == "approved"


def test_worse_than_the_champion_beyond_tolerance_is_rejected(boto3_session, registry) -> None:
    register(registry, "Approved", {"test_macro_recall": "0.7000"})
    result = gate(boto3_session, 0.6500)
    assert result["decision"] == "rejected"
    assert result["approval_status"] == "PendingManualApproval"
    assert result["reason"] == "candidate test_macro_recall 0.6500 is more than 0.01 below champion version 1 (0.7000)"


def test_the_newest_approved_package_is_the_champion(boto3_session, registry) -> None:
    register(registry, "Approved", {"test_macro_recall": "0.6000"})
    newest_approved = register(registry, "Approved", {"test_macro_recall": "0.7000"})
    register(registry, "PendingManualApproval", {"test_macro_recall": "0.9500"})
    register(registry, "Rejected", {"test_macro_recall": "0.9900"})
    result = gate(boto3_session, 0.6950)
    assert result["champion"]["model_package_arn"] == newest_approved
    assert result["champion"]["version"] == 2
    assert result["decision"] == "approved"
    assert "champion version 2 (0.7000)" in result["reason"]


def test_without_a_test_split_the_validation_macro_recall_decides(boto3_session, registry) -> None:
    register(registry, "Approved", {"test_macro_recall": "0.6000", "validation_macro_recall": "0.6500"})
    result = gate(boto3_session, None, validation=0.6450)
    assert result["decision"] == "approved"
    assert result["metric"] == "validation_macro_recall"
    assert result["candidate"]["test_macro_recall"] is None
    assert "test_macro_recall" not in result["metadata"]
    assert result["reason"] == (
        "candidate validation_macro_recall 0.6450 >= floor 0.50 and within 0.01 of champion version 1 (0.6500)"
        " (no test split: validation_macro_recall used instead of test_macro_recall)"
    )


@pytest.fixture
def gate_configuration(boto3_session, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Deploys an effective configuration (the bundled one + `overlay`) as Terraform does: an object in the models
    bucket named by PULSO_CONFIG_URI; every call is a new deployment (a cold start reads it anew)."""
    uri = f"s3://{MODELS_BUCKET}/code/config/pulso.json"

    def deploy(overlay: dict[str, Any]) -> None:
        boto3_session.client("s3").put_object(
            Bucket=MODELS_BUCKET, Key="code/config/pulso.json", Body=json.dumps(effective_config(overlay))
        )
        monkeypatch.setenv(CONFIG_URI_ENV, uri)
        common.config.cache_clear()

    monkeypatch.delenv(OVERLAY_ENV, raising=False)
    yield deploy
    common.config.cache_clear()


def test_gate_floor_and_tolerance_come_from_the_configuration(
    boto3_session, registry, gate_configuration: Callable[[dict[str, Any]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    gate_configuration({"pipeline": {"quality_gate": {"floor": 0.7}}})
    monkeypatch.setenv("GATE_FLOOR", "0.1")  # the old side channel: ignored
    result = gate(boto3_session, 0.6629)
    assert result["decision"] == "rejected"
    assert result["reason"] == "candidate test_macro_recall 0.6629 < floor 0.70"
    register(registry, "Approved", {"test_macro_recall": "0.7500"})
    gate_configuration({"pipeline": {"quality_gate": {"floor": 0.5, "tolerance": 0.1}}})
    result = gate(boto3_session, 0.6629)
    assert result["decision"] == "approved"
    assert "within 0.10 of champion version 1 (0.7500)" in result["reason"]


def test_evaluation_json_is_found_after_the_weights(boto3_session, registry) -> None:
    uri = upload_model(boto3_session, "sagemaker-order", evaluation(0.6629), weights_first=True)
    body = boto3_session.client("s3").get_object(Bucket=MODELS_BUCKET, Key=uri.split("/", 3)[3])["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as archive:
        assert archive.getnames()[0] == "model.pt"
        assert archive.getnames()[-1] == "evaluation.json"
    assert quality_gate.read_evaluation(uri, session=boto3_session) == evaluation(0.6629)
    event = {"model_artifacts": uri, "training_job_name": "t", "model_package_group": GROUP}
    assert quality_gate.handler(event, None)["candidate"]["test_macro_recall"] == 0.6629


def test_an_archive_without_evaluation_json_fails_clearly(boto3_session, registry) -> None:
    uri = upload_model(boto3_session, "broken", None)
    event = {"model_artifacts": uri, "training_job_name": "t", "model_package_group": GROUP}
    with pytest.raises(quality_gate.EvaluationMissingError, match=re.escape("holds no evaluation.json")):
        quality_gate.handler(event, None)


def test_decide_is_a_pure_rule() -> None:
    candidate = {"test_macro_recall": 0.62, "validation_macro_recall": 0.7}
    champion = {"version": 4, "test_macro_recall": 0.64}
    assert quality_gate.decide(candidate, champion, GATE).decision == "rejected"
    loose = QualityGateSettings(metric="test_macro_recall", floor=0.5, tolerance=0.05)
    assert quality_gate.decide(candidate, champion, loose).decision == "approved"
    no_metric = quality_gate.decide(candidate, {"version": 4}, GATE)
    assert no_metric.decision == "approved"
    assert "champion version 4 has no test_macro_recall" in no_metric.reason
    with pytest.raises(quality_gate.EvaluationMissingError):
        quality_gate.decide({"test_macro_recall": None, "validation_macro_recall": None}, None, GATE)


def test_gate_metadata_is_accepted_by_create_model_package(boto3_session, registry) -> None:
    result = gate(boto3_session, 0.6629)
    arn = register(registry, result["approval_status"], result["metadata"])
    stored = registry.describe_model_package(ModelPackageName=arn)
    assert stored["CustomerMetadataProperties"] == result["metadata"]
    assert stored["ModelApprovalStatus"] == "Approved"


# --- find_champion ------------------------------------------------------------------------------------------


def test_find_champion_without_an_approved_model_raises(boto3_session, registry) -> None:
    register(registry, "PendingManualApproval", {"test_macro_recall": "0.9"})
    message = f"no approved model in {GROUP}: run train_and_predict on labelled data first"
    with pytest.raises(find_champion.NoApprovedModelError, match=re.escape(message)):
        find_champion.handler({"model_package_group": GROUP}, None)


def test_find_champion_returns_the_newest_approved_model(boto3_session, registry) -> None:
    register(registry, "Approved", {"test_macro_recall": "0.61"}, model_data="s3://m/1/model.tar.gz")
    newest = register(registry, "Approved", {"test_macro_recall": "0.6629"}, model_data="s3://m/2/model.tar.gz")
    register(registry, "PendingManualApproval", {"test_macro_recall": "0.99"}, model_data="s3://m/3/model.tar.gz")
    assert find_champion.handler({"model_package_group": GROUP}, None) == {
        "model_package_arn": newest,
        "version": 2,
        "model_data_url": "s3://m/2/model.tar.gz",
        "image": IMAGE,
        "model_version": f"{GROUP}/2",
        "test_macro_recall": 0.6629,
    }


def test_find_champion_without_metrics_reports_null(boto3_session, registry) -> None:
    register(registry, "Approved")
    assert find_champion.handler({"model_package_group": GROUP}, None)["test_macro_recall"] is None


# --- record_run ---------------------------------------------------------------------------------------------


@pytest.fixture
def outputs(boto3_session, buckets: dict[str, str]) -> str:
    """The outputs bucket, and the runs table in the catalog (record_run registers its partitions there)."""
    boto3_session.client("s3").create_bucket(Bucket=OUTPUTS_BUCKET)
    create_runs_table(boto3_session, OUTPUTS_BUCKET)
    return OUTPUTS_BUCKET


def runs_partitions(boto3_session) -> list[list[str]]:
    database = load_config().resource_name("glue_database")
    found = boto3_session.client("glue").get_partitions(DatabaseName=database, TableName="runs")["Partitions"]
    return [partition["Values"] for partition in found]


RUN_ID = "up-0123456789abcdef0123456789abcdef"
FINISHED = dt.datetime(2026, 11, 22, 10, 30, 5, 250000, tzinfo=dt.UTC)


def successful_state() -> dict[str, Any]:
    summary = read_manifest.summarise(etl_manifest("pulso-test-transformed"))
    summary["totals"].update(read=1500, curated=1234, quarantined=200, duplicates=66, labelled=1000)
    summary["transform_input_records"] = 1200
    arn = f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/3"
    return {
        "input": "s3://raw/incoming/tweets/file.csv",
        "profile": "tweets",
        "mode": "train_and_predict",
        "run_id": RUN_ID,
        "started_at": "2026-11-22T10:00:00.123Z",
        "etl": {"JobRunId": "jr_1", "JobRunState": "SUCCEEDED"},
        "manifest": summary,
        "training": {"TrainingJobName": "pulso-train-1", "ModelArtifacts": {"S3ModelArtifacts": "s3://m/model.tar.gz"}},
        "gate": {
            "decision": "approved",
            "approval_status": "Approved",
            "reason": "candidate test_macro_recall 0.6629 >= floor 0.50 and within 0.01 of champion version 2 (0.6600)",
            "metric": "test_macro_recall",
            "candidate": {"test_macro_recall": 0.6629, "test_macro_f1": 0.63, "test_accuracy": 0.64},
            "champion": {"model_package_arn": "arn:2", "version": 2, "test_macro_recall": 0.66},
            "metadata": {},
        },
        "registered": {"ModelPackageArn": arn},
        "champion": {
            "model_package_arn": arn,
            "version": 3,
            "model_data_url": "s3://m/model.tar.gz",
            "image": IMAGE,
            "model_version": f"{GROUP}/3",
            "test_macro_recall": 0.6629,
        },
        "model": {"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/x"},
        "transform": {"TransformJobName": "t", "TransformOutput": {"S3OutputPath": "s3://o/"}},
        "publish": {"JobRunId": "jr_2", "JobRunState": "SUCCEEDED"},
        "predictions": {"count": 1200},
    }


def read_run(session, ingest_date: str, run_id: str = RUN_ID) -> tuple[str, dict[str, Any]]:
    key = f"runs/ingest_date={ingest_date}/run_id={run_id}.json"
    body = session.client("s3").get_object(Bucket=OUTPUTS_BUCKET, Key=key)["Body"].read().decode()
    return body, json.loads(body)


def test_a_successful_run_is_recorded_and_summarised(boto3_session, outputs: str, buckets: dict[str, str]) -> None:
    result = record_run.record_run(
        successful_state(), bucket=outputs, kms_key_id=buckets["kms_key_id"], session=boto3_session, now=FINISHED
    )
    body, stored = read_run(boto3_session, "2026-11-22")
    assert body.endswith("\n")
    assert body.count("\n") == 1
    assert stored == result["run"]
    assert list(stored) == [*CONFIG.table("runs").column_names, "ingest_date"]
    assert stored == {
        "run_id": RUN_ID,
        "mode": "train_and_predict",
        "profile": "tweets",
        "input": "s3://raw/incoming/tweets/file.csv",
        "status": "SUCCEEDED",
        "started_at": "2026-11-22 10:00:00.123",
        "finished_at": "2026-11-22 10:30:05.250",
        "rows_read": 1500,
        "curated": 1234,
        "quarantined": 200,
        "duplicates": 66,
        "labelled": 1000,
        "model_version": f"{GROUP}/3",
        "candidate_macro_recall": 0.6629,
        "champion_macro_recall": 0.66,
        "gate_decision": "approved",
        "gate_reason": successful_state()["gate"]["reason"],
        "predictions": 1200,
        "drift_status": None,
        "drift_warnings": None,
        "failure": None,
        "ingest_date": "2026-11-22",
    }
    assert runs_partitions(boto3_session) == [["2026-11-22"]]  # Redshift Spectrum reads registered partitions
    head = boto3_session.client("s3").head_object(
        Bucket=outputs, Key=f"runs/ingest_date=2026-11-22/run_id={RUN_ID}.json"
    )
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"].endswith(buckets["kms_key_id"])

    # The prediction count does not fit beside a 35-character run id: the subject stays under 100 characters.
    assert result["subject"] == f"Pulso run {RUN_ID} succeeded: 1,234 curated, model approved"
    assert len(result["subject"]) < 100
    message = result["message"]
    assert "1,500 read = 1,234 curated + 200 quarantined + 66 duplicates; 1,000 labelled" in message
    assert "candidate test_macro_recall 0.6629 vs champion version 2 0.6600" in message
    assert "Quality gate: approved: candidate test_macro_recall 0.6629 >= floor 0.50" in message
    assert f"Predictions: 1,200 by {GROUP}/3" in message
    assert f"predictions: s3://{outputs}/predictions/ingest_date=2026-11-22/run_id={RUN_ID}/" in message
    assert f"run record: s3://{outputs}/runs/ingest_date=2026-11-22/run_id={RUN_ID}.json" in message
    assert "Error" not in message


def test_a_failed_run_is_recorded_with_the_failing_state_and_cause(boto3_session, outputs: str) -> None:
    cause = {"errorMessage": "run manifest not found at s3://t/manifests/run_id=R/manifest.json", "errorType": "X"}
    state = {
        "input": "s3://raw/incoming/tweets/file.csv",
        "profile": "tweets",
        "mode": "train_and_predict",
        "run_id": RUN_ID,
        "started_at": "2026-11-21T23:59:59Z",
        "etl": {"JobRunId": "jr_1", "JobRunState": "SUCCEEDED"},
        "error": {"Error": "ManifestNotFoundError", "Cause": json.dumps(cause)},
    }
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    _, stored = read_run(boto3_session, "2026-11-21")
    assert stored == result["run"]
    assert stored["status"] == "FAILED"
    assert stored["ingest_date"] == "2026-11-21"
    assert stored["rows_read"] is None
    assert stored["predictions"] is None
    assert stored["gate_decision"] == "skipped"
    assert stored["gate_reason"] == "the run failed before the quality gate"
    full_subject = f"Pulso run {RUN_ID} FAILED in Read the run manifest: ManifestNotFoundError"
    assert len(full_subject) == 100  # one too many for SNS: cut with an ellipsis
    assert result["subject"] == full_subject[:96] + "..."
    assert "Failed in: Read the run manifest" in result["message"]
    assert f"Cause: {cause['errorMessage']}" in result["message"]
    assert "Rows: no counts" in result["message"]


def test_a_predict_run_skips_the_gate_and_names_the_model(boto3_session, outputs: str) -> None:
    state = successful_state()
    for key in ("training", "gate", "registered"):
        del state[key]
    state["mode"] = "predict"
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    run = result["run"]
    assert run["gate_decision"] == "skipped"
    assert run["gate_reason"].startswith("predict mode")
    assert run["candidate_macro_recall"] is None
    assert run["champion_macro_recall"] == 0.6629
    assert run["model_version"] == f"{GROUP}/3"
    assert result["subject"] == f"Pulso run {RUN_ID} succeeded: 1,234 curated, 1,200 predicted"


def test_a_run_with_nothing_to_predict_records_zero_predictions(boto3_session, outputs: str) -> None:
    state = successful_state()
    for key in ("training", "gate", "registered", "model", "transform", "publish", "predictions"):
        del state[key]
    state["manifest"].update(enough_labelled_rows=False, labelled_rows=10, transform_input_records=0)
    run = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)["run"]
    assert run["predictions"] == 0
    assert run["model_version"] is None
    assert (
        run["gate_reason"]
        == "not enough labelled rows to train (10 labelled, 200 needed, with train and validation rows)"
    )


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        ((), "Validate and transform the upload"),
        (("etl", "manifest"), "Train a candidate model"),
        (("etl", "manifest", "training"), "Compare the candidate with the champion"),
        (("etl", "manifest", "training", "gate", "registered", "champion", "model"), "Predict sentiment in batch"),
    ],
)
def test_the_failed_state_is_the_first_missing_step(present: tuple[str, ...], expected: str) -> None:
    full = successful_state()
    state = {key: full[key] for key in ("input", "profile", "mode", "run_id", *present)}
    state["error"] = {"Error": "States.TaskFailed", "Cause": "boom"}
    assert record_run.failed_state(state) == expected
    state["error"]["State"] = "Named by the definition"
    assert record_run.failed_state(state) == "Named by the definition"


def test_the_subject_is_short_ascii_on_one_line() -> None:
    state = {"run_id": RUN_ID, "mode": "predict", "error": {"Error": "Erreur très\nlongue " + "x" * 200}}
    row = record_run.build_row(state, finished_at=FINISHED, cfg=CONFIG)
    subject = record_run.subject(row, state)
    assert len(subject) <= 99
    assert subject.isascii()
    assert "\n" not in subject
    assert subject == f"Pulso run {RUN_ID} FAILED in Validate and transform the upload: Erreu..."
    long_row = dict(row, run_id="r1")
    assert record_run.subject(long_row, state).startswith("Pulso run r1 FAILED in Validate and transform the upload: ")
    assert "Erreur tr?s longue xxx" in record_run.subject(long_row, state)
    assert subject.endswith("...")


def test_record_run_handler_finds_the_bucket_from_environment_or_account(
    boto3_session, outputs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_bucket = CONFIG.resource_name("buckets.outputs", account_id="123456789012")
    boto3_session.client("s3").create_bucket(Bucket=account_bucket)
    context = SimpleNamespace(
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:pulso-dev-record-run"
    )
    monkeypatch.delenv("OUTPUTS_BUCKET", raising=False)
    monkeypatch.delenv("KMS_KEY_ID", raising=False)
    result = record_run.handler(successful_state(), context)
    key = f"runs/ingest_date=2026-11-22/run_id={RUN_ID}.json"
    stored = boto3_session.client("s3").get_object(Bucket=account_bucket, Key=key)["Body"].read()
    assert json.loads(stored) == result["run"]
    with pytest.raises(RuntimeError, match="OUTPUTS_BUCKET"):
        record_run.handler(successful_state(), SimpleNamespace())


def test_a_rejected_request_is_recorded_as_failed_in_check_the_request(boto3_session, outputs: str) -> None:
    # What "Reject the request" in statemachine/pipeline.asl.json.tftpl hands over.
    state = {
        "run_id": "manual-1",
        "started_at": "2026-11-22T08:00:00Z",
        "request": {"input": "s3://raw/incoming/tweets/a.csv", "profile": "tweets", "mode": "retrain"},
        "error": {"Error": "InvalidRequest", "Cause": "the execution input needs input, profile and mode"},
        "failure": {"cause": "InvalidRequest: the execution input needs input, profile and mode"},
    }
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    _, stored = read_run(boto3_session, "2026-11-22", run_id="manual-1")
    assert stored == result["run"]
    assert (stored["status"], stored["mode"]) == ("FAILED", "retrain")
    assert stored["input"] == "s3://raw/incoming/tweets/a.csv"
    assert result["subject"] == "Pulso run manual-1 FAILED in Check the request: InvalidRequest"
    # The Choice state can only say the request is wrong; the record says what is wrong with it.
    assert "Cause: mode must be one of train_and_predict, predict, discover" in result["message"]
    assert stored["failure"] == "InvalidRequest: mode must be one of train_and_predict, predict, discover"


def test_the_prediction_count_comes_from_the_publish_summary(boto3_session, outputs: str) -> None:
    state = successful_state()
    del state["predictions"]
    summary = {"run_id": RUN_ID, "ingest_date": "2026-11-22", "lines": 1190, "predictions": 1187, "errors": 3}
    key = f"predictions-manifests/run_id={RUN_ID}/summary.json"
    boto3_session.client("s3").put_object(Bucket=outputs, Key=key, Body=json.dumps(summary).encode())
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    assert result["run"]["predictions"] == 1187
    assert f"Predictions: 1,187 by {GROUP}/3" in result["message"]


def test_drift_comes_from_the_publish_summary_into_the_row_and_the_notification(boto3_session, outputs: str) -> None:
    state = successful_state()
    del state["predictions"]
    checks = [
        {"name": "label_mix", "value": 0.21, "threshold": 0.15, "breached": True},
        {"name": "oov_rate", "value": 0.01, "threshold": 0.05, "breached": False},
    ]
    summary = {"predictions": 1187, "drift": {"status": "warning", "checks": checks}}
    key = f"predictions-manifests/run_id={RUN_ID}/summary.json"
    boto3_session.client("s3").put_object(Bucket=outputs, Key=key, Body=json.dumps(summary).encode())
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    assert (result["run"]["drift_status"], result["run"]["drift_warnings"]) == ("warning", "label_mix 0.2100 > 0.1500")
    assert "DRIFT WARNING: label_mix 0.2100 > 0.1500" in result["message"]
    assert f"report: s3://{outputs}/reports/run_id={RUN_ID}/report.html" in result["message"]

    summary["drift"] = {"status": "not_checked", "reason": "no predictions", "checks": []}
    boto3_session.client("s3").put_object(Bucket=outputs, Key=key, Body=json.dumps(summary).encode())
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    assert (result["run"]["drift_status"], result["run"]["drift_warnings"]) == (None, None)
    assert "DRIFT" not in result["message"]


def test_without_a_publish_summary_the_prediction_count_is_unknown(boto3_session, outputs: str) -> None:
    state = successful_state()
    del state["predictions"]
    result = record_run.record_run(state, bucket=outputs, session=boto3_session, now=FINISHED)
    assert result["run"]["predictions"] is None
    assert result["run"]["status"] == "SUCCEEDED"
