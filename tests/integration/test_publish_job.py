"""The publish job end to end, against S3 emulated by moto and against a local folder.

Input is what Batch Transform writes: `*.out` JSON Lines with predictions, the model's error records, and
lines the job has to survive (not JSON, not UTF-8, not an object, not a valid prediction, blank, too long).
Every run is checked for the rule lines = predictions + errors and for a Parquet schema equal to the config's.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import awswrangler as wr
import pandas as pd
import pyarrow.parquet as pq
import pytest

from glue_jobs.publish.job import main, run_job
from glue_jobs.publish.predictions import JOB_COLUMNS, PredictionRows
from pulso.config import effective_config, load_config
from pulso.errors import AccountingError

CONFIG = load_config()
PARQUET_TYPES = {
    "string": "string",
    "tinyint": "int8",
    "int": "int32",
    "double": "double",
    "timestamp": "timestamp[us]",
}
OUTPUTS_BUCKET = "pulso-test-outputs"
RUN_ID = "run-1"
INGEST_DATE = "2026-11-22"


def prediction(message_id: str, label: int, p_negative: float, p_neutral: float, p_positive: float) -> dict[str, Any]:
    name = {-1: "negative", 0: "neutral", 1: "positive"}[label]
    return {
        "message_id": message_id,
        "label": label,
        "label_name": name,
        "p_negative": p_negative,
        "p_neutral": p_neutral,
        "p_positive": p_positive,
        "confidence": max(p_negative, p_neutral, p_positive),
        "priority": round(50 * (1 + p_negative - p_positive), 4),
        "model_version": "pulso-dev-sentiment/3",
    }


PREDICTIONS = [
    prediction("m1", -1, 0.9, 0.08, 0.02),
    prediction("m2", 0, 0.1, 0.7, 0.2),
    prediction("m3-ñ 😀", 1, 0, 0.25, 0.75),  # integral probability written as 0, non-ASCII id
    prediction("m4", 1, 0.05, 0.05, 0.9),
    prediction("m5", -1, 0.6, 0.3, 0.1),
    prediction("m6", 0, 0.2, 0.6, 0.2),
]


def jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")


def transform_output() -> dict[str, bytes]:
    """Batch Transform output for two input shards, an empty one, and objects that are not output."""
    first = jsonl(
        PREDICTIONS[0],
        PREDICTIONS[1],
        {"message_id": "e1", "error": "empty text", "model_version": "pulso-dev-sentiment/3"},
        PREDICTIONS[2],
    )
    wrong_label = {**PREDICTIONS[0], "message_id": "x3", "label": 5}
    mismatched = {**PREDICTIONS[0], "message_id": "x4", "label_name": "positive"}
    missing = {key: value for key, value in PREDICTIONS[1].items() if key != "p_neutral"}
    second = (
        jsonl(PREDICTIONS[3])
        + b'{"message_id": "x1", "label": 1, "label_na\n'  # cut in the middle: not JSON
        + b"\n   \n"  # blank lines are not records
        + b'{"message_id": "x2", "text": "caf\xe9"}\n'  # not UTF-8
        + b"[1, 2, 3]\n"
        + jsonl(wrong_label, mismatched, {**missing, "message_id": "x5"}, PREDICTIONS[4])
        + json.dumps(PREDICTIONS[5]).encode()  # the last line has no newline
    )
    return {
        "part-00000.jsonl.out": first,
        "part-00001.jsonl.out": second,
        "part-00002.jsonl.out": b"",
        "_SUCCESS": b"",
        "notes.txt": b"not Batch Transform output\n",
    }


# (message_id, error) of every line above that gives no prediction, in input order.
EXPECTED_ERRORS = [
    ("e1", "empty text"),
    (None, "not JSON"),
    (None, "not JSON"),
    (None, "a JSON list, not an object"),
    ("x3", "label 5 is not one of [-1, 0, 1]"),
    ("x4", "label_name 'positive' does not match label -1"),
    ("x5", "not a prediction: missing p_neutral"),
]
EXPECTED_COUNTS = {"objects": 3, "lines": 13, "predictions": 6, "errors": 7}


def job_argv(input_uri: str, output_root: str, **extra: str) -> list[str]:
    args = {"predictions_input": input_uri, "output_root": output_root, "run_id": RUN_ID, "ingest_date": INGEST_DATE}
    argv = ["--JOB_ID", "j_0123", "--JOB_RUN_ID", "jr_4567", "--job-bookmark-option", "job-bookmark-disable"]
    for name, value in {**args, **extra}.items():
        argv += [f"--{name}", value]
    return argv


def expected_frame(predictions: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(predictions).astype({"label": "int8"})
    for name in ("p_negative", "p_neutral", "p_positive", "confidence", "priority"):
        frame[name] = frame[name].astype("float64")
    return frame.sort_values("message_id").reset_index(drop=True)


def assert_values(frame: pd.DataFrame, predictions: list[dict[str, Any]], started: dt.datetime) -> None:
    """The rows hold the predictions as given, and one `predicted_at`: the run time (UTC)."""
    predicted_at = frame["predicted_at"].unique()
    assert len(predicted_at) == 1
    assert started <= pd.Timestamp(predicted_at[0]).to_pydatetime() <= utc_now()
    columns = [name for name in CONFIG.table("predictions").column_names if name not in JOB_COLUMNS]
    assert frame["topic"].isna().all()  # no topic map approved: topics stay null
    assert frame["topic_map_version"].isna().all()
    actual = frame[columns].sort_values("message_id").reset_index(drop=True)
    expected = expected_frame(predictions)[columns]
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)  # types: see assert_schema


def assert_schema(parquet: bytes) -> None:
    schema = pq.read_schema(io.BytesIO(parquet))
    types = {field.name: str(field.type) for field in schema}
    assert list(types) == list(CONFIG.table("predictions").column_names)
    assert types == {column.name: PARQUET_TYPES[column.type] for column in CONFIG.table("predictions").columns}


def assert_errors(text: str, input_prefix: str) -> None:
    records = [json.loads(line) for line in text.splitlines()]
    assert [(record["message_id"], record["error"]) for record in records] == EXPECTED_ERRORS
    assert [(Path(record["object"]).name, record["line"]) for record in records] == [
        ("part-00000.jsonl.out", 3),
        ("part-00001.jsonl.out", 2),
        ("part-00001.jsonl.out", 5),
        ("part-00001.jsonl.out", 6),
        ("part-00001.jsonl.out", 7),
        ("part-00001.jsonl.out", 8),
        ("part-00001.jsonl.out", 9),
    ]
    assert all(record["object"].startswith(input_prefix) for record in records)
    assert records[0]["model_version"] == "pulso-dev-sentiment/3"
    assert "raw" not in records[0]  # the model's own error record is kept as it is
    assert records[1]["raw"] == '{"message_id": "x1", "label": 1, "label_na'
    assert records[2]["raw"] == '{"message_id": "x2", "text": "caf\\xe9"}'
    assert json.loads(records[6]["raw"])["message_id"] == "x5"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- S3 (moto) -------------------------------------------------------------------------------------------------


@pytest.fixture
def outputs_bucket(boto3_session: Any, buckets: dict[str, str]) -> str:
    """The outputs bucket as Terraform makes it: SSE-KMS by default with the test CMK."""
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket=OUTPUTS_BUCKET)
    s3.put_bucket_encryption(
        Bucket=OUTPUTS_BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": buckets["kms_key_id"],
                    }
                }
            ]
        },
    )
    return OUTPUTS_BUCKET


def put_objects(session: Any, bucket: str, prefix: str, objects: dict[str, bytes]) -> str:
    for name, data in objects.items():
        session.client("s3").put_object(Bucket=bucket, Key=f"{prefix}{name}", Body=data)
    return f"s3://{bucket}/{prefix}"


def get_bytes(session: Any, uri: str) -> bytes:
    bucket, key = uri[len("s3://") :].split("/", 1)
    return session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def test_publish_on_s3(boto3_session: Any, buckets: dict[str, str], outputs_bucket: str) -> None:
    input_uri = put_objects(boto3_session, outputs_bucket, f"transform-output/run_id={RUN_ID}/", transform_output())
    stored = json.dumps(effective_config({"etl": {"chunk_rows": 4}})).encode()
    overlay = put_objects(boto3_session, buckets["raw"], "config/", {"overlay.json": stored})
    root = f"s3://{outputs_bucket}/"
    started = utc_now()
    argv = job_argv(input_uri, root, config_uri=overlay + "overlay.json", kms_key_id=buckets["kms_key_id"])
    summary = run_job(argv, boto3_session)

    assert {key: summary[key] for key in EXPECTED_COUNTS} == EXPECTED_COUNTS
    assert summary["lines"] == summary["predictions"] + summary["errors"]
    partition = f"{root}predictions/ingest_date={INGEST_DATE}/run_id={RUN_ID}/"
    assert summary["outputs"] == {
        "predictions": partition,
        "parts": [f"{partition}part-00000.parquet", f"{partition}part-00001.parquet"],  # 4 + 2 rows
        "errors": f"{root}prediction-errors/run_id={RUN_ID}/errors.jsonl",
        "summary": f"{root}predictions-manifests/run_id={RUN_ID}/summary.json",
    }
    assert json.loads(get_bytes(boto3_session, summary["outputs"]["summary"])) == summary
    for part in summary["outputs"]["parts"]:
        assert_schema(get_bytes(boto3_session, part))

    # Athena's view: a Hive-partitioned dataset under the table prefix.
    table = wr.s3.read_parquet(f"{root}predictions/", dataset=True, boto3_session=boto3_session)
    assert len(table) == 6
    assert set(table["ingest_date"].astype(str)) == {INGEST_DATE}
    assert set(table["run_id"].astype(str)) == {RUN_ID}
    assert_values(table, PREDICTIONS, started)

    assert_errors(get_bytes(boto3_session, summary["outputs"]["errors"]).decode("utf-8"), input_uri)

    # Encrypted with the configured key.
    bucket, key = summary["outputs"]["parts"][0][len("s3://") :].split("/", 1)
    head = boto3_session.client("s3").head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"].endswith(buckets["kms_key_id"])

    # A retried run replaces its outputs, never duplicates them.
    boto3_session.client("s3").delete_object(Bucket=outputs_bucket, Key=input_uri[len(root) :] + "part-00001.jsonl.out")
    again = run_job(argv, boto3_session)
    assert {key: again[key] for key in ("objects", "lines", "predictions", "errors")} == {
        "objects": 2, "lines": 4, "predictions": 3, "errors": 1,
    }  # fmt: skip
    assert wr.s3.list_objects(partition, boto3_session=boto3_session) == [f"{partition}part-00000.parquet"]
    table = wr.s3.read_parquet(f"{root}predictions/", dataset=True, boto3_session=boto3_session)
    assert_values(table, PREDICTIONS[:3], started)
    assert len(get_bytes(boto3_session, again["outputs"]["errors"]).splitlines()) == 1


# --- Local folder ----------------------------------------------------------------------------------------------


def write_objects(folder: Path, objects: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in objects.items():
        (folder / name).write_bytes(data)
    return folder


def read_local_table(root: Path) -> pd.DataFrame:
    return pq.read_table(root / "predictions", partitioning="hive").to_pandas()


def test_publish_on_a_local_folder_and_rerun(tmp_path: Path) -> None:
    inputs = write_objects(tmp_path / "transform-output", transform_output())
    root = tmp_path / "outputs"
    started = utc_now()
    summary = run_job(job_argv(str(inputs), str(root)))

    assert {key: summary[key] for key in EXPECTED_COUNTS} == EXPECTED_COUNTS
    partition = root / "predictions" / f"ingest_date={INGEST_DATE}" / f"run_id={RUN_ID}"
    assert sorted(path.name for path in partition.iterdir()) == ["part-00000.parquet"]  # 6 rows < etl.chunk_rows
    assert_schema((partition / "part-00000.parquet").read_bytes())
    table = read_local_table(root)
    assert_values(table, PREDICTIONS, started)
    assert set(table["run_id"].astype(str)) == {RUN_ID}
    errors = root / "prediction-errors" / f"run_id={RUN_ID}" / "errors.jsonl"
    assert_errors(errors.read_text("utf-8"), str(inputs))
    summary_file = root / "predictions-manifests" / f"run_id={RUN_ID}" / "summary.json"
    assert json.loads(summary_file.read_text()) == summary

    # Same run id again, same input: the same outputs, nothing duplicated.
    assert run_job(job_argv(str(inputs), str(root))) == summary
    assert len(read_local_table(root)) == 6

    # Same run id, another ingest date (a retry after midnight): the earlier date's partition goes.
    (inputs / "part-00001.jsonl.out").unlink()
    again = run_job(job_argv(str(inputs), str(root), ingest_date="2026-11-23"))
    assert (again["predictions"], again["errors"]) == (3, 1)
    assert not partition.exists()
    table = read_local_table(root)
    assert set(table["ingest_date"].astype(str)) == {"2026-11-23"}
    assert_values(table, PREDICTIONS[:3], started)
    assert len(errors.read_text("utf-8").splitlines()) == 1


def test_a_line_longer_than_the_limit_is_an_error_record_and_reading_goes_on(tmp_path: Path) -> None:
    huge = json.dumps({**PREDICTIONS[0], "message_id": "h" * 5000}).encode() + b"\n"
    inputs = write_objects(tmp_path / "in", {"a.jsonl.out": jsonl(PREDICTIONS[1]) + huge + jsonl(PREDICTIONS[2])})
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps(effective_config({"etl": {"max_record_bytes": 1000}})))
    summary = run_job(job_argv(str(inputs), str(tmp_path / "out"), config_uri=str(overlay)))
    assert {key: summary[key] for key in ("lines", "predictions", "errors")} == {
        "lines": 3,
        "predictions": 2,
        "errors": 1,
    }
    error = json.loads(Path(summary["outputs"]["errors"]).read_text())
    assert (error["line"], error["error"]) == (2, "line longer than 1000 bytes")
    assert sorted(read_local_table(tmp_path / "out")["message_id"]) == ["m2", "m3-ñ 😀"]


def test_lost_rows_fail_the_job_with_the_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_add = PredictionRows.add

    def leaky_add(self: PredictionRows, row: tuple) -> None:
        """A deliberately broken buffer that loses the first row."""
        if row[0] != "m1":
            real_add(self, row)

    monkeypatch.setattr(PredictionRows, "add", leaky_add)
    inputs = write_objects(tmp_path / "in", transform_output())
    with pytest.raises(AccountingError, match=r"13 lines read but 5 predictions \+ 7 errors = 12 written"):
        run_job(job_argv(str(inputs), str(tmp_path / "out")))
    assert not (tmp_path / "out" / "predictions-manifests").exists()  # no summary for a run that lost rows


def test_main_prints_a_one_line_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = write_objects(tmp_path / "in", transform_output())
    summary = main(job_argv(str(inputs), str(tmp_path / "out")))
    printed = capsys.readouterr().out.strip()
    assert "\n" not in printed
    assert json.loads(printed) == {
        "run_id": RUN_ID, "ingest_date": INGEST_DATE, **EXPECTED_COUNTS, "summary": summary["outputs"]["summary"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"predictions_input": None}, "pulso-publish: configuration error: missing job argument --predictions_input"),
        ({"run_id": "bad id"}, "pulso-publish: configuration error: job argument --run_id must be"),
        ({"ingest_date": "22/11/2026"}, "pulso-publish: configuration error: job argument --ingest_date must be"),
        ({"predictions_input": "{tmp}/empty"}, "pulso-publish: no Batch Transform output (*.out) at "),
    ],
)
def test_bad_arguments_are_one_line_errors(change: dict[str, str | None], message: str, tmp_path: Path) -> None:
    inputs = write_objects(tmp_path / "in", transform_output())
    write_objects(tmp_path / "empty", {"notes.txt": b"nothing to publish\n"})
    args = {"predictions_input": str(inputs), "output_root": str(tmp_path / "out"), "run_id": RUN_ID, **change}
    argv = [token for name, value in args.items() if value for token in (f"--{name}", value.format(tmp=tmp_path))]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert str(stop.value).startswith(message)
    assert "\n" not in str(stop.value)
