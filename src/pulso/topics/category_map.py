"""The approved category map: named categories, each with the centroids of the clusters an analyst approved.

A map version is a JSON document in the models bucket (`topic-maps/vNNNN/map.json`, beside the embedder that
made its centroids, `embedder.npz`); `topic-maps/latest.json` names the newest. Topics are assigned by the
nearest centroid (cosine distance of L2-normalised embeddings); a message farther from it than that centroid's
distance threshold, or with no known token, gets `other`.

An approval (`{"discovery_run_id", "approved_by", "names": {cluster id or signature: name or null}}`) turns a
discovery run's clusters into the next map version (`build_map`); the clusters it does not name are left out,
and clusters given the same name become one category.

Only `assign` needs NumPy (imported there): the approval Lambda builds maps with the standard library.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

OTHER = "other"
MAX_NAME_CHARS = 64
_NAME = re.compile(r"^[^\x00-\x1f\x7f]+$")


class ApprovalError(ValueError):
    """An approval that cannot become a map version; the message says why."""


@dataclass(frozen=True)
class Category:
    """A named topic: the centroids of its clusters, their distance thresholds and signatures."""

    name: str
    signatures: tuple[str, ...]
    centroids: tuple[tuple[float, ...], ...]  # one L2-normalised centroid per signature
    thresholds: tuple[float, ...]


@dataclass(frozen=True)
class CategoryMap:
    """One approved map version."""

    version: int
    categories: tuple[Category, ...]
    embedding: str
    discovery_run_id: str
    approved_by: str
    approved_at: str
    comment: str = ""

    @property
    def names(self) -> list[str]:
        return [category.name for category in self.categories]

    def assign(self, embeddings: np.ndarray, embedded: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Per row, the nearest category (or `other`) and the cosine distance to its nearest centroid."""
        import numpy as np

        rows = embeddings.shape[0]
        if not self.categories or rows == 0:
            return [OTHER] * rows, np.full(rows, np.nan)
        centroids = np.asarray([centroid for category in self.categories for centroid in category.centroids])
        owners = [index for index, category in enumerate(self.categories) for _ in category.signatures]
        thresholds = np.asarray([value for category in self.categories for value in category.thresholds])
        distances = 1.0 - embeddings.astype(np.float64) @ centroids.T.astype(np.float64)
        nearest = distances.argmin(axis=1)
        best = distances[np.arange(rows), nearest]
        within = embedded & (best <= thresholds[nearest])
        topics = [self.categories[owners[column]].name if ok else OTHER for column, ok in zip(nearest, within)]
        return topics, np.where(embedded, best, np.nan)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "embedding": self.embedding,
            "discovery_run_id": self.discovery_run_id,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at,
            "comment": self.comment,
            "categories": [
                {
                    "name": category.name,
                    "clusters": [
                        {"signature": signature, "threshold": round(threshold, 6), "centroid": list(centroid)}
                        for signature, threshold, centroid in zip(
                            category.signatures, category.thresholds, category.centroids
                        )
                    ],
                }
                for category in self.categories
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CategoryMap:
        """A map from its JSON document; ValueError when it is malformed."""
        try:
            categories = []
            for item in data["categories"]:
                clusters = item["clusters"]
                categories.append(
                    Category(
                        name=str(item["name"]),
                        signatures=tuple(str(cluster["signature"]) for cluster in clusters),
                        centroids=_centroids(clusters),
                        thresholds=tuple(float(cluster["threshold"]) for cluster in clusters),
                    )
                )
            return cls(
                version=int(data["version"]),
                categories=tuple(categories),
                embedding=str(data["embedding"]),
                discovery_run_id=str(data["discovery_run_id"]),
                approved_by=str(data["approved_by"]),
                approved_at=str(data["approved_at"]),
                comment=str(data.get("comment") or ""),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a topic map document: {error!r}") from None


def _centroids(clusters: Sequence[Mapping[str, Any]]) -> tuple[tuple[float, ...], ...]:
    centroids = tuple(tuple(float(value) for value in cluster["centroid"]) for cluster in clusters)
    if len({len(centroid) for centroid in centroids}) > 1 or not all(centroids):
        raise ValueError("centroids must be non-empty and of one dimension")
    return centroids


def check_name(name: Any, where: str) -> str:
    """A category name: a non-empty single line of at most MAX_NAME_CHARS characters, not `other`."""
    if not isinstance(name, str) or not name.strip():
        raise ApprovalError(
            f"{where}: the name must be a non-empty string (got {json.dumps(name)}): fill it in, or null to leave "
            "the cluster out"
        )
    name = " ".join(name.split())
    if len(name) > MAX_NAME_CHARS or not _NAME.match(name):
        raise ApprovalError(f"{where}: the name must be one line of at most {MAX_NAME_CHARS} characters")
    if name.lower() == OTHER:
        raise ApprovalError(f"{where}: '{OTHER}' is reserved for messages far from every category")
    return name


def _cluster_for(key: str, clusters: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    for cluster in clusters:
        if key == str(cluster["cluster"]) or key == cluster["signature"]:
            return cluster
    known = ", ".join(f"{cluster['cluster']} ({cluster['signature']})" for cluster in clusters)
    raise ApprovalError(f"names: {key!r} is neither a cluster id nor a signature of the run (known: {known})")


def build_map(
    approval: Mapping[str, Any],
    discovery: Mapping[str, Any],
    version: int,
    now: dt.datetime,
) -> CategoryMap:
    """Map version `version` from an approval of the discovery run `discovery` (its clusters.json)."""
    if not isinstance(approval, Mapping):
        raise ApprovalError("the approval must be a JSON object")
    unknown = sorted(set(approval) - {"discovery_run_id", "approved_by", "names", "comment"})
    if unknown:
        raise ApprovalError(f"unknown key {unknown[0]!r} (allowed: discovery_run_id, approved_by, names, comment)")
    if approval.get("discovery_run_id") != discovery["run_id"]:
        raise ApprovalError(
            f"discovery_run_id {approval.get('discovery_run_id')!r} does not match the run {discovery['run_id']!r}"
        )
    approved_by = approval.get("approved_by")
    if not isinstance(approved_by, str) or not approved_by.strip():
        raise ApprovalError("approved_by must name the analyst who approves")
    names = approval.get("names")
    if not isinstance(names, Mapping) or not names:
        raise ApprovalError("names must map cluster ids or signatures to category names (null leaves one out)")
    chosen: dict[str, list[Mapping[str, Any]]] = {}
    seen: set[int] = set()
    for key, name in names.items():
        cluster = _cluster_for(str(key), discovery["clusters"])
        if cluster["cluster"] in seen:
            raise ApprovalError(f"names: cluster {cluster['cluster']} is named twice")
        seen.add(cluster["cluster"])
        if name is not None:
            chosen.setdefault(check_name(name, f"names.{key}"), []).append(cluster)
    if not chosen:
        raise ApprovalError("names: every cluster is left out; a map needs at least one category")
    categories = tuple(
        Category(
            name=name,
            signatures=tuple(cluster["signature"] for cluster in clusters),
            centroids=_centroids(clusters),
            thresholds=tuple(float(cluster["distance_threshold"]) for cluster in clusters),
        )
        for name, clusters in sorted(chosen.items())
    )
    comment = approval.get("comment") or ""
    return CategoryMap(
        version=version,
        categories=categories,
        embedding=str(discovery["embedding"]),
        discovery_run_id=str(discovery["run_id"]),
        approved_by=" ".join(approved_by.split()),
        approved_at=now.strftime("%Y-%m-%d %H:%M:%S"),
        comment=str(comment)[:500],
    )
