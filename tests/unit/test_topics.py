"""Topic building blocks: content tokens, embedders, the category map and approvals, clustering helpers."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pytest

from glue_jobs import clustering
from pulso.config import load_config
from pulso.errors import ConfigError
from pulso.topics.category_map import OTHER, ApprovalError, CategoryMap, build_map
from pulso.topics.embedders import GloveMeanEmbedder, TfidfSvdEmbedder, from_bytes, to_bytes
from pulso.topics.tokens import content_tokens

NOW = dt.datetime(2026, 11, 23, 6, 0, 0)


def test_content_tokens_keep_words_and_drop_placeholders_stop_words_and_punctuation() -> None:
    text = "<user> i'm so angry my flight was delayed 3 hours ! <url> <number> it's a joke ."
    assert content_tokens(text) == ["angry", "flight", "delayed", "hours", "joke"]
    assert content_tokens(None) == []
    assert content_tokens("") == []


def test_tfidf_svd_embedder_reproduces_scikit_learn_and_round_trips() -> None:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(3)
    vocabulary = [f"w{index}" for index in range(40)]
    docs = [list(rng.choice(vocabulary, size=rng.integers(1, 9))) for _ in range(200)]
    vectorizer = TfidfVectorizer(analyzer=list, sublinear_tf=True, min_df=2)
    svd = TruncatedSVD(8, random_state=0).fit(vectorizer.fit_transform(docs))
    expected = normalize(svd.transform(vectorizer.transform(docs)))
    embedder = TfidfSvdEmbedder(tuple(vectorizer.get_feature_names_out()), vectorizer.idf_, svd.components_, "t")
    restored = from_bytes(to_bytes(embedder))
    embeddings, embedded = restored.embed(docs)
    assert np.abs(embeddings - expected).max() < 1e-5
    assert embedded.all()
    _, unknown = restored.embed([["never-seen"]])
    assert not unknown[0]


def test_glove_mean_embedder_averages_known_words() -> None:
    embedder = GloveMeanEmbedder(("a", "b"), np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32), "test")
    embeddings, embedded = from_bytes(to_bytes(embedder)).embed([["a", "b", "zzz"], ["a"], ["zzz"]])
    assert np.allclose(embeddings[0], [2**-0.5, 2**-0.5])
    assert np.allclose(embeddings[1], [1.0, 0.0])
    assert embedded.tolist() == [True, True, False]
    assert embedder.coverage([["a", "zzz"]]) == 0.5


def test_from_bytes_rejects_what_is_not_an_embedder() -> None:
    with pytest.raises(ValueError, match="not an embedder"):
        from_bytes(b"garbage")


def _discovery() -> dict:
    return {
        "run_id": "topics-1",
        "embedding": "tfidf_svd",
        "clusters": [
            {"cluster": 0, "signature": "delayed+flight+hours", "distance_threshold": 0.3, "centroid": [1.0, 0.0]},
            {"cluster": 1, "signature": "order+refund+charged", "distance_threshold": 0.3, "centroid": [0.0, 1.0]},
            {"cluster": 2, "signature": "gate+boarding+flight", "distance_threshold": 0.3, "centroid": [0.6, 0.8]},
        ],
    }


def _approval(**changes: object) -> dict:
    names = {"0": "Flight delays", "order+refund+charged": "Billing", "2": "Flight delays"}
    return {"discovery_run_id": "topics-1", "approved_by": "ana", "names": names, **changes}


def test_an_approval_builds_a_map_that_merges_clusters_of_one_name_and_assigns_other() -> None:
    category_map = build_map(_approval(), _discovery(), 4, NOW)
    assert category_map.version == 4
    assert category_map.names == ["Billing", "Flight delays"]
    assert CategoryMap.from_json(category_map.to_json()) == category_map
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [-1.0, 0.0], [0.0, 0.0]])
    topics, distances = category_map.assign(rows, np.array([True, True, True, True, False]))
    assert topics == ["Flight delays", "Billing", "Flight delays", OTHER, OTHER]
    assert distances[0] == pytest.approx(0.0)
    assert np.isnan(distances[4])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"discovery_run_id": "topics-2"}, "does not match"),
        ({"approved_by": " "}, "approved_by"),
        ({"names": {"0": "Other"}}, "reserved"),
        ({"names": {"0": "x" * 65}}, "at most 64"),
        ({"names": {"7": "Nope"}}, "neither a cluster id nor a signature"),
        ({"names": {"0": "A", "delayed+flight+hours": "B"}}, "named twice"),
        ({"names": {"0": None, "1": None}}, "every cluster is left out"),
        ({"extra": 1}, "unknown key"),
    ],
)
def test_a_bad_approval_is_rejected_with_the_reason(changes: dict, message: str) -> None:
    with pytest.raises(ApprovalError, match=message):
        build_map(_approval(**changes), _discovery(), 1, NOW)


def _blobs(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.eye(6)[:3] * 5
    points = np.vstack([centre + rng.normal(scale=0.3, size=(60, 6)) for centre in centres])
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_k_is_chosen_by_silhouette_and_clusters_are_deterministic_with_a_seed() -> None:
    points = _blobs()
    choice = clustering.choose_k(points, range(2, 7), 150, seed=7)
    assert choice.chosen == 3
    assert choice.sample == 150
    assert [s["k"] for s in choice.scores] == [2, 3, 4, 5, 6]
    first, centroids = clustering.fit_clusters(points, 3, seed=7)
    again, _ = clustering.fit_clusters(points, 3, seed=7)
    assert (first == again).all()
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1.0)
    assert len(set(first[:60])) == 1
    assert len(set(first.tolist())) == 3


def test_class_tfidf_terms_name_what_sets_a_cluster_apart() -> None:
    tokens = [["flight", "delayed", "gate"], ["flight", "delayed"], ["refund", "order"], ["refund", "order", "late"]]
    terms = clustering.class_tfidf_terms(tokens, np.array([0, 0, 1, 1]), 2, top=2)
    assert {item["term"] for item in terms[0]} == {"flight", "delayed"}
    assert clustering.signature(terms[1], 2) == "order+refund"


def test_representatives_are_the_closest_distinct_messages() -> None:
    rows = clustering.representatives(
        np.array([0.3, 0.1, 0.1, 0.2]), np.array([0, 0, 0, 1]), ["a", "b", "B ", "c"], 0, 3
    )
    assert rows == [1, 0]


def test_the_map_falls_back_to_pca_when_umap_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "umap", None)  # `import umap` now raises ImportError
    points, method, note = clustering.project_2d(_blobs(), "umap", seed=7)
    assert method == "pca"
    assert "umap-learn is not installed" in note
    assert points.shape == (180, 2)


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ({"embedding": "bert"}, "topics.embedding: must be one of glove_mean, tfidf_svd"),
        ({"k_min": 9, "k_max": 4}, "topics.k_max: k must range"),
        ({"other_quantile": 1.5}, "topics.other_quantile: must be a share"),
        ({"signature_terms": 20}, "topics.signature_terms: must not exceed top_terms"),
    ],
)
def test_bad_topic_settings_fail_with_one_clear_line(topics: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_config({"topics": topics})
