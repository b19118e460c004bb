"""The ETL job end to end against S3 emulated by moto: real files from ../shared/data and adversarial files.

Every run is checked for the accounting rule (read = curated + quarantined + duplicates, per object) and
for outputs that follow the configured schemas.
"""

from __future__ import annotations

import gzip
import io
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import awswrangler as wr
import pandas as pd
import pyarrow.parquet as pq
import pytest

import glue_jobs.etl.parallel
from glue_jobs.etl.job import main, run_job
from pulso.config import effective_config, load_config
from pulso.errors import AccountingError

CONFIG = load_config()


def put(session: Any, bucket: str, key: str, data: bytes | str) -> str:
    body = data.encode("utf-8") if isinstance(data, str) else data
    session.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    return f"s3://{bucket}/{key}"


def job_args(input_uri: str, buckets: dict[str, str], profile: str, mode: str = "predict", **extra: str) -> list[str]:
    args = {
        "input": input_uri,
        "profile": profile,
        "run_mode": mode,
        "output_root": f"s3://{buckets['transformed']}/",
        "run_id": "run-1",
        "ingest_date": "2026-11-22",
        **extra,
    }
    # Glue adds arguments of its own; the job must tolerate them.
    argv = ["--JOB_ID", "j_0123", "--JOB_RUN_ID", "jr_4567", "--job-bookmark-option", "job-bookmark-disable"]
    for name, value in args.items():
        argv += [f"--{name}", value]
    return argv


def read_table(session: Any, prefix: str) -> pd.DataFrame:
    paths = wr.s3.list_objects(prefix, boto3_session=session)
    if not paths:
        return pd.DataFrame()
    return wr.s3.read_parquet(paths, boto3_session=session)


def assert_accounting(manifest: dict[str, Any]) -> None:
    for obj in manifest["objects"]:
        assert obj["read"] == obj["curated"] + obj["quarantined"] + obj["duplicates"], obj
    totals = manifest["totals"]
    assert totals["read"] == totals["curated"] + totals["quarantined"] + totals["duplicates"]


