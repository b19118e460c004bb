"""Approve topics: an analyst's approval object in the models bucket becomes the next topic map version.

Trigger: an object created under `topic-approvals/<discovery run id>/` in the models bucket (EventBridge
"Object Created" on AWS; `pulso topics approve` writes it and delivers the same event locally). The object is

    {"discovery_run_id": "R", "approved_by": "ana", "names": {"0": "Flight delays", "delayed+flight+hours": ...,
     "5": null}, "comment": "optional"}

naming clusters (by id or signature) of the discovery run; null or an absent cluster leaves it out. It is checked
against the run's `topic-discovery/run_id=R/clusters.json`; a valid approval becomes `topic-maps/vNNNN/map.json`
(with a copy of the run's embedder, so each version stands alone) and `topic-maps/latest.json` points at it.
Versions never overwrite each other (conditional writes). Approved or rejected, the outcome is written to
`topic-approval-results/<run>/<name>.json` and published to $SNS_TOPIC_ARN; a rejection is an answer, not an
error. Environment: MODELS_BUCKET, OUTPUTS_BUCKET (unused but kept for symmetry with the jobs), KMS_KEY_ID,
SNS_TOPIC_ARN.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

from lambdas.common import (
    ObjectNotFoundError,
    config,
    log,
    put_json_bytes,
    read_json,
    s3_uri,
    session_or_default,
    sse_kms,
    utc_now,
)
from lambdas.on_upload import uploads_from_event
from pulso.config import PulsoConfig
from pulso.layout import CLUSTERS_FILE, EMBEDDER_FILE, MAP_FILE
from pulso.topics.category_map import ApprovalError, build_map

_VERSION_ATTEMPTS = 5  # concurrent approvals: each takes the next free version


def discovery_run_of(key: str, cfg: PulsoConfig) -> str:
    """The discovery run id of `topic-approvals/<run>/<name>.json`; ApprovalError for any other key."""
    prefix = cfg.layout.topic_approvals()
    parts = key[len(prefix) :].split("/") if key.startswith(prefix) else []
    if len(parts) != 2 or not parts[0] or not parts[1].endswith(".json"):
        raise ApprovalError(f"approvals go to {prefix}<discovery run id>/<name>.json (got {key})")
    return parts[0]


def latest_version(s3: Any, bucket: str, cfg: PulsoConfig, session: boto3.Session | None) -> int:
    try:
        return int(read_json(s3_uri(bucket, cfg.layout.topic_map_pointer), session=session)["version"])
    except ObjectNotFoundError:
        return 0


def approve(
    bucket: str,
    key: str,
    *,
    kms_key_id: str | None = None,
    cfg: PulsoConfig | None = None,
    session: boto3.Session | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Validate the approval at s3://bucket/key and write the next map version; the outcome."""
    cfg = cfg or config()
    s3 = session_or_default(session).client("s3")
    approval_uri = s3_uri(bucket, key)
    outcome: dict[str, Any] = {"approval": approval_uri}
    try:
        run_id = discovery_run_of(key, cfg)
        outcome["discovery_run_id"] = run_id
        try:
            approval = read_json(approval_uri, session=session)
        except ValueError as error:
            raise ApprovalError(f"the approval is not JSON: {error}") from None
        discovery_prefix = cfg.layout.topic_discovery(run_id)
        try:
            discovery = read_json(s3_uri(bucket, discovery_prefix + CLUSTERS_FILE), session=session)
        except ObjectNotFoundError:
            raise ApprovalError(
                f"there is no discovery run {run_id!r} ({discovery_prefix} has no {CLUSTERS_FILE})"
            ) from None
        version = latest_version(s3, bucket, cfg, session) + 1
        for _ in range(_VERSION_ATTEMPTS):
            category_map = build_map(approval, discovery, version, now or utc_now())
            prefix = cfg.layout.topic_map(version)
            try:
                put_json_bytes(s3, bucket, prefix + MAP_FILE, json.dumps(category_map.to_json()).encode(), kms_key_id,
                     IfNoneMatch="*")  # fmt: skip
                break
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
                    raise
                version += 1  # another approval took this version
        else:
            raise RuntimeError(f"no free topic map version after {_VERSION_ATTEMPTS} attempts")
        s3.copy_object(Bucket=bucket, Key=prefix + EMBEDDER_FILE, CopySource={"Bucket": bucket,
                       "Key": discovery_prefix + EMBEDDER_FILE}, **sse_kms(kms_key_id))  # fmt: skip
        pointer = {"version": version, "prefix": prefix, "discovery_run_id": run_id,
                   "approved_by": category_map.approved_by, "approved_at": category_map.approved_at,
                   "approval": approval_uri}  # fmt: skip
        put_json_bytes(s3, bucket, cfg.layout.topic_map_pointer, json.dumps(pointer).encode(), kms_key_id)
        outcome.update({"status": "approved", "version": version, "map": s3_uri(bucket, prefix + MAP_FILE),
                        "categories": category_map.names, "approved_by": category_map.approved_by})  # fmt: skip
    except ApprovalError as error:
        outcome.update({"status": "rejected", "reason": str(error)})
    name = key.rsplit("/", 1)[-1]
    result_key = cfg.layout.topic_approval_result(outcome.get("discovery_run_id", "_invalid"), name)
    put_json_bytes(s3, bucket, result_key, json.dumps(outcome, indent=2).encode(), kms_key_id)
    outcome["result"] = s3_uri(bucket, result_key)
    log("topic approval", **{k: v for k, v in outcome.items() if k != "categories"})
    return outcome


def notification(outcome: dict[str, Any]) -> tuple[str, str]:
    """(subject, message) for SNS."""
    run = outcome.get("discovery_run_id", "?")
    if outcome["status"] == "approved":
        subject = f"Pulso topic map v{outcome['version']} approved ({len(outcome['categories'])} topics)"
        body = [f"Topic map version {outcome['version']} from discovery run {run}, approved by "
                f"{outcome['approved_by']}:", *[f"  - {name}" for name in outcome["categories"]],
                f"Map: {outcome['map']}", "New predictions carry these topics."]  # fmt: skip
    else:
        subject = f"Pulso topic approval for {run} rejected"
        body = [f"The approval {outcome['approval']} was rejected:", f"  {outcome['reason']}"]
    return subject[:99], "\n".join(body) + "\n"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    bucket = os.environ.get("MODELS_BUCKET")
    outcomes = []
    for upload in uploads_from_event(event):
        if bucket and upload.bucket != bucket:
            raise ValueError(f"event for bucket {upload.bucket}, this function serves {bucket}")
        outcome = approve(upload.bucket, upload.key, kms_key_id=os.environ.get("KMS_KEY_ID") or None)
        topic = os.environ.get("SNS_TOPIC_ARN")
        if topic:
            subject, message = notification(outcome)
            boto3.client("sns").publish(TopicArn=topic, Subject=subject, Message=message)
        outcomes.append(outcome)
    return {"outcomes": outcomes}
