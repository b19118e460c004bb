"""The single source of truth: `pulso/config/pulso.json`, read by the jobs, the local runtime and Terraform.

`load_config()` returns the typed configuration; an overlay file (path argument or `$PULSO_CONFIG`) adds or
changes entries, for example a new source profile, without touching code. A deployment stores the merge once
(`effective_config`) at `config_uri(...)`; its jobs read that object (`$PULSO_CONFIG_URI`, `read_config`).
"""

from pulso.config._load import (
    CONFIG_URI_ENV,
    OVERLAY_ENV,
    build_config,
    config_uri,
    deep_merge,
    default_config_text,
    effective_config,
    load_config,
    read_config,
)
from pulso.config._model import (
    CANONICAL_FIELDS,
    FORMATS,
    ColumnSpec,
    CsvOptions,
    EtlSettings,
    LabelClass,
    LabelSpec,
    PipelineSettings,
    PulsoConfig,
    QualityGateSettings,
    RowFilter,
    SageMakerSettings,
    SourceProfile,
    SplitSpec,
    TableSpec,
    TrainingSettings,
    ViewSpec,
)

__all__ = [
    "CANONICAL_FIELDS",
    "CONFIG_URI_ENV",
    "FORMATS",
    "OVERLAY_ENV",
    "ColumnSpec",
    "CsvOptions",
    "EtlSettings",
    "LabelClass",
    "LabelSpec",
    "PipelineSettings",
    "PulsoConfig",
    "QualityGateSettings",
    "RowFilter",
    "SageMakerSettings",
    "SourceProfile",
    "SplitSpec",
    "TableSpec",
    "TrainingSettings",
    "ViewSpec",
    "build_config",
    "config_uri",
    "deep_merge",
    "default_config_text",
    "effective_config",
    "load_config",
    "read_config",
]