def object_summary(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(obj for obj in manifest["objects"] if obj["object"].endswith("/" + name))


@pytest.mark.slow
def test_tweeteval_real_data(tweeteval_dir: Path, boto3_session: Any, buckets: dict[str, str]) -> None:
    for path in sorted(tweeteval_dir.iterdir()):
        put(boto3_session, buckets["raw"], f"incoming/tweeteval/{path.name}", path.read_bytes())
    input_uri = f"s3://{buckets['raw']}/incoming/tweeteval/"
    manifest = run_job(job_args(input_uri, buckets, "tweeteval", mode="train_and_predict"), boto3_session)

    assert manifest["status"] == "SUCCEEDED"
    assert_accounting(manifest)
    expected_rows = {"train_text.txt": 45_615, "val_text.txt": 2_000, "test_text.txt": 12_284}
    for name, rows in expected_rows.items():
        assert object_summary(manifest, name)["read"] == rows
        assert object_summary(manifest, name)["companion"].endswith(name.replace("_text", "_labels"))
    assert sorted(Path(uri).name for uri in manifest["ignored_objects"]) == ["SOURCE.md", "mapping.txt"]

    # Independent expectation: stripped texts, first occurrence of a text (per file) kept.
    texts = {
        name: [line.strip() for line in (tweeteval_dir / name).read_text("utf-8").splitlines()]
        for name in expected_rows
    }
    duplicates = sum(len(lines) - len(set(lines)) for lines in texts.values())
    assert manifest["totals"]["duplicates"] == duplicates
    assert manifest["totals"]["quarantined"] == sum(1 for lines in texts.values() for text in lines if not text)

    messages = read_table(boto3_session, manifest["outputs"]["messages"])
    assert len(messages) == manifest["totals"]["curated"]
    assert messages["message_id"].is_unique
    assert messages["label"].notna().all()
    by_split = messages.groupby("split")["label"].agg(lambda labels: Counter(labels.tolist())).to_dict()
    test_labels = Counter(int(line) - 1 for line in (tweeteval_dir / "test_labels.txt").read_text().split())
    assert by_split["test"] == test_labels  # no test text is blank or duplicated
    assert set(by_split) == {"train", "validation", "test"}  # the files' own splits are kept
    assert manifest["training"]["enough_labelled_rows"] is True

    # Batch Transform input: the test split only, in bounded shards.
    assert manifest["outputs"]["transform_input_records"] == 12_284
    shards = manifest["outputs"]["transform_input_shards"]
    assert len(shards) == math.ceil(12_284 / CONFIG.etl.transform_shard_records)
    first_line = json.loads(wr.s3.read_json(shards[0], lines=True, boto3_session=boto3_session).iloc[0].to_json())
    assert set(first_line) == {"message_id", "text"}

    # Encrypted at rest with the bucket's CMK.
    bucket, key = manifest["outputs"]["manifest"][5:].split("/", 1)
    head = boto3_session.client("s3").head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms"


def test_twcs_real_sample(twcs_sample: Path, boto3_session: Any, buckets: dict[str, str]) -> None:
    input_uri = put(boto3_session, buckets["raw"], "incoming/twcs/twcs.csv.gz", twcs_sample.read_bytes())
    manifest = run_job(job_args(input_uri, buckets, "twcs"), boto3_session)
    assert_accounting(manifest)

    raw = pd.read_csv(twcs_sample, lineterminator="\n", dtype=str)  # the SOURCE.md way of reading it
    inbound = raw[raw["inbound"] == "True"]
    assert manifest["totals"]["read"] == len(raw) == 5_000
    assert manifest["totals"]["quarantine_reasons"] == {"filtered_by_profile": len(raw) - len(inbound)}
    duplicates = len(inbound) - inbound["text"].nunique()
    assert manifest["totals"]["duplicates"] == duplicates
    assert manifest["totals"]["curated"] == len(inbound) - duplicates

    messages = read_table(boto3_session, manifest["outputs"]["messages"])
    assert set(messages["message_id"]) <= set(inbound["tweet_id"])
    assert messages["created_at"].notna().all()
    assert messages["author_id"].notna().all()
    assert messages["split"].eq("unlabelled").all()
    carriage_returns = messages[messages["text"].str.contains("\r", regex=False)]
    assert carriage_returns["text"].tolist() == [
        "@AskPayPal \r\rI just love the start of email 😁 https://t.co/8u1Pf5rJoN"
    ]
    assert manifest["outputs"]["transform_input_records"] == len(messages)  # predict mode: every message


def adversarial_files() -> dict[str, bytes]:
    big_rows = "".join(f"c{i},corrupt file message {i}\n" for i in range(30_000))
    big_gzip = gzip.compress(("id,text\n" + big_rows).encode())
    return {
        "wrong_encoding.csv": "id,text\ne1,café con leche\ne2,plain ascii\ne3,niño\n".encode("latin-1"),
        "ragged.csv": b"id,text,label\nr1,fine,1\nr2,extra,1,field\nr3\nr4,also fine,0\n",
        "missing_columns.csv": b"id,body,label\nm1,where is the text column,1\n",
        "empty.csv": b"",
        "header_only.csv": b"id,text,label\n",
        "nul_bytes.csv": b"id,text\nn1,null\x00byte\nn2,clean row\n",
        "huge_text.csv": ("id,text\nh1," + "a" * 1_000_000 + "\nh2,short one\n").encode(),
        "bad_labels.csv": b"id,text,label\nb1,first,maybe\nb2,second,5\nb3,third,\nb4,fourth,Positive\n",
        "bad_timestamps.csv": (
            b"id,text,created_at\nt1,one,yesterday\nt2,two,2017-13-45\nt3,three,1800-01-01\n"
            b"t4,four,2999-01-01T00:00:00Z\nt5,five,2017-10-31T22:10:47Z\n"
        ),
        "duplicate_ids.csv": b"id,text\nd1,dup a\nd1,dup b\nd2,dup a\nd3,dup c\n",
        "corrupt.csv.gz": big_gzip[: len(big_gzip) // 2],
        "wrong_delimiter.csv": b"id;text;label\nw1;semicolons;1\n",
        "mixed.jsonl": (
            b'{"id": "j1", "text": "json ok", "label": "neutral"}\n{oops\n["list"]\n{"id": "j4", "text": ""}\n'
        ),
    }


@pytest.mark.slow
def test_adversarial_files_end_quarantined_or_as_clear_errors(boto3_session: Any, buckets: dict[str, str]) -> None:
    for name, data in adversarial_files().items():
        put(boto3_session, buckets["raw"], f"incoming/tweets/{name}", data)
    manifest = run_job(job_args(f"s3://{buckets['raw']}/incoming/tweets/", buckets, "tweets"), boto3_session)
    assert manifest["status"] == "SUCCEEDED"  # bad files never stop the good ones
    assert_accounting(manifest)

    def check(name: str, read: int, curated: int, reasons: dict[str, int], duplicates: int = 0) -> dict[str, Any]:
        summary = object_summary(manifest, name)
        assert (summary["read"], summary["curated"], summary["duplicates"]) == (read, curated, duplicates), summary
        assert summary["quarantine_reasons"] == reasons, summary
        return summary

    check("wrong_encoding.csv", 3, 1, {"encoding_error": 2})
    check("ragged.csv", 4, 2, {"unparseable_row": 2})
    check("empty.csv", 0, 0, {})
    check("header_only.csv", 0, 0, {})
    check("nul_bytes.csv", 2, 1, {"encoding_error": 1})
    check("huge_text.csv", 2, 1, {"text_too_long": 1})
    check("bad_labels.csv", 4, 2, {"bad_label": 2})
    check("bad_timestamps.csv", 5, 1, {"bad_timestamp": 4})
    check("duplicate_ids.csv", 4, 2, {}, duplicates=2)
    check("mixed.jsonl", 4, 1, {"unparseable_row": 2, "missing_text": 1})

    missing = check("missing_columns.csv", 0, 0, {})
    assert missing["error"].endswith("profile 'tweets' needs column(s) 'text', the file has ['id', 'body', 'label']")
    wrong_delimiter = check("wrong_delimiter.csv", 0, 0, {})
    assert "looks ';'-delimited" in wrong_delimiter["error"]
    corrupt = object_summary(manifest, "corrupt.csv.gz")
    assert 0 < corrupt["read"] < 30_000
    assert corrupt["read"] == corrupt["curated"]
    assert f"cannot be read past record {corrupt['read']}" in corrupt["error"]

    quarantine = read_table(boto3_session, manifest["outputs"]["quarantine"])
    row_level = quarantine[quarantine["row_number"] > 0]
    assert len(row_level) == manifest["totals"]["quarantined"]
    object_level = quarantine[quarantine["row_number"] == 0].set_index("source_object")["reason"].to_dict()
    assert {uri.rsplit("/", 1)[1]: reason for uri, reason in object_level.items()} == {
        "missing_columns.csv": "missing_columns",
        "wrong_delimiter.csv": "missing_columns",
        "corrupt.csv.gz": "unreadable_object",
    }
    encoding = quarantine[quarantine["reason"] == "encoding_error"].sort_values("raw")["raw"].tolist()
    assert encoding == ["e1,caf\\xe9 con leche", "e3,ni\\xf1o", "n1,null\\x00byte"]
    assert quarantine["detail"].notna().all()
    assert quarantine["quarantined_at"].notna().all()

    messages = read_table(boto3_session, manifest["outputs"]["messages"])
    assert len(messages) == manifest["totals"]["curated"]
    assert messages.loc[messages["message_id"] == "b4", "label"].tolist() == [1]
    assert messages.loc[messages["message_id"] == "b3", "split"].tolist() == ["unlabelled"]


def test_a_run_where_nothing_can_be_read_fails_with_one_line(boto3_session: Any, buckets: dict[str, str]) -> None:
    input_uri = put(boto3_session, buckets["raw"], "incoming/tweets/semi.csv", "id;text\n1;x\n")
    with pytest.raises(SystemExit) as stop:
        main(job_args(input_uri, buckets, "tweets"))
    message = str(stop.value)
    assert message.startswith("pulso-etl: no input object could be read: ")
    assert "needs column(s) 'text'" in message
    assert "\n" not in message
    body = boto3_session.client("s3").get_object(
        Bucket=buckets["transformed"], Key="manifests/run_id=run-1/manifest.json"
    )
    manifest = json.loads(body["Body"].read())
    assert manifest["status"] == "FAILED"
    assert manifest["objects"][0]["error"] in message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"profile": "instagram"}, "pulso-etl: configuration error: unknown source profile 'instagram'"),
        ({"mode": "train"}, "pulso-etl: configuration error: job argument --run_mode must be one of"),
        (
            {"ingest_date": "22/11/2026"},
            "pulso-etl: configuration error: job argument --ingest_date must be YYYY-MM-DD",
        ),
        (
            {"input": "s3://pulso-test-raw/incoming/nothing/"},
            "pulso-etl: no input objects at s3://pulso-test-raw/incoming/nothing/",
        ),
    ],
)
def test_bad_arguments_are_one_line_errors(
    change: dict[str, str], message: str, boto3_session: Any, buckets: dict[str, str]
) -> None:
    args = {"input": f"s3://{buckets['raw']}/incoming/x.csv", "profile": "tweets", "mode": "predict", **change}
    argv = job_args(args.pop("input"), buckets, args.pop("profile"), args.pop("mode"), **args)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert str(stop.value).startswith(message)


