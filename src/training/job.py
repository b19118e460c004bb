"""The training job: curated Parquet + pretrained vectors in, a SageMaker-ready model directory out.

Steps: resolve the SageMaker contract -> parse hyperparameters -> read the labelled splits -> load the
embeddings (restricted to what the model needs) -> build vocabulary and initial matrix -> fit with early
stopping and checkpoints -> evaluate on validation and test -> write the model directory (weights,
vocabulary, config, evaluation.json, code/) and plots. Metric lines (`epoch=...`, `final ...`) are printed in
the form the configured MetricDefinitions read. A bad input ends the job with a one-line reason, also
written to /opt/ml/output/failure, where SageMaker reports it as the job's FailureReason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

import pulso
from inference.network import NetworkConfig, SentimentNet
from pulso.config import load_config
from pulso.drift import build_profile, oov_rate
from pulso.embeddings import EmbeddingsError, find_embeddings, load_embeddings
from pulso.errors import ConfigError
from training import plots
from training.checkpoints import CheckpointError
from training.data import TrainingDataError, labelled_sets, parquet_files, read_curated
from training.hyperparameters import HyperparameterError, Hyperparameters, parse_hyperparameters
from training.loop import Trainer, predict_probabilities
from training.metrics import evaluate
from training.model_package import EVALUATION_FILE, write_model_dir
from training.sagemaker_env import TrainingEnvironment, from_environment
from training.vocabulary_builder import build_vocabulary, coverage, embedding_matrix

EMBEDDINGS_CHANNEL = "embeddings"


def log(message: str) -> None:
    print(message, flush=True)


def _fingerprint(hp: Hyperparameters, message_ids: list[str], vocabulary_size: int) -> str:
    """Identifies a training setup, so a checkpoint is only resumed by the run it belongs to."""
    digest = hashlib.sha256(json.dumps(hp.to_dict(), sort_keys=True).encode())
    digest.update(f"{vocabulary_size}\n".encode())
    for message_id in message_ids:
        digest.update(message_id.encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run(env: TrainingEnvironment) -> dict[str, Any]:
    """Train, evaluate and write the model directory; return the evaluation."""
    started = dt.datetime.now(dt.UTC)
    hp = parse_hyperparameters(env.hyperparameters)
    torch.set_num_threads(hp.num_threads or env.num_cpus)
    _seed_everything(hp.seed)
    # The deployment's effective configuration: $PULSO_CONFIG_URI, which the state machine sets in the training
    # job's Environment (unset: the bundled configuration). An unreadable one fails the job with a ConfigError.
    config = load_config()
    label_names = list(config.labels.names)

    data_channels = {name: path for name, path in env.channels.items() if name != EMBEDDINGS_CHANNEL}
    sets = labelled_sets(read_curated(parquet_files(data_channels)), config.labels.values)
    sizes = {split: len(labelled) for split, labelled in sets.items()}
    log(f"data: {sizes['train']} train, {sizes['validation']} validation, {sizes['test']} test rows")

    source = find_embeddings(env.channels.get(EMBEDDINGS_CHANNEL), hp.embeddings_file, hp.embeddings)
    wanted = {token for tokens in sets["train"].tokens for token in tokens}
    embeddings = load_embeddings(source, wanted, hp.glove_top_words)
    vocabulary = build_vocabulary(sets["train"].tokens, hp.min_token_count, embeddings)
    matrix, pretrained_rows = embedding_matrix(vocabulary, embeddings, hp.seed)
    log(f"embeddings: {source}, {embeddings.dimension}d; vocabulary {len(vocabulary)} tokens, "
        f"{pretrained_rows} with a pretrained vector")  # fmt: skip

    network_config = NetworkConfig(len(vocabulary), embeddings.dimension, hp.hidden_size, hp.rnn, hp.dropout)
    network = SentimentNet(network_config)
    with torch.no_grad():
        network.embedding.weight.copy_(torch.from_numpy(matrix))

    def encode(split: str) -> list[list[int]]:
        return [vocabulary.encode(tokens, hp.max_tokens) for tokens in sets[split].tokens]

    trainer = Trainer(
        network,
        hp,
        train=(encode("train"), sets["train"].targets),
        validation=(encode("validation"), sets["validation"].targets),
        checkpoint_dir=env.checkpoint_dir,
        fingerprint=_fingerprint(hp, sets["train"].message_ids, len(vocabulary)),
        log=log,
    )
    result = trainer.fit()
    network.load_state_dict(result.state)

    metrics = {}
    for split in ("validation", "test"):
        if sizes[split]:
            predictions = predict_probabilities(network, encode(split)).argmax(axis=1)
            metrics[split] = evaluate(sets[split].targets, predictions, label_names)
    final = {
        "val_macro_recall": metrics["validation"]["macro_recall"],
        "test_macro_recall": metrics.get("test", {}).get("macro_recall"),
        "test_macro_f1": metrics.get("test", {}).get("macro_f1"),
        "test_accuracy": metrics.get("test", {}).get("accuracy"),
        "train_seconds": round(result.seconds, 1),
    }
    log("final " + " ".join(f"{name}={value}" for name, value in final.items() if value is not None))

    with_vectors = set(embeddings.words)
    in_vocabulary = set(vocabulary.tokens[2:])  # tokens other than <pad> and <unk>
    evaluation = {
        "model_id": env.job_name,
        "created_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "primary_metric": config.training.primary_metric,
        "metrics": metrics,
        "embedding": {
            "source": embeddings.source,
            "dimension": embeddings.dimension,
            "vocabulary_size": len(vocabulary),
            "pretrained_rows": pretrained_rows,
            "skipped_lines": embeddings.skipped_lines,
            "coverage": {split: coverage(sets[split].tokens, with_vectors) for split in sets if sizes[split]},
            "out_of_vocabulary": {
                split: round(1.0 - coverage(sets[split].tokens, in_vocabulary)["tokens"], 4)
                for split in sets
                if sizes[split]
            },
        },
        "data": sizes,
        # The reference for drift checks: the training rows as given, and the OOV rate of held-out rows.
        "data_profile": build_profile(
            sets["train"].tokens,
            [label_names[target] for target in sets["train"].targets],
            sets["train"].languages,
            label_names,
            oov=oov_rate(sets["validation"].tokens + sets["test"].tokens, in_vocabulary),
        ).to_dict(),
        "training": {
            "seconds": round(result.seconds, 1),
            "epochs_run": len(result.history),
            "resumed_from_epoch": result.resumed_from_epoch,
            "stopped_early": result.stopped_early,
            "averaged_epochs": result.averaged_epochs,
            "history": result.history_dicts(),
            "threads": torch.get_num_threads(),
        },
        "hyperparameters": hp.to_dict(),
    }
    model_config = {
        "model_id": env.job_name,
        "created_at": evaluation["created_at"],
        "max_tokens": hp.max_tokens,
        "labels": [{"value": label.value, "name": label.name} for label in config.labels.classes],
        "normaliser": "pulso.text.normalise",
        "pulso_version": pulso.__version__,
    }
    write_model_dir(env.model_dir, result.state, network_config, vocabulary, model_config, evaluation)
    _write_outputs(env.output_data_dir, evaluation, label_names)
    log(f"model written to {env.model_dir}")
    return evaluation


def _write_outputs(output_dir: Path, evaluation: dict[str, Any], label_names: list[str]) -> None:
    """evaluation.json and the plots, in the output data directory (SageMaker's output.tar.gz)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / EVALUATION_FILE).write_text(json.dumps(evaluation, indent=2), encoding="utf-8")
    for split, metrics in evaluation["metrics"].items():
        title, path = f"Confusion matrix ({split})", output_dir / f"confusion_matrix_{split}.png"
        plots.confusion_matrix_png(metrics["confusion_matrix"], label_names, title, path)
    plots.learning_curves_png(
        evaluation["training"]["history"], evaluation["training"]["averaged_epochs"], output_dir / "learning_curves.png"
    )


def main() -> None:
    """Entry point of the SageMaker training job (train.py)."""
    env = from_environment()
    try:
        run(env)
    except (HyperparameterError, TrainingDataError, EmbeddingsError, ConfigError, CheckpointError) as error:
        reason = f"{type(error).__name__}: {error}"
        env.failure_file.parent.mkdir(parents=True, exist_ok=True)
        env.failure_file.write_text(reason + "\n", encoding="utf-8")
        print(reason, file=sys.stderr, flush=True)
        raise SystemExit(1) from None
