"""Render the one production state machine definition (`statemachine/pipeline.asl.json.tftpl`).

The template uses Terraform `templatefile` syntax: `${name}` inside a JSON string is replaced by the text,
a bare `${name}` (a number, a boolean, an object) by its JSON. Terraform renders it for AWS with the same
variable names (`definition_values` documents them); the local runtime renders it here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulso.config import PulsoConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "statemachine" / "pipeline.asl.json.tftpl"
_PLACEHOLDER = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"|\$\{([a-z_]+)\}')
_IN_STRING = re.compile(r"\$\{([a-z_]+)\}")


class TemplateError(ValueError):
    """A placeholder has no value."""


def placeholders(template: str) -> set[str]:
    return set(_IN_STRING.findall(template))


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill every placeholder; the result must be valid JSON."""
    missing = sorted(placeholders(template) - set(values))
    if missing:
        raise TemplateError(f"no value for template variable(s) {', '.join(missing)}")

    def in_string(match: re.Match[str]) -> str:
        return json.dumps(str(values[match.group(1)]))[1:-1]

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return '"' + _IN_STRING.sub(in_string, match.group(1)) + '"'
        return json.dumps(values[match.group(2)])

    rendered = _PLACEHOLDER.sub(replace, template)
    json.loads(rendered)
    return rendered


def definition_values(
    config: PulsoConfig,
    *,
    account_id: str,
    region: str,
    kms_key_arn: str,
    retry_interval_seconds: int,
    execution_timeout_seconds: int = 6 * 3600,
) -> dict[str, Any]:
    """The template's variables for one deployment, from the shared configuration."""

    def name(key: str) -> str:
        return config.resource_name(key, account_id=account_id)

    def arn(service: str, resource: str) -> str:
        return f"arn:aws:{service}:{region}:{account_id}:{resource}"

    sagemaker = config.pipeline.sagemaker
    stopping: dict[str, int] = {"MaxRuntimeInSeconds": sagemaker.max_runtime_seconds}
    if sagemaker.use_spot:
        stopping["MaxWaitTimeInSeconds"] = sagemaker.max_wait_seconds
    layout = config.layout
    return {
        "project": config.project,
        "kms_key_arn": kms_key_arn,
        "transformed_bucket": name("buckets.transformed"),
        "models_bucket": name("buckets.models"),
        "outputs_bucket": name("buckets.outputs"),
        "etl_job_name": name("glue_jobs.etl"),
        "publish_job_name": name("glue_jobs.publish"),
        "report_job_name": name("glue_jobs.report"),
        "discover_job_name": name("glue_jobs.discover"),
        "glue_database": name("glue_database"),
        "read_manifest_arn": arn("lambda", f"function:{name('lambdas.read_manifest')}"),
        "quality_gate_arn": arn("lambda", f"function:{name('lambdas.quality_gate')}"),
        "find_champion_arn": arn("lambda", f"function:{name('lambdas.find_champion')}"),
        "record_run_arn": arn("lambda", f"function:{name('lambdas.record_run')}"),
        "sns_topic_arn": arn("sns", name("sns_topic")),
        "sagemaker_role_arn": f"arn:aws:iam::{account_id}:role/{name('roles.sagemaker')}",
        "model_package_group": name("model_package_group"),
        "training_image": sagemaker.training_image.format(region=region),
        "inference_image": sagemaker.inference_image.format(region=region),
        "framework_version": sagemaker.framework_version,
        "training_instance_type": sagemaker.training_instance_type,
        "transform_instance_type": sagemaker.transform_instance_type,
        "transform_instance_count": sagemaker.transform_instance_count,
        "max_payload_mb": sagemaker.max_payload_mb,
        "use_spot": sagemaker.use_spot,
        "stopping_condition": stopping,
        "metric_definitions": list(config.training.metric_definitions),
        "hyperparameters": {
            # The SageMaker PyTorch container reads its own entries JSON-encoded.
            "sagemaker_program": json.dumps("train.py"),
            "sagemaker_submit_directory": json.dumps(
                f"s3://{name('buckets.models')}/{layout['code']}training/sourcedir.tar.gz"
            ),
            "sagemaker_region": json.dumps(region),
            **config.pipeline.hyperparameters,
        },
        "manifests_prefix": layout["manifests"],
        "embeddings_prefix": layout["embeddings"],
        "training_jobs_prefix": layout["training_jobs"],
        "transform_output_prefix": layout["transform_output"],
        "messages_prefix": config.table("messages").prefix,
        "retry_interval_seconds": retry_interval_seconds,
        "execution_timeout_seconds": execution_timeout_seconds,
    }


def render_definition(values: Mapping[str, Any], template_path: Path = TEMPLATE) -> str:
    return render(template_path.read_text(encoding="utf-8"), values)
