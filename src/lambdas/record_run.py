"""Record the run: one row of the `runs` table, and the subject and message of the notification.

Event: the whole state JSON of the execution (`input`, `profile`, `mode`, `run_id`, `started_at` and what the
states added: `etl`, `manifest`, `training`, `gate`, `registered`, `champion`, `model`, `transform`,
`publish`, optionally `predictions: {"count"}` and `drift`), plus `error: {Error, Cause}` when a state failed.
Any of the later keys may be absent (predict mode, nothing to predict, failure part-way).

A request the state machine rejected ("Check the request") arrives as `{run_id, started_at, request, error}`.
When the predictions were published and the state JSON has no count, the count is read from the publish job's
summary (`s3://<outputs>/predictions-manifests/run_id=R/summary.json`, key `predictions`), with its drift result.

Writes one JSON line to `s3://$OUTPUTS_BUCKET/runs/ingest_date=D/run_id=R.json` (SSE-KMS with $KMS_KEY_ID when
set) and returns `{"subject", "message", "run"}`. Timestamps are written as `YYYY-MM-DD HH:MM:SS.fff` (UTC),
the form Athena's JSON SerDes read as `timestamp`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import boto3

from lambdas.common import (
    ObjectNotFoundError,
    config,
    log,
    put_json_bytes,
    read_json,
    s3_uri,
    session_or_default,
    utc_now,
)
from pulso.catalog import register_partition
from pulso.config import PulsoConfig
from pulso.drift import OK, WARNING, warnings
from pulso.requests import DISCOVER, request_problem

SUCCEEDED, FAILED = "SUCCEEDED", "FAILED"
SUBJECT_MAX_CHARS = 99  # SNS: "less than 100 characters", ASCII, no line breaks
_CAUSE_MAX_CHARS = 2000

# The states in the order the pipeline enters them, each with the key it adds to the state JSON.
ETL_STATES = (("etl", "Validate and transform the upload"), ("manifest", "Read the run manifest"))
TRAINING_STATES = (
    ("training", "Train a candidate model"),
    ("gate", "Compare the candidate with the champion"),
    ("registered", "Register the candidate model"),
)
CHAMPION_STATES = (("champion", "Find the newest approved model"),)
PREDICTION_STATES = (
    ("model", "Create the model"),
    ("transform", "Predict sentiment in batch"),
    ("publish", "Publish the predictions"),
)
RECORD_STATE = "Record the run"
REQUEST_STATE = "Check the request"
INVALID_REQUEST = "InvalidRequest"
DISCOVERY_STATES = (("discovery", "Discover topics"),)
DISCOVERY_RECORD_STATE = "Record the discovery"
# Where the publish job writes its summary: layout key and default, as in glue_jobs.publish.job.
PREDICTION_SUMMARIES = ("prediction_manifests", "predictions-manifests/")


def _timestamp(value: Any) -> str | None:
    """An ISO 8601 time (`2026-11-22T10:00:00.123Z`, `$$.Execution.StartTime`) as UTC `YYYY-MM-DD HH:MM:SS.fff`."""
    if not value:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None  # an unreadable start time must not keep the run from being recorded
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="milliseconds")


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _wants_training(state: dict[str, Any]) -> bool:
    manifest = state.get("manifest")
    return state.get("mode") != "predict" and (manifest is None or bool(manifest.get("enough_labelled_rows")))


def _wants_predictions(state: dict[str, Any]) -> bool:
    manifest = state.get("manifest")
    return manifest is None or int(manifest.get("transform_input_records", 0)) > 0


def failed_state(state: dict[str, Any]) -> str:
    """The state that failed: `error.State` when the definition sets it, else the first state whose key is missing."""
    named = (state.get("error") or {}).get("State")
    if named:
        return str(named)
    if state.get("mode") == DISCOVER:
        missing = [name for key, name in DISCOVERY_STATES if key not in state]
        return missing[0] if missing else DISCOVERY_RECORD_STATE
    if "request" in state and "input" not in state:
        return REQUEST_STATE
    expected = list(ETL_STATES)
    if _wants_training(state):
        expected += TRAINING_STATES
    if _wants_predictions(state):  # nothing to predict: the champion is not looked up
        expected += CHAMPION_STATES + PREDICTION_STATES
    for key, name in expected:
        if key not in state:
            return name
    return RECORD_STATE


def error_cause(error: dict[str, Any]) -> str:
    """The readable part of a Step Functions error cause (Lambda, Glue and SageMaker causes are JSON)."""
    cause = error.get("Cause")
    if not cause:
        return ""
    try:
        parsed = json.loads(cause)
    except (TypeError, ValueError):
        return str(cause)[:_CAUSE_MAX_CHARS]
    if isinstance(parsed, dict):
        for key in ("errorMessage", "ErrorMessage", "FailureReason", "StatusMessage", "message", "Message"):
            if parsed.get(key):
                return str(parsed[key])[:_CAUSE_MAX_CHARS]
    return str(cause)[:_CAUSE_MAX_CHARS]


def _gate_columns(state: dict[str, Any]) -> tuple[str, str]:
    gate = state.get("gate")
    if gate:
        return gate["decision"], gate.get("reason", "")
    manifest = state.get("manifest")
    if state.get("mode") == "predict":
        return "skipped", "predict mode: no candidate trained, the newest approved model predicts"
    if state.get("mode") == DISCOVER:
        return "skipped", "discover mode: topics are clustered, no model is trained"
    if manifest is not None and not manifest.get("enough_labelled_rows"):
        return "skipped", (
            f"not enough labelled rows to train ({manifest.get('labelled_rows', 0):,} labelled, "
            f"{manifest.get('min_labelled_rows', 0):,} needed, with train and validation rows)"
        )
    if state.get("error"):
        return "skipped", "the run failed before the quality gate"
    return "skipped", "no quality gate ran"


def _drift_columns(drift: Any) -> dict[str, Any]:
    """drift_status (ok/warning, None when no check ran) and drift_warnings (None when nothing breached)."""
    if not isinstance(drift, dict) or drift.get("status") not in (OK, WARNING):
        return {"drift_status": None, "drift_warnings": None}
    return {"drift_status": drift["status"], "drift_warnings": "; ".join(warnings(drift)) or None}


def build_row(state: dict[str, Any], *, finished_at: dt.datetime, cfg: PulsoConfig) -> dict[str, Any]:
    """The `runs` table row (its columns, in order, then the partition `ingest_date`)."""
    request = state.get("request") if isinstance(state.get("request"), dict) else {}
    asked = {key: request[key] for key in ("input", "profile", "mode") if isinstance(request.get(key), str)}
    state = {**asked, **state}  # a rejected request keeps what it asked for under `request`
    manifest = state.get("manifest") or {}
    totals = manifest.get("totals") or {}
    gate = state.get("gate") or {}
    champion = state.get("champion") or {}
    started_at = _timestamp(state.get("started_at"))
    decision, reason = _gate_columns(state)
    compared_with = (gate.get("champion") or {}) if gate else champion
    champion_recall = compared_with.get("test_macro_recall")
    predictions = (state.get("predictions") or {}).get("count")
    discovery = state.get("topics") or {}
    found = discovery.get("messages") or {}
    window = discovery.get("window") or {}
    if discovery:
        totals = {"read": found.get("read"), "curated": found.get("clustered"), "duplicates": found.get("duplicates")}
        state = {**state, "input": f"curated messages of {window.get('from_date')}..{window.get('to_date')}"}
    if predictions is None and manifest and not _wants_predictions(state) and not state.get("error"):
        predictions = 0
    values = {
        "run_id": state.get("run_id") or manifest.get("run_id"),
        "mode": state.get("mode"),
        "profile": state.get("profile"),
        "input": state.get("input"),
        "status": FAILED if state.get("error") else SUCCEEDED,
        "started_at": started_at,
        "finished_at": _timestamp(finished_at),
        "rows_read": _count(totals.get("read")),
        "curated": _count(totals.get("curated")),
        "quarantined": _count(totals.get("quarantined")),
        "duplicates": _count(totals.get("duplicates")),
        "labelled": _count(totals.get("labelled")),
        "model_version": champion.get("model_version") if "transform" in state else None,
        "candidate_macro_recall": _number((gate.get("candidate") or {}).get("test_macro_recall")),
        "champion_macro_recall": _number(champion_recall),
        "gate_decision": decision,
        "gate_reason": reason,
        "predictions": _count(predictions),
        **_drift_columns(state.get("drift")),
        "failure": failure_line(state),
    }
    row = {name: values.get(name) for name in cfg.table("runs").column_names}  # an overlay may add columns
    row["ingest_date"] = manifest.get("ingest_date") or (started_at or _timestamp(finished_at))[:10]
    return row


def run_key(row: dict[str, Any], cfg: PulsoConfig) -> str:
    return f"{cfg.table('runs').prefix}ingest_date={row['ingest_date']}/run_id={row['run_id']}.json"


def _ascii_line(text: str) -> str:
    return " ".join(text.encode("ascii", "replace").decode("ascii").split())


def subject(row: dict[str, Any], state: dict[str, Any]) -> str:
    """One ASCII line under 100 characters, e.g. `Pulso run R succeeded: 1,234 curated, model approved`."""
    if row["status"] == FAILED:
        error = (state.get("error") or {}).get("Error") or "error"
        text = f"Pulso run {row['run_id']} FAILED in {failed_state(state)}: {error}"
    elif row["mode"] == DISCOVER:
        topics = state.get("topics") or {}
        count = row["curated"] or 0
        text = f"Pulso topic discovery {row['run_id']}: {topics.get('k', '?')} topics over {count:,} messages"
    else:
        text = f"Pulso run {row['run_id']} succeeded: "
        text += f"{row['curated']:,} curated" if row["curated"] is not None else "no counts"
        extras = [f"model {row['gate_decision']}"] if row["gate_decision"] != "skipped" else []
        extras += [f"{row['predictions']:,} predicted"] if row["predictions"] else []
        extras += ["DRIFT WARNING"] if row.get("drift_status") == WARNING else []
        for extra in extras:  # in order of importance, each only when it still fits
            if len(text) + 2 + len(extra) <= SUBJECT_MAX_CHARS:
                text += f", {extra}"
    text = _ascii_line(text)
    return text if len(text) <= SUBJECT_MAX_CHARS else text[: SUBJECT_MAX_CHARS - 3] + "..."


def _metric(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _rows_line(row: dict[str, Any]) -> str:
    if row["rows_read"] is None:
        return "Rows: no counts (the run stopped before the manifest was read)"
    return (
        f"Rows: {row['rows_read']:,} read = {row['curated']:,} curated + {row['quarantined']:,} quarantined"
        f" + {row['duplicates']:,} duplicates; {row['labelled']:,} labelled"
    )


def message(row: dict[str, Any], state: dict[str, Any], *, bucket: str, cfg: PulsoConfig) -> str:
    """A readable multi-line summary of the run for the notification (`bucket`: the outputs bucket)."""
    lines = [
        f"Pulso run {row['run_id']}: {row['status']}",
        f"Mode: {row['mode']}, profile: {row['profile']}",
        f"Input: {row['input']}",
        f"Started: {row['started_at'] or 'n/a'} UTC, finished: {row['finished_at']} UTC",
        "",
    ]
    if row["mode"] != DISCOVER:  # a discovery's own lines (below) say what was read and clustered
        lines.append(_rows_line(row))
    gate = state.get("gate")
    if gate:
        champion = gate.get("champion")
        versus = f"champion version {champion['version']} {_metric(row['champion_macro_recall'])}" if champion else ""
        lines.append(
            f"Model: candidate test_macro_recall {_metric(row['candidate_macro_recall'])}"
            + (f" vs {versus}" if versus else " (no champion yet)")
        )
        registered = (state.get("registered") or {}).get("ModelPackageArn")
        if registered:
            lines.append(f"Registered: {registered} ({gate.get('approval_status', '')})")
    if row["mode"] == DISCOVER:
        lines += discovery_lines(state, cfg)
    else:
        lines.append(f"Quality gate: {row['gate_decision']}: {row['gate_reason']}")
    champion = state.get("champion")
    if champion:
        recall = _metric(champion.get("test_macro_recall"))
        lines.append(f"Champion: {champion.get('model_version')} (test_macro_recall {recall})")
    if row["predictions"] is not None:
        by = f" by {row['model_version']}" if row["model_version"] else ""
        lines.append(f"Predictions: {row['predictions']:,}{by}")
    if row.get("drift_status") == WARNING:
        lines.append(f"DRIFT WARNING: {row['drift_warnings']} (the messages differ from the model's training data)")
    elif row.get("drift_status") == OK:
        lines.append("Drift: within the configured thresholds")
    lines += ["", "Outputs:"]
    manifest = state.get("manifest") or {}
    if manifest.get("messages"):
        lines.append(f"  curated messages: {manifest['messages']}")
    if "publish" in state:
        predictions = f"{cfg.table('predictions').prefix}ingest_date={row['ingest_date']}/run_id={row['run_id']}/"
        lines.append(f"  predictions: {s3_uri(bucket, predictions)}")
    lines.append(f"  run record: {s3_uri(bucket, run_key(row, cfg))}")
    if row["mode"] != DISCOVER or state.get("error"):  # a discovery's report is its cluster report (above)
        lines.append(f"  report: {report_uri(row, bucket, cfg)}")
    error = state.get("error")
    if error:
        lines += [
            "",
            f"Failed in: {failed_state(state)}",
            f"Error: {error.get('Error', 'error')}",
            f"Cause: {error_cause(error) or 'n/a'}",
        ]
    return "\n".join(lines) + "\n"


def published_summary(
    state: dict[str, Any], *, bucket: str, cfg: PulsoConfig, session: boto3.Session | None = None
) -> dict[str, Any]:
    """What the state needs from the publish job's summary: `predictions: {count}` and `drift`, as far as the
    summary can be read (a missing or broken one is logged and gives nothing)."""
    key, default = PREDICTION_SUMMARIES
    uri = s3_uri(bucket, f"{cfg.layout.get(key, default)}run_id={state.get('run_id')}/summary.json")
    try:
        summary = read_json(uri, session=session)
        found: dict[str, Any] = {"predictions": {"count": int(summary["predictions"])}}
    except (ObjectNotFoundError, KeyError, TypeError, ValueError) as error:
        log("prediction count unknown: the publish summary cannot be read", summary=uri, error=str(error))
        return {}
    if isinstance(summary.get("drift"), dict):
        found["drift"] = summary["drift"]
    return found


def discovery_summary(
    state: dict[str, Any], *, bucket: str, cfg: PulsoConfig, session: boto3.Session | None = None
) -> dict[str, Any]:
    """`topics`: the discovery job's summary (`topics/run_id=R/summary.json`), or nothing when it cannot be read."""
    uri = s3_uri(bucket, f"{cfg.layout['topic_reports']}run_id={state.get('run_id')}/summary.json")
    try:
        return {"topics": read_json(uri, session=session)}
    except (ObjectNotFoundError, ValueError) as error:
        log("discovery summary cannot be read", summary=uri, error=str(error))
        return {}


