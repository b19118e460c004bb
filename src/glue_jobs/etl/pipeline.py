"""The ETL run: list the input objects, stream each through read -> curate (quarantine) -> dedupe -> write, account.

Outputs under the transformed bucket's root (prefixes from the shared configuration):
- `messages/ingest_date=D/run_id=R/part-OOOO-CCCCC.parquet`  curated messages (one part per object chunk)
- `quarantine/ingest_date=D/run_id=R/part-NNNNN.parquet`      unusable rows with reason codes
- `transform-input/run_id=R/part-NNNNN.jsonl`                 Batch Transform input {message_id, text}
- `manifests/run_id=R/manifest.json`                          counts per object, totals, outputs
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import platform
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from glue_jobs.common.storage import ObjectStore
from glue_jobs.common.writers import BufferedTableWriter, JsonLinesShards, RunLayout, TablePartWriter
from glue_jobs.etl.accounting import ObjectAccount, totals
from glue_jobs.etl.curate import ChunkContext
from glue_jobs.etl.dedupe import DuplicateFilter
from glue_jobs.etl.parallel import ChunkCurator
from glue_jobs.etl.quarantine import QUARANTINE_COLUMNS, UNREADABLE_OBJECT
from glue_jobs.etl.read import ReadRequest, read_chunks, tweeteval_split
from pulso.config import PulsoConfig, SourceProfile
from pulso.errors import InputError

log = logging.getLogger("pulso.etl")

MODES = ("train_and_predict", "predict")
# Rows that a train_and_predict run sends to Batch Transform: everything the model does not learn from.
_TRAINING_SPLITS = frozenset({"train", "validation"})


@dataclass(frozen=True)
class EtlJob:
    """One ETL run: what to read, how, and where to write."""

    input_uri: str
    output_root: str
    profile: SourceProfile
    mode: str
    run_id: str
    ingest_date: str
    config: PulsoConfig
    now: dt.datetime  # naive UTC
    allow_empty: bool = False  # a scheduled run's day folder may hold nothing: a recorded no-op, not a failure


@dataclass(frozen=True)
class InputPlan:
    requests: list[ReadRequest]
    ignored: list[str]


def plan_inputs(store: ObjectStore, job: EtlJob) -> InputPlan:
    """The objects to read (hidden `.`/`_` files skipped; TweetEval text files paired with label files)."""
    objects = [obj for obj in store.list_objects(job.input_uri) if not obj.name.startswith((".", "_"))]
    if not objects:
        if job.allow_empty:
            log.info("no input objects at %s: nothing to do", job.input_uri)
            return InputPlan([], [])
        raise InputError(f"no input objects at {job.input_uri}")
    settings = job.config.etl
    if job.profile.format != "tweeteval":
        return InputPlan([ReadRequest(obj, job.profile, settings) for obj in objects], [])
    by_name = {obj.name: obj for obj in objects}
    requests: list[ReadRequest] = []
    used: set[str] = set()
    for obj in objects:
        split = tweeteval_split(obj.name)
        if split is None:
            continue
        companion = by_name.get(obj.name.replace("_text.txt", "_labels.txt"))
        requests.append(ReadRequest(obj, job.profile, settings, companion))
        used.add(obj.uri)
        if companion is not None:
            used.add(companion.uri)
    if not requests:
        names = ", ".join(sorted(by_name)[:8])
        raise InputError(f"no <split>_text.txt files at {job.input_uri} for profile 'tweeteval' (found: {names})")
    return InputPlan(requests, [obj.uri for obj in objects if obj.uri not in used])


def _object_failure_row(account: ObjectAccount, job: EtlJob, error: InputError) -> pd.DataFrame:
    """The quarantine record for an object that could not be read (row_number 0)."""
    row = {
        "source": job.profile.name,
        "source_object": account.object,
        "row_number": 0,
        "reason": error.reason or UNREADABLE_OBJECT.code,
        "detail": str(error),
        "raw": "",
        "quarantined_at": job.now,
    }
    frame = pd.DataFrame([row], columns=list(QUARANTINE_COLUMNS))
    frame["row_number"] = frame["row_number"].astype("int64")
    frame["quarantined_at"] = pd.to_datetime(frame["quarantined_at"])
    return frame


def _peak_rss_mb() -> int:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class _Progress:
    """A progress bar over input bytes on a terminal (tqdm), log lines everywhere else."""

    def __init__(self, name: str, total_bytes: int) -> None:
        self._bar = None
        self._done = 0
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self._bar = tqdm(total=total_bytes, unit="B", unit_scale=True, desc=name, leave=False)
            except ImportError:
                self._bar = None

    def update(self, bytes_read: int) -> None:
        if self._bar is not None:
            self._bar.update(bytes_read - self._done)
        self._done = bytes_read

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _RunWriters:
    """The writers of one run, sharing its layout."""

    def __init__(self, store: ObjectStore, layout: RunLayout, job: EtlJob) -> None:
        config = job.config
        self.messages = TablePartWriter(store, layout.table_prefix("messages"), config.table("messages"))
        self.quarantine = BufferedTableWriter(
            TablePartWriter(store, layout.table_prefix("quarantine"), config.table("quarantine")),
            config.etl.quarantine_flush_rows,
        )
        self.transform_input = JsonLinesShards(store, layout.transform_input_prefix, config.etl.transform_shard_records)

    def close(self) -> None:
        self.quarantine.flush()
        self.transform_input.flush()


def _process_object(
    request: ReadRequest,
    index: int,
    store: ObjectStore,
    job: EtlJob,
    writers: _RunWriters,
    dedupe: DuplicateFilter,
    curator: ChunkCurator,
) -> ObjectAccount:
    account = ObjectAccount(request.obj.uri, bytes=request.obj.size)
    account.companion = request.companion.uri if request.companion else None
    context = ChunkContext(
        source=job.profile.name,
        source_object=request.obj.uri,
        object_name=request.obj.name,
        profile=job.profile,
        splits=job.config.splits,
        settings=job.config.etl,
        now=job.now,
    )
    progress = _Progress(request.obj.name, request.obj.size)
    started = time.perf_counter()
    try:
        chunks = read_chunks(store, request, progress.update)
        parallel = request.obj.size >= job.config.etl.parallel_min_bytes
        for chunk_index, (rows_read, result) in enumerate(curator.curate(chunks, context, parallel)):
            keep = dedupe.keep_mask(result.curated)
            curated = result.curated[keep]
            account.add_chunk(rows_read, curated, result.quarantine, int((~keep).sum()))
            writers.messages.write(curated, f"part-{index:04d}-{chunk_index:05d}")
            writers.quarantine.add(result.quarantine)
            to_predict = curated if job.mode == "predict" else curated[~curated["split"].isin(_TRAINING_SPLITS)]
            writers.transform_input.add(to_predict["message_id"].tolist(), to_predict["text"].tolist())
            rate = account.read / max(time.perf_counter() - started, 1e-9)
            log.info(
                "%s: %s rows read (%s rows/s, peak memory %s MB)",
                request.obj.name, f"{account.read:,}", f"{rate:,.0f}", _peak_rss_mb(),
            )  # fmt: skip
    except InputError as error:
        account.error = str(error)
        account.error_reason = error.reason or UNREADABLE_OBJECT.code
        writers.quarantine.add(_object_failure_row(account, job, error))
        log.error("%s", error)
    finally:
        progress.close()
    account.check()
    return account


def _manifest(
    job: EtlJob,
    layout: RunLayout,
    plan: InputPlan,
    accounts: list[ObjectAccount],
    writers: _RunWriters,
    started_at: dt.datetime,
) -> dict[str, Any]:
    summary = totals(accounts)
    failed_everything = bool(accounts) and summary["objects_failed"] == len(accounts) and summary["read"] == 0
    settings = job.config.etl
    splits = summary["splits"]
    enough = (
        summary["labelled"] >= settings.min_labelled_rows_for_training
        and splits["train"] > 0
        and splits["validation"] > 0
    )
    return {
        "run_id": job.run_id,
        "ingest_date": job.ingest_date,
        "status": "FAILED" if failed_everything else "SUCCEEDED",
        "profile": job.profile.name,
        "mode": job.mode,
        "input": job.input_uri,
        "started_at": started_at.isoformat() + "Z",
        "finished_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat() + "Z",
        "objects": [account.summary() for account in accounts],
        "ignored_objects": plan.ignored,
        "totals": summary,
        "training": {
            "labelled_rows": summary["labelled"],
            "train": splits["train"],
            "validation": splits["validation"],
            "test": splits["test"],
            "min_labelled_rows": settings.min_labelled_rows_for_training,
            "enough_labelled_rows": enough,
        },
        "outputs": {
            "messages": layout.table_prefix("messages"),
            "quarantine": layout.table_prefix("quarantine"),
            "transform_input": layout.transform_input_prefix,
            "transform_input_shards": writers.transform_input.shards,
            "transform_input_records": writers.transform_input.records,
            "manifest": layout.manifest_uri,
        },
        "runtime": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
        },
    }


def run_etl(job: EtlJob, input_store: ObjectStore, output_store: ObjectStore) -> dict[str, Any]:
    """Run the whole ETL and return the manifest (also written to the output). Raises on lost rows."""
    started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    plan = plan_inputs(input_store, job)
    layout = RunLayout(job.output_root, job.run_id, job.ingest_date, job.config)
    for prefix in layout.run_prefixes():
        removed = output_store.delete_prefix(prefix)
        if removed:
            log.info("cleared %d objects of an earlier attempt of run %s under %s", removed, job.run_id, prefix)
    writers = _RunWriters(output_store, layout, job)
    dedupe = DuplicateFilter()
    accounts = []
    log.info("run %s: %d object(s), profile %s, mode %s", job.run_id, len(plan.requests), job.profile.name, job.mode)
    with ChunkCurator(job.config.etl.workers) as curator:
        for index, request in enumerate(plan.requests):
            account = _process_object(request, index, input_store, job, writers, dedupe, curator)
            accounts.append(account)
            log.info(
                "%s: read %d = curated %d + quarantined %d + duplicates %d",
                request.obj.uri, account.read, account.curated, account.quarantined, account.duplicates,
            )  # fmt: skip
    writers.close()
    manifest = _manifest(job, layout, plan, accounts, writers, started_at)
    output_store.put_bytes(
        layout.manifest_uri, json.dumps(manifest, indent=2).encode("utf-8"), content_type="application/json"
    )
    return manifest
