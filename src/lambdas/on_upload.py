"""S3 upload -> one pipeline run: start a Step Functions execution for each new object under `incoming/`.

Accepts the EventBridge "Object Created" event and the S3 notification shape (`Records[]`). The two carry the
key differently: the notification's `s3.object.key` is URL-encoded (form encoding: a space is `+`, other bytes
of the UTF-8 key `%XX`; "Event message structure", Amazon S3 User Guide) and is decoded with `unquote_plus`;
for EventBridge's `detail.object.key` the S3 guide states no encoding ("EventBridge event message structure":
the plain key in its examples), so it is taken as it is. Both shapes of one object give the same key, hence the
same run. The key decides the run:

    incoming/<profile>/...            mode $DEFAULT_MODE (train_and_predict unless set)
    incoming/<profile>/predict/...    mode predict (use the newest approved model)
    incoming/<profile>/batch/...      skipped: the daily scheduled run predicts batch/<yesterday>/

The execution name (which becomes the run id) is derived from bucket, key and version id (or ETag), so a
repeated delivery of the same event starts no second run. Step Functions itself answers a repeated
StartExecution with the same name and input while the first execution runs by returning that execution
(no error), and with ExecutionAlreadyExists once it has finished: the handler therefore looks the execution
up first, and reports both cases as duplicates.

Environment: STATE_MACHINE_ARN (required), DEFAULT_MODE (optional).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import boto3
from botocore.exceptions import ClientError

from lambdas.common import config, log, s3_uri, session_or_default
from pulso.config import PulsoConfig

MODES = ("train_and_predict", "predict")
DEFAULT_MODE = "train_and_predict"
PREDICT_FOLDER = "predict"
# incoming/<profile>/batch/YYYY-MM-DD/...: collected once a day by the scheduled predict run, not on arrival.
BATCH_FOLDER = "batch"
EXECUTION_PREFIX = "up-"
_HASH_CHARS = 32


class SkipUploadError(Exception):
    """The object starts no run (not under incoming/, unknown profile...); the message says why."""


@dataclass(frozen=True)
class Upload:
    """One created object, whatever the event shape; `version` is the version id, else the ETag."""

    bucket: str
    key: str
    version: str
    created: bool = True

    @property
    def uri(self) -> str:
        return s3_uri(self.bucket, self.key)


@dataclass(frozen=True)
class RunRequest:
    """What to start: the execution name and the execution input."""

    name: str
    input: dict[str, str]


def _version(*candidates: Any) -> str:
    # An unversioned (or versioning-suspended) bucket reports no version id or the literal "null".
    for candidate in candidates:
        if candidate and candidate != "null":
            return str(candidate)
    return ""


def notification_key(encoded: str) -> str:
    """The object key of an S3 notification record: `unquote_plus` of its URL-encoded form, UTF-8, strict."""
    try:
        return unquote_plus(encoded, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ValueError(f"S3 notification key {encoded!r} is not URL-encoded UTF-8") from None


def uploads_from_event(event: dict[str, Any]) -> list[Upload]:
    """The objects an S3 notification (`Records[]`) or EventBridge `Object Created` event is about."""
    if "Records" in event:
        uploads = []
        for record in event["Records"]:
            s3 = record["s3"]
            obj = s3["object"]
            uploads.append(
                Upload(
                    bucket=s3["bucket"]["name"],
                    key=notification_key(obj["key"]),
                    version=_version(obj.get("versionId"), obj.get("eTag"), obj.get("sequencer")),
                    created=str(record.get("eventName", "ObjectCreated")).startswith("ObjectCreated"),
                )
            )
        return uploads
    if isinstance(event.get("detail"), dict) and "bucket" in event["detail"]:
        detail = event["detail"]
        obj = detail["object"]
        upload = Upload(
            bucket=detail["bucket"]["name"],
            key=obj["key"],  # not URL-encoded in this shape
            version=_version(obj.get("version-id"), obj.get("etag"), obj.get("sequencer")),
            created=event.get("detail-type", "Object Created") == "Object Created",
        )
        return [upload]
    raise ValueError("not an S3 event: expected Records[].s3 (S3 notification) or detail.bucket (EventBridge)")


def execution_name(upload: Upload) -> str:
    """`up-` + 32 hex characters of sha256(bucket/key@version): a valid, stable execution name."""
    digest = hashlib.sha256(f"{upload.bucket}/{upload.key}@{upload.version}".encode()).hexdigest()
    return EXECUTION_PREFIX + digest[:_HASH_CHARS]


def plan_run(upload: Upload, *, cfg: PulsoConfig, default_mode: str = DEFAULT_MODE) -> RunRequest:
    """The run an upload starts, or SkipUploadError with the reason."""
    if not upload.created:
        raise SkipUploadError("not an object-created event")
    incoming = cfg.layout.incoming()
    if not upload.key.startswith(incoming):
        raise SkipUploadError(f"key is not under {incoming}")
    if upload.key.endswith("/"):
        raise SkipUploadError("folder marker, not a file")
    segments = upload.key[len(incoming) :].split("/")
    if len(segments) < 2:
        raise SkipUploadError(f"no profile folder: expected {incoming}<profile>/<file>")
    profile, rest = segments[0], segments[1:]
    if profile not in cfg.profiles:
        raise SkipUploadError(f"unknown profile {profile!r} (known: {', '.join(sorted(cfg.profiles))})")
    if len(rest) > 1 and rest[0] == BATCH_FOLDER:
        raise SkipUploadError(f"under {BATCH_FOLDER}/: the daily scheduled run predicts it")
    mode = "predict" if len(rest) > 1 and rest[0] == PREDICT_FOLDER else default_mode
    return RunRequest(execution_name(upload), {"input": upload.uri, "profile": profile, "mode": mode})


def _execution_arn(state_machine_arn: str, name: str) -> str:
    # arn:aws:states:<region>:<account>:stateMachine:<machine> -> ...:execution:<machine>:<name>
    prefix, _, machine = state_machine_arn.rpartition(":stateMachine:")
    return f"{prefix}:execution:{machine}:{name}"


def _execution_exists(sfn: Any, arn: str) -> bool:
    try:
        sfn.describe_execution(executionArn=arn)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
            return False
        raise
    return True


def start_runs(
    event: dict[str, Any],
    *,
    state_machine_arn: str,
    default_mode: str = DEFAULT_MODE,
    cfg: PulsoConfig | None = None,
    session: boto3.Session | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Start one execution per new object of `event`; returns what was started, skipped or a duplicate."""
    if default_mode not in MODES:
        raise ValueError(f"DEFAULT_MODE must be one of {', '.join(MODES)} (got {default_mode!r})")
    cfg = cfg or config()
    sfn = session_or_default(session).client("stepfunctions")
    report: dict[str, list[dict[str, Any]]] = {"started": [], "skipped": [], "duplicates": []}
    for upload in uploads_from_event(event):
        try:
            run = plan_run(upload, cfg=cfg, default_mode=default_mode)
        except SkipUploadError as skipped:
            report["skipped"].append({"object": upload.uri, "reason": str(skipped)})
            log("upload skipped", object=upload.uri, reason=str(skipped))
            continue
        arn = _execution_arn(state_machine_arn, run.name)
        duplicate = {"object": upload.uri, "name": run.name, "execution_arn": arn}
        if _execution_exists(sfn, arn):
            report["duplicates"].append(duplicate)
            log("duplicate delivery: run already exists", **duplicate)
            continue
        try:
            response = sfn.start_execution(
                stateMachineArn=state_machine_arn, name=run.name, input=json.dumps(run.input, ensure_ascii=False)
            )
        except sfn.exceptions.ExecutionAlreadyExists:
            # Another delivery of the same event started it between the lookup and now.
            report["duplicates"].append(duplicate)
            log("duplicate delivery: run already exists", **duplicate)
            continue
        started = {"object": upload.uri, "name": run.name, "execution_arn": response["executionArn"], **run.input}
        report["started"].append(started)
        log("run started", **started)
    return report


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, Any]]]:
    state_machine_arn = os.environ.get("STATE_MACHINE_ARN")
    if not state_machine_arn:
        raise RuntimeError("environment variable STATE_MACHINE_ARN is not set")
    return start_runs(
        event, state_machine_arn=state_machine_arn, default_mode=os.environ.get("DEFAULT_MODE") or DEFAULT_MODE
    )
