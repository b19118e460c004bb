"""AWS Glue Python shell job "run report": everything a run left behind, gathered into one self-contained HTML page.

The state machine runs it last, after the run is recorded, on success and on failure (then with `--failure`):

    python -m glue_jobs.report.job --run_id R --outputs_root s3://<outputs>/ --transformed_root s3://<transformed>/ \
        --models_root s3://<models>/ [--failure "<error>: <cause>"]

It reads the run's `runs` row, its ETL manifest (accounting, quarantine reasons), the candidate's evaluation.json
(from the training job's output.tar.gz), the predictions joined with their messages (sentiment over time and by
source, the support queue) and the drift result in the publish summary; a part that does not exist for the run
is shown as not available, with the reason. Writes `reports/run_id=R/report.html` and `report.json` (the same
data) to the outputs bucket.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from glue_jobs.common.arguments import Argument, job_main, parse_glue_arguments
from glue_jobs.common.run_arguments import CONFIG_URI_HELP, checked_run_id, config_from_uri
from glue_jobs.common.storage import ObjectStore, join_uri, read_bytes_if_exists, read_parquet_objects, store_for
from glue_jobs.report.html import ReportData, render_report
from pulso.archives import json_members
from pulso.config import PulsoConfig

log = logging.getLogger("pulso.report")

ARGUMENTS = {
    "run_id": Argument("pipeline run to report on", required=True),
    "outputs_root": Argument("root of the outputs bucket: s3://bucket/ or a local folder", required=True),
    "transformed_root": Argument("root of the transformed bucket: s3://bucket/ or a local folder", required=True),
    "models_root": Argument("root of the models bucket: s3://bucket/ or a local folder", required=True),
    "failure": Argument("the failure cause, when the run failed", default=None),
    "config_uri": Argument(CONFIG_URI_HELP, default=None),
    "kms_key_id": Argument("KMS key id or ARN for SSE-KMS uploads", default=None),
}
SUPPORT_QUEUE_ROWS = 25
TRAINING_OUTPUT = "output/output.tar.gz"
EVALUATION_MEMBER = "evaluation.json"


class RunSources:
    """Where one run's artefacts live, and how to read them (missing ones read as None)."""

    def __init__(self, config: PulsoConfig, store: ObjectStore, run_id: str, roots: Mapping[str, str]) -> None:
        self.config, self.store, self.run_id, self.roots = config, store, run_id, roots

    def _table_root(self, table: str) -> str:
        spec = self.config.table(table)
        return join_uri(self.roots[spec.bucket], spec.prefix)

    def _json(self, uri: str) -> Any:
        data = read_bytes_if_exists(self.store, uri)
        return None if data is None else json.loads(data)

    def run_row(self) -> dict[str, Any] | None:
        name = f"run_id={self.run_id}.json"
        for obj in reversed(self.store.list_objects(self._table_root("runs") + "/")):
            if obj.name == name:
                with self.store.open_read(obj.uri) as stream:
                    return json.loads(stream.read().decode("utf-8").splitlines()[0])
        return None

    def manifest(self) -> dict[str, Any] | None:
        layout = self.config.layout["manifests"]
        return self._json(join_uri(self.roots["transformed"], layout, f"run_id={self.run_id}", "manifest.json"))

    def publish_summary(self) -> dict[str, Any] | None:
        layout = self.config.layout["prediction_manifests"]
        return self._json(join_uri(self.roots["outputs"], layout, f"run_id={self.run_id}", "summary.json"))

    def evaluation(self) -> dict[str, Any] | None:
        """evaluation.json of the run's newest training attempt (`<run_id>-train-<attempt>`), if any."""
        jobs = join_uri(self.roots["models"], self.config.layout["training_jobs"]) + "/"
        prefix = f"{jobs}{self.run_id}-train-"
        outputs = [
            obj
            for obj in self.store.list_objects(jobs)
            if obj.uri.startswith(prefix) and obj.uri.endswith(TRAINING_OUTPUT)
        ]
        if not outputs:
            return None
        newest = max(outputs, key=lambda obj: int(obj.uri.split("-train-")[1].split("/")[0]))
        with self.store.open_read(newest.uri) as stream:
            return json_members(stream, [EVALUATION_MEMBER]).get(EVALUATION_MEMBER)

    def partition(self, table: str, ingest_date: str, columns: Sequence[str]) -> pd.DataFrame:
        """One run's partition of a Parquet table (empty with `columns` when there is none)."""
        prefix = join_uri(self._table_root(table), f"ingest_date={ingest_date}", f"run_id={self.run_id}") + "/"
        return read_parquet_objects(self.store, prefix, columns)


def _accounting(manifest: Mapping[str, Any]) -> dict[str, Any]:
    objects = [{**obj, "uri": obj.get("object")} for obj in manifest.get("objects", [])]
    return {"totals": manifest.get("totals", {}), "objects": objects}


