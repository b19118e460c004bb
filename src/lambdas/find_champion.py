"""The champion: the newest Approved model package of the group, the model every prediction uses.

Event `{"model_package_group": "..."}` (default: the group named in the configuration); returns
`{model_package_arn, version, model_data_url, image, model_version, test_macro_recall}` or raises
NoApprovedModelError. `newest_approved` is shared with the quality gate.
"""

from __future__ import annotations

from typing import Any

import boto3

from lambdas.common import config, log, session_or_default


class NoApprovedModelError(Exception):
    """The group has no Approved model package yet, so there is nothing to predict with."""


def newest_approved(group: str, *, session: boto3.Session | None = None) -> dict[str, Any] | None:
    """`DescribeModelPackage` of the newest Approved package of `group`, or None when there is none."""
    sagemaker = session_or_default(session).client("sagemaker")
    listed = sagemaker.list_model_packages(
        ModelPackageGroupName=group,
        ModelApprovalStatus="Approved",
        SortBy="CreationTime",
        SortOrder="Descending",
        MaxResults=1,
    )["ModelPackageSummaryList"]
    if not listed:
        return None
    return sagemaker.describe_model_package(ModelPackageName=listed[0]["ModelPackageArn"])


def metric_value(properties: dict[str, str] | None, name: str) -> float | None:
    """A metric stored as a string in CustomerMetadataProperties, or None when absent or not a number."""
    try:
        return float((properties or {})[name])
    except (KeyError, TypeError, ValueError):
        return None


def champion(group: str, *, session: boto3.Session | None = None) -> dict[str, Any]:
    package = newest_approved(group, session=session)
    if package is None:
        raise NoApprovedModelError(f"no approved model in {group}: run train_and_predict on labelled data first")
    container = package["InferenceSpecification"]["Containers"][0]
    version = int(package["ModelPackageVersion"])
    return {
        "model_package_arn": package["ModelPackageArn"],
        "version": version,
        "model_data_url": container["ModelDataUrl"],
        "image": container["Image"],
        "model_version": f"{group}/{version}",
        "test_macro_recall": metric_value(package.get("CustomerMetadataProperties"), "test_macro_recall"),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    group = event.get("model_package_group") or config().resource_name("model_package_group")
    found = champion(group)
    log("champion found", **found)
    return found
