"""Approving topics (the approve_topics Lambda against moto), the discovery's run record, and `--where` filters."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from lambdas import approve_topics, record_run
from lambdas.common import read_json
from pulso.config import load_config
from pulso_local.query.errors import QueryError
from pulso_local.query.runner import with_filters
from tests.conftest import create_runs_table

CONFIG = load_config()
MODELS = "pulso-test-models"
RUN = "topics-20261123-060000-ab12"
NOW = dt.datetime(2026, 11, 23, 7, 0, 0)
CLUSTERS = {
    "run_id": RUN,
    "embedding": "tfidf_svd",
    "dimension": 2,
    "clusters": [
        {"cluster": 0, "signature": "delayed+flight+hours", "size": 40, "proposed_name": "Flight delays",
         "distance_threshold": 0.4, "centroid": [1.0, 0.0]},
        {"cluster": 1, "signature": "charged+order+refund", "size": 30, "proposed_name": "Billing",
         "distance_threshold": 0.4, "centroid": [0.0, 1.0]},
    ],
}  # fmt: skip


@pytest.fixture
def models(boto3_session) -> Any:
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket=MODELS)
    prefix = f"{CONFIG.layout['topic_discovery']}run_id={RUN}/"
    s3.put_object(Bucket=MODELS, Key=prefix + "clusters.json", Body=json.dumps(CLUSTERS).encode())
    s3.put_object(Bucket=MODELS, Key=prefix + "embedder.npz", Body=b"embedder bytes")
    return s3


def submit(s3: Any, boto3_session, approval: Any, name: str = "a.json") -> dict[str, Any]:
    key = f"{CONFIG.layout['topic_approvals']}{RUN}/{name}"
    s3.put_object(Bucket=MODELS, Key=key, Body=json.dumps(approval).encode())
    return approve_topics.approve(MODELS, key, cfg=CONFIG, session=boto3_session, now=NOW)


def test_valid_approvals_become_consecutive_map_versions_with_their_embedder(models, boto3_session) -> None:
    approval = {"discovery_run_id": RUN, "approved_by": "ana", "names": {"0": "Flight delays", "1": None}}
    first = submit(models, boto3_session, approval)
    assert first["status"] == "approved", first
    assert (first["version"], first["categories"]) == (1, ["Flight delays"])
    second = submit(models, boto3_session, {**approval, "names": {"charged+order+refund": "Billing"}}, "b.json")
    assert second["version"] == 2
    latest = read_json(f"s3://{MODELS}/topic-maps/latest.json", session=boto3_session)
    assert (latest["version"], latest["prefix"], latest["approved_by"]) == (2, "topic-maps/v0002/", "ana")
    document = read_json(f"s3://{MODELS}/topic-maps/v0001/map.json", session=boto3_session)
    assert document["categories"][0]["clusters"][0]["signature"] == "delayed+flight+hours"
    copied = models.get_object(Bucket=MODELS, Key="topic-maps/v0002/embedder.npz")["Body"].read()
    assert copied == b"embedder bytes"
    result = read_json(first["result"], session=boto3_session)
    assert result["status"] == "approved"
    assert first["result"].startswith(f"s3://{MODELS}/topic-approval-results/{RUN}/")


def test_a_version_taken_meanwhile_is_never_overwritten(models, boto3_session) -> None:
    models.put_object(Bucket=MODELS, Key="topic-maps/v0001/map.json", Body=b"{}")  # written, latest not yet moved
    outcome = submit(models, boto3_session, {"discovery_run_id": RUN, "approved_by": "ana", "names": {"0": "A"}})
    assert outcome["version"] == 2
    assert models.get_object(Bucket=MODELS, Key="topic-maps/v0001/map.json")["Body"].read() == b"{}"


@pytest.mark.parametrize(
    ("approval", "reason"),
    [
        ("not an object", "must be a JSON object"),
        ({"discovery_run_id": RUN, "approved_by": "ana", "names": {"0": "other"}}, "reserved"),
        ({"discovery_run_id": RUN, "names": {"0": "A"}}, "approved_by"),
        (  # a draft submitted with its doubtful name left empty
            {"discovery_run_id": RUN, "approved_by": "ana", "names": {"0": "Flight delays", "1": ""}},
            'names.1: the name must be a non-empty string (got ""): fill it in, or null to leave the cluster out',
        ),
    ],
)
def test_a_bad_approval_is_answered_with_the_reason_and_writes_no_map(models, boto3_session, approval, reason) -> None:
    outcome = submit(models, boto3_session, approval)
    assert outcome["status"] == "rejected"
    assert reason in outcome["reason"]
    assert "Contents" not in models.list_objects_v2(Bucket=MODELS, Prefix="topic-maps/")
    subject, message = approve_topics.notification(outcome)
    assert "rejected" in subject
    assert reason in message


def test_an_approval_of_an_unknown_run_or_outside_the_prefix_is_rejected(models, boto3_session) -> None:
    key = f"{CONFIG.layout['topic_approvals']}topics-unknown/a.json"
    models.put_object(Bucket=MODELS, Key=key, Body=b"{}")
    assert "no discovery run" in approve_topics.approve(MODELS, key, cfg=CONFIG, session=boto3_session)["reason"]
    models.put_object(Bucket=MODELS, Key="topic-approvals/a.json", Body=b"{}")
    outcome = approve_topics.approve(MODELS, "topic-approvals/a.json", cfg=CONFIG, session=boto3_session)
    assert "approvals go to" in outcome["reason"]


def test_a_discovery_run_is_recorded_with_its_topics_and_how_to_approve(boto3_session) -> None:
    outputs = "pulso-test-outputs"
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket=outputs)
    create_runs_table(boto3_session, outputs)
    summary = {"run_id": RUN, "window": {"from_date": "2026-10-27", "to_date": "2026-11-23"}, "k": 2,
               "silhouette": 0.21, "embedding": "tfidf_svd",
               "messages": {"read": 120, "duplicates": 5, "clustered": 70},
               "clusters": [{"cluster": 0, "size": 40, "signature": "delayed+flight+hours",
                             "proposed_name": "Flight delays"}],
               "outputs": {"report": f"s3://{outputs}/topics/run_id={RUN}/report.html",
                           "clusters": f"s3://{MODELS}/topic-discovery/run_id={RUN}/clusters.json"}}  # fmt: skip
    s3.put_object(Bucket=outputs, Key=f"topics/run_id={RUN}/summary.json", Body=json.dumps(summary).encode())
    state = {"mode": "discover", "run_id": RUN, "started_at": "2026-11-23T06:00:00Z", "request": {"mode": "discover"},
             "discovery": {"JobRunState": "SUCCEEDED"}}  # fmt: skip
    result = record_run.record_run(state, bucket=outputs, cfg=CONFIG, session=boto3_session, now=NOW)
    row = result["run"]
    assert (row["mode"], row["status"], row["rows_read"], row["curated"], row["duplicates"]) == (
        "discover", "SUCCEEDED", 120, 70, 5)  # fmt: skip
    assert row["gate_decision"] == "skipped"
    assert result["subject"] == f"Pulso topic discovery {RUN}: 2 topics over 70 messages"
    assert "0: Flight delays (40; delayed+flight+hours)" in result["message"]
    assert f"s3://{MODELS}/topic-approvals/{RUN}/" in result["message"]
    before = {key: value for key, value in state.items() if key != "discovery"}
    failed = record_run.record_run({**before, "error": {"Error": "Glue.X", "Cause": "boom"}}, bucket=outputs,
                                   cfg=CONFIG, session=boto3_session, now=NOW)  # fmt: skip
    assert failed["subject"] == f"Pulso run {RUN} FAILED in Discover topics: Glue.X"


def test_where_filters_join_the_outer_select_before_its_order_and_limit() -> None:
    sql = "WITH r AS (SELECT 1 AS x) SELECT p.topic AS topic, p.n FROM r AS p ORDER BY p.n DESC LIMIT 10"
    filtered = with_filters(sql, {"topic": "Flight's delays"})
    assert "WHERE CAST(p.topic AS VARCHAR) = 'Flight''s delays' ORDER BY" in filtered
    assert filtered.endswith("LIMIT 10")
    assert with_filters(sql, {}) == sql
    with pytest.raises(QueryError, match="no column 'colour'"):
        with_filters(sql, {"colour": "red"})
