"""Read `pulso.json`, merge an optional overlay, validate, and build the typed `PulsoConfig`.

Two ways in. Locally, the bundled file deep-merged with an overlay (a path, a dict or `$PULSO_CONFIG`). In a
deployment, the *effective configuration*: that merge done once (`effective_config`), stored as one JSON
object in the models bucket (`layout.effective_config`) and named by `$PULSO_CONFIG_URI` (Lambdas, SageMaker)
or the `--config_uri` job argument (Glue); `read_config` reads it as it is, without merging it again.

Every problem is reported as a one-line `ConfigError` naming the offending key, e.g.
`config: profiles.mine.format: must be one of auto, csv, jsonl, tweeteval (got 'xml')`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import pkgutil
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulso.config._model import (
    CANONICAL_FIELDS,
    FORMATS,
    ColumnSpec,
    CsvOptions,
    EtlSettings,
    LabelClass,
    LabelSpec,
    LambdaLimits,
    PipelineSettings,
    PulsoConfig,
    QualityGateSettings,
    RowFilter,
    RuntimeLimits,
    SageMakerSettings,
    SourceProfile,
    SplitSpec,
    TableSpec,
    TrainingSettings,
    ViewSpec,
)
from pulso.drift import DriftThresholds
from pulso.errors import ConfigError
from pulso.layout import Layout
from pulso.topics.settings import EMBEDDINGS, PROJECTIONS, TopicSettings

OVERLAY_ENV = "PULSO_CONFIG"
CONFIG_URI_ENV = "PULSO_CONFIG_URI"
BUNDLED = "pulso/config/pulso.json"
GLUE_TYPES = (
    "string",
    "bigint",
    "int",
    "smallint",
    "tinyint",
    "double",
    "float",
    "boolean",
    "timestamp",
    "date",
)
_MISSING = object()

DRIFT_THRESHOLDS = tuple(DriftThresholds.__dataclass_fields__)


def default_config_text() -> str:
    """The bundled configuration file, read in a way that also works from a zip (Glue `--extra-py-files`)."""
    data = pkgutil.get_data("pulso", "config/pulso.json")
    if data is None:  # pragma: no cover - only with exotic loaders
        raise ConfigError("config: the bundled pulso/config/pulso.json cannot be read")
    return data.decode("utf-8")


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `overlay` into a copy of `base`: nested objects merge, everything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read_overlay(overlay: str | os.PathLike[str] | Mapping[str, Any] | None) -> Mapping[str, Any]:
    if overlay is None:
        overlay = os.environ.get(OVERLAY_ENV) or None
    if overlay is None:
        return {}
    if isinstance(overlay, Mapping):
        return overlay
    path = Path(overlay)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"config: cannot read overlay file {str(path)!r}: {error.strerror}") from None
    return parse_json(text, str(path))


def parse_json(text: str, origin: str) -> Mapping[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"config: {origin} is not valid JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"config: {origin} must hold a JSON object at the top level")
    return data


def _merged(overlay: str | os.PathLike[str] | Mapping[str, Any] | None) -> dict[str, Any]:
    return deep_merge(parse_json(default_config_text(), BUNDLED), _read_overlay(overlay))


def effective_config(overlay: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The bundled configuration deep-merged with `overlay` (a path, a dict, or `$PULSO_CONFIG`), validated: the
    one document a deployment stores and every job reads with `read_config`."""
    data = _merged(overlay)
    build_config(data)
    return data


def config_uri(config: PulsoConfig, account_id: str) -> str:
    """Where a deployment stores its effective configuration: `s3://<models bucket>/<layout.effective_config>`."""
    return f"s3://{config.resource_name('buckets.models', account_id=account_id)}/{config.layout.effective_config}"


def _read_text(uri: str, session: Any) -> str:
    if not uri.startswith("s3://"):
        return Path(uri).read_text(encoding="utf-8")
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket or not key:
        raise ConfigError(f"config: {uri!r} is not an s3://bucket/key URI")
    import boto3  # only a job reading a stored configuration needs it (Lambda, Glue and SageMaker images have it)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        body = (session or boto3.Session()).client("s3").get_object(Bucket=bucket, Key=key)["Body"]
        return body.read().decode("utf-8")
    except ClientError as error:
        details = error.response.get("Error", {})
        raise OSError(f"{details.get('Code', 'error')}: {details.get('Message', error)}") from None
    except BotoCoreError as error:
        raise OSError(str(error)) from None


