"""Settings of topic discovery and topic assignment (configuration `topics`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EMBEDDINGS = ("glove_mean", "tfidf_svd")
PROJECTIONS = ("umap", "pca")


@dataclass(frozen=True)
class TopicSettings:
    """How the discovery job embeds, clusters and describes messages, and how topics are assigned."""

    embedding: str  # glove_mean: mean of GloVe vectors over content tokens; tfidf_svd: TF-IDF then truncated SVD
    lookback_days: int  # discovery reads the curated messages of this many days before the run
    max_messages: int  # at most this many messages (a deterministic sample by message id hash)
    min_tokens: int  # messages with fewer content tokens are not clustered
    k_min: int
    k_max: int  # k is chosen in [k_min, k_max] by silhouette
    silhouette_sample: int  # silhouette is computed on at most this many messages
    seed: int
    svd_dimensions: int  # tfidf_svd only
    top_terms: int  # terms listed per cluster (class-based TF-IDF)
    signature_terms: int  # the first terms that make the cluster's signature
    representatives: int  # messages shown per cluster (closest to the centroid)
    projection: str  # umap (falls back to pca when umap-learn is not installed) or pca
    projection_sample: int  # points on the 2-D map
    other_quantile: float  # a category's distance threshold: this quantile of its members' distances
    match_share: float  # a cluster matches a current category when this share of it is assigned to it
    category_map: Mapping[str, Any]  # {"version", "names": {signature: name}}: names proposed for matching clusters
    doubtful_below: float  # proposals.doubtful_below: a proposal with a lower confidence is marked doubtful
    generic_terms: tuple[str, ...]  # proposals.generic_terms: words that say little about a topic ("help")

    def k_range(self, messages: int) -> range:
        """The k values to try for `messages` messages (k < messages, as silhouette needs)."""
        return range(self.k_min, max(self.k_min, min(self.k_max, messages - 1)) + 1)
