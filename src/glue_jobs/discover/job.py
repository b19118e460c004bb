"""AWS Glue Python shell job "discover topics": cluster recent messages into topics for an analyst to name.

The state machine runs it in `discover` mode (weekly on AWS; `pulso topics discover` locally):

    python -m glue_jobs.discover.job --run_id R --transformed_root s3://<transformed>/ --outputs_root s3://<outputs>/ \
        --models_root s3://<models>/ [--request '{"days": 28, "to_date": "2026-11-23"}']

Steps: the curated messages of the last `topics.lookback_days` ingest dates (one row per message id, at most
`topics.max_messages` by a stable hash sample) -> content tokens of the shared normaliser's `text_clean` ->
embeddings (`topics.embedding`: mean GloVe, from the models bucket's `embeddings/`, or TF-IDF + SVD) -> k in
[k_min, k_max] by silhouette on a sample -> KMeans -> per cluster: class-based TF-IDF terms and signature,
representative messages, sentiment mix (latest predictions), the mix of the current approved categories and a
proposed name with its confidence (`pulso.topics.proposals`) -> a 2-D map (UMAP, else PCA).

Every message read is counted: `read = unique + duplicates`, `unique = clustered + too_short + not_embedded +
sampled_out`. Outputs:
- outputs `topics/run_id=R/report.json|report.html|summary.json`  the cluster report (for people) and its summary
- outputs `topic-assignments/run_id=R/part-00000.parquet`         pseudo-labels (table `topic_assignments`)
- models  `topic-discovery/run_id=R/clusters.json|embedder.npz`   centroids and the embedder, for approval
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from glue_jobs.common.arguments import Argument, job_main, parse_glue_arguments
from glue_jobs.common.run_arguments import CONFIG_URI_HELP, checked_run_id, config_from_uri, utc_now
from glue_jobs.common.storage import ObjectStore, is_s3, join_uri, store_for
from glue_jobs.common.topic_maps import ApprovedMap, load_latest_map
from glue_jobs.common.writers import TablePartWriter
from glue_jobs.discover import clustering, topic_inputs
from glue_jobs.discover.topic_report import render_topic_report
from pulso.catalog import register_partition
from pulso.config import PulsoConfig
from pulso.embeddings import EmbeddingsError
from pulso.errors import AccountingError, InputError
from pulso.layout import CLUSTERS_FILE, EMBEDDER_FILE, RUN_REPORT, RUN_REPORT_DATA, SUMMARY
from pulso.topics.embedders import GLOVE_MEAN, Embedder, TfidfSvdEmbedder, to_bytes
from pulso.topics.proposals import approve_command, propose
from pulso.topics.settings import TopicSettings
from pulso.topics.tokens import content_tokens

log = logging.getLogger("pulso.topics")

ARGUMENTS = {
    "run_id": Argument("discovery run id (the Step Functions execution name)", required=True),
    "transformed_root": Argument("root of the transformed bucket: s3://bucket/ or a local folder", required=True),
    "outputs_root": Argument("root of the outputs bucket: s3://bucket/ or a local folder", required=True),
    "models_root": Argument("root of the models bucket: s3://bucket/ or a local folder", required=True),
    "request": Argument("JSON: optional days, to_date (YYYY-MM-DD), max_messages, embedding", default=None),
    "config_uri": Argument(CONFIG_URI_HELP, default=None),
    "kms_key_id": Argument("KMS key id or ARN for SSE-KMS uploads", default=None),
    "glue_database": Argument("Glue database to register the pseudo-labels partition in (S3 only)", default=None),
}
REQUEST_KEYS = ("days", "to_date", "max_messages", "embedding")
TABLE = "topic_assignments"
SENTIMENT_UNKNOWN = "unknown"
REPORT_TEXT_CHARS = 280


@dataclass(frozen=True)
class DiscoveryJob:
    run_id: str
    roots: Mapping[str, str]  # bucket purpose -> root
    config: PulsoConfig
    settings: TopicSettings
    to_date: dt.date
    days: int
    now: dt.datetime


def _request(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        request = json.loads(text)
    except ValueError:
        raise InputError(f"--request is not JSON: {text[:80]!r}") from None
    if not isinstance(request, dict):
        raise InputError("--request must be a JSON object")
    # The state machine passes its whole input; only these keys mean something here.
    return {key: request[key] for key in REQUEST_KEYS if request.get(key) is not None}


def build_job(args: Mapping[str, str | None], now: dt.datetime | None = None) -> DiscoveryJob:
    """Validate parsed job arguments (and the optional request overrides) into a `DiscoveryJob`."""
    now = now or utc_now()
    run_id = checked_run_id(str(args["run_id"]))
    config = config_from_uri(args.get("config_uri"))
    request = _request(args.get("request"))
    overrides = {key: request[key] for key in ("max_messages", "embedding") if key in request}
    settings = config.topics
    if overrides:
        from pulso.config import load_config

        settings = load_config({**dict(config.raw), "topics": {**config.raw["topics"], **overrides}}).topics
    days = request.get("days", settings.lookback_days)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError(f"request.days must be a positive integer (got {days!r})")
    try:
        to_date = dt.date.fromisoformat(str(request.get("to_date", now.date().isoformat())))
    except ValueError:
        raise InputError(f"request.to_date must be YYYY-MM-DD (got {request.get('to_date')!r})") from None
    roots = {
        "transformed": str(args["transformed_root"]),
        "outputs": str(args["outputs_root"]),
        "models": str(args["models_root"]),
    }
    return DiscoveryJob(run_id, roots, config, settings, to_date, days, now)


def fit_embedder(job: DiscoveryJob, store: ObjectStore, token_lists: Sequence[Sequence[str]]) -> Embedder:
    """The embedder of `topics.embedding`, fitted on (or restricted to the words of) these messages."""
    if job.settings.embedding == GLOVE_MEAN:
        words = {token for tokens in token_lists for token in tokens}
        try:
            return topic_inputs.glove_embedder(store, job.roots["models"], job.config, words)
        except EmbeddingsError as error:
            raise InputError(f"GloVe embeddings for topic discovery: {error}") from None
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=list, min_df=2, max_df=0.5, sublinear_tf=True)
    counts = vectorizer.fit_transform(token_lists)
    dimensions = max(2, min(job.settings.svd_dimensions, counts.shape[1] - 1))
    svd = TruncatedSVD(n_components=dimensions, random_state=job.settings.seed).fit(counts)
    terms = tuple(vectorizer.get_feature_names_out().tolist())
    return TfidfSvdEmbedder(terms, vectorizer.idf_, svd.components_, f"tf-idf ({len(terms)} terms) + svd")


@dataclass
class Prepared:
    """The messages to cluster and the accounting of the ones left out."""

    frame: pd.DataFrame  # message_id, text, text_clean, ingest_date, tokens
    counts: dict[str, int]


def prepare(job: DiscoveryJob, messages: pd.DataFrame) -> Prepared:
    """Unique messages with enough content tokens, sampled down to `max_messages`."""
    read = len(messages)
    unique = topic_inputs.unique_latest(messages)
    unique["tokens"] = [content_tokens(text) for text in unique["text_clean"]]
    long_enough = unique[unique["tokens"].map(len) >= job.settings.min_tokens]
    sampled = topic_inputs.stable_sample(long_enough, job.settings.max_messages, job.settings.seed)
    counts = {
        "read": read,
        "duplicates": read - len(unique),
        "unique": len(unique),
        "too_short": len(unique) - len(long_enough),
        "sampled_out": len(long_enough) - len(sampled),
    }
    return Prepared(sampled.reset_index(drop=True), counts)


def _relabel_by_size(labels: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cluster 0 is the largest (ties: the lower original id)."""
    sizes = np.bincount(labels, minlength=len(centroids))
    order = sorted(range(len(centroids)), key=lambda cluster: (-sizes[cluster], cluster))
    new_id = np.empty(len(order), dtype=int)
    new_id[order] = np.arange(len(order))
    return new_id[labels], centroids[order]


