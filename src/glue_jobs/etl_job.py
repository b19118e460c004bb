"""AWS Glue Python shell job "validate and transform": raw messages in, curated Parquet, quarantine,
Batch Transform input and a run manifest out.

On AWS, Glue runs this file with Glue-style arguments (`--input s3://... --profile twcs ...`) and the
shared package from `--extra-py-files`. Locally the same entry point runs on local paths or S3:

    python -m glue_jobs.etl_job --input data/sample.csv --profile tweets --output_root .pulso/etl
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from glue_jobs.arguments import Argument, parse_glue_arguments, usage
from glue_jobs.pipeline import MODES, EtlJob, run_etl
from glue_jobs.storage import store_for
from pulso.config import load_config
from pulso.config._load import parse_json
from pulso.errors import AccountingError, ConfigError, InputError

log = logging.getLogger("pulso.etl")

ARGUMENTS = {
    "input": Argument("raw object or prefix: s3://bucket/key or a local path", required=True),
    "profile": Argument("source profile that maps the input onto the canonical message", required=True),
    "output_root": Argument("root of the transformed bucket: s3://bucket/ or a local folder", required=True),
    "mode": Argument("what the run is for", default="train_and_predict", choices=MODES),
    "run_id": Argument("run identifier, e.g. the Step Functions execution name", default=None),
    "ingest_date": Argument("partition date YYYY-MM-DD (default: today, UTC)", default=None),
    "config_overlay": Argument("JSON merged over the bundled configuration: path or s3:// URI", default=None),
    "kms_key_id": Argument("KMS key id or ARN for SSE-KMS uploads", default=None),
}
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _overlay(uri: str | None) -> dict[str, Any] | None:
    if not uri:
        return None
    try:
        with store_for(uri).open_read(uri) as stream:
            return dict(parse_json(stream.read().decode("utf-8"), uri))
    except OSError as error:
        raise ConfigError(f"cannot read --config_overlay {uri}: {error}") from None


def build_job(args: Mapping[str, str | None], now: dt.datetime | None = None) -> EtlJob:
    """Validate parsed job arguments into an `EtlJob`."""
    now = now or _utc_now()
    run_id = args["run_id"] or f"etl-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    if not _RUN_ID.fullmatch(run_id):
        raise ConfigError(f"job argument --run_id must be 1-128 letters, digits, '.', '_' or '-' (got {run_id!r})")
    ingest_date = args["ingest_date"] or now.strftime("%Y-%m-%d")
    try:
        dt.datetime.strptime(ingest_date, "%Y-%m-%d")
    except ValueError:
        raise ConfigError(f"job argument --ingest_date must be YYYY-MM-DD (got {ingest_date!r})") from None
    config = load_config(_overlay(args["config_overlay"]))
    return EtlJob(
        input_uri=str(args["input"]),
        output_root=str(args["output_root"]),
        profile=config.profile(str(args["profile"])),
        mode=str(args["mode"]),
        run_id=run_id,
        ingest_date=ingest_date,
        config=config,
        now=now,
    )


def run_job(argv: Sequence[str], boto3_session: object | None = None) -> dict[str, Any]:
    """Run the ETL job for Glue-style `argv`; return the manifest. Raises PulsoError subclasses on failure."""
    args = parse_glue_arguments(argv, ARGUMENTS)
    job = build_job(args)
    input_store = store_for(job.input_uri, boto3_session)
    output_store = store_for(job.output_root, boto3_session, args["kms_key_id"])
    return run_etl(job, input_store, output_store)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Console entry point. Exits with a one-line message (which Glue shows as the run's error) on failure."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--help" in argv or "-h" in argv:
        print(__doc__.strip() + "\n\n" + usage(ARGUMENTS))
        raise SystemExit(0)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        manifest = run_job(argv)
    except ConfigError as error:
        raise SystemExit(f"pulso-etl: configuration error: {error}") from None
    except (InputError, AccountingError) as error:
        raise SystemExit(f"pulso-etl: {error}") from None
    summary = {key: manifest[key] for key in ("run_id", "status", "totals")}
    print(json.dumps({**summary, "manifest": manifest["outputs"]["manifest"]}))
    if manifest["status"] != "SUCCEEDED":
        errors = "; ".join(obj["error"] for obj in manifest["objects"] if obj["error"])
        raise SystemExit(f"pulso-etl: no input object could be read: {errors}")
    return manifest


if __name__ == "__main__":
    main()
