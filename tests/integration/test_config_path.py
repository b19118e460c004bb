"""One configuration path, locally as on AWS: the user's overlay (`$PULSO_CONFIG`, as for the CLI) reaches the
jobs only as the effective configuration object in the models bucket and its URI (Lambda Environment, Glue
DefaultArguments, training Environment), never through the runtime's own environment, which the local compute
hides from every job. The overlay adds a source profile the ETL job must use to read the upload, records another
primary metric in the training job's evaluation, and raises the gate floor above what the sample model reaches.
"""

from __future__ import annotations

import csv
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import boto3
import pytest

from glue_jobs.etl.job import run_job as run_etl_job
from pulso.config import CONFIG_URI_ENV, OVERLAY_ENV, config_uri, load_config
from pulso_local.account import ACCOUNT_ID
from tests.integration.test_pipeline_local import FAILURE_TAIL, FAST, LABELLED, open_runtime, states_entered

FLOOR = 0.99
MOODS = {-1: "unhappy", 0: "so-so", 1: "delighted"}
OVERLAY = {
    "pipeline": {"hyperparameters": FAST, "quality_gate": {"floor": FLOOR}},
    "training": {"primary_metric": "macro_f1"},
    "profiles": {
        "helpdesk": {
            "description": "A help desk export: semicolons, its own column names and moods.",
            "format": "csv",
            "csv": {"header": True, "delimiter": ";"},
            "columns": {
                "message_id": ["ticket"],
                "created_at": ["opened"],
                "author_id": ["customer"],
                "text": ["body"],
                "label": ["mood"],
            },
            "optional_columns": ["created_at", "author_id", "label"],
            "label_mapping": {name: value for value, name in MOODS.items()},
        }
    },
}
RENAMED = {"id": "ticket", "created_at": "opened", "author_id": "customer", "text": "body", "label": "mood"}


def helpdesk_export(source: Path, target: Path) -> Path:
    """The labelled sample as the help desk exports it: `;`, renamed columns, moods instead of sentiment labels
    (labels the sentiment mapping does not know stay as they are, so the same rows are quarantined)."""
    sentiment = load_config({}).labels.mappings["sentiment"]
    with source.open(encoding="utf-8", newline="") as reader, target.open("w", encoding="utf-8", newline="") as out:
        rows = csv.DictReader(reader)
        writer = csv.DictWriter(out, [RENAMED[name] for name in rows.fieldnames or []], delimiter=";")
        writer.writeheader()
        for row in rows:
            label = row["label"].strip().lower()
            row["label"] = MOODS[sentiment[label]] if label in sentiment else row["label"]
            writer.writerow({RENAMED[name]: value for name, value in row.items()})
    return target


def model_evaluation(models_bucket: Path, run_id: str) -> dict[str, Any]:
    archive = next(models_bucket.glob(f"training-jobs/{run_id}-train-*/output/model.tar.gz"))
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("evaluation.json"))  # type: ignore[arg-type]


@pytest.mark.slow
def test_an_overlay_reaches_every_job_through_the_effective_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reference: the original sample through the bundled `tweets` profile, by the ETL job alone.
    reference = run_etl_job(["--input", str(LABELLED), "--profile", "tweets", "--run_mode", "train_and_predict",
                             "--output_root", str(tmp_path / "ref"), "--run_id", "ref"])["totals"]  # fmt: skip
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps(OVERLAY))
    monkeypatch.setenv(OVERLAY_ENV, str(overlay))  # how a user gives the local runtime an overlay
    monkeypatch.delenv(CONFIG_URI_ENV, raising=False)
    upload = helpdesk_export(LABELLED, tmp_path / "tickets.csv")
    home = tmp_path / "home"

    with open_runtime(home) as runtime:
        uri = config_uri(runtime.config, ACCOUNT_ID)
        account = runtime.config
        functions = [account.resource_name(f"lambdas.{key}") for key in account.resources["lambdas"]]
        environments = [boto3.client("lambda").get_function_configuration(FunctionName=name)["Environment"]
                        for name in functions]  # fmt: skip
        arguments = [boto3.client("glue").get_job(JobName=account.resource_name(f"glue_jobs.{job}"))["Job"]
                     ["DefaultArguments"] for job in account.resources["glue_jobs"]]  # fmt: skip
        bucket, _, key = uri[len("s3://") :].partition("/")
        stored = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        report = runtime.run(upload, "helpdesk", "train_and_predict")
        entered = states_entered(runtime, report.run_id)
        states = json.loads(
            boto3.client("stepfunctions").describe_state_machine(stateMachineArn=runtime.account.state_machine_arn)[
                "definition"
            ]
        )["States"]

    # One object, one URI, reaching every job.
    assert uri == f"s3://{bucket}/code/config/pulso.json"
    assert json.load(io.BytesIO(stored["Body"].read())) == dict(load_config(overlay).raw)
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert all(env["Variables"][CONFIG_URI_ENV] == uri and OVERLAY_ENV not in env["Variables"] for env in environments)
    assert all(job["--config_uri"] == uri for job in arguments)
    assert states["Train a candidate model"]["Parameters"]["Environment"][CONFIG_URI_ENV] == uri
    assert states["Create the model"]["Parameters"]["PrimaryContainer"]["Environment"][CONFIG_URI_ENV] == uri

    # (a) The ETL job read the upload with the overlaid profile: the same rows as the original through `tweets`.
    manifest = json.loads(next((home / "s3").glob(f"*/manifests/run_id={report.run_id}/manifest.json")).read_text())
    for key in ("read", "curated", "quarantined", "duplicates", "quarantine_reasons", "labels", "splits"):
        assert manifest["totals"][key] == reference[key], key
    assert report.totals["curated"] == reference["curated"] > 0
    # The training job read the overlay's primary metric.
    models = next(path for path in (home / "s3").iterdir() if "-models-" in path.name)
    assert model_evaluation(models, report.run_id)["primary_metric"] == "macro_f1"
    # (b) The quality gate Lambda applied the overlay's floor: the candidate is held back, and with no approved
    # champion there is no model to predict with.
    assert report.gate is not None
    assert report.gate["decision"] == "rejected"
    assert report.gate["approval_status"] == "PendingManualApproval"
    assert report.gate["reason"].endswith(f"< floor {FLOOR:.2f}")
    assert report.status == "FAILED"
    assert entered[-len(FAILURE_TAIL) - 1 :] == ["Find the newest approved model", *FAILURE_TAIL]
    assert "no approved model" in report.error["cause"]
