"""The training job on the SageMaker contract, against a fake /opt/ml tree.

Data: a small real slice of TweetEval pushed through the real ETL job (so training reads exactly what the
pipeline writes); embeddings: the real GloVe Twitter 100d head file from ../shared/data (2,720 words, with a
truncated last line that the loader must skip).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import training.job
from glue_jobs.etl.job import run_job
from inference import handler
from pulso.config import load_config
from pulso_local.compute import final_metrics
from tests.conftest import REPO_ROOT, SHARED_DATA, require
from training.metrics import macro_recall
from training.model_package import pack_model, unpack_model
from training.sagemaker_env import channel_dir, from_environment, write_hyperparameters

GLOVE_HEAD = SHARED_DATA / "glove_twitter" / "glove.twitter.27B.100d.head2720.txt.gz"
FAST = {"epochs": "6", "hidden_size": "32", "batch_size": "32", "learning_rate": "0.003", "glove_top_words": "3000"}
ROWS = {"train": 2500, "val": 400, "test": 800}


@pytest.fixture(scope="module")
def curated(tweeteval_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Curated messages Parquet for a slice of TweetEval, written by the ETL job."""
    root = tmp_path_factory.mktemp("curated")
    raw = root / "raw"
    raw.mkdir()
    for split, rows in ROWS.items():
        for kind in ("text", "labels"):
            lines = (tweeteval_dir / f"{split}_{kind}.txt").read_text("utf-8").splitlines(keepends=True)[:rows]
            (raw / f"{split}_{kind}.txt").write_text("".join(lines), "utf-8")
    manifest = run_job(["--input", str(raw), "--profile", "tweeteval", "--output_root", str(root / "etl"),
                        "--run_id", "slice"])  # fmt: skip
    assert manifest["totals"]["labelled"] == sum(ROWS.values())
    return root / "etl" / "messages"


@pytest.fixture(scope="module")
def glove_head(shared_data: Path) -> Path:
    require(GLOVE_HEAD.is_file(), f"{GLOVE_HEAD} not found", "PULSO_REQUIRE_SHARED_DATA")
    return GLOVE_HEAD


def sagemaker_tree(root: Path, curated: Path, glove: Path | None, hyperparameters: dict[str, str]) -> dict[str, str]:
    """A fake /opt/ml tree; returns the environment a SageMaker container would set."""
    write_hyperparameters(root, hyperparameters)
    shutil.copytree(curated, channel_dir(root, "train") / "messages")
    if glove is not None:
        channel_dir(root, "embeddings").mkdir(parents=True)
        shutil.copy(glove, channel_dir(root, "embeddings") / glove.name)
    return {**os.environ, "PULSO_SM_ROOT": str(root), "TRAINING_JOB_NAME": f"test-{root.name}"}


def train_in_process(root: Path, curated: Path, glove: Path | None, **hyperparameters: str) -> dict[str, Any]:
    env = sagemaker_tree(root, curated, glove, {**FAST, **hyperparameters})
    return training.job.run(from_environment(env))


