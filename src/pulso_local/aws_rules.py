"""AWS rules that moto does not enforce, as pure checks the emulated account applies (`pulso_local.emulator`).

Each check returns the problem as AWS would word it, or None. `docs/aws-contracts.md` lists every rule with
the AWS page it comes from and the test that shows a violating request failing locally.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import botocore.session

# Glue uses these job arguments internally ("Using job parameters in AWS Glue jobs").
GLUE_RESERVED_ARGUMENTS = frozenset({"--conf", "--debug", "--mode", "--JOB_NAME", "--endpoint"})
# Glue: "Job arguments have a maximum size limit of 260KB".
GLUE_ARGUMENTS_MAX_BYTES = 260 * 1024

# SNS Publish: Subject "must be ASCII text that begins with a letter, number, or punctuation mark; must not
# include line breaks or control characters; and must be less than 100 characters long". Message: 256 KB.
SNS_SUBJECT_MAX_CHARS = 99
SNS_MESSAGE_MAX_BYTES = 262_144
_SNS_SUBJECT_START = re.compile(r"[A-Za-z0-9!-/:-@\[-`{-~]")

# SageMaker names and hyperparameters: the length and pattern constraints of AWS's own API model (botocore's
# sagemaker service model), which botocore does not enforce client side.
_SAGEMAKER_NAMES = {
    "trainingJobName": ("CreateTrainingJob", "TrainingJobName"),
    "transformJobName": ("CreateTransformJob", "TransformJobName"),
    "modelName": ("CreateModel", "ModelName"),
}


@functools.cache
def _sagemaker_member(operation: str, member: str) -> Any:
    model = botocore.session.get_session().get_service_model("sagemaker")
    return model.operation_model(operation).input_shape.members[member]


def glue_arguments_problem(arguments: Mapping[str, Any]) -> str | None:
    """Reserved names or an oversized argument map (DefaultArguments or a run's Arguments)."""
    reserved = sorted(GLUE_RESERVED_ARGUMENTS.intersection(arguments))
    if reserved:
        return f"argument(s) {', '.join(reserved)} are reserved by AWS Glue"
    size = sum(len(str(key).encode()) + len(str(value).encode()) for key, value in arguments.items())
    if size > GLUE_ARGUMENTS_MAX_BYTES:
        return f"job arguments are {size} bytes; AWS Glue accepts at most {GLUE_ARGUMENTS_MAX_BYTES}"
    return None


def sns_publish_problem(subject: str | None, message: str) -> str | None:
    """What SNS Publish refuses in a subject or a message."""
    if subject is not None:
        if not subject or len(subject) > SNS_SUBJECT_MAX_CHARS:
            return f"Subject must be less than 100 characters (got {len(subject)})"
        if not subject.isascii() or any(ord(char) < 32 or ord(char) == 127 for char in subject):
            return "Subject must be ASCII text without line breaks or control characters"
        if not _SNS_SUBJECT_START.match(subject):
            return "Subject must begin with a letter, number, or punctuation mark"
    size = len(message.encode("utf-8"))
    if size > SNS_MESSAGE_MAX_BYTES:
        return f"Message too long: {size} bytes (at most {SNS_MESSAGE_MAX_BYTES})"
    return None


def sagemaker_name_problem(kind: str, name: str) -> str | None:
    """`kind`: trainingJobName, transformJobName or modelName, as SageMaker words its validation errors."""
    shape = _sagemaker_member(*_SAGEMAKER_NAMES[kind])
    limits = shape.metadata
    if not limits.get("min", 0) <= len(name) <= limits["max"]:
        return (
            f"1 validation error detected: Value '{name}' at '{kind}' failed to satisfy constraint: Member must "
            f"have length less than or equal to {limits['max']}"
        )
    if not re.fullmatch(limits["pattern"], name):
        return (
            f"1 validation error detected: Value '{name}' at '{kind}' failed to satisfy constraint: Member must "
            f"satisfy regular expression pattern: {limits['pattern']}"
        )
    return None


def hyperparameters_problem(hyperparameters: Mapping[str, Any] | None) -> str | None:
    """CreateTrainingJob takes a map of strings to strings, within the API model's sizes."""
    shape = _sagemaker_member("CreateTrainingJob", "HyperParameters")
    items = dict(hyperparameters or {})
    if len(items) > shape.metadata["max"]:
        return f"at most {shape.metadata['max']} hyperparameters (got {len(items)})"
    key_max, value_max = shape.key.metadata["max"], shape.value.metadata["max"]
    for key, value in items.items():
        if not isinstance(value, str):
            return f"hyperparameter {key!r} must be a string (got {type(value).__name__})"
        if len(key) > key_max or len(value) > value_max:
            return f"hyperparameter {key!r} is too long (keys at most {key_max}, values at most {value_max} characters)"
    return None