def discovery_lines(state: dict[str, Any], cfg: PulsoConfig) -> list[str]:
    """What the analyst needs from a discovery: how many topics, where to review them, how to approve."""
    topics = state.get("topics")
    if not topics:
        return ["Topics: no summary (the discovery did not finish)"]
    outputs = topics.get("outputs") or {}
    models = str(outputs.get("clusters", "s3://models/")).split("/")[2]
    approvals = s3_uri(models, f"{cfg.layout['topic_approvals']}{topics['run_id']}/")
    lines = [
        f"Topics: {topics.get('k')} clusters over {topics['messages'].get('clustered', 0):,} messages "
        f"(embedding {topics.get('embedding')}, silhouette {_metric(topics.get('silhouette'))})",
    ]
    lines += [f"  {c['cluster']}: {c['proposed_name']} ({c['size']:,}; {c['signature']})" for c in topics["clusters"]]
    lines += [
        f"Review: {outputs.get('report')}",
        f"Approve: pulso topics approve --run {topics['run_id']}, or write an approval JSON under {approvals}",
    ]
    return lines


def report_uri(row: dict[str, Any], bucket: str, cfg: PulsoConfig) -> str:
    """Where the run report job writes this run's report (the state machine's next step)."""
    return s3_uri(bucket, f"{cfg.layout['reports']}run_id={row['run_id']}/report.html")