def quarantine_reasons(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows per reason, most frequent first, with the first row's detail as the example."""
    if frame.empty:
        return []
    ordered = frame.sort_values(["source_object", "row_number"])
    grouped = ordered.groupby("reason", sort=False).agg(count=("reason", "size"), example=("detail", "first"))
    grouped = grouped.reset_index().sort_values(["count", "reason"], ascending=[False, True])
    return [{"reason": r.reason, "count": int(r.count), "example": r.example} for r in grouped.itertuples()]


def _label_counts(frame: pd.DataFrame, key: str, label_names: Sequence[str]) -> list[dict[str, Any]]:
    counts = frame.groupby([key, "label_name"], dropna=False).size().unstack("label_name", fill_value=0)
    rows = []
    for value, row in counts.iterrows():
        entry = {key: None if pd.isna(value) else str(value)}
        entry.update({name: int(row.get(name, 0)) for name in label_names})
        rows.append(entry)
    return sorted(rows, key=lambda entry: (entry[key] is None, entry[key] or ""))


def prediction_views(
    predictions: pd.DataFrame, messages: pd.DataFrame, label_names: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Sentiment per day written, per source, and the top of the support queue."""
    joined = predictions.merge(messages, on="message_id", how="left")
    created = pd.to_datetime(joined["created_at"], errors="coerce")
    joined["day"] = created.dt.strftime("%Y-%m-%d").where(created.notna(), None)
    queue = joined.sort_values(["priority", "message_id"], ascending=[False, True]).head(SUPPORT_QUEUE_ROWS)
    support_queue = [
        {
            "priority": float(row.priority),
            "label_name": row.label_name,
            "confidence": float(row.confidence),
            "created_at": None if pd.isna(row.created_at) else str(row.created_at),
            "author_id": None if pd.isna(row.author_id) else str(row.author_id),
            "source": None if pd.isna(row.source) else str(row.source),
            "text": None if pd.isna(row.text) else str(row.text),
            "message_id": row.message_id,
        }
        for row in queue.itertuples()
    ]
    return _label_counts(joined, "day", label_names), _label_counts(joined, "source", label_names), support_queue


def gather(sources: RunSources, failure: str | None, now: dt.datetime) -> ReportData:
    """Everything the report shows, with the reason for each part that is not available."""
    config = sources.config
    label_names = list(config.labels.names)
    missing: dict[str, str] = {}
    run = sources.run_row() or {"run_id": sources.run_id}
    if "status" not in run:
        missing["run"] = "the run was not recorded in the runs table"
    manifest = sources.manifest()
    accounting = _accounting(manifest) if manifest else None
    ingest_date = run.get("ingest_date") or (manifest or {}).get("ingest_date")
    if manifest is None:
        missing["accounting"] = "the ETL step wrote no manifest for this run"
    quarantined = sources.partition("quarantine", ingest_date, ["source_object", "row_number", "reason", "detail"])
    reasons = quarantine_reasons(quarantined) if ingest_date else []
    evaluation = sources.evaluation()
    if evaluation is None:
        missing["evaluation"] = (
            "predict mode: no candidate was trained" if run.get("mode") == "predict" else "no candidate was trained"
        )
    by_day: list[dict[str, Any]] = []
    by_source: list[dict[str, Any]] = []
    queue: list[dict[str, Any]] = []
    predictions = sources.partition("predictions", ingest_date, ["message_id", "label_name", "confidence", "priority"])
    if ingest_date and not predictions.empty:
        messages = sources.partition(
            "messages", ingest_date, ["message_id", "source", "author_id", "created_at", "text"]
        )
        by_day, by_source, queue = prediction_views(predictions, messages, label_names)
    else:
        missing["predictions"] = "the run published no predictions"
    summary = sources.publish_summary() or {}
    drift = summary.get("drift")
    if not drift or drift.get("status") not in ("ok", "warning"):
        missing["drift"] = (drift or {}).get("reason") or "no drift check ran (the run made no predictions)"
        drift = None
    return ReportData(
        run=run,
        label_names=label_names,
        accounting=accounting,
        quarantine_reasons=reasons,
        evaluation=evaluation,
        sentiment_by_day=by_day,
        sentiment_by_source=by_source,
        support_queue=queue,
        drift=drift,
        failure=failure,
        generated_at=now.strftime("%Y-%m-%d %H:%M:%S UTC"),
        missing=missing,
    )


def report_uris(config: PulsoConfig, outputs_root: str, run_id: str) -> tuple[str, str]:
    folder = join_uri(outputs_root, config.layout["reports"], f"run_id={run_id}")
    return join_uri(folder, "report.html"), join_uri(folder, "report.json")


def run_job(argv: Sequence[str], boto3_session: object | None = None) -> dict[str, Any]:
    """Gather, render and write the report; returns where it went."""
    args = parse_glue_arguments(argv, ARGUMENTS)
    run_id = str(args["run_id"])
    checked_run_id(run_id)
    config = config_from_uri(args["config_uri"])
    roots = {purpose: str(args[f"{purpose}_root"]) for purpose in ("outputs", "transformed", "models")}
    store = store_for(roots["outputs"], boto3_session, args["kms_key_id"])
    data = gather(RunSources(config, store, run_id, roots), args["failure"], dt.datetime.now(dt.timezone.utc))
    html_uri, json_uri = report_uris(config, roots["outputs"], run_id)
    store.put_bytes(html_uri, render_report(data).encode("utf-8"), content_type="text/html; charset=utf-8")
    store.put_bytes(json_uri, json.dumps(data.__dict__, indent=2, default=str).encode("utf-8"), "application/json")
    log.info("run %s: report written to %s", run_id, html_uri)
    return {"run_id": run_id, "report": html_uri, "data": json_uri, "missing": sorted(data.missing)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Console entry point. Exits with a one-line message on failure."""
    result = job_main("pulso-report", __doc__ or "", ARGUMENTS, run_job, argv)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
