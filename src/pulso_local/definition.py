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

from pulso.config import PulsoConfig, config_uri

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "statemachine" / "pipeline.asl.json.tftpl"
_PLACEHOLDER = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"|\$\{([a-z_]+)\}')
_IN_STRING = re.compile(r"\$\{([a-z_]+)\}")


# The functions the state machine invokes (on_upload and approve_topics are started by S3 events).
STATE_MACHINE_LAMBDAS = ("read_manifest", "quality_gate", "find_champion", "record_run")


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


def task_timeouts(config: PulsoConfig) -> dict[str, int]:
    """`TimeoutSeconds` of every Task, by template variable: the job's or function's own limit plus a margin,
    so the service's own timeout (a clear error) comes first. Terraform's orchestration module computes the
    same from the same configuration."""
    limits = config.pipeline.limits
    margin = limits.task_timeout_margin_seconds
    sagemaker = config.pipeline.sagemaker
    training = sagemaker.max_wait_seconds if sagemaker.use_spot else sagemaker.max_runtime_seconds
    timeouts = {f"timeout_{job}": minutes * 60 + margin for job, minutes in limits.glue_job_timeout_minutes.items()}
    timeouts.update({f"timeout_{key}": limits.lambdas[key].timeout_seconds + margin for key in STATE_MACHINE_LAMBDAS})
    timeouts.update(timeout_training=training + margin, timeout_transform=limits.transform_timeout_seconds,
                    timeout_api_call=margin)  # fmt: skip
    return timeouts


def definition_values(
    config: PulsoConfig,
    *,
    account_id: str,
    region: str,
    kms_key_arn: str,
    retry_interval_seconds: int,
    images: Mapping[str, str],
) -> dict[str, Any]:
    """The template's variables for one deployment, from the shared configuration.

    `images` holds the deployment's `training_image` and `inference_image` URIs, resolved for `region` at build
    time (`pulso_local.image_uris.resolve_images`; Terraform reads the same from `images.json`).
    """
    missing = sorted({"training_image", "inference_image"} - {key for key, uri in images.items() if uri})
    if missing:
        raise TemplateError(f"images lacks {', '.join(missing)}")

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
        "training_image": images["training_image"],
        "inference_image": images["inference_image"],
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
        # The effective configuration the training job and the transform model read ($PULSO_CONFIG_URI).
        "config_uri": config_uri(config, account_id),
        # "Check the request" rejects a profile the configuration does not know (one rule per profile).
        "known_profile_rules": [{"Variable": "$.profile", "StringEquals": name} for name in sorted(config.profiles)],
        "retry_interval_seconds": retry_interval_seconds,
        "execution_timeout_seconds": config.pipeline.limits.execution_timeout_seconds,
        **task_timeouts(config),
    }


def render_definition(values: Mapping[str, Any], template_path: Path = TEMPLATE) -> str:
    return render(template_path.read_text(encoding="utf-8"), values)