def outputs_bucket(context: Any) -> str:
    """$OUTPUTS_BUCKET, else the configured name with the account id of the invoked function's ARN."""
    bucket = os.environ.get("OUTPUTS_BUCKET")
    if bucket:
        return bucket
    arn = getattr(context, "invoked_function_arn", "") or ""
    parts = arn.split(":")
    if len(parts) < 5 or not parts[4]:
        raise RuntimeError("environment variable OUTPUTS_BUCKET is not set")
    return config().resource_name("buckets.outputs", account_id=parts[4])


def explain_rejection(state: dict[str, Any], cfg: PulsoConfig) -> dict[str, Any]:
    """A rejected request's cause names what is wrong with it (the Choice state can only say that it is)."""
    error = state.get("error") or {}
    if error.get("Error") != INVALID_REQUEST:
        return state
    problem = request_problem(state.get("request"), cfg.profiles)
    return {**state, "error": {**error, "Cause": problem}} if problem else state


def failure_line(state: dict[str, Any]) -> str | None:
    """`<Error>: <readable cause>` of a failed run, one line, for the runs table; None when it succeeded."""
    error = state.get("error")
    if not error:
        return None
    line = " ".join(f"{error.get('Error') or 'error'}: {error_cause(error) or 'n/a'}".split())
    return line[:_CAUSE_MAX_CHARS]