def test_a_retried_run_replaces_its_outputs(boto3_session: Any, buckets: dict[str, str]) -> None:
    input_uri = put(boto3_session, buckets["raw"], "incoming/tweets/a.csv", "id,text\n1,one\n2,two\n")
    for _ in range(2):
        manifest = run_job(job_args(input_uri, buckets, "tweets"), boto3_session)
    assert len(read_table(boto3_session, manifest["outputs"]["messages"])) == 2
    assert manifest["outputs"]["transform_input_records"] == 2


def test_user_profile_from_an_s3_overlay_and_kms_uploads(boto3_session: Any, buckets: dict[str, str]) -> None:
    overlay = {
        "profiles": {
            "helpdesk": {
                "format": "csv",
                "csv": {"header": True, "delimiter": ";"},
                "columns": {"message_id": ["ticket"], "text": ["subject", "body"], "label": ["mood"]},
                "label_mapping": {"angry": -1, "meh": 0, "happy": 1},
            }
        }
    }
    overlay_uri = put(boto3_session, buckets["raw"], "config/overlay.json", json.dumps(effective_config(overlay)))
    data = "ticket;subject;body;mood\nT1;Refund;Still waiting for my refund;angry\nT2;Thanks;All good now;happy\n"
    input_uri = put(boto3_session, buckets["raw"], "incoming/helpdesk/tickets.csv", data)
    argv = job_args(input_uri, buckets, "helpdesk", config_uri=overlay_uri, kms_key_id=buckets["kms_key_id"])
    manifest = run_job(argv, boto3_session)
    messages = read_table(boto3_session, manifest["outputs"]["messages"]).sort_values("message_id")
    assert messages["text"].tolist() == ["Refund\nStill waiting for my refund", "Thanks\nAll good now"]
    assert messages["label"].tolist() == [-1, 1]
    key = manifest["outputs"]["messages"][len(f"s3://{buckets['transformed']}/") :]
    listed = boto3_session.client("s3").list_objects_v2(Bucket=buckets["transformed"], Prefix=key)["Contents"]
    head = boto3_session.client("s3").head_object(Bucket=buckets["transformed"], Key=listed[0]["Key"])
    assert head["SSEKMSKeyId"].endswith(buckets["kms_key_id"])


