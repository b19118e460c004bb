"""Clustering for topic discovery: choose k by silhouette, KMeans, class-based TF-IDF terms, representatives, a 2-D map.

scikit-learn comes with the Glue Python shell `analytics` library set; UMAP (`umap-learn`) is optional: without
it the map is the first two principal components, and the report says so. Every step is seeded, so the same
messages and seed give the same clusters.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger("pulso.topics")

UMAP, PCA = "umap", "pca"
_N_INIT = 4  # KMeans restarts: enough for stable clusters on these sizes, cheap on one DPU


@dataclass(frozen=True)
class KChoice:
    """The chosen k and the silhouette of every k tried (on a sample of at most `sample` messages)."""

    chosen: int
    scores: list[dict[str, float]]
    sample: int


def seeded_sample(rows: int, size: int, seed: int) -> np.ndarray:
    """Sorted row indices of a seeded random sample of at most `size` rows."""
    if rows <= size:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).choice(rows, size=size, replace=False))


def _kmeans(k: int, seed: int) -> Any:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed)


def choose_k(embeddings: np.ndarray, k_values: Sequence[int], sample_size: int, seed: int) -> KChoice:
    """The k with the highest silhouette (cosine) among `k_values`, each fitted and scored on one seeded sample."""
    from sklearn.metrics import silhouette_score

    rows = seeded_sample(embeddings.shape[0], sample_size, seed)
    sample = embeddings[rows]
    scores = []
    for k in k_values:
        if k >= len(sample):
            break
        labels = _kmeans(k, seed).fit_predict(sample)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(sample, labels, metric="cosine"))
        scores.append({"k": int(k), "silhouette": round(score, 4)})
        log.info("k=%d silhouette=%.4f (sample of %d)", k, score, len(sample))
    if not scores:
        raise ValueError(f"no k in {list(k_values)} can cluster {len(sample)} messages")
    best = max(scores, key=lambda item: (item["silhouette"], -item["k"]))
    return KChoice(int(best["k"]), scores, len(sample))


def fit_clusters(embeddings: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(labels, L2-normalised centroids) of KMeans with `k` clusters on every embedding."""
    model = _kmeans(k, seed).fit(embeddings)
    centroids = model.cluster_centers_.astype(np.float64)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return model.labels_.astype(int), centroids / np.where(norms > 0, norms, 1.0)


def cosine_distances_to_own(embeddings: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Each row's cosine distance to the centroid of its cluster."""
    return 1.0 - np.einsum("ij,ij->i", embeddings.astype(np.float64), centroids[labels])


def silhouette(embeddings: np.ndarray, labels: np.ndarray, sample_size: int, seed: int) -> float | None:
    """The cosine silhouette of the final clusters on a seeded sample (None with fewer than two clusters)."""
    from sklearn.metrics import silhouette_score

    rows = seeded_sample(embeddings.shape[0], sample_size, seed)
    if len(set(labels[rows].tolist())) < 2:
        return None
    return round(float(silhouette_score(embeddings[rows], labels[rows], metric="cosine")), 4)


def class_tfidf_terms(token_lists: Sequence[Sequence[str]], labels: np.ndarray, k: int, top: int) -> list[list[dict]]:
    """Per cluster, its `top` terms by class-based TF-IDF: (term count in cluster / cluster tokens) times
    log(1 + mean tokens per cluster / term count overall); terms seen in one message only are skipped."""
    documents = Counter(token for tokens in token_lists for token in set(tokens))
    per_cluster = [Counter() for _ in range(k)]
    for tokens, label in zip(token_lists, labels):
        per_cluster[label].update(token for token in tokens if documents[token] > 1)
    overall = Counter()
    for counts in per_cluster:
        overall.update(counts)
    totals = [sum(counts.values()) for counts in per_cluster]
    average = sum(totals) / max(1, sum(1 for total in totals if total))
    result = []
    for counts, total in zip(per_cluster, totals):
        scored = [
            (count / total * math.log(1.0 + average / overall[term]), term) for term, count in counts.items() if total
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        result.append([{"term": term, "score": round(score, 5)} for score, term in scored[:top]])
    return result


def signature(terms: Sequence[dict], size: int) -> str:
    """The cluster's signature: its first `size` terms, sorted and joined with '+' (stable across runs)."""
    chosen = sorted(item["term"] for item in terms[:size])
    return "+".join(chosen) if chosen else "(no terms)"


def representatives(
    distances: np.ndarray, labels: np.ndarray, texts: Sequence[str], cluster: int, count: int
) -> list[int]:
    """Rows of the `count` members closest to the centroid, one per distinct text."""
    members = np.flatnonzero(labels == cluster)
    chosen: list[int] = []
    seen: set[str] = set()
    for row in members[np.argsort(distances[members], kind="stable")]:
        key = " ".join(str(texts[row]).lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(int(row))
        if len(chosen) == count:
            break
    return chosen


def project_2d(embeddings: np.ndarray, method: str, seed: int) -> tuple[np.ndarray, str, str | None]:
    """(points, method used, note): UMAP when asked and installed, else PCA (with the reason in the note)."""
    note = None
    if method == UMAP and len(embeddings) > 15:
        # umap-learn warns on import (no TensorFlow for ParametricUMAP) and when a seed makes it single-threaded;
        # both are expected here, so they are silenced for this block only.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                import umap
            except ImportError:
                umap = None
            if umap is not None:
                reducer = umap.UMAP(n_components=2, n_neighbors=15, min_dist=0.1, metric="cosine", random_state=seed)
                return np.asarray(reducer.fit_transform(embeddings), dtype=np.float64), UMAP, None
        note = "umap-learn is not installed: the map shows the first two principal components"
    elif method == UMAP:
        note = "too few messages for UMAP: the map shows the first two principal components"
    centred = embeddings.astype(np.float64) - embeddings.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    points = centred @ components[:2].T
    if points.shape[1] < 2:
        points = np.hstack([points, np.zeros((len(points), 2 - points.shape[1]))])
    return points, PCA, note