def record_run(
    state: dict[str, Any],
    *,
    bucket: str,
    kms_key_id: str | None = None,
    cfg: PulsoConfig | None = None,
    session: boto3.Session | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    cfg = cfg or config()
    state = explain_rejection(state, cfg)
    if "publish" in state and (state.get("predictions") or {}).get("count") is None:
        state = {**state, **published_summary(state, bucket=bucket, cfg=cfg, session=session)}
    if "discovery" in state and "topics" not in state:
        state = {**state, **discovery_summary(state, bucket=bucket, cfg=cfg, session=session)}
    row = build_row(state, finished_at=now or utc_now(), cfg=cfg)
    if not row["run_id"]:
        raise ValueError("the state JSON has no run_id")
    key = run_key(row, cfg)
    body = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    session = session_or_default(session)
    put_json_bytes(session.client("s3"), bucket, key, body, kms_key_id)
    # Athena projects the runs table's dates; Redshift Spectrum reads only registered partitions.
    runs = cfg.table("runs")
    partition = s3_uri(bucket, f"{runs.prefix}ingest_date={row['ingest_date']}/")
    register_partition(session, cfg.resource_name("glue_database"), runs, [row["ingest_date"]], partition)
    log("run recorded", record=s3_uri(bucket, key), status=row["status"])
    return {"subject": subject(row, state), "message": message(row, state, bucket=bucket, cfg=cfg), "run": row}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return record_run(event, bucket=outputs_bucket(context), kms_key_id=os.environ.get("KMS_KEY_ID") or None)