def _mix(values: Sequence[str], order: Sequence[str]) -> list[dict[str, Any]]:
    total = len(values)
    counts = pd.Series(list(values), dtype=object).value_counts()
    names = [name for name in order if name in counts] + sorted(name for name in counts.index if name not in order)
    return [{"name": name, "share": round(float(counts[name]) / total, 4)} for name in names] if total else []


def describe_clusters(
    job: DiscoveryJob,
    frame: pd.DataFrame,
    embeddings: np.ndarray,
    labels: np.ndarray,
    centroids: np.ndarray,
    current: ApprovedMap | None,
    labels_by_id: Mapping[str, int],
) -> tuple[list[dict[str, Any]], np.ndarray, list[str | None]]:
    """The clusters of the report (with centroids), each row's distance, and each row's proposed topic."""
    settings = job.settings
    k = len(centroids)
    tokens = frame["tokens"].tolist()
    distances = clustering.cosine_distances_to_own(embeddings, labels, centroids)
    terms = clustering.class_tfidf_terms(tokens, labels, k, settings.top_terms)
    current_topics: list[str] = []
    if current is not None:
        category_map, embedder = current
        current_embeddings, embedded = embedder.embed(tokens)
        current_topics, _ = category_map.assign(current_embeddings, embedded)
    names = {label.value: label.name for label in job.config.labels.classes}
    matched: dict[int, str] = {}  # cluster -> the current category it matches
    predicted = [labels_by_id.get(str(message_id)) for message_id in frame["message_id"]]
    texts = frame["text"].astype(str).tolist()
    clusters = []
    for cluster in range(k):
        members = np.flatnonzero(labels == cluster)
        sentiment = {name: 0 for name in names.values()}
        sentiment[SENTIMENT_UNKNOWN] = 0
        for row in members:
            label = predicted[row]
            sentiment[names.get(label, SENTIMENT_UNKNOWN)] += 1
        mix = _mix([current_topics[row] for row in members], current[0].names) if current else []
        proposal = propose(terms[cluster], mix, settings)
        if proposal.is_current:
            matched[cluster] = proposal.name
        member_distances = distances[members]
        clusters.append({
            "cluster": cluster,
            "size": len(members),
            "share": round(len(members) / len(labels), 4),
            "signature": clustering.signature(terms[cluster], settings.signature_terms),
            "top_terms": terms[cluster],
            "representatives": [
                {"message_id": str(frame["message_id"].iloc[row]), "text": texts[row][:REPORT_TEXT_CHARS],
                 "distance": round(float(distances[row]), 4)}
                for row in clustering.representatives(distances, labels, texts, cluster, settings.representatives)
            ],
            "sentiment": sentiment,
            "current_categories": mix,
            "proposed_name": proposal.name,
            "proposal_reason": proposal.reason,
            "proposal_confidence": proposal.confidence,
            "proposal_doubtful": proposal.doubtful,
            "distance_threshold": round(float(np.quantile(member_distances, settings.other_quantile)), 6),
            "mean_distance": round(float(member_distances.mean()), 4),
            "centroid": [round(float(value), 7) for value in centroids[cluster]],
        })  # fmt: skip
    return clusters, distances, [matched.get(int(label)) for label in labels]


