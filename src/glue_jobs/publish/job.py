"""AWS Glue Python shell job "publish predictions": Batch Transform output (`*.out` JSON Lines) in, the
Parquet `predictions` table, the run's error records and a summary out.

On AWS, Glue runs this file with Glue-style arguments (`--predictions_input s3://... --run_id R ...`) and the
shared package from `--extra-py-files`. Locally the same entry point runs on local paths or S3:

    python -m glue_jobs.publish.job --predictions_input .pulso/transform-output/ --output_root .pulso/outputs \
        --run_id local-1

Outputs under the outputs bucket's root (prefixes from the shared configuration):
- `predictions/ingest_date=D/run_id=R/part-NNNNN.parquet`  one row per prediction (columns of `tables.predictions`)
- `prediction-errors/run_id=R/errors.jsonl`                lines that gave no prediction, and why
- `predictions-manifests/run_id=R/summary.json`            {run_id, ingest_date, objects, lines, predictions, errors,
                                                           drift, topics, outputs}; lines = predictions + errors,
                                                           else fails

Given the model that predicted (`--model_data_url`) and the run's curated messages (`--messages_input`), the job
also checks drift (`glue_jobs.publish.drift_check`): the result goes into the summary and, on S3, to CloudWatch
(`Pulso/Drift`). Given the models bucket (`--models_root`), each prediction gets the topic of the newest
approved topic map (`glue_jobs.publish.topic_assignment`); before any approval the topic columns stay null.

A re-run of the same run id replaces that run's outputs (also the partition of an earlier ingest date).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from glue_jobs.common.arguments import Argument, job_main, parse_glue_arguments
from glue_jobs.common.lines import bounded_lines
from glue_jobs.common.run_arguments import (
    CONFIG_URI_HELP,
    checked_ingest_date,
    checked_run_id,
    config_from_uri,
    utc_now,
)
from glue_jobs.common.storage import ObjectStore, StoredObject, is_s3, join_uri, read_parquet_objects, store_for
from glue_jobs.common.topic_maps import load_latest_map
from glue_jobs.common.writers import RunLayout, TablePartWriter
from glue_jobs.publish import drift_check
from glue_jobs.publish.predictions import (
    OUTPUT_SUFFIX,
    TABLE,
    ErrorRecord,
    PredictionParser,
    PredictionRows,
    too_long,
)
from glue_jobs.publish.topic_assignment import TopicAssigner
from pulso.catalog import register_partition
from pulso.config import PulsoConfig
from pulso.errors import AccountingError, InputError
from pulso.layout import run_partition

log = logging.getLogger("pulso.publish")

ARGUMENTS = {
    "predictions_input": Argument(
        "Batch Transform output: s3://bucket/prefix/ or a local folder of *.out JSON Lines", required=True
    ),
    "output_root": Argument("root of the outputs bucket: s3://bucket/ or a local folder", required=True),
    "run_id": Argument("pipeline run the predictions belong to (the Step Functions execution name)", required=True),
    "ingest_date": Argument("partition date YYYY-MM-DD (default: today, UTC)", default=None),
    "config_uri": Argument(CONFIG_URI_HELP, default=None),
    "kms_key_id": Argument("KMS key id or ARN for SSE-KMS uploads", default=None),
    "model_data_url": Argument("model.tar.gz that predicted (its training profile and vocabulary)", default=None),
    "messages_input": Argument("the run's curated messages partition, for the drift check", default=None),
    "glue_database": Argument("Glue database to register the run's partition in (S3 output only)", default=None),
    "models_root": Argument("root of the models bucket, for the approved topic map (none: no topics)", default=None),
}
# Layout keys (and their prefixes while pulso.json does not define them; an overlay may set them).


@dataclass(frozen=True)
class PublishJob:
    """One publish run: what to read and where to write."""

    predictions_input: str
    output_root: str
    run_id: str
    ingest_date: str
    config: PulsoConfig
    now: dt.datetime  # naive UTC: the predictions' `predicted_at`
    model_data_url: str | None = None
    messages_input: str | None = None
    models_root: str | None = None


@dataclass(frozen=True)
class PublishLayout:
    """Where one run's outputs live under the outputs bucket's root."""

    root: str
    run_id: str
    ingest_date: str
    config: PulsoConfig

    @property
    def predictions_prefix(self) -> str:
        return RunLayout(self.root, self.run_id, self.ingest_date, self.config).table_prefix(TABLE)

    @property
    def errors_prefix(self) -> str:
        return join_uri(self.root, self.config.layout.prediction_errors_folder(self.run_id)) + "/"

    @property
    def errors_uri(self) -> str:
        return join_uri(self.root, self.config.layout.prediction_errors(self.run_id))

    @property
    def summary_prefix(self) -> str:
        return join_uri(self.root, self.config.layout.publish_summary_folder(self.run_id)) + "/"

    @property
    def summary_uri(self) -> str:
        return join_uri(self.root, self.config.layout.publish_summary(self.run_id))

    def is_own_partition(self, uri: str) -> bool:
        """True for a predictions partition of this run under this root (any ingest date)."""
        table_root = join_uri(self.root, self.config.layout.table(TABLE)) + "/"
        return uri.startswith(table_root) and (uri.rstrip("/") + "/").endswith("/" + run_partition(self.run_id))


def build_job(args: Mapping[str, str | None], now: dt.datetime | None = None) -> PublishJob:
    """Validate parsed job arguments into a `PublishJob`."""
    now = now or utc_now()
    run_id = str(args["run_id"])
    checked_run_id(run_id)
    ingest_date = checked_ingest_date(args["ingest_date"], now)
    return PublishJob(
        predictions_input=str(args["predictions_input"]),
        output_root=str(args["output_root"]),
        run_id=run_id,
        ingest_date=ingest_date,
        config=config_from_uri(args["config_uri"]),
        now=now,
        model_data_url=args.get("model_data_url") or None,
        messages_input=args.get("messages_input") or None,
        models_root=args.get("models_root") or None,
    )


def plan_objects(store: ObjectStore, uri: str) -> list[StoredObject]:
    """The Batch Transform output objects under `uri` (`*.out`; hidden `.`/`_` objects skipped)."""
    found = store.list_objects(uri)
    objects = [obj for obj in found if obj.name.endswith(OUTPUT_SUFFIX) and not obj.name.startswith((".", "_"))]
    if not objects:
        names = ", ".join(obj.name for obj in found[:8]) or "nothing"
        raise InputError(f"no Batch Transform output (*{OUTPUT_SUFFIX}) at {uri} (found: {names})")
    ignored = len(found) - len(objects)
    if ignored:
        log.info("ignored %d object(s) under %s that are not *%s", ignored, uri, OUTPUT_SUFFIX)
    return objects


def _previous_partition(store: ObjectStore, layout: PublishLayout) -> str | None:
    """The predictions partition an earlier attempt of this run recorded in its summary (maybe another date)."""
    if not store.list_objects(layout.summary_uri):
        return None
    try:
        with store.open_read(layout.summary_uri) as stream:
            previous = json.loads(stream.read())
        partition = previous["outputs"]["predictions"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring the unreadable summary of an earlier attempt %s: %s", layout.summary_uri, error)
        return None
    return partition if isinstance(partition, str) and layout.is_own_partition(partition) else None


def clear_previous_attempt(store: ObjectStore, layout: PublishLayout) -> None:
    """Delete what an earlier attempt of this run wrote, so a re-run replaces, never duplicates."""
    prefixes = [layout.predictions_prefix, layout.errors_prefix]
    previous = _previous_partition(store, layout)
    if previous and previous != layout.predictions_prefix:
        prefixes.append(previous)
    prefixes.append(layout.summary_prefix)  # last: it tells where the earlier partition was
    for prefix in prefixes:
        removed = store.delete_prefix(prefix)
        if removed:
            log.info("cleared %d object(s) of an earlier attempt of run %s under %s", removed, layout.run_id, prefix)


def run_publish(job: PublishJob, input_store: ObjectStore, output_store: ObjectStore) -> dict[str, Any]:
    """Publish the run's predictions and return the summary (also written to the output). Raises on lost lines."""
    objects = plan_objects(input_store, job.predictions_input)
    layout = PublishLayout(job.output_root, job.run_id, job.ingest_date, job.config)
    clear_previous_attempt(output_store, layout)
    table = job.config.table(TABLE)
    parser = PredictionParser(table, job.config.labels)
    writer = TablePartWriter(output_store, layout.predictions_prefix, table)
    approved = load_latest_map(input_store, job.models_root, job.config) if job.models_root else None
    # The run's messages, read once: topics and the drift check both need them.
    messages = (
        read_parquet_objects(input_store, job.messages_input, drift_check.MESSAGE_COLUMNS)
        if job.messages_input and (approved or job.model_data_url)
        else None
    )
    topics = TopicAssigner.for_run(approved, messages)
    rows = PredictionRows(writer, parser.fields, job.config.etl.chunk_rows, job.now, topics)
    max_bytes = job.config.etl.max_record_bytes
    errors: list[str] = []
    scored: dict[str, str] = {}  # message id -> predicted label name, for the drift check
    id_index, name_index = parser.fields.index("message_id"), parser.fields.index("label_name")
    model_versions: set[str] = set()
    version_index = parser.fields.index("model_version") if "model_version" in parser.fields else None
    lines = 0
    log.info("run %s: publishing %d object(s) from %s", job.run_id, len(objects), job.predictions_input)
    for obj in objects:
        object_lines, object_errors = 0, len(errors)
        with input_store.open_read(obj.uri) as stream:
            for number, line, whole in bounded_lines(stream, max_bytes):
                object_lines += 1
                outcome = parser.parse(line, obj.uri, number) if whole else too_long(obj.uri, number, max_bytes)
                if isinstance(outcome, ErrorRecord):
                    errors.append(outcome.to_json())
                else:
                    rows.add(outcome)
                    scored[outcome[id_index]] = outcome[name_index]
                    if version_index is not None:
                        model_versions.add(outcome[version_index])
        lines += object_lines
        object_errors = len(errors) - object_errors
        predictions = object_lines - object_errors
        log.info("%s: %d lines = %d predictions + %d errors", obj.name, object_lines, predictions, object_errors)
    rows.flush()
    output_store.put_bytes(
        layout.errors_uri, "".join(line + "\n" for line in errors).encode("utf-8"), content_type="application/jsonlines"
    )
    if lines != rows.written + len(errors):
        raise AccountingError(
            f"run {job.run_id}: {lines} lines read but {rows.written} predictions + {len(errors)} errors "
            f"= {rows.written + len(errors)} written"
        )
    drift = drift_check.check_drift(
        job.config,
        input_store,
        model_data_url=job.model_data_url,
        messages_input=job.messages_input,
        scored=scored,
        model_version=", ".join(sorted(model_versions)) or None,
        messages=messages,
    )
    log.info("run %s: drift %s %s", job.run_id, drift["status"], drift.get("reason") or drift_check.warnings(drift))
    summary = {
        "run_id": job.run_id,
        "ingest_date": job.ingest_date,
        "objects": len(objects),
        "lines": lines,
        "predictions": rows.written,
        "errors": len(errors),
        "drift": drift,
        "topics": topics.summary() if topics else None,
        "outputs": {
            "predictions": layout.predictions_prefix,
            "parts": writer.parts,
            "errors": layout.errors_uri,
            "summary": layout.summary_uri,
        },
    }
    output_store.put_bytes(
        layout.summary_uri, json.dumps(summary, indent=2).encode("utf-8"), content_type="application/json"
    )
    return summary


def run_job(argv: Sequence[str], boto3_session: object | None = None) -> dict[str, Any]:
    """Run the publish job for Glue-style `argv`; return the summary. Raises PulsoError subclasses on failure."""
    args = parse_glue_arguments(argv, ARGUMENTS)
    job = build_job(args)
    input_store = store_for(job.predictions_input, boto3_session)
    output_store = store_for(job.output_root, boto3_session, args["kms_key_id"])
    summary = run_publish(job, input_store, output_store)
    if is_s3(job.output_root):
        drift_check.publish_metrics(summary["drift"], job.config.environment, output_store.session)
        if args["glue_database"]:
            register_partition(
                output_store.session, args["glue_database"], job.config.table(TABLE),
                [job.ingest_date, job.run_id], summary["outputs"]["predictions"],
            )  # fmt: skip
    return summary


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Console entry point. Exits with a one-line message (which Glue shows as the run's error) on failure."""
    summary = job_main("pulso-publish", __doc__ or "", ARGUMENTS, run_job, argv)
    counts = {key: summary[key] for key in ("run_id", "ingest_date", "objects", "lines", "predictions", "errors")}
    print(json.dumps({**counts, "summary": summary["outputs"]["summary"]}))
    return summary


if __name__ == "__main__":
    main()