def read_config(uri: str, *, session: Any = None) -> PulsoConfig:
    """The effective configuration stored at `uri` (`s3://bucket/key` or a local path), validated as it is: it
    is the whole configuration, not an overlay (see `effective_config`). `session`: a boto3 session for S3."""
    try:
        text = _read_text(uri, session)
    except (OSError, UnicodeDecodeError) as error:
        reason = " ".join(str(getattr(error, "strerror", None) or error).split())
        raise ConfigError(f"config: cannot read the configuration {uri}: {reason}") from None
    return build_config(parse_json(text, uri))


def load_config(overlay: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> PulsoConfig:
    """The configuration: the bundled file merged with `overlay` (a path or a dict) when one is given; else the
    effective configuration at `$PULSO_CONFIG_URI` when set (how deployed jobs get it), else the bundled file
    merged with the overlay file `$PULSO_CONFIG` (how a user tunes the local runtime and CLI)."""
    if overlay is None and os.environ.get(CONFIG_URI_ENV):
        if os.environ.get(OVERLAY_ENV):
            raise ConfigError(f"config: {CONFIG_URI_ENV} and {OVERLAY_ENV} are both set: a job reads one effective "
                              f"configuration ({CONFIG_URI_ENV}), never an overlay besides it")  # fmt: skip
        return read_config(os.environ[CONFIG_URI_ENV])
    return build_config(_merged(overlay))


class _Node:
    """A JSON object with its dotted path, offering typed getters that fail with clear messages."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(f"config: {path}: must be an object (got {type(data).__name__})")
        self.data = data
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"config: {self._where(key)}: {problem}")

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(unknown[0], f"unknown key (allowed: {', '.join(allowed)})")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        if key not in self.data:
            if default is _MISSING:
                raise self.fail(key, "is required")
            return default
        value = self.data[key]
        # bool is an int in Python; never accept one for the other.
        wrong_bool = isinstance(value, bool) and kind in (int, float, (int, float))
        if not isinstance(value, kind) or wrong_bool:
            expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(key, f"must be {expected} (got {json.dumps(value)[:60]})")
        return value

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self.get(key, str, default)
        if isinstance(value, str) and not value and default is _MISSING:
            raise self.fail(key, "must not be empty")
        return value

    def positive_int(self, key: str) -> int:
        value = self.get(key, int)
        if value <= 0:
            raise self.fail(key, f"must be a positive integer (got {value})")
        return value

    def strings(self, key: str, default: Any = _MISSING) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if value is None:
            return ()
        if not all(isinstance(item, str) and item for item in value):
            raise self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def child(self, key: str, default: Any = _MISSING) -> _Node | None:
        if key not in self.data and default is not _MISSING:
            return default
        return _Node(self.get(key, Mapping), self._where(key))


def _columns(node: _Node, key: str) -> tuple[ColumnSpec, ...]:
    columns = []
    for index, item in enumerate(node.get(key, list)):
        column = _Node(item, f"{node.path}.{key}[{index}]")
        column.only("name", "type", "comment")
        glue_type = column.text("type")
        if glue_type not in GLUE_TYPES:
            raise column.fail("type", f"must be one of {', '.join(GLUE_TYPES)} (got {glue_type!r})")
        columns.append(ColumnSpec(column.text("name"), glue_type, column.text("comment", "")))
    return tuple(columns)


def _table(name: str, node: _Node, buckets: Mapping[str, Any]) -> TableSpec:
    node.only("description", "bucket", "prefix", "columns", "partition_keys")
    bucket = node.text("bucket")
    if bucket not in buckets:
        raise node.fail("bucket", f"must be one of {', '.join(buckets)} (got {bucket!r})")
    prefix = node.text("prefix")
    if not prefix.endswith("/"):
        raise node.fail("prefix", f"must end with '/' (got {prefix!r})")
    columns = _columns(node, "columns")
    partitions = _columns(node, "partition_keys") if "partition_keys" in node.data else ()
    names = [column.name for column in (*columns, *partitions)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise node.fail("columns", f"duplicate column {duplicates[0]!r}")
    return TableSpec(name, node.text("description", ""), bucket, prefix, columns, partitions)


def _view(name: str, node: _Node, tables: Mapping[str, TableSpec]) -> ViewSpec:
    node.only("over", "columns")
    over = node.text("over")
    if over not in tables:
        raise node.fail("over", f"must be one of the tables {', '.join(tables)} (got {over!r})")
    if name in tables:
        raise ConfigError(f"config: views.{name}: a table has that name")
    return ViewSpec(name, over, _columns(node, "columns"))


def _labels(node: _Node) -> LabelSpec:
    node.only("classes", "mappings")
    classes = []
    for index, item in enumerate(node.get("classes", list)):
        label = _Node(item, f"{node.path}.classes[{index}]")
        label.only("value", "name")
        classes.append(LabelClass(label.get("value", int), label.text("name")))
    values = {label.value for label in classes}
    mappings: dict[str, dict[str, int]] = {}
    mapping_nodes = node.child("mappings")
    for name in mapping_nodes.data:
        mappings[name] = _label_mapping(_Node(mapping_nodes.data[name], f"{mapping_nodes.path}.{name}"), values)
    return LabelSpec(tuple(classes), mappings)


def _label_mapping(node: _Node, values: set[int]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for raw, value in node.data.items():
        if isinstance(value, bool) or not isinstance(value, int) or value not in values:
            raise node.fail(raw, f"must map to one of {sorted(values)} (got {json.dumps(value)})")
        mapping[raw.strip().lower()] = value
    return mapping


def _profile(name: str, node: _Node, labels: LabelSpec) -> SourceProfile:
    node.only(
        "description", "format", "csv", "columns", "optional_columns", "label_mapping",
        "timestamp_format", "keep_rows_where", "encoding",
    )  # fmt: skip
    profile_format = node.text("format")
    if profile_format not in FORMATS:
        raise node.fail("format", f"must be one of {', '.join(FORMATS)} (got {profile_format!r})")

    csv_node = node.child("csv", None)
    csv_options = CsvOptions()
    if csv_node is not None:
        csv_node.only("header", "delimiter", "quotechar", "column_names")
        delimiter = csv_node.text("delimiter", ",")
        quotechar = csv_node.text("quotechar", '"')
        for key, value in (("delimiter", delimiter), ("quotechar", quotechar)):
            if len(value) != 1:
                raise csv_node.fail(key, f"must be a single character (got {value!r})")
        column_names = csv_node.strings("column_names", None) or None
        header = csv_node.get("header", bool, True)
        if not header and not column_names:
            raise csv_node.fail("column_names", "is required when header is false")
        csv_options = CsvOptions(header, delimiter, quotechar, column_names)

    columns: dict[str, tuple[str, ...]] = {}
    columns_node = node.child("columns", None)
    if columns_node is not None:
        columns_node.only(*CANONICAL_FIELDS)
        for canonical in columns_node.data:
            sources = columns_node.strings(canonical)
            if not sources:
                raise columns_node.fail(canonical, "must name at least one source column")
            if canonical != "text" and len(sources) > 1:
                raise columns_node.fail(canonical, "must name one source column (only text may join several)")
            columns[canonical] = sources
    if profile_format != "tweeteval" and "text" not in columns:
        raise node.fail("columns", "must map the 'text' field to a source column")

    optional = frozenset(node.strings("optional_columns", ()))
    unknown_optional = sorted(optional - set(columns))
    if unknown_optional:
        raise node.fail("optional_columns", f"{unknown_optional[0]!r} is not a mapped field")
    if "text" in optional:
        raise node.fail("optional_columns", "'text' cannot be optional")

    label_mapping = None
    mapping_ref = node.data.get("label_mapping")
    if isinstance(mapping_ref, str):
        if mapping_ref not in labels.mappings:
            known = ", ".join(sorted(labels.mappings))
            raise node.fail("label_mapping", f"unknown mapping {mapping_ref!r} (known: {known})")
        label_mapping = labels.mappings[mapping_ref]
    elif mapping_ref is not None:
        label_mapping = _label_mapping(_Node(mapping_ref, f"{node.path}.label_mapping"), set(labels.values))
    if "label" in columns and label_mapping is None:
        raise node.fail("label_mapping", "is required when the profile maps a label column")
    if profile_format == "tweeteval" and label_mapping is None:
        raise node.fail("label_mapping", "is required for the tweeteval format")

    keep = None
    keep_node = node.child("keep_rows_where", None)
    if keep_node is not None:
        keep_node.only("column", "values")
        keep = RowFilter(keep_node.text("column"), frozenset(keep_node.strings("values")))

    encoding = node.text("encoding", "utf-8")
    try:
        "".encode(encoding)
    except LookupError:
        raise node.fail("encoding", f"unknown text encoding {encoding!r}") from None

    return SourceProfile(
        name=name,
        description=node.text("description", ""),
        format=profile_format,
        csv=csv_options,
        columns=columns,
        optional_columns=optional,
        label_mapping=label_mapping,
        timestamp_format=node.text("timestamp_format", "iso8601"),
        keep_rows_where=keep,
        encoding=encoding,
    )


def _splits(node: _Node) -> SplitSpec:
    node.only("fractions", "aliases")
    fractions_node = node.child("fractions")
    fractions_node.only("train", "validation", "test")
    fractions = {name: float(fractions_node.get(name, (int, float))) for name in ("train", "validation", "test")}
    if any(value < 0 for value in fractions.values()) or abs(sum(fractions.values()) - 1.0) > 1e-9:
        raise node.fail("fractions", f"must be non-negative and sum to 1 (got {fractions})")
    aliases_node = node.child("aliases")
    aliases = {}
    for alias, target in aliases_node.data.items():
        if target not in fractions:
            raise aliases_node.fail(alias, f"must name train, validation or test (got {target!r})")
        aliases[alias.strip().lower()] = target
    return SplitSpec(fractions, aliases)


def _etl(node: _Node) -> EtlSettings:
    names = (
        "chunk_rows", "max_text_chars", "max_record_bytes", "max_id_chars", "transform_shard_records",
        "quarantine_flush_rows", "min_labelled_rows_for_training",
    )  # fmt: skip
    node.only(*names, "timestamp_min", "workers", "parallel_min_bytes")
    values = {name: node.positive_int(name) for name in names}
    for name in ("workers", "parallel_min_bytes"):
        values[name] = node.get(name, int)
        if values[name] < 0:
            raise node.fail(name, f"must be 0 or more (got {values[name]})")
    raw_min = node.text("timestamp_min")
    try:
        timestamp_min = dt.datetime.strptime(raw_min, "%Y-%m-%d")
    except ValueError:
        raise node.fail("timestamp_min", f"must be a date YYYY-MM-DD (got {raw_min!r})") from None
    return EtlSettings(timestamp_min=timestamp_min, **values)


def _training(node: _Node) -> TrainingSettings:
    node.only("primary_metric", "metric_definitions")
    definitions = []
    for index, item in enumerate(node.get("metric_definitions", list)):
        definition = _Node(item, f"{node.path}.metric_definitions[{index}]")
        definition.only("Name", "Regex")
        pattern = definition.text("Regex")
        try:
            re.compile(pattern)
        except re.error as error:
            raise definition.fail("Regex", f"is not a valid regular expression ({error})") from None
        definitions.append({"Name": definition.text("Name"), "Regex": pattern})
    return TrainingSettings(node.text("primary_metric"), tuple(definitions))


def _pipeline(node: _Node, resources: Mapping[str, Any]) -> PipelineSettings:
    node.only("quality_gate", "hyperparameters", "sagemaker", "drift", "limits")
    gate = node.child("quality_gate")
    gate.only("metric", "floor", "tolerance")
    bounds = {}
    for key in ("floor", "tolerance"):
        bounds[key] = float(gate.get(key, (int, float)))
        if not 0.0 <= bounds[key] <= 1.0:
            raise gate.fail(key, f"must be between 0 and 1 (got {bounds[key]})")
    sagemaker = node.child("sagemaker")
    texts = ("framework_version", "py_version", "training_instance_type", "transform_instance_type")
    numbers = ("transform_instance_count", "max_payload_mb", "max_runtime_seconds", "max_wait_seconds")
    for key in ("training_image", "inference_image"):
        if key in sagemaker.data:
            raise sagemaker.fail(key, "is no longer configured: image URIs are resolved per region at build time")
    sagemaker.only(*texts, *numbers, "use_spot")
    values: dict[str, Any] = {key: sagemaker.text(key) for key in texts}
    formats = {"framework_version": (r"\d+\.\d+(\.\d+)?", "2.5.1"), "py_version": (r"py3\d+", "py311")}
    for key, (pattern, example) in formats.items():
        if not re.fullmatch(pattern, values[key]):
            raise sagemaker.fail(key, f"must look like {example} (got {values[key]!r})")
    values.update({key: sagemaker.positive_int(key) for key in numbers})
    values["use_spot"] = sagemaker.get("use_spot", bool)
    if values["max_payload_mb"] > 100:
        raise sagemaker.fail("max_payload_mb", f"must be at most 100 (got {values['max_payload_mb']})")
    hyperparameters = {}
    for key, value in node.get("hyperparameters", dict, {}).items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise node.fail(f"hyperparameters.{key}", f"must be a string or a number (got {value!r})")
        hyperparameters[key] = str(value)
    return PipelineSettings(
        QualityGateSettings(gate.text("metric"), **bounds), SageMakerSettings(**values), hyperparameters,
        _drift(node.child("drift")), _limits(node.child("limits"), resources),
    )  # fmt: skip


def _limits(node: _Node, resources: Mapping[str, Any]) -> RuntimeLimits:
    """Runtime limits, within what AWS accepts (Lambda: 1-900 s, 128-10240 MB; Glue: at least 1 minute;
    a Standard execution: at most one year)."""
    seconds = ("transform_timeout_seconds", "task_timeout_margin_seconds", "execution_timeout_seconds")
    node.only("lambda_runtime", "lambdas", "glue_job_timeout_minutes", *seconds)
    runtime = node.text("lambda_runtime")
    if not re.fullmatch(r"python3\.\d+", runtime):
        raise node.fail("lambda_runtime", f"must be a Lambda Python runtime such as python3.12 (got {runtime!r})")
    functions = node.child("lambdas")
    functions.only(*resources["lambdas"])
    lambdas = {}
    for key in resources["lambdas"]:
        limits = functions.child(key)
        limits.only("timeout_seconds", "memory_mb")
        timeout, memory = limits.positive_int("timeout_seconds"), limits.positive_int("memory_mb")
        if timeout > 900:
            raise limits.fail("timeout_seconds", f"must be at most 900, Lambda's limit (got {timeout})")
        if not 128 <= memory <= 10240:
            raise limits.fail("memory_mb", f"must be 128-10240, Lambda's range (got {memory})")
        lambdas[key] = LambdaLimits(timeout, memory)
    jobs = node.child("glue_job_timeout_minutes")
    jobs.only(*resources["glue_jobs"])
    values = {key: node.positive_int(key) for key in seconds}
    if values["execution_timeout_seconds"] > 365 * 24 * 3600:
        raise node.fail("execution_timeout_seconds", "must be at most one year, Step Functions' limit")
    glue = {key: jobs.positive_int(key) for key in resources["glue_jobs"]}
    for key, minutes in glue.items():
        if minutes > 2880:
            raise jobs.fail(key, f"must be at most 2880 minutes, Glue's limit (got {minutes})")
    return RuntimeLimits(runtime, lambdas, glue, **values)


def _drift(node: _Node) -> DriftThresholds:
    node.only(*DRIFT_THRESHOLDS)
    values = {}
    for key in DRIFT_THRESHOLDS:
        values[key] = float(node.get(key, (int, float)))
        if not 0.0 < values[key] <= 1.0:
            raise node.fail(key, f"must be a share in (0, 1] (got {values[key]})")
    return DriftThresholds(**values)


def _topics(node: _Node) -> TopicSettings:
    counts = ("lookback_days", "max_messages", "min_tokens", "k_min", "k_max", "silhouette_sample", "seed",
              "svd_dimensions", "top_terms", "signature_terms", "representatives", "projection_sample")  # fmt: skip
    shares = ("other_quantile", "match_share")
    node.only("embedding", "projection", "category_map", "proposals", *counts, *shares)
    values: dict[str, Any] = {key: node.positive_int(key) for key in counts}
    for key in shares:
        values[key] = float(node.get(key, (int, float)))
        if not 0.0 < values[key] <= 1.0:
            raise node.fail(key, f"must be a share in (0, 1] (got {values[key]})")
    for key, allowed in (("embedding", EMBEDDINGS), ("projection", PROJECTIONS)):
        values[key] = node.text(key)
        if values[key] not in allowed:
            raise node.fail(key, f"must be one of {', '.join(allowed)} (got {values[key]!r})")
    if values["k_min"] < 2 or values["k_max"] < values["k_min"]:
        raise node.fail("k_max", f"k must range over 2 <= k_min <= k_max (got {values['k_min']}..{values['k_max']})")
    if values["signature_terms"] > values["top_terms"]:
        raise node.fail("signature_terms", "must not exceed top_terms")
    category_map = node.child("category_map")
    category_map.only("version", "names")
    if category_map.get("version", int) < 0:
        raise category_map.fail("version", "must be 0 or more")
    names = category_map.child("names")
    for signature in names.data:
        names.text(signature)
    values["category_map"] = {"version": category_map.get("version", int), "names": dict(names.data)}
    proposals = node.child("proposals")
    proposals.only("doubtful_below", "generic_terms")
    values["doubtful_below"] = float(proposals.get("doubtful_below", (int, float)))
    if not 0.0 <= values["doubtful_below"] <= 1.0:
        raise proposals.fail("doubtful_below", f"must be a confidence in [0, 1] (got {values['doubtful_below']})")
    values["generic_terms"] = tuple(term.lower() for term in proposals.strings("generic_terms"))
    return TopicSettings(**values)


def build_config(data: Mapping[str, Any]) -> PulsoConfig:
    """Validate a configuration dictionary and build the typed configuration."""
    root = _Node(data, "")
    root.only(
        "project", "environment", "resources", "layout", "labels", "splits", "profiles",
        "etl", "training", "pipeline", "topics", "tables", "views",
    )  # fmt: skip
    resources = root.child("resources")
    buckets = resources.child("buckets")
    layout = root.child("layout")
    for key in layout.data:
        layout.text(key)
    labels = _labels(root.child("labels"))
    profiles_node = root.child("profiles")
    profiles = {
        name: _profile(name, _Node(profiles_node.data[name], f"profiles.{name}"), labels) for name in profiles_node.data
    }
    training = _training(root.child("training"))
    tables_node = root.child("tables")
    tables = {
        name: _table(name, _Node(tables_node.data[name], f"tables.{name}"), buckets.data) for name in tables_node.data
    }
    for required in ("messages", "quarantine", "predictions", "runs"):
        if required not in tables:
            raise ConfigError(f"config: tables.{required}: is required")
    views_node = root.child("views") if "views" in root.data else _Node({}, "views")
    views = {name: _view(name, _Node(views_node.data[name], f"views.{name}"), tables) for name in views_node.data}
    return PulsoConfig(
        project=root.text("project"),
        environment=root.text("environment"),
        resources=resources.data,
        layout=Layout(
            dict(layout.data),
            {name: spec.prefix for name, spec in tables.items()},
            {name: tuple(spec.partition_names) for name, spec in tables.items()},
        ),
        labels=labels,
        splits=_splits(root.child("splits")),
        profiles=profiles,
        etl=_etl(root.child("etl")),
        training=training,
        pipeline=_pipeline(root.child("pipeline"), resources.data),
        topics=_topics(root.child("topics")),
        tables=tables,
        views=views,
        raw=data,
    )
