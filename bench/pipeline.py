"""Pipeline benchmark: full TweetEval through the local pipeline (the production state machine, emulated AWS).

The TweetEval folder is uploaded as one input (profile `tweeteval`, mode `train_and_predict`) into a fresh
workspace: the ETL job curates it, the training job learns on the train split and selects on validation,
the quality gate approves, Batch Transform predicts the test split and the publish job writes the
predictions table. Test macro-recall is computed from that table (joined with the curated labels), so it
measures what a user would query. Wall time per state comes from the execution history.
"""

from __future__ import annotations

import shutil
import sys
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from bench.etl import REPO_ROOT, tweeteval_dir
from bench.harness import BenchmarkSkippedError, Result, benchmark
from pulso_local.runtime import LocalRuntime
from training.metrics import macro_recall

WORK_DIR = REPO_ROOT / "bench" / ".work" / "pipeline"


def _progress(message: str) -> None:
    print(f"[bench pipeline] {message}", file=sys.stderr, flush=True)


def _table(root: str, pattern: str) -> pd.DataFrame:
    parts = sorted((WORK_DIR / "home" / "s3").glob(f"{root}/{pattern}"))
    return pd.concat([pq.read_table(part).to_pandas() for part in parts], ignore_index=True)


@benchmark("pipeline")
def pipeline_benchmark() -> Result:
    folder = tweeteval_dir()
    if not (folder / "train_text.txt").is_file():
        raise BenchmarkSkippedError(f"TweetEval data not found in {folder}")
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    started = time.perf_counter()
    with LocalRuntime.open(WORK_DIR / "home", _progress) as runtime:
        report = runtime.run(folder, "tweeteval", "train_and_predict")
        outputs_bucket, transformed_bucket = runtime.account.bucket("outputs"), runtime.account.bucket("transformed")
    seconds = time.perf_counter() - started
    if report.status != "SUCCEEDED":
        raise RuntimeError(f"the pipeline failed: {report.error}")
    run = report.run_id
    predictions = _table(outputs_bucket, f"predictions/ingest_date=*/run_id={run}/*.parquet")
    messages = _table(transformed_bucket, f"messages/ingest_date=*/run_id={run}/*.parquet")
    test = messages[messages["split"] == "test"][["message_id", "label"]]
    joined = test.merge(predictions[["message_id", "label"]], on="message_id", suffixes=("_true", "_predicted"))
    if len(joined) != len(test):
        raise RuntimeError(f"{len(test) - len(joined)} test messages have no prediction")
    recall = macro_recall(
        joined["label_true"].to_numpy(dtype=np.int64) + 1, joined["label_predicted"].to_numpy(dtype=np.int64) + 1, 3
    )
    result: Result = {
        "local_tweeteval_seconds": round(seconds, 1),
        "local_tweeteval_execution_seconds": round(report.seconds, 1),
        "local_tweeteval_test_macro_recall": round(recall, 4),
        "local_tweeteval_test_predictions": len(joined),
        "rows_read": report.totals["read"],
        "rows_curated": report.totals["curated"],
    }
    for state, state_seconds in report.state_seconds.items():
        result[f"seconds_{state.lower().replace(' ', '_').replace('?', '')}"] = state_seconds
    return result
