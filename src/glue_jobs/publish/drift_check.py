"""The drift check of a run that predicts: the messages the model scored against the data it was trained on.

The reference is the `data_profile` the training job wrote into the model's evaluation.json; the model's
vocabulary (vocab.json) gives the run's out-of-vocabulary rate. Both are read from the model.tar.gz that
predicted. The current profile is built from the run's curated messages (tokens, language) that received a
prediction, with the predicted labels. A check whose inputs are missing makes the result `not_checked` with the
reason, never a failed run: drift is a warning, the predictions stand.
"""

from __future__ import annotations

import logging
import tarfile
from collections.abc import Mapping
from typing import Any

import pandas as pd

from glue_jobs.common.storage import ObjectStore, read_parquet_objects
from pulso.archives import json_members
from pulso.config import PulsoConfig
from pulso.drift import DataProfile, build_profile, compare, oov_rate, warnings

__all__ = ["check_drift", "metric_data", "not_checked", "publish_metrics", "warnings"]

NAMESPACE = "Pulso/Drift"
NOT_CHECKED = "not_checked"
EVALUATION_MEMBER, VOCABULARY_MEMBER = "evaluation.json", "vocab.json"
MESSAGE_COLUMNS = ["message_id", "text_clean", "lang"]

log = logging.getLogger("pulso.drift")


def not_checked(reason: str, model_version: str | None = None) -> dict[str, Any]:
    return {"status": NOT_CHECKED, "reason": reason, "model_version": model_version, "checks": []}


def read_model_reference(store: ObjectStore, model_data_url: str) -> tuple[DataProfile | None, set[str]]:
    """The training profile and the vocabulary of a model.tar.gz (streamed; other members are skipped)."""
    with store.open_read(model_data_url) as stream:
        found = json_members(stream, [EVALUATION_MEMBER, VOCABULARY_MEMBER])
    profile = (found.get(EVALUATION_MEMBER) or {}).get("data_profile")
    vocabulary = set(found.get(VOCABULARY_MEMBER) or [])
    return (DataProfile.from_dict(profile) if profile else None), vocabulary


def read_scored_messages(
    store: ObjectStore, messages_input: str, scored: Mapping[str, str], messages: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """The run's curated messages (id, tokens, language) that have a prediction in `scored`; `messages`: the
    run's messages (MESSAGE_COLUMNS) when the caller has read them already."""
    frame = read_parquet_objects(store, messages_input, MESSAGE_COLUMNS) if messages is None else messages
    frame = frame[frame["message_id"].isin(list(scored))].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")  # missing text or language: None, not NaN


def check_drift(
    config: PulsoConfig,
    store: ObjectStore,
    *,
    model_data_url: str | None,
    messages_input: str | None,
    scored: Mapping[str, str],
    model_version: str | None,
    messages: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The drift report of the run (see `pulso.drift.compare`), or `not_checked` with the reason."""
    if not model_data_url or not messages_input:
        return not_checked("the job was not given the model and the run's messages", model_version)
    if not scored:
        return not_checked("no predictions", model_version)
    try:
        reference, vocabulary = read_model_reference(store, model_data_url)
    except (OSError, ValueError, tarfile.TarError) as error:
        log.warning("drift: cannot read the model's reference from %s: %s", model_data_url, error)
        return not_checked(f"the model archive could not be read: {error}", model_version)
    if reference is None:
        return not_checked("the model has no training data profile (trained before drift checks)", model_version)
    scored_messages = read_scored_messages(store, messages_input, scored, messages)
    if not scored_messages:
        return not_checked(f"none of the predicted messages was found under {messages_input}", model_version)
    tokens = [str(row["text_clean"] or "").split() for row in scored_messages]
    current = build_profile(
        tokens,
        [scored[row["message_id"]] for row in scored_messages],
        [row["lang"] for row in scored_messages],
        config.labels.names,
        oov=oov_rate(tokens, vocabulary) if vocabulary else None,
    )
    return compare(current, reference, config.pipeline.drift, model_version)


def metric_data(drift: Mapping[str, Any], environment: str) -> list[dict[str, Any]]:
    """CloudWatch datapoints: each check's value and the number of breached checks (`DriftBreaches`)."""
    dimensions = [{"Name": "Environment", "Value": environment}]
    data = [
        {"MetricName": f"Drift_{check['name']}", "Dimensions": dimensions, "Value": float(check["value"]),
         "Unit": "None"}
        for check in drift.get("checks", [])
        if check.get("value") is not None
    ]  # fmt: skip
    breaches = sum(1 for check in drift.get("checks", []) if check.get("breached"))
    data.append({"MetricName": "DriftBreaches", "Dimensions": dimensions, "Value": float(breaches), "Unit": "Count"})
    return data


def publish_metrics(drift: Mapping[str, Any], environment: str, boto3_session: Any) -> bool:
    """Put the drift metrics into CloudWatch (the emulator's locally); False and a warning when that fails."""
    if drift.get("status") == NOT_CHECKED:
        return False
    try:
        boto3_session.client("cloudwatch").put_metric_data(
            Namespace=NAMESPACE, MetricData=metric_data(drift, environment)
        )
    except Exception as error:
        log.warning("could not publish drift metrics to CloudWatch: %s", error)
        return False
    return True
