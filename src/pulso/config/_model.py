"""Typed, immutable view of the configuration file (`pulso/config/pulso.json`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from pulso.drift import DriftThresholds
from pulso.errors import ConfigError
from pulso.layout import Layout
from pulso.topics.settings import TopicSettings

CANONICAL_FIELDS = ("message_id", "author_id", "created_at", "text", "label", "split")
FORMATS = ("auto", "csv", "jsonl", "tweeteval")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table: name, Glue/Athena type, comment."""

    name: str
    type: str
    comment: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A table over S3: where it lives and its columns (partition keys are Hive-style folders)."""

    name: str
    description: str
    bucket: str
    prefix: str
    columns: tuple[ColumnSpec, ...]
    partition_keys: tuple[ColumnSpec, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def partition_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.partition_keys)


@dataclass(frozen=True)
class ViewSpec:
    """A view over one table (`sql/views/<name>.sql`): that table's columns, then the view's own `columns`."""

    name: str
    over: str
    columns: tuple[ColumnSpec, ...]


@dataclass(frozen=True)
class LabelClass:
    value: int
    name: str


@dataclass(frozen=True)
class LabelSpec:
    """The label space (-1/0/1) and the named mappings that sources use to reach it."""

    classes: tuple[LabelClass, ...]
    mappings: Mapping[str, Mapping[str, int]]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(label.value for label in self.classes)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.classes)

    def name_of(self, value: int) -> str:
        for label in self.classes:
            if label.value == value:
                return label.name
        raise ConfigError(f"label {value!r} is not one of {list(self.values)}")


@dataclass(frozen=True)
class SplitSpec:
    """Fractions for hash-assigned splits and the accepted spellings of split names in inputs."""

    fractions: Mapping[str, float]
    aliases: Mapping[str, str]


@dataclass(frozen=True)
class CsvOptions:
    header: bool = True
    delimiter: str = ","
    quotechar: str = '"'
    column_names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RowFilter:
    """Keep only rows whose `column` holds one of `values` (the others are quarantined as filtered)."""

    column: str
    values: frozenset[str]


@dataclass(frozen=True)
class SourceProfile:
    """How one kind of input file maps onto the canonical message."""

    name: str
    description: str
    format: str
    csv: CsvOptions
    # canonical field -> source columns (several text columns are joined with a newline)
    columns: Mapping[str, tuple[str, ...]]
    optional_columns: frozenset[str]
    label_mapping: Mapping[str, int] | None
    timestamp_format: str
    keep_rows_where: RowFilter | None
    encoding: str = "utf-8"

    def source_columns(self, *, include_optional: bool = True) -> list[str]:
        """Source column names the profile reads (required ones only when `include_optional` is False)."""
        names: list[str] = []
        for canonical, columns in self.columns.items():
            if include_optional or canonical not in self.optional_columns:
                names.extend(column for column in columns if column not in names)
        if self.keep_rows_where and self.keep_rows_where.column not in names:
            names.append(self.keep_rows_where.column)
        return names


@dataclass(frozen=True)
class EtlSettings:
    chunk_rows: int
    workers: int  # processes for the per-chunk transform; 0 = one per available core
    parallel_min_bytes: int  # objects smaller than this are transformed inline
    max_text_chars: int
    max_record_bytes: int
    max_id_chars: int
    timestamp_min: dt.datetime
    transform_shard_records: int
    quarantine_flush_rows: int
    min_labelled_rows_for_training: int


@dataclass(frozen=True)
class TrainingSettings:
    """What the training job reports and how SageMaker reads it (MetricDefinitions regexes)."""

    primary_metric: str
    metric_definitions: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class QualityGateSettings:
    """A candidate is approved when `metric` >= `floor` and >= champion - `tolerance`."""

    metric: str
    floor: float
    tolerance: float


@dataclass(frozen=True)
class SageMakerSettings:
    """The PyTorch framework and job sizes.

    The framework image URIs are not configured: `pulso_local.image_uris` resolves them per region from
    `framework_version`, `py_version` and the instance types when a deployment is built.
    """

    framework_version: str
    py_version: str
    training_instance_type: str
    transform_instance_type: str
    transform_instance_count: int
    max_payload_mb: int
    max_runtime_seconds: int
    use_spot: bool
    max_wait_seconds: int


@dataclass(frozen=True)
class LambdaLimits:
    timeout_seconds: int
    memory_mb: int


@dataclass(frozen=True)
class RuntimeLimits:
    """How long each piece may run and with how much memory; Terraform and the emulated account read these."""

    lambda_runtime: str  # the functions' Python runtime (python3.N)
    lambdas: Mapping[str, LambdaLimits]  # by function key (resources.lambdas)
    glue_job_timeout_minutes: Mapping[str, int]  # by job key (resources.glue_jobs)
    transform_timeout_seconds: int  # Batch Transform has no runtime limit of its own: the task's
    task_timeout_margin_seconds: int  # a task waits this much longer than its job may run
    execution_timeout_seconds: int  # longer than the worst path through the definition (tested)


@dataclass(frozen=True)
class PipelineSettings:
    quality_gate: QualityGateSettings
    sagemaker: SageMakerSettings
    hyperparameters: Mapping[str, str]  # passed to every training job (SageMaker wants strings)
    drift: DriftThresholds
    limits: RuntimeLimits


@dataclass(frozen=True)
class PulsoConfig:
    """The whole configuration. Build it with `pulso.config.load_config()`."""

    project: str
    environment: str
    resources: Mapping[str, object]
    layout: Layout  # every S3 key and prefix (pulso.layout)
    labels: LabelSpec
    splits: SplitSpec
    profiles: Mapping[str, SourceProfile]
    etl: EtlSettings
    training: TrainingSettings
    pipeline: PipelineSettings
    topics: TopicSettings
    tables: Mapping[str, TableSpec]
    views: Mapping[str, ViewSpec] = field(default_factory=dict)
    raw: Mapping[str, object] = field(repr=False, compare=False, default_factory=dict)

    def profile(self, name: str) -> SourceProfile:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise ConfigError(f"unknown source profile {name!r} (known profiles: {known})") from None

    def table(self, name: str) -> TableSpec:
        try:
            return self.tables[name]
        except KeyError:
            raise ConfigError(f"unknown table {name!r} (known tables: {', '.join(sorted(self.tables))})") from None

    def resource_name(self, key: str, **values: str) -> str:
        """Render a resource name pattern, e.g. `resource_name("buckets.raw", account_id="123")`."""
        node: object = self.resources
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise ConfigError(f"unknown resource {key!r} in the configuration")
            node = node[part]
        if not isinstance(node, str):
            raise ConfigError(f"resource {key!r} is a group, not a name pattern")
        fields = {"project": self.project, "environment": self.environment, **values}
        try:
            return node.format(**fields)
        except KeyError as missing:
            raise ConfigError(f"resource {key!r} needs a value for {missing} (pattern {node!r})") from None
