"""Topic building blocks: content tokens, embedders, the category map and approvals, clustering helpers."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest

from glue_jobs.discover import clustering
from pulso.config import load_config
from pulso.errors import ConfigError
from pulso.topics.category_map import OTHER, ApprovalError, CategoryMap, build_map
from pulso.topics.embedders import GloveMeanEmbedder, TfidfSvdEmbedder, from_bytes, to_bytes
from pulso.topics.proposals import approve_command, draft_names, propose
from pulso.topics.tokens import content_tokens
from pulso_local.topics import TopicsError, build_approval, draft_approval, draft_written, review_text

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


# --- proposals: confidence, doubtful ones, and how they are offered for approval --------------------------------

HOSTILE_NAME = "Bob's $(touch x) delays"


def terms(*words: str) -> list[dict]:
    return [{"term": word, "score": 0.5 - 0.01 * index} for index, word in enumerate(words)]


def topic_settings(**proposals: object):
    names = {"delayed+flight+hours": "Flight delays", "help+service+outage": "Service outages"}
    overlay = {"category_map": {"version": 1, "names": names}}
    if proposals:
        overlay["proposals"] = {**load_config().raw["topics"]["proposals"], **proposals}
    return load_config({"topics": overlay}).topics


def test_a_current_category_match_is_as_confident_as_its_share() -> None:
    settings = topic_settings()
    strong = propose(terms("refund", "charged"), [{"name": "Billing", "share": 0.81}], settings)
    assert (strong.name, strong.confidence, strong.doubtful, strong.is_current) == ("Billing", 0.81, False, True)
    weak = propose(terms("refund", "charged"), [{"name": "Billing", "share": 0.55}], settings)
    assert (weak.confidence, weak.doubtful) == (0.55, True)
    assert "doubtful: confidence 0.55 < 0.60" in weak.reason


def test_a_configured_name_matched_on_generic_words_is_doubtful() -> None:
    settings = topic_settings()
    generic = propose(terms("help", "service", "phone", "number"), [], settings)
    assert generic.name == "Service outages"
    assert (generic.confidence, generic.doubtful) == (0.0, True)
    assert "generic: help, service" in generic.reason
    specific = propose(terms("delayed", "flight", "help"), [], settings)
    assert specific.name == "Flight delays"
    assert (specific.confidence, specific.doubtful) == (0.667, False)


def test_a_top_terms_description_is_at_most_half_confident() -> None:
    settings = topic_settings()
    described = propose(terms("password", "login", "reset"), [], settings)
    assert (described.name, described.confidence, described.doubtful) == ("Password / login / reset", 0.5, True)
    assert propose(terms("password", "help", "issue"), [], settings).confidence == 0.167
    assert propose([], [], settings).doubtful


def test_the_doubtful_threshold_and_generic_words_come_from_the_configuration() -> None:
    assert not propose(terms("password", "login", "reset"), [], topic_settings(doubtful_below=0.5)).doubtful
    custom = topic_settings(generic_terms=["flight"])
    assert propose(terms("delayed", "flight", "help"), [], custom).confidence == 0.333


@pytest.mark.parametrize(
    ("proposals", "message"),
    [
        ({"doubtful_below": 1.5}, "topics.proposals.doubtful_below: must be a confidence in [0, 1]"),
        ({"generic_terms": "help"}, "topics.proposals.generic_terms"),
        ({"generic_terms": ["help", ""]}, "topics.proposals.generic_terms: must be a list of non-empty strings"),
        ({"typo": 1}, "topics.proposals"),
    ],
)
def test_bad_proposal_settings_fail_with_one_clear_line(proposals: dict, message: str) -> None:
    base = load_config().raw["topics"]["proposals"]
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config({"topics": {"proposals": {**base, **proposals}}})


def cluster(number: int, name: str | None, doubtful: bool = False) -> dict:
    return {"cluster": number, "proposed_name": name, "proposal_doubtful": doubtful, "proposal_confidence": 0.8}


def test_the_approve_command_quotes_every_name_and_leaves_doubtful_ones_out() -> None:
    clusters = [cluster(0, HOSTILE_NAME), cluster(1, "Guessed", doubtful=True), cluster(2, "Billing")]
    command = approve_command("topics-1", clusters)
    assert shlex.split(command) == [
        "pulso", "topics", "approve", "--run", "topics-1", "--name", f"0={HOSTILE_NAME}", "--name", "2=Billing",
    ]  # fmt: skip
    assert shlex.split(approve_command("topics-1", [cluster(1, "Guessed", doubtful=True)]))[-2:] == [
        "--name",
        "ID=NAME",
    ]


def test_the_approve_command_pasted_into_a_shell_runs_nothing_else(tmp_path) -> None:
    command = approve_command("topics-1", [cluster(0, HOSTILE_NAME)])
    echoed = subprocess.run(
        ["sh", "-c", "printf '%s\\n' " + command.removeprefix("pulso ")],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert echoed.stdout.splitlines() == ["topics", "approve", "--run", "topics-1", "--name", f"0={HOSTILE_NAME}"]
    assert not (tmp_path / "x").exists()


def test_the_draft_leaves_doubtful_names_empty_and_unproposed_ones_null() -> None:
    clusters = [cluster(0, "Billing"), cluster(1, "Guessed", doubtful=True), cluster(2, None), {"cluster": 3,
                "proposed_name": "From an older report"}]  # fmt: skip
    assert draft_names(clusters) == {"0": "Billing", "1": "", "2": None, "3": ""}


def review_report(run_id: str = "topics-1") -> dict:
    def entry(number: int, name: str, doubtful: bool) -> dict:
        return {**cluster(number, name, doubtful), "size": 10, "share": 0.5, "signature": f"a+b+{number}",
                "top_terms": terms("a", "b"), "representatives": [{"text": "a message"}],
                "sentiment": {"negative": 5, "positive": 5, "unknown": 0},
                "proposal_reason": "why" + ("; doubtful: confidence 0.20 < 0.60" if doubtful else "")}  # fmt: skip

    return {"run_id": run_id, "window": {"from_date": "2026-11-01", "to_date": "2026-11-23"},
            "k_selection": {"chosen": 2}, "messages": {"clustered": 20}, "silhouette": 0.2,
            "embedding": {"kind": "tfidf_svd"}, "current_map": {},
            "clusters": [entry(0, HOSTILE_NAME, False), entry(1, "Guessed", True)]}  # fmt: skip


def test_the_review_marks_doubtful_proposals_and_prints_a_quoted_command() -> None:
    text = review_text(review_report())
    lines = text.splitlines()
    assert any(line.startswith("?[1] 'Guessed'") and line.endswith("confidence 0.80, DOUBTFUL") for line in lines)
    assert any(line.startswith(" [0] ") and "DOUBTFUL" not in line for line in lines)
    assert "1 of 2 proposals are doubtful (marked ?)" in text
    command = next(line.strip() for line in lines if line.strip().startswith("pulso topics approve"))
    assert shlex.split(command) == ["pulso", "topics", "approve", "--run", "topics-1", "--name", f"0={HOSTILE_NAME}"]


def test_approving_needs_the_names_chosen(tmp_path) -> None:
    report = review_report()
    with pytest.raises(TopicsError, match=r"^nothing to approve: choose the names with --name ID=NAME") as refused:
        build_approval(report, approved_by="ana")
    assert "\n" not in str(refused.value)
    with pytest.raises(TopicsError, match="nothing to approve"):
        build_approval(report, approved_by="ana", drop=["1"])
    chosen = build_approval(report, approved_by="ana", names=[f"0={HOSTILE_NAME}"])
    assert chosen == {"discovery_run_id": "topics-1", "approved_by": "ana", "names": {"0": HOSTILE_NAME}}
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps(draft_approval(report, "ana")))
    with pytest.raises(TopicsError, match=r"cluster\(s\) 1 have no name yet"):
        build_approval(report, approved_by="ana", file=draft)
    filled = build_approval(report, approved_by="ana", file=draft, names=["1=Chosen name"])
    assert filled["names"] == {"0": HOSTILE_NAME, "1": "Chosen name"}


def test_the_draft_hint_quotes_the_path(tmp_path) -> None:
    path = tmp_path / "it's here" / "draft.json"
    draft = draft_approval(review_report("topics-2"), "ana")
    hint = draft_written(path, draft)
    assert "fill in the empty names of clusters 1" in hint
    assert shlex.split(hint.split(", then ", 1)[1]) == [
        "pulso", "topics", "approve", "--run", "topics-2", "--file", str(path),
    ]  # fmt: skip


def test_pulso_topics_approve_without_names_exits_2_with_one_line(tmp_path, monkeypatch, capsys) -> None:
    from pulso.layout import RUN_REPORT_DATA
    from pulso_local import cli
    from pulso_local.topics import topic_report_page

    report = topic_report_page(tmp_path, load_config(), "topics-1", RUN_REPORT_DATA)
    report.parent.mkdir(parents=True)
    report.write_text(json.dumps(review_report()))
    monkeypatch.setenv("PULSO_HOME", str(tmp_path))
    assert cli.main(["topics", "approve", "--by", "ana"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("pulso topics: nothing to approve: choose the names with --name ID=NAME")
    assert captured.err.count("\n") == 1
    assert "pulso topics review --run topics-1 --out draft.json" in captured.err