def _projection(job: DiscoveryJob, embeddings: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    rows = clustering.seeded_sample(len(embeddings), job.settings.projection_sample, job.settings.seed)
    points, method, note = clustering.project_2d(embeddings[rows], job.settings.projection, job.settings.seed)
    return {
        "method": method,
        "note": note,
        "points": [
            {"x": round(float(x), 3), "y": round(float(y), 3), "cluster": int(labels[row])}
            for (x, y), row in zip(points, rows)
        ],
    }


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 3)
        self._last = now


def _require_enough(job: DiscoveryJob, usable: int, counts: Mapping[str, int], first: str, last: str) -> None:
    if usable <= job.settings.k_min:
        raise InputError(
            f"only {usable} usable messages (with {job.settings.min_tokens}+ content tokens and a known word) "
            f"between {first} and {last} ({counts['read']} read): too few to find {job.settings.k_min}+ topics; "
            "widen the window (request days) or ingest more messages"
        )


def run_discovery(job: DiscoveryJob, store: ObjectStore) -> dict[str, Any]:
    """Discover the topics of the window and write the report, pseudo-labels, centroids and embedder."""
    settings, timer = job.settings, _Timer()
    first, last = topic_inputs.window_dates(job.to_date, job.days)
    messages = topic_inputs.read_window_messages(store, dict(job.roots), job.config, first, last)
    log.info("run %s: %d curated messages with ingest dates %s..%s", job.run_id, len(messages), first, last)
    prepared = prepare(job, messages)
    frame, counts = prepared.frame, prepared.counts
    timer.lap("read")
    _require_enough(job, len(frame), counts, first, last)
    tokens = frame["tokens"].tolist()
    embedder = fit_embedder(job, store, tokens)
    embeddings, embedded = embedder.embed(tokens)
    counts["not_embedded"] = int((~embedded).sum())
    frame, embeddings = frame[embedded].reset_index(drop=True), embeddings[embedded]
    counts["clustered"] = len(frame)
    if counts["unique"] != counts["clustered"] + counts["too_short"] + counts["not_embedded"] + counts["sampled_out"]:
        raise AccountingError(f"run {job.run_id}: message accounting does not add up: {counts}")
    _require_enough(job, len(frame), counts, first, last)
    timer.lap("embed")
    choice = clustering.choose_k(embeddings, settings.k_range(len(frame)), settings.silhouette_sample, settings.seed)
    timer.lap("choose_k")
    labels, centroids = clustering.fit_clusters(embeddings, choice.chosen, settings.seed)
    labels, centroids = _relabel_by_size(labels, centroids)
    timer.lap("kmeans")
    current = load_latest_map(store, job.roots["models"], job.config)
    labels_by_id = topic_inputs.latest_labels(store, dict(job.roots), job.config, first)
    clusters, distances, proposed = describe_clusters(job, frame, embeddings, labels, centroids, current, labels_by_id)
    timer.lap("describe")
    projection = _projection(job, embeddings, labels)
    timer.lap("projection")
    quality = clustering.silhouette(embeddings, labels, settings.silhouette_sample, settings.seed)
    outputs = _write_outputs(job, store, frame, labels, distances, proposed, clusters, embedder, labels_by_id)
    report = {
        "run_id": job.run_id,
        "created_at": job.now.strftime("%Y-%m-%d %H:%M:%S"),
        "window": {"from_date": first, "to_date": last, "days": job.days},
        "messages": counts,
        "embedding": {
            "kind": embedder.kind, "dimension": embedder.dimension, "source": embedder.source,
            "coverage": round(embedder.coverage(frame["tokens"].tolist()), 4),
        },
        "k_selection": {"chosen": choice.chosen, "sample": choice.sample, "scores": choice.scores},
        "silhouette": quality,
        "projection": projection,
        "current_map": {"version": current[0].version if current else None,
                        "categories": current[0].names if current else []},
        "clusters": [{key: value for key, value in c.items() if key != "centroid"} for c in clusters],
        "approve_hint": approve_command(job.run_id, clusters),
        "settings": {key: getattr(settings, key)
                     for key in ("seed", "k_min", "k_max", "min_tokens", "max_messages", "doubtful_below")},
        "outputs": outputs,
    }  # fmt: skip
    timer.lap("write")
    report["seconds"] = timer.seconds
    summary = _summary(report)
    _write_report(job, store, report, summary)
    return summary