def test_amazon_reviews_and_gzipped_json_lines(boto3_session: Any, buckets: dict[str, str]) -> None:
    reviews = '2,"Great CD","My lovely Pat has one of the great voices"\n1,"Broke","Stopped working after a week"\n'
    input_uri = put(boto3_session, buckets["raw"], "incoming/amazon_reviews/train.csv", reviews)
    manifest = run_job(job_args(input_uri, buckets, "amazon_reviews", mode="train_and_predict"), boto3_session)
    messages = read_table(boto3_session, manifest["outputs"]["messages"])
    assert sorted(messages["label"].tolist()) == [-1, 1]
    assert manifest["totals"]["labelled"] == 2
    assert manifest["training"]["enough_labelled_rows"] is False  # 2 rows are not enough to train on

    lines = "\n".join(json.dumps({"id": f"j{i}", "text": f"message {i}", "label": i % 3 - 1}) for i in range(10))
    input_uri = put(boto3_session, buckets["raw"], "incoming/tweets/m.jsonl.gz", gzip.compress(lines.encode()))
    manifest = run_job(job_args(input_uri, buckets, "tweets", run_id="run-2"), boto3_session)
    assert manifest["totals"]["curated"] == 10
    assert manifest["totals"]["labels"] == {"-1": 4, "0": 3, "1": 3}


