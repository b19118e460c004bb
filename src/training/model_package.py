"""The model directory that SageMaker packs into model.tar.gz, in the layout its PyTorch inference container
expects:

    model.pt          network weights (state dict)
    vocab.json        the vocabulary (token list; id = position)
    config.json       network shape, labels, max tokens, model id
    evaluation.json   metrics (also read by the quality gate)
    code/inference/   the handler (model_fn, input_fn, predict_fn, output_fn) and the network definition
    code/pulso/       the shared package (the same normaliser as the ETL job)
    code/requirements.txt

The inference container's toolkit imports the module named by SAGEMAKER_PROGRAM (`inference.py` -> `inference`)
with code/ first on PYTHONPATH and takes the four functions from it: the `inference` package is that module
(a code/inference.py beside it would be shadowed). At start the container runs `pip install -r
code/requirements.txt`, which must stay free of requirements (the container may have no internet access).
"""

from __future__ import annotations

import importlib
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import torch

from inference.network import NetworkConfig
from inference.predictor import CONFIG_FILE, VOCABULARY_FILE, WEIGHTS_FILE
from inference.vocabulary import Vocabulary

EVALUATION_FILE = "evaluation.json"
CODE_PACKAGES = ("inference", "pulso")
REQUIREMENTS = (
    "# Nothing to install: the SageMaker PyTorch inference container has what the handler imports\n"
    "# (torch and the standard library); the shared package ships beside it in code/pulso.\n"
)


def copy_code(code_dir: Path) -> None:
    """Copy the inference package and the shared package into `code_dir` (replacing what is there)."""
    if code_dir.exists():
        shutil.rmtree(code_dir)
    code_dir.mkdir(parents=True)
    for name in CODE_PACKAGES:
        source = Path(importlib.import_module(name).__file__).parent
        shutil.copytree(source, code_dir / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "README.md"))
    (code_dir / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")


def write_model_dir(
    model_dir: Path,
    state: dict[str, torch.Tensor],
    network: NetworkConfig,
    vocabulary: Vocabulary,
    config: dict[str, Any],
    evaluation: dict[str, Any],
) -> None:
    """Write every file of the model directory."""
    model_dir.mkdir(parents=True, exist_ok=True)
    torch.save(state, model_dir / WEIGHTS_FILE)
    vocabulary.save(model_dir / VOCABULARY_FILE)
    config = {**config, "network": network.to_dict()}
    (model_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2), encoding="utf-8")
    (model_dir / EVALUATION_FILE).write_text(json.dumps(evaluation, indent=2), encoding="utf-8")
    copy_code(model_dir / "code")


def pack_model(model_dir: Path, tar_path: Path) -> Path:
    """model.tar.gz of a model directory, as SageMaker makes it from SM_MODEL_DIR."""
    tar_path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar_path, "w:gz") as archive:
        for path in sorted(model_dir.rglob("*")):
            archive.add(path, arcname=str(path.relative_to(model_dir)), recursive=False)
    return tar_path


def unpack_model(tar_path: Path, destination: Path) -> Path:
    """Extract a model.tar.gz (as the inference container does into /opt/ml/model)."""
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar_path, "r:gz") as archive:
        archive.extractall(destination, filter="data")
    return destination
