"""The single source of truth: `pulso/config/pulso.json`, read by the jobs, the local runtime and Terraform.

`load_config()` returns the typed configuration; an overlay file (path argument or `$PULSO_CONFIG`) adds or
changes entries, for example a new source profile, without touching code.
"""

from pulso.config._load import OVERLAY_ENV, build_config, deep_merge, default_config_text, load_config
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
)

__all__ = [
    "CANONICAL_FIELDS",
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
    "build_config",
    "deep_merge",
    "default_config_text",
    "load_config",
]
