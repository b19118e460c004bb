"""Read the ETL run manifest and hand the state machine the small part it decides on.

Event `{"manifest_uri": "s3://<transformed>/manifests/run_id=R/manifest.json"}`; returns run id, ingest date,
totals, per-file counts, whether there are enough labelled rows to train, and where the outputs are.
"""

from __future__ import annotations

from typing import Any

import boto3

from lambdas.common import ObjectNotFoundError, log, read_json

TOTAL_KEYS = ("read", "curated", "quarantined", "duplicates", "labelled")
FILE_KEYS = ("read", "curated", "quarantined", "duplicates")


class ManifestNotFoundError(Exception):
    """The run manifest is not where the state machine says the ETL job wrote it."""


def summarise(manifest: dict[str, Any]) -> dict[str, Any]:
    """The state machine's view of a manifest written by `glue_jobs.etl.pipeline.run_etl`."""
    totals = manifest["totals"]
    training = manifest["training"]
    outputs = manifest["outputs"]
    return {
        "run_id": manifest["run_id"],
        "ingest_date": manifest["ingest_date"],
        "totals": {key: int(totals[key]) for key in TOTAL_KEYS},
        "files": [
            {"object": entry["object"], **{key: int(entry[key]) for key in FILE_KEYS}}
            for entry in manifest.get("objects", [])
        ],
        "enough_labelled_rows": bool(training["enough_labelled_rows"]),
        "labelled_rows": int(training["labelled_rows"]),
        "min_labelled_rows": int(training["min_labelled_rows"]),
        "messages": outputs["messages"],
        "transform_input": outputs["transform_input"],
        "transform_input_records": int(outputs["transform_input_records"]),
    }


def read_manifest(manifest_uri: str, *, session: boto3.Session | None = None) -> dict[str, Any]:
    try:
        manifest = read_json(manifest_uri, session=session)
    except ObjectNotFoundError:
        raise ManifestNotFoundError(
            f"run manifest not found at {manifest_uri}: the ETL job did not write it (did it finish?)"
        ) from None
    return summarise(manifest)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    uri = event.get("manifest_uri")
    if not uri:
        raise ValueError('event needs "manifest_uri": the s3:// URI of the run manifest the ETL job wrote')
    summary = read_manifest(uri)
    log("manifest read", manifest_uri=uri, run_id=summary["run_id"], totals=summary["totals"])
    return summary