def test_curated_parquet_follows_the_configured_schema(boto3_session: Any, buckets: dict[str, str]) -> None:
    data = "id,text,label,created_at,author_id\n1,hello,positive,2026-01-01T10:00:00Z,ana\n"
    manifest = run_job(job_args(put(boto3_session, buckets["raw"], "in/a.csv", data), buckets, "tweets"), boto3_session)
    path = wr.s3.list_objects(manifest["outputs"]["messages"], boto3_session=boto3_session)[0]
    body = boto3_session.client("s3").get_object(Bucket=buckets["transformed"], Key=path.split("/", 3)[3])["Body"]
    schema = pq.read_schema(io.BytesIO(body.read()))
    types = {field.name: str(field.type) for field in schema}
    expected = {"string": "string", "bigint": "int64", "tinyint": "int8", "timestamp": "timestamp[us]"}
    assert types == {column.name: expected[column.type] for column in CONFIG.table("messages").columns}
    assert "ingest_date=2026-11-22/run_id=run-1/" in path


def test_lost_rows_fail_the_job_with_the_numbers(
    boto3_session: Any, buckets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_transform = glue_jobs.etl.parallel.curate_chunk

    def leaky_transform(frame: pd.DataFrame, context: Any) -> Any:
        """A deliberately broken transform that loses a row."""
        result = real_transform(frame, context)
        result.curated = result.curated.iloc[1:]  # silently drop one row
        return result

    monkeypatch.setattr(glue_jobs.etl.parallel, "curate_chunk", leaky_transform)
    input_uri = put(boto3_session, buckets["raw"], "incoming/tweets/a.csv", "id,text\n1,one\n2,two\n3,three\n")
    with pytest.raises(AccountingError, match=r"3 rows read but 2 curated \+ 0 quarantined \+ 0 duplicates = 2"):
        run_job(job_args(input_uri, buckets, "tweets"), boto3_session)


def test_each_run_publishes_its_counts_to_cloudwatch(boto3_session: Any, buckets: dict[str, str]) -> None:
    """The monitoring module's quarantine-rate alarm reads these metrics."""
    text = "id,text,label\n1,great service,positive\n2,,negative\n3,slow refund,angry\n1,great service,positive\n"
    input_uri = put(boto3_session, buckets["raw"], "incoming/tweets/small.csv", text)
    manifest = run_job(job_args(input_uri, buckets, "tweets"), boto3_session)
    cloudwatch = boto3_session.client("cloudwatch")
    values = {}
    for metric in cloudwatch.list_metrics(Namespace="Pulso/ETL")["Metrics"]:
        assert metric["Dimensions"] == [{"Name": "Environment", "Value": load_config().environment}]
        statistics = cloudwatch.get_metric_statistics(
            Namespace="Pulso/ETL", MetricName=metric["MetricName"], Dimensions=metric["Dimensions"],
            StartTime="2000-01-01", EndTime="2100-01-01", Period=86400, Statistics=["Sum"],
        )  # fmt: skip
        values[metric["MetricName"]] = sum(point["Sum"] for point in statistics["Datapoints"])
    totals = manifest["totals"]
    assert values == {
        "RowsRead": totals["read"], "RowsCurated": totals["curated"], "RowsQuarantined": totals["quarantined"],
        "RowsDuplicate": totals["duplicates"],
    }  # fmt: skip
    assert (totals["read"], totals["quarantined"], totals["duplicates"]) == (4, 2, 1)
