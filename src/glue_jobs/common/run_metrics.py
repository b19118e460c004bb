"""CloudWatch metrics of an ETL run (namespace `Pulso/ETL`, dimension `Environment`), which the monitoring
module's quarantine-rate alarm and dashboard read. Published only when the job writes to S3 (a deployed or
emulated account); a failure to publish is logged, never fails the run: the manifest stays the record."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

NAMESPACE = "Pulso/ETL"
METRICS = {
    "RowsRead": "read",
    "RowsCurated": "curated",
    "RowsQuarantined": "quarantined",
    "RowsDuplicate": "duplicates",
}

log = logging.getLogger(__name__)


def metric_data(totals: Mapping[str, int], environment: str) -> list[dict[str, Any]]:
    """One datapoint per count of the run's totals."""
    dimensions = [{"Name": "Environment", "Value": environment}]
    return [
        {"MetricName": name, "Dimensions": dimensions, "Value": float(totals.get(key, 0)), "Unit": "Count"}
        for name, key in METRICS.items()
    ]


def publish(totals: Mapping[str, int], environment: str, boto3_session: Any) -> bool:
    """Put the run's counts into CloudWatch; False (and a warning) when that fails."""
    try:
        boto3_session.client("cloudwatch").put_metric_data(
            Namespace=NAMESPACE, MetricData=metric_data(totals, environment)
        )
    except Exception as error:
        log.warning("could not publish run metrics to CloudWatch: %s", error)
        return False
    return True