def _write_outputs(
    job: DiscoveryJob,
    store: ObjectStore,
    frame: pd.DataFrame,
    labels: np.ndarray,
    distances: np.ndarray,
    proposed: list[str | None],
    clusters: list[dict[str, Any]],
    embedder: Embedder,
    labels_by_id: Mapping[str, int],
) -> dict[str, str]:
    """Pseudo-labels (replacing an earlier attempt's), the centroids and the embedder."""
    table = job.config.table(TABLE)
    partition = join_uri(job.roots[table.bucket], job.config.layout.table_partition(TABLE, run_id=job.run_id)) + "/"
    store.delete_prefix(partition)
    signatures = [clusters[label]["signature"] for label in labels]
    pseudo = pd.DataFrame({
        "message_id": frame["message_id"].astype(str),
        "cluster": labels.astype("int32"),
        "signature": signatures,
        "distance": distances.astype(float),
        "label": pd.array([labels_by_id.get(str(m)) for m in frame["message_id"]], dtype="Int8"),
        "proposed_topic": proposed,
        "message_ingest_date": frame["ingest_date"].astype(str),
    })  # fmt: skip
    writer = TablePartWriter(store, partition, table)
    writer.write(pseudo, "part-00000")
    discovery = join_uri(job.roots["models"], job.config.layout.topic_discovery(job.run_id)) + "/"
    store.put_bytes(join_uri(discovery, EMBEDDER_FILE), to_bytes(embedder))
    clusters_doc = {
        "run_id": job.run_id,
        "embedding": embedder.kind,
        "dimension": embedder.dimension,
        "clusters": [
            {key: c[key] for key in ("cluster", "signature", "size", "proposed_name", "distance_threshold", "centroid")}
            for c in clusters
        ],
    }
    store.put_bytes(join_uri(discovery, CLUSTERS_FILE), json.dumps(clusters_doc).encode(), "application/json")
    return {
        "pseudo_labels": partition,
        "clusters": join_uri(discovery, CLUSTERS_FILE),
        "embedder": join_uri(discovery, EMBEDDER_FILE),
        "report": join_uri(job.roots["outputs"], job.config.layout.topic_report(job.run_id)),
    }


