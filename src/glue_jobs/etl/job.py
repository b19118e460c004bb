"""AWS Glue Python shell job "validate and curate": raw messages in, curated Parquet, quarantine,
Batch Transform input and a run manifest out.

On AWS, Glue runs this file with Glue-style arguments (`--input s3://... --profile twcs ...`) and the
shared package from `--extra-py-files`. Locally the same entry point runs on local paths or S3:

    python -m glue_jobs.etl.job --input data/sample.csv --profile tweets --output_root .pulso/etl
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from glue_jobs.common import run_metrics
from glue_jobs.common.arguments import Argument, job_main, parse_glue_arguments
from glue_jobs.common.run_arguments import (
    CONFIG_URI_HELP,
    checked_ingest_date,
    checked_run_id,
    config_from_uri,
    utc_now,
)
from glue_jobs.common.storage import is_s3, join_uri, store_for
from glue_jobs.etl.pipeline import MODES, EtlJob, run_etl
from pulso.catalog import register_partition
from pulso.errors import ConfigError

log = logging.getLogger("pulso.etl")

ARGUMENTS = {
    "input": Argument("raw object or prefix: s3://bucket/key or a local path", required=True),
    "profile": Argument("source profile that maps the input onto the canonical message", required=True),
    "output_root": Argument("root of the transformed bucket: s3://bucket/ or a local folder", required=True),
    # Not "--mode": Glue reserves --mode, --debug, --JOB_NAME and --endpoint (docs/aws-contracts.md).
    "run_mode": Argument("what the run is for", default="train_and_predict", choices=MODES),
    "request": Argument(
        "the execution input as JSON; a scheduled run's scheduled_time picks its day folder", default=None
    ),
    "run_id": Argument("run identifier, e.g. the Step Functions execution name", default=None),
    "ingest_date": Argument("partition date YYYY-MM-DD (default: today, UTC)", default=None),
    "config_uri": Argument(CONFIG_URI_HELP, default=None),
    "kms_key_id": Argument("KMS key id or ARN for SSE-KMS uploads", default=None),
    "glue_database": Argument("Glue database to register the run's partitions in (S3 output only)", default=None),
}


def build_job(args: Mapping[str, str | None], now: dt.datetime | None = None) -> EtlJob:
    """Validate parsed job arguments into an `EtlJob`."""
    now = now or utc_now()
    run_id = args["run_id"] or f"etl-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    checked_run_id(run_id)
    ingest_date = checked_ingest_date(args["ingest_date"], now)
    config = config_from_uri(args["config_uri"])
    day_folder = scheduled_day_folder(args["request"])
    return EtlJob(
        # A scheduled run reads the previous day's folder under its input prefix, and may find it empty.
        input_uri=join_uri(str(args["input"]), day_folder) + "/" if day_folder else str(args["input"]),
        allow_empty=bool(day_folder),
        output_root=str(args["output_root"]),
        profile=config.profile(str(args["profile"])),
        mode=str(args["run_mode"]),
        run_id=run_id,
        ingest_date=ingest_date,
        config=config,
        now=now,
    )


def scheduled_day_folder(request_json: str | None) -> str | None:
    """`YYYY-MM-DD` of the UTC day before the request's `scheduled_time` (EventBridge Scheduler's
    `<aws.scheduler.scheduled-time>`), or None for a request without one."""
    if not request_json:
        return None
    try:
        request = json.loads(request_json)
    except ValueError:
        raise ConfigError("job argument --request is not valid JSON") from None
    scheduled = request.get("scheduled_time") if isinstance(request, dict) else None
    if scheduled is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(scheduled).replace("Z", "+00:00"))
    except ValueError:
        example = "2026-12-05T01:00:00Z"
        raise ConfigError(f"scheduled_time must be an ISO 8601 time such as {example} (got {scheduled!r})") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return (moment.date() - dt.timedelta(days=1)).isoformat()


def run_job(argv: Sequence[str], boto3_session: object | None = None) -> dict[str, Any]:
    """Run the ETL job for Glue-style `argv`; return the manifest. Raises PulsoError subclasses on failure."""
    args = parse_glue_arguments(argv, ARGUMENTS)
    job = build_job(args)
    input_store = store_for(job.input_uri, boto3_session)
    output_store = store_for(job.output_root, boto3_session, args["kms_key_id"])
    manifest = run_etl(job, input_store, output_store)
    if is_s3(job.output_root):
        run_metrics.publish(manifest["totals"], job.config.environment, output_store.session)
        if args["glue_database"]:
            for table in ("messages", "quarantine"):
                register_partition(
                    output_store.session, args["glue_database"], job.config.table(table),
                    [manifest["ingest_date"], manifest["run_id"]], manifest["outputs"][table],
                )  # fmt: skip
    return manifest


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Console entry point. Exits with a one-line message (which Glue shows as the run's error) on failure."""
    manifest = job_main("pulso-etl", __doc__ or "", ARGUMENTS, run_job, argv)
    summary = {key: manifest[key] for key in ("run_id", "status", "totals")}
    print(json.dumps({**summary, "manifest": manifest["outputs"]["manifest"]}))
    if manifest["status"] != "SUCCEEDED":
        errors = "; ".join(obj["error"] for obj in manifest["objects"] if obj["error"])
        raise SystemExit(f"pulso-etl: no input object could be read: {errors}")
    return manifest


if __name__ == "__main__":
    main()