@pytest.fixture(scope="module")
def trained(curated: Path, glove_head: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real training run through train.py in a subprocess, as SageMaker starts it."""
    root = tmp_path_factory.mktemp("opt_ml")
    env = sagemaker_tree(root, curated, glove_head, FAST)
    result = subprocess.run([sys.executable, str(REPO_ROOT / "src" / "training" / "train.py")], env=env,
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return root, result.stdout


@pytest.mark.slow
def test_training_learns_and_writes_every_declared_artifact(trained: tuple[Path, str]) -> None:
    root, log = trained
    evaluation = json.loads((root / "model" / "evaluation.json").read_text())
    assert evaluation["metrics"]["test"]["macro_recall"] > 0.45  # chance is 1/3
    assert evaluation["data"] == {"train": 2500, "validation": 400, "test": 800}
    assert evaluation["embedding"]["dimension"] == 100
    assert evaluation["embedding"]["skipped_lines"] == 1  # the truncated last line of the head file
    assert 0.5 < evaluation["embedding"]["coverage"]["train"]["tokens"] < 1.0
    assert set(evaluation["metrics"]["test"]["per_class"]) == {"negative", "neutral", "positive"}
    assert len(evaluation["metrics"]["test"]["confusion_matrix"]) == 3
    assert evaluation["hyperparameters"]["epochs"] == 6
    for name in ("model.pt", "vocab.json", "config.json", "evaluation.json", "code/requirements.txt",
                 "code/inference/__init__.py", "code/inference/handler.py", "code/pulso/text/normaliser.py",
                 "code/pulso/config/pulso.json"):  # fmt: skip
        assert (root / "model" / name).is_file(), name
    outputs = ("evaluation.json", "confusion_matrix_test.png", "confusion_matrix_validation.png", "learning_curves.png")
    for name in outputs:
        assert (root / "output" / "data" / name).is_file(), name
    assert (root / "output" / "data" / "learning_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (root / "checkpoints" / "checkpoint.pt").is_file()

    # SageMaker reads the metrics from the log with the configured MetricDefinitions.
    definitions = load_config().training.metric_definitions
    found = {metric["MetricName"]: metric["Value"] for metric in final_metrics(log, definitions)}
    assert set(found) == {definition["Name"] for definition in definitions}, "a MetricDefinition matches no line"
    assert found["final:test_macro_recall"] == evaluation["metrics"]["test"]["macro_recall"]
    assert found["final:test_accuracy"] == evaluation["metrics"]["test"]["accuracy"]
    assert len(re.findall(r"^epoch=\d+ ", log, flags=re.M)) == evaluation["training"]["epochs_run"]


@pytest.mark.slow
def test_the_trained_model_serves_through_model_tar_gz(
    trained: tuple[Path, str], tweeteval_dir: Path, tmp_path: Path
) -> None:
    """Packed, unpacked and served on the raw test tweets, the model scores exactly what training reported
    on the same tweets (normalised by the ETL job): no training/serving skew."""
    root, _ = trained
    served = unpack_model(pack_model(root / "model", tmp_path / "model.tar.gz"), tmp_path / "served")
    texts = (tweeteval_dir / "test_text.txt").read_text("utf-8").splitlines()[: ROWS["test"]]
    labels = [int(line) - 1 for line in (tweeteval_dir / "test_labels.txt").read_text().splitlines()[: ROWS["test"]]]
    body = "".join(json.dumps({"message_id": str(index), "text": text}) + "\n" for index, text in enumerate(texts))
    predictor = handler.model_fn(str(served))
    lines = handler.output_fn(handler.predict_fn(handler.input_fn(body.encode()), predictor)).splitlines()
    predictions = [json.loads(line) for line in lines]
    assert [prediction["message_id"] for prediction in predictions] == [str(index) for index in range(len(texts))]
    recall = macro_recall(np.array(labels) + 1, np.array([prediction["label"] for prediction in predictions]) + 1, 3)
    evaluation = json.loads((served / "evaluation.json").read_text())
    assert recall == pytest.approx(evaluation["metrics"]["test"]["macro_recall"], abs=1e-4)
    assert {prediction["model_version"] for prediction in predictions} == {f"test-{root.name}"}
    assert all(0 <= prediction["priority"] <= 100 for prediction in predictions)


@pytest.mark.slow
def test_a_fixed_seed_reproduces_the_model(curated: Path, glove_head: Path, tmp_path: Path) -> None:
    first = train_in_process(tmp_path / "a", curated, glove_head, epochs="3")
    second = train_in_process(tmp_path / "b", curated, glove_head, epochs="3")
    assert first["metrics"] == second["metrics"]
    weights = [torch.load(tmp_path / run / "model" / "model.pt", weights_only=True) for run in ("a", "b")]
    assert all(torch.equal(weights[0][name], weights[1][name]) for name in weights[0])
    other = train_in_process(tmp_path / "c", curated, glove_head, epochs="3", seed="7")
    assert other["metrics"] != first["metrics"]


@pytest.mark.slow
def test_an_interrupted_run_resumes_from_its_checkpoint(
    curated: Path, glove_head: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uninterrupted = train_in_process(tmp_path / "whole", curated, glove_head, epochs="4", patience="10")

    class SpotInterruptionError(Exception):
        pass

    def interrupt_after_epoch_2(message: str) -> None:
        print(message)
        if message.startswith("epoch=2 "):
            raise SpotInterruptionError

    env = sagemaker_tree(tmp_path / "spot", curated, glove_head, {**FAST, "epochs": "4", "patience": "10"})
    monkeypatch.setattr(training.job, "log", interrupt_after_epoch_2)
    with pytest.raises(SpotInterruptionError):
        training.job.run(from_environment(env))
    messages: list[str] = []
    monkeypatch.setattr(training.job, "log", messages.append)
    resumed = training.job.run(from_environment(env))

    assert "resuming from checkpoint after epoch 2" in messages
    assert [line.split()[0] for line in messages if line.startswith("epoch=")] == ["epoch=3", "epoch=4"]
    assert resumed["training"]["resumed_from_epoch"] == 2
    assert resumed["metrics"] == uninterrupted["metrics"]
    whole = torch.load(tmp_path / "whole" / "model" / "model.pt", weights_only=True)
    again = torch.load(tmp_path / "spot" / "model" / "model.pt", weights_only=True)
    assert all(torch.equal(whole[name], again[name]) for name in whole)


@pytest.mark.parametrize(
    ("hyperparameters", "message"),
    [
        ({"epochs": "ten"}, "HyperparameterError: hyperparameter epochs must be a number (got 'ten')"),
        ({"epochs": "2.5"}, "HyperparameterError: hyperparameter epochs must be a whole number (got '2.5')"),
        ({"dropout": "1.5"}, "HyperparameterError: hyperparameter dropout must be between 0.0 and 0.95 (got '1.5')"),
        ({"rnn": "cnn"}, "HyperparameterError: hyperparameter rnn must be one of lstm, gru (got 'cnn')"),
        ({"epoch": "3"}, "HyperparameterError: unknown hyperparameter 'epoch' (did you mean 'epochs'?)"),
        ({"embeddings": "channel"}, "EmbeddingsError: hyperparameter embeddings=channel, but there is no embeddings"),
    ],
)
def test_bad_hyperparameters_fail_with_a_clear_reason(
    hyperparameters: dict[str, str], message: str, curated: Path, tmp_path: Path
) -> None:
    env = sagemaker_tree(tmp_path, curated, None, {"sagemaker_program": "train.py", **hyperparameters})
    result = subprocess.run([sys.executable, str(REPO_ROOT / "src" / "training" / "train.py")], env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "output" / "failure").read_text().startswith(message)


def test_no_labelled_rows_fail_with_a_clear_reason(tmp_path: Path) -> None:
    empty = tmp_path / "curated"
    empty.mkdir()
    env = sagemaker_tree(tmp_path / "ml", empty, None, {})
    with pytest.raises(training.job.TrainingDataError, match="no Parquet files in the training channels"):
        training.job.run(from_environment(env))
