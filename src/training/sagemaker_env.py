"""The SageMaker training contract: where hyperparameters, channels, the model and the outputs live.

Inside a SageMaker PyTorch container the toolkit sets `SM_*` variables; everything defaults to the standard
`/opt/ml` tree. `PULSO_SM_ROOT` moves that tree (tests and the local runtime use a temporary one).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "PULSO_SM_ROOT"


@dataclass(frozen=True)
class TrainingEnvironment:
    hyperparameters: dict[str, str]  # as SageMaker passes them: every value a string
    channels: dict[str, Path]
    model_dir: Path
    output_data_dir: Path
    checkpoint_dir: Path
    failure_file: Path
    job_name: str
    num_cpus: int


HYPERPARAMETERS_FILE = "hyperparameters.json"


def default_config_dir(root: Path) -> Path:
    return root / "input" / "config"


def default_data_dir(root: Path) -> Path:
    return root / "input" / "data"


def channel_dir(root: Path, channel: str) -> Path:
    """Where SageMaker puts a channel's files (`SM_CHANNEL_<NAME>`)."""
    return default_data_dir(root) / channel


def write_hyperparameters(root: Path, values: Mapping[str, str]) -> Path:
    """hyperparameters.json as SageMaker writes it, in a (fake) /opt/ml tree at `root`."""
    path = default_config_dir(root) / HYPERPARAMETERS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(values)), encoding="utf-8")
    return path


def _as_string(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def read_hyperparameters(config_dir: Path, env: Mapping[str, str]) -> dict[str, str]:
    """hyperparameters.json (strings), overlaid by SM_HPS (the toolkit's JSON-decoded copy), as strings."""
    values: dict[str, str] = {}
    path = config_dir / HYPERPARAMETERS_FILE
    if path.is_file():
        values.update({key: _as_string(value) for key, value in json.loads(path.read_text()).items()})
    if env.get("SM_HPS"):
        values.update({key: _as_string(value) for key, value in json.loads(env["SM_HPS"]).items()})
    return values


def _channels(root: Path, env: Mapping[str, str]) -> dict[str, Path]:
    channels: dict[str, Path] = {}
    data_dir = Path(env.get("SM_INPUT_DATA_DIR", default_data_dir(root)))
    if data_dir.is_dir():
        channels.update({path.name: path for path in sorted(data_dir.iterdir()) if path.is_dir()})
    for key, value in env.items():
        if key.startswith("SM_CHANNEL_") and key != "SM_CHANNELS":
            channels[key[len("SM_CHANNEL_") :].lower()] = Path(value)
    return channels


def from_environment(env: Mapping[str, str] | None = None) -> TrainingEnvironment:
    """Resolve the contract from the process environment."""
    env = os.environ if env is None else env
    root = Path(env.get(ROOT_ENV, "/opt/ml"))
    config_dir = Path(env.get("SM_INPUT_CONFIG_DIR", default_config_dir(root)))
    training_env = json.loads(env.get("SM_TRAINING_ENV", "{}") or "{}")
    job_name = env.get("TRAINING_JOB_NAME") or training_env.get("job_name") or f"local-{time.strftime('%Y%m%d-%H%M%S')}"
    return TrainingEnvironment(
        hyperparameters=read_hyperparameters(config_dir, env),
        channels=_channels(root, env),
        model_dir=Path(env.get("SM_MODEL_DIR", root / "model")),
        output_data_dir=Path(env.get("SM_OUTPUT_DATA_DIR", root / "output" / "data")),
        checkpoint_dir=Path(env.get("PULSO_CHECKPOINT_DIR", root / "checkpoints")),
        failure_file=Path(env.get("SM_OUTPUT_DIR", root / "output")) / "failure",
        job_name=job_name,
        num_cpus=int(env.get("SM_NUM_CPUS") or len(os.sched_getaffinity(0))),
    )