def _write_report(job: DiscoveryJob, store: ObjectStore, report: dict[str, Any], summary: dict[str, Any]) -> None:
    def uri(name: str) -> str:
        return join_uri(job.roots["outputs"], job.config.layout.topic_report(job.run_id, name))

    store.put_bytes(uri(RUN_REPORT_DATA), json.dumps(report, indent=1).encode(), "application/json")
    store.put_bytes(uri(RUN_REPORT), render_topic_report(report).encode(), "text/html")
    store.put_bytes(uri(SUMMARY), json.dumps(summary, indent=2).encode(), "application/json")


def _summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """What the record_run Lambda and the CLI read: counts, k, quality, where the report is."""
    return {
        "run_id": report["run_id"],
        "window": report["window"],
        "messages": report["messages"],
        "k": report["k_selection"]["chosen"],
        "silhouette": report["silhouette"],
        "embedding": report["embedding"]["kind"],
        "clusters": [{key: c[key] for key in ("cluster", "size", "signature", "proposed_name", "proposal_doubtful")}
                     for c in report["clusters"]],
        "outputs": report["outputs"],
    }  # fmt: skip


def run_job(argv: Sequence[str], boto3_session: object | None = None) -> dict[str, Any]:
    """Run the discovery job for Glue-style `argv`; return the summary."""
    args = parse_glue_arguments(argv, ARGUMENTS)
    job = build_job(args)
    store = store_for(job.roots["outputs"], boto3_session, args["kms_key_id"])
    summary = run_discovery(job, store)
    if is_s3(job.roots["outputs"]) and args["glue_database"]:
        register_partition(store.session, args["glue_database"], job.config.table(TABLE), [job.run_id],
                           summary["outputs"]["pseudo_labels"])  # fmt: skip
    return summary


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Console entry point. Exits with a one-line message (which Glue shows as the run's error) on failure."""
    summary = job_main("pulso-discover", __doc__ or "", ARGUMENTS, run_job, argv)
    print(json.dumps({key: summary[key] for key in ("run_id", "k", "silhouette", "messages")}))
    return summary


if __name__ == "__main__":
    main()
