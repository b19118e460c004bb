"""Where everything of Pulso lives in S3: every key and prefix, and the S3 URI and SSE-KMS helpers.

The prefixes come from `layout` and `tables` of pulso.json, which Terraform reads too (IAM prefixes, table
locations); this module is the only Python that turns them into keys, so jobs, Lambdas and the local runtime
cannot disagree on a path. Keys never start with a slash; prefixes end with one.

Buckets (`resources.buckets`): raw (uploads), transformed (curated tables, manifests, Batch Transform input),
models (code, configuration, embeddings, training jobs, topic maps and approvals), outputs (predictions, run
records, reports, publish summaries, topic reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RUN_REPORT = "report.html"
RUN_REPORT_DATA = "report.json"
SUMMARY = "summary.json"
MANIFEST = "manifest.json"
PREDICTION_ERRORS = "errors.jsonl"
TRAINING_SOURCE = "sourcedir.tar.gz"
LAMBDA_PACKAGE = "lambdas.zip"
TOPIC_MAP_POINTER = "latest.json"  # under topic-maps/: which version is the newest
MAP_FILE = "map.json"  # in a topic map version's folder
EMBEDDER_FILE = "embedder.npz"  # in a topic map version's folder and a discovery run's folder
CLUSTERS_FILE = "clusters.json"  # a discovery run's clusters (centroids, thresholds), beside its embedder


def s3_uri(bucket: str, key: str = "") -> str:
    """`s3://bucket/key`."""
    return f"s3://{bucket}/{key}"


def split_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/key` -> `("bucket", "some/key")`; a one-line ValueError for anything else."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {uri!r} (expected s3://bucket/key)")
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket:
        raise ValueError(f"S3 URI without a bucket: {uri!r}")
    return bucket, key


def sse_kms(kms_key_id: str | None) -> dict[str, str]:
    """The PutObject arguments for SSE-KMS with the project key (none when no key is given: local folders)."""
    return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key_id} if kms_key_id else {}


def run_partition(run_id: str) -> str:
    """`run_id=R/`: the folder of one run under a per-run prefix."""
    return f"run_id={run_id}/"


def ingest_partition(ingest_date: str) -> str:
    """`ingest_date=D/`: the folder of one ingest day under a table prefix."""
    return f"ingest_date={ingest_date}/"


def partition_value(uri: str, name: str) -> str | None:
    """The value of the partition folder `name=value/` in a key or URI (`ingest_date` of
    `.../ingest_date=2026-01-02/run_id=r/part.parquet` is `2026-01-02`), or None when it has none."""
    for folder in uri.split("/")[:-1]:
        key, equals, value = folder.partition("=")
        if equals and key == name and value:
            return value
    return None


@dataclass(frozen=True)
class Layout:
    """The keys and prefixes of the product, from the configuration's `layout` prefixes and table prefixes."""

    prefixes: Mapping[str, str]
    table_prefixes: Mapping[str, str]
    table_partitions: Mapping[str, tuple[str, ...]]

    def _prefix(self, name: str) -> str:
        try:
            return self.prefixes[name]
        except KeyError:
            raise KeyError(f"layout has no prefix {name!r} (known: {', '.join(sorted(self.prefixes))})") from None

    def __getitem__(self, name: str) -> str:
        """A layout prefix by its pulso.json name (for templates that take them as variables)."""
        return self._prefix(name)

    def get(self, name: str, default: str) -> str:
        """Transitional: a layout prefix by name, or `default` (callers move to the named methods)."""
        return self.prefixes.get(name, default)

    # --- raw bucket -------------------------------------------------------------------------------------

    def incoming(self, profile: str = "") -> str:
        """Where uploads start a run: `incoming/` or `incoming/<profile>/`."""
        return self._prefix("raw_incoming") + (f"{profile}/" if profile else "")

    # --- tables (transformed and outputs buckets) ---------------------------------------------------------

    def table(self, name: str) -> str:
        """A table's prefix (`messages/`, `quarantine/`, `predictions/`, `runs/`, ...)."""
        try:
            return self.table_prefixes[name]
        except KeyError:
            known = ", ".join(sorted(self.table_prefixes))
            raise KeyError(f"layout has no table {name!r} (known: {known})") from None

    def table_day(self, table: str, ingest_date: str) -> str:
        """`<table>/ingest_date=D/`."""
        return self.table(table) + ingest_partition(ingest_date)

    def table_partition(self, table: str, **values: str) -> str:
        """One partition of a table, e.g. `predictions/ingest_date=D/run_id=R/`: the table's partition keys in
        order, each from `values`."""
        names = self.table_partitions[table]
        missing = [name for name in names if name not in values]
        if missing or set(values) - set(names):
            raise KeyError(f"table {table!r} is partitioned by {', '.join(names)} (got {', '.join(sorted(values))})")
        return self.table(table) + "".join(f"{name}={values[name]}/" for name in names)

    def run_record(self, ingest_date: str, run_id: str) -> str:
        """`runs/ingest_date=D/run_id=R.json`: the run's row, as record_run writes it."""
        return self.table_day("runs", ingest_date) + self.run_record_name(run_id)

    @staticmethod
    def run_record_name(run_id: str) -> str:
        """The object name of a run's row (`run_id=R.json`), under any ingest day."""
        return f"run_id={run_id}.json"

    # --- transformed bucket -------------------------------------------------------------------------------

    def manifest(self, run_id: str) -> str:
        """`manifests/run_id=R/manifest.json`: what the ETL job read, curated, quarantined and counted."""
        return self._prefix("manifests") + run_partition(run_id) + MANIFEST

    def transform_input(self, run_id: str) -> str:
        """`transform-input/run_id=R/`: the Batch Transform input shards of a run."""
        return self._prefix("transform_input") + run_partition(run_id)

    # --- models bucket ------------------------------------------------------------------------------------

    @property
    def code(self) -> str:
        """`code/`: the deployed code (Glue scripts and wheel, training source)."""
        return self._prefix("code")

    def glue_code(self, name: str) -> str:
        """`code/glue/<name>`: a Glue job script or the shared wheel."""
        return f"{self.code}glue/{name}"

    @property
    def lambda_package(self) -> str:
        """`code/lambda/lambdas.zip`: the Lambda deployment package (one for every function)."""
        return f"{self.code}lambda/{LAMBDA_PACKAGE}"

    @property
    def training_source(self) -> str:
        """`code/training/sourcedir.tar.gz`: the SageMaker training source directory."""
        return f"{self.code}training/{TRAINING_SOURCE}"

    @property
    def effective_config(self) -> str:
        """The deployed configuration every job reads by its URI."""
        return self._prefix("effective_config")

    @property
    def embeddings(self) -> str:
        """`embeddings/`: the GloVe vectors (the training channel)."""
        return self._prefix("embeddings")

    @property
    def training_jobs(self) -> str:
        """`training-jobs/`: SageMaker training output (`<job>/output/model.tar.gz`)."""
        return self._prefix("training_jobs")

    def training_job(self, job_name: str) -> str:
        """`training-jobs/<job>/`: one training job's output folder."""
        return f"{self.training_jobs}{job_name}/"

    @property
    def topic_maps(self) -> str:
        """`topic-maps/`: approved topic maps, one folder a version."""
        return self._prefix("topic_maps")

    @property
    def topic_map_pointer(self) -> str:
        """`topic-maps/latest.json`: which topic map version is the newest."""
        return self.topic_maps + TOPIC_MAP_POINTER

    def topic_map(self, version: int) -> str:
        """`topic-maps/v0007/` for version 7."""
        return f"{self.topic_maps}v{version:04d}/"

    def topic_discovery(self, run_id: str) -> str:
        """`topic-discovery/run_id=R/`: a discovery run's clusters and embedder."""
        return self._prefix("topic_discovery") + run_partition(run_id)

    def topic_approvals(self, discovery_run_id: str = "") -> str:
        """`topic-approvals/` or `topic-approvals/<discovery run>/`: where people drop approvals."""
        return self._prefix("topic_approvals") + (f"{discovery_run_id}/" if discovery_run_id else "")

    def topic_approval_result(self, discovery_run_id: str, name: str) -> str:
        """`topic-approval-results/<discovery run>/<approval file>`: how an approval was answered."""
        return f"{self._prefix('topic_approval_results')}{discovery_run_id}/{name}"

    # --- outputs bucket -----------------------------------------------------------------------------------

    def transform_output(self, run_id: str) -> str:
        """`transform-output/run_id=R/`: the Batch Transform output of a run."""
        return self._prefix("transform_output") + run_partition(run_id)

    def publish_summary_folder(self, run_id: str) -> str:
        """`predictions-manifests/run_id=R/`: the publish job's summary of a run."""
        return self._prefix("prediction_manifests") + run_partition(run_id)

    def publish_summary(self, run_id: str) -> str:
        """`predictions-manifests/run_id=R/summary.json`: what the publish job wrote for a run."""
        return self.publish_summary_folder(run_id) + SUMMARY

    def prediction_errors_folder(self, run_id: str) -> str:
        """`prediction-errors/run_id=R/`."""
        return self._prefix("prediction_errors") + run_partition(run_id)

    def prediction_errors(self, run_id: str) -> str:
        """`prediction-errors/run_id=R/errors.jsonl`: the lines that gave no prediction, and why."""
        return self.prediction_errors_folder(run_id) + PREDICTION_ERRORS

    @property
    def reports(self) -> str:
        """`reports/`: the run reports, one folder a run."""
        return self._prefix("reports")

    def report(self, run_id: str, name: str = RUN_REPORT) -> str:
        """`reports/run_id=R/report.html` (or `report.json`, the data behind it)."""
        return self.reports + run_partition(run_id) + name

    @property
    def topic_reports(self) -> str:
        """`topics/`: the topic discovery reports, one folder a discovery run."""
        return self._prefix("topic_reports")

    def topic_report(self, run_id: str, name: str = RUN_REPORT) -> str:
        """`topics/run_id=R/report.html` (or `report.json`, `summary.json`)."""
        return self.topic_reports + run_partition(run_id) + name
