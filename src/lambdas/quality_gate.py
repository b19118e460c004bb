"""Quality gate: approve the candidate model only when it is good enough and no worse than the champion.

Event `{"model_artifacts": "s3://.../model.tar.gz", "training_job_name": "...", "model_package_group": "..."}`.
The candidate's metrics come from `evaluation.json` inside its model archive; the champion's from the
CustomerMetadataProperties of the newest Approved package of the group. Rule (`pipeline.quality_gate` of the
configuration, which a deployment changes in its configuration overlay, never in the function's environment):

    approved  iff  candidate >= floor  and  (no champion  or  candidate >= champion - tolerance)

When the candidate has no test split, the gate metric falls back to its validation counterpart
(test_macro_recall -> validation_macro_recall) and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from lambdas.common import config, log, parse_s3_uri, session_or_default
from lambdas.find_champion import metric_value, newest_approved
from pulso.archives import json_members
from pulso.config import QualityGateSettings

EVALUATION_FILE = "evaluation.json"
CANDIDATE_METRICS = {
    "test_macro_recall": ("test", "macro_recall"),
    "test_macro_f1": ("test", "macro_f1"),
    "test_accuracy": ("test", "accuracy"),
    "validation_macro_recall": ("validation", "macro_recall"),
}
APPROVED, REJECTED = "approved", "rejected"
APPROVAL_STATUS = {APPROVED: "Approved", REJECTED: "PendingManualApproval"}
# Comparisons allow for float rounding: 0.6004 - 0.1 is 0.5004000000000001 in binary floating point.
_EPSILON = 1e-9
_METADATA_VALUE_CHARS = 256  # SageMaker's limit for one CustomerMetadataProperties value


class EvaluationMissingError(Exception):
    """The model archive holds no evaluation.json (or it has no usable metric)."""


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str
    metric: str  # the metric actually compared (the gate metric or its validation fallback)
    candidate_value: float
    champion_value: float | None


def gate_settings() -> QualityGateSettings:
    """`pipeline.quality_gate` of the configuration (the deployment's effective one, see `lambdas.common`)."""
    return config().pipeline.quality_gate


def read_evaluation(model_artifacts: str, *, session: boto3.Session | None = None) -> dict[str, Any]:
    """evaluation.json from a model.tar.gz on S3, streamed: the archive is never held in memory or on disk.

    The member is found wherever it is: SageMaker packs SM_MODEL_DIR in its own order, so the weights may come
    first (they are then streamed past, not kept). The download stops once evaluation.json has been read.
    """
    bucket, key = parse_s3_uri(model_artifacts)
    body = session_or_default(session).client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    try:
        found = json_members(body, [EVALUATION_FILE])
    finally:
        body.close()
    if EVALUATION_FILE in found:
        return found[EVALUATION_FILE]
    raise EvaluationMissingError(f"{model_artifacts} holds no {EVALUATION_FILE}")


def candidate_metrics(evaluation: dict[str, Any]) -> dict[str, float | None]:
    """The candidate's metrics by gate name; None where the split is absent (no test split)."""
    metrics = evaluation.get("metrics", {})
    values: dict[str, float | None] = {}
    for name, (split, metric) in CANDIDATE_METRICS.items():
        value = metrics.get(split, {}).get(metric)
        values[name] = None if value is None else float(value)
    return values


def decide(
    candidate: dict[str, float | None],
    champion: dict[str, Any] | None,
    settings: QualityGateSettings,
) -> Decision:
    """Apply the gate rule. `champion` is `{"version", <metric>: value...}` or None when there is none."""
    metric = settings.metric
    value = candidate.get(metric)
    fallback_note = ""
    if value is None and metric.startswith("test_"):
        fallback = "validation_" + metric[len("test_") :]
        value = candidate.get(fallback)
        if value is not None:
            fallback_note = f" (no test split: {fallback} used instead of {metric})"
            metric = fallback
    if value is None:
        raise EvaluationMissingError(f"evaluation.json has no {settings.metric} (nor a validation fallback)")

    said = f"candidate {metric} {value:.4f}"
    floor = f"floor {settings.floor:.2f}"
    if value + _EPSILON < settings.floor:
        return Decision(REJECTED, f"{said} < {floor}{fallback_note}", metric, value, _champion_value(champion, metric))
    if champion is None:
        reason = f"{said} >= {floor} and there is no approved champion yet{fallback_note}"
        return Decision(APPROVED, reason, metric, value, None)
    champion_value = _champion_value(champion, metric)
    if champion_value is None:
        reason = f"{said} >= {floor}; champion version {champion['version']} has no {metric} to compare{fallback_note}"
        return Decision(APPROVED, reason, metric, value, None)
    versus = f"champion version {champion['version']} ({champion_value:.4f})"
    if value + _EPSILON >= champion_value - settings.tolerance:
        reason = f"{said} >= {floor} and within {settings.tolerance:.2f} of {versus}{fallback_note}"
        return Decision(APPROVED, reason, metric, value, champion_value)
    reason = f"{said} is more than {settings.tolerance:.2f} below {versus}{fallback_note}"
    return Decision(REJECTED, reason, metric, value, champion_value)


def _champion_value(champion: dict[str, Any] | None, metric: str) -> float | None:
    return None if champion is None else champion.get(metric)


def champion_summary(package: dict[str, Any] | None) -> dict[str, Any] | None:
    """The champion's arn, version and metrics (every candidate metric name it has in its metadata)."""
    if package is None:
        return None
    properties = package.get("CustomerMetadataProperties")
    summary: dict[str, Any] = {
        "model_package_arn": package["ModelPackageArn"],
        "version": int(package["ModelPackageVersion"]),
        "test_macro_recall": metric_value(properties, "test_macro_recall"),
    }
    for name in CANDIDATE_METRICS:
        value = metric_value(properties, name)
        if value is not None:
            summary[name] = value
    return summary


def metadata(
    candidate: dict[str, float | None], decision: Decision, training_job_name: str, champion: dict[str, Any] | None
) -> dict[str, str]:
    """CustomerMetadataProperties of the registered package: strings only, keys SageMaker accepts."""
    values: dict[str, str] = {name: f"{value:.4f}" for name, value in candidate.items() if value is not None}
    values.update(
        {
            "training_job_name": training_job_name,
            "gate_decision": decision.decision,
            "gate_metric": decision.metric,
            "gate_reason": decision.reason[:_METADATA_VALUE_CHARS],
        }
    )
    if champion is not None:
        values["champion_version"] = str(champion["version"])
    return values


def evaluate_candidate(
    model_artifacts: str,
    training_job_name: str,
    model_package_group: str,
    *,
    settings: QualityGateSettings | None = None,
    session: boto3.Session | None = None,
) -> dict[str, Any]:
    settings = settings or gate_settings()
    candidate = candidate_metrics(read_evaluation(model_artifacts, session=session))
    champion = champion_summary(newest_approved(model_package_group, session=session))
    decision = decide(candidate, champion, settings)
    return {
        "decision": decision.decision,
        "approval_status": APPROVAL_STATUS[decision.decision],
        "reason": decision.reason,
        "metric": decision.metric,
        "candidate": candidate,
        "champion": champion,
        "metadata": metadata(candidate, decision, training_job_name, champion),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    missing = [key for key in ("model_artifacts", "training_job_name") if not event.get(key)]
    if missing:
        raise ValueError(f"event needs {', '.join(missing)}")
    group = event.get("model_package_group") or config().resource_name("model_package_group")
    result = evaluate_candidate(event["model_artifacts"], event["training_job_name"], group)
    log("quality gate", decision=result["decision"], reason=result["reason"], model_artifacts=event["model_artifacts"])
    return result
