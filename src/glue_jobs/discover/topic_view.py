"""The topic discovery cluster report's view model: pure functions that turn the discovery job's `report.json` into
the plain dataclasses the template `discover/topic_report.html.j2` shows. Nothing here writes HTML.

Any key of the report may be missing or null (older or partial reports): a value shows as an em dash and a part
without data becomes a `Missing` ("Not available: <why>"). A doubtful proposal (`proposal_doubtful`, or no
confidence recorded) is marked wherever its name shows, and the approval object leaves its name empty for the
analyst to fill. The building blocks (formatting, badges, key figures, messages) are the run report's. Standard
library only and Python 3.9 compatible: it runs inside the Glue Python shell job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from glue_jobs.discover import svg_scatter
from glue_jobs.report import svg_charts
from glue_jobs.report.formatting import NOT_SHOWN, fmt_count, fmt_decimal, fmt_share, number, shown
from glue_jobs.report.view import (
    LABEL_COLORS,
    Badge,
    Figure,
    Kpi,
    Message,
    Missing,
    SectionRef,
    message,
    section_refs,
)
from pulso.topics.proposals import draft_names, is_doubtful

SECTIONS = (
    ("run", "Run"),
    ("messages", "Messages"),
    ("approve", "How to approve"),
    ("k-selection", "Choice of k"),
    ("map", "Map of the messages"),
    ("clusters", "Clusters"),
    ("details", "Cluster details"),
)
# Categorical colours for clusters (cluster c gets CLUSTER_COLORS[c % 20]): Tableau 10, then CARTO Bold.
CLUSTER_COLORS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#7f3c8d", "#11a579", "#3969ac", "#f2b701", "#e73f74", "#80ba5a", "#e68310", "#008695", "#cf1c90", "#4b4b8f",
)  # fmt: skip
SENTIMENTS = ("negative", "neutral", "positive", "unknown")
SENTIMENT_COLORS = {**LABEL_COLORS, "unknown": "#c9d1d9"}
OTHER_SENTIMENT_COLOR = "#8c8c8c"
CHOSEN_K_COLOR = "#d4701c"
OTHER_K_COLOR = "#9fb7d3"
OTHER_CATEGORY = "other"
MESSAGE_COUNTS = (
    ("read", "Messages read", ""),
    ("unique", "Unique", "read"),
    ("clustered", "Clustered", "unique"),
    ("too_short", "Too short", "unique"),
    ("not_embedded", "Not embedded", "unique"),
)
MAP_SIZE = (720, 500)


# ---------------------------------------------------------------------------------------------- reading


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _records(value: Any) -> list[Mapping[str, Any]]:
    """The mappings in a list (anything else, e.g. null or a string, gives none)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def cluster_id(cluster: Mapping[str, Any], position: int) -> int:
    """The cluster's number; its position in the list when the report lacks it."""
    value = number(cluster.get("cluster"))
    return int(value) if value is not None and value.is_integer() else position


def clusters_by_size(report: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    """(cluster id, cluster) pairs, largest first, then by id."""
    pairs = [(cluster_id(cluster, index), cluster) for index, cluster in enumerate(_records(report.get("clusters")))]
    return sorted(pairs, key=lambda pair: (-(number(pair[1].get("size")) or 0), pair[0]))


def cluster_color(cluster: int) -> str:
    return CLUSTER_COLORS[cluster % len(CLUSTER_COLORS)]


def sentiment_counts(cluster: Mapping[str, Any]) -> list[tuple[str, float]]:
    """(sentiment, count) for the known sentiments in order, then any other key the report has."""
    counts = _mapping(cluster.get("sentiment"))
    keys = [key for key in SENTIMENTS if key in counts] + sorted(str(key) for key in counts if key not in SENTIMENTS)
    return [(key, number(counts.get(key)) or 0.0) for key in keys]


def negative_share(cluster: Mapping[str, Any]) -> float | None:
    counts = dict(sentiment_counts(cluster))
    total = sum(counts.values())
    return counts.get("negative", 0.0) / total if total and "negative" in counts else None


def proposed_name(cluster: Mapping[str, Any]) -> str:
    value = cluster.get("proposed_name")
    return str(value) if value is not None and str(value).strip() else ""


def proposal_badge(cluster: Mapping[str, Any], confident_too: bool = False) -> Badge | None:
    """`doubtful · 0.33` for a doubtful proposal; `confidence 0.81` for another when `confident_too`."""
    if not proposed_name(cluster):
        return None
    confidence = number(cluster.get("proposal_confidence"))
    confidence_text = "" if confidence is None else f"{confidence:.2f}"
    if is_doubtful(cluster):
        return Badge(f"doubtful · {confidence_text}" if confidence_text else "doubtful", "warn")
    return Badge(f"confidence {confidence_text}", "good") if confident_too and confidence_text else None


# ---------------------------------------------------------------------------------------------- small parts


@dataclass(frozen=True)
class ClusterTag:
    """The cluster's number on its colour, linked to its card (`#cluster-<id>`)."""

    id: int
    color: str


@dataclass(frozen=True)
class MixPart:
    width: str  # percent of the bar, 2 decimals
    color: str
    title: str


@dataclass(frozen=True)
class Mix:
    """A small 100 % stacked bar: its parts and their description (the bar's accessible name)."""

    parts: tuple[MixPart, ...]
    words: str


@dataclass(frozen=True)
class Bar:
    """A labelled horizontal bar of an HTML bar list; `width` is percent of the largest, 1 decimal."""

    label: str
    width: str
    value: str


def tag(cluster: int) -> ClusterTag:
    return ClusterTag(cluster, cluster_color(cluster))


def mix(parts: Sequence[tuple[str, float, str]]) -> Mix | None:
    """(name, count, colour) parts as a 100 % bar; None when they add up to nothing."""
    total = sum(count for _, count, _ in parts)
    if not total:
        return None
    shown_parts = tuple(
        MixPart(f"{100 * count / total:.2f}", color, f"{name}: {fmt_count(count)} ({fmt_share(count / total)})")
        for name, count, color in parts
        if count > 0
    )
    words = ", ".join(f"{name} {fmt_share(count / total)}" for name, count, _ in parts)
    return Mix(shown_parts, words)


def sentiment_mix(cluster: Mapping[str, Any]) -> Mix | None:
    """The cluster's sentiment in the run report's label colours."""
    return mix(
        [(key, count, SENTIMENT_COLORS.get(key, OTHER_SENTIMENT_COLOR)) for key, count in sentiment_counts(cluster)]
    )


def bars(rows: Sequence[tuple[str, float | None, str]]) -> tuple[Bar, ...]:
    """(label, value, value text) rows; bars scale to the largest value."""
    largest = max((value or 0.0 for _, value, _ in rows), default=0.0) or 1.0
    return tuple(Bar(label, f"{100 * max(value or 0.0, 0.0) / largest:.1f}", text) for label, value, text in rows)


# ---------------------------------------------------------------------------------------------- header


@dataclass(frozen=True)
class Embedding:
    kind: str
    dimensions: str  # "" when not recorded
    source: str
    note: str


@dataclass(frozen=True)
class TopicHeader:
    run_id: str
    k_badge: Badge
    created: str
    window: str
    embedding: Embedding | None
    coverage: str
    current_map: str
    nav: tuple[SectionRef, ...]


def window_text(report: Mapping[str, Any]) -> str:
    window = _mapping(report.get("window"))
    if not window:
        return NOT_SHOWN
    days = number(window.get("days"))
    length = f" ({fmt_count(days)} days)" if days is not None else ""
    return f"{shown(window.get('from_date'))} → {shown(window.get('to_date'))}{length}"


def embedding_view(report: Mapping[str, Any]) -> Embedding | None:
    embedding = _mapping(report.get("embedding"))
    if not embedding:
        return None
    dimension = number(embedding.get("dimension"))
    return Embedding(
        kind=shown(embedding.get("kind")),
        dimensions=fmt_count(dimension) if dimension is not None else "",
        source=str(embedding["source"]) if embedding.get("source") else "",
        note=str(embedding["note"]) if embedding.get("note") else "",
    )


def current_map_text(report: Mapping[str, Any]) -> str:
    current = _mapping(report.get("current_map"))
    if not current:
        return NOT_SHOWN
    if current.get("version") is None:
        return "none approved yet"
    names = [str(name) for name in current.get("categories") or () if name is not None]
    listing = f": {', '.join(names)}" if names else ""
    return f"version {shown(current.get('version'))}{listing}"


def k_badge(report: Mapping[str, Any]) -> Badge:
    chosen = number(_mapping(report.get("k_selection")).get("chosen"))
    silhouette = number(report.get("silhouette"))
    if chosen is None:
        return Badge("k not recorded", "warn")
    return Badge(f"k = {fmt_count(chosen)} · silhouette {fmt_decimal(silhouette, 3)}", "neutral")


def header_view(report: Mapping[str, Any]) -> TopicHeader:
    coverage = _mapping(report.get("embedding")).get("coverage")
    return TopicHeader(
        run_id=shown(report.get("run_id")),
        k_badge=k_badge(report),
        created=shown(report.get("created_at")),
        window=window_text(report),
        embedding=embedding_view(report),
        coverage=fmt_share(coverage),
        current_map=current_map_text(report),
        nav=tuple(section_refs(SECTIONS).values())[1:],
    )


# ---------------------------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Messages:
    missing: Missing | None
    kpis: tuple[Kpi, ...] = ()
    sampled_out: str = ""  # how many the sample limit left out; "" for none


def messages_view(report: Mapping[str, Any]) -> Messages:
    messages = _mapping(report.get("messages"))
    if not messages:
        return Messages(Missing("the report has no message counts"))
    kpis = []
    for key, title, base in MESSAGE_COUNTS:
        value, whole = number(messages.get(key)), number(messages.get(base)) if base else None
        note = f"{fmt_share(value / whole)} of {base}" if value is not None and whole else ""
        kpis.append(Kpi(title, fmt_count(value), note, key))
    sampled_out = number(messages.get("sampled_out"))
    return Messages(None, tuple(kpis), fmt_count(sampled_out) if sampled_out else "")


# ---------------------------------------------------------------------------------------------- approve


@dataclass(frozen=True)
class Approve:
    doubtful: int
    doubtful_badge: Badge
    doubtful_count: str
    clusters_count: str
    command: str  # the local approve command; "" when the report has none
    command_missing: Missing | None
    run_id: str  # the approval objects' folder
    template: str  # the approval object's JSON


def approval_template(report: Mapping[str, Any]) -> str:
    """The approval object's JSON: confident proposals filled in, doubtful ones empty (to fill in), clusters
    without a proposal null (null leaves a cluster out)."""
    names = draft_names([{**data, "cluster": cluster} for cluster, data in clusters_by_size(report)])
    body = {"discovery_run_id": report.get("run_id"), "approved_by": "<your name>", "names": names}
    return json.dumps(body, indent=2, ensure_ascii=False)


def approve_view(report: Mapping[str, Any]) -> Approve:
    hint = report.get("approve_hint")
    clusters = clusters_by_size(report)
    doubtful = sum(1 for _, data in clusters if proposed_name(data) and is_doubtful(data))
    return Approve(
        doubtful=doubtful,
        doubtful_badge=Badge(f"{doubtful} doubtful", "warn"),
        doubtful_count=fmt_count(doubtful),
        clusters_count=fmt_count(len(clusters)),
        command=str(hint) if hint else "",
        command_missing=None if hint else Missing("the report has no approve command", "The local approve command"),
        run_id=str(report.get("run_id") or "<run id>"),
        template=approval_template(report),
    )


# ---------------------------------------------------------------------------------------------- k selection


@dataclass(frozen=True)
class KRow:
    k: str
    silhouette: str
    chosen: bool


@dataclass(frozen=True)
class KSelection:
    chosen: str  # "" when not recorded
    missing: Missing | None
    chart: Figure | None = None
    rows: tuple[KRow, ...] = ()


def k_scores(report: Mapping[str, Any]) -> list[tuple[int, float | None]]:
    """(k, silhouette) per k tried, by k."""
    scores = []
    for score in _records(_mapping(report.get("k_selection")).get("scores")):
        k = number(score.get("k"))
        if k is not None:
            scores.append((int(k), number(score.get("silhouette"))))
    return sorted(scores)


def k_selection_view(report: Mapping[str, Any]) -> KSelection:
    selection = _mapping(report.get("k_selection"))
    chosen = number(selection.get("chosen"))
    scores = k_scores(report)
    chosen_text = fmt_count(chosen) if chosen is not None else ""
    if not scores:
        return KSelection(chosen_text, Missing("the report has no silhouette scores"))
    chart = svg_charts.vertical_bars(
        [str(k) for k, _ in scores],
        [score for _, score in scores],
        title="Silhouette per k",
        value_format=lambda value: f"{value:.3f}",
        colors=[CHOSEN_K_COLOR if k == chosen else OTHER_K_COLOR for k, _ in scores],
        width=560,
        height=220,
    )
    sample = number(selection.get("sample"))
    on_sample = f" on a sample of {fmt_count(sample)} messages" if sample is not None else ""
    caption = (
        f"Silhouette per number of clusters k{on_sample}; the chosen k ({fmt_count(chosen)}) is highlighted. "
        "Negative silhouettes are drawn as 0."
    )
    rows = tuple(KRow(fmt_count(k), fmt_decimal(score, 3), k == chosen) for k, score in scores)
    return KSelection(chosen_text, None, Figure(chart, caption), rows)


# ---------------------------------------------------------------------------------------------- map


@dataclass(frozen=True)
class LegendItem:
    tag: ClusterTag
    name: str  # "" when none is proposed: the signature shows instead
    signature: str
    points: str


@dataclass(frozen=True)
class MessageMap:
    missing: Missing | None
    chart: Figure | None = None
    legend: tuple[LegendItem, ...] = ()
    note: str = ""


def map_points(report: Mapping[str, Any]) -> list[tuple[float, float, int]]:
    points = []
    for point in _records(_mapping(report.get("projection")).get("points")):
        x, y, cluster = number(point.get("x")), number(point.get("y")), number(point.get("cluster"))
        if x is not None and y is not None and cluster is not None:
            points.append((x, y, int(cluster)))
    return points


def legend_items(report: Mapping[str, Any], points: Sequence[tuple[float, float, int]]) -> tuple[LegendItem, ...]:
    counts: dict[int, int] = {}
    for _, _, cluster in points:
        counts[cluster] = counts.get(cluster, 0) + 1
    return tuple(
        LegendItem(tag(cluster), proposed_name(data), shown(data.get("signature")), fmt_count(counts.get(cluster, 0)))
        for cluster, data in clusters_by_size(report)
    )


def map_view(report: Mapping[str, Any]) -> MessageMap:
    projection = _mapping(report.get("projection"))
    points = map_points(report)
    if not points:
        return MessageMap(Missing("the report has no projection points"))
    names = {cluster: proposed_name(data) for cluster, data in clusters_by_size(report)}
    width, height = MAP_SIZE
    chart = svg_scatter.scatter(
        points, CLUSTER_COLORS, width=width, height=height, title="Messages on a 2-D map, by cluster", names=names
    )
    method = str(projection.get("method") or "unknown method").upper()
    caption = (
        f"{len(points):,} messages placed by {method}: close points have similar embeddings; the axes have no unit. "
        "Hover a point for its cluster."
    )
    note = projection.get("note")
    return MessageMap(None, Figure(chart, caption, "map"), legend_items(report, points), str(note) if note else "")


# ---------------------------------------------------------------------------------------------- clusters


@dataclass(frozen=True)
class TopCategory:
    name: str
    share: str
    other: bool  # the catch-all category, shown muted


@dataclass(frozen=True)
class ClusterRow:
    tag: ClusterTag
    name: str  # "" for none
    badge: Badge | None
    signature: str
    size: str
    share: str
    mix: Mix | None
    negative: str
    category: TopCategory | None


@dataclass(frozen=True)
class Clusters:
    missing: Missing | None
    count: str = ""
    sentiments: tuple[tuple[str, str], ...] = ()  # (sentiment, colour) of the legend
    rows: tuple[ClusterRow, ...] = ()


def _categories(cluster: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return sorted(
        _records(cluster.get("current_categories")), key=lambda category: -(number(category.get("share")) or 0)
    )


def top_category(cluster: Mapping[str, Any]) -> TopCategory | None:
    """The current category most of the cluster is assigned to, with its share."""
    categories = _categories(cluster)
    if not categories:
        return None
    name = str(categories[0].get("name") or NOT_SHOWN)
    return TopCategory(name, fmt_share(categories[0].get("share"), 0), name == OTHER_CATEGORY)


def clusters_view(report: Mapping[str, Any]) -> Clusters:
    clusters = clusters_by_size(report)
    if not clusters:
        return Clusters(Missing("the report lists no clusters"))
    clustered = number(_mapping(report.get("messages")).get("clustered"))
    rows = []
    for cluster, data in clusters:
        share = data.get("share")
        if number(share) is None and clustered and number(data.get("size")) is not None:
            share = (number(data.get("size")) or 0.0) / clustered
        rows.append(
            ClusterRow(
                tag=tag(cluster),
                name=proposed_name(data),
                badge=proposal_badge(data),
                signature=shown(data.get("signature")),
                size=fmt_count(data.get("size")),
                share=fmt_share(share),
                mix=sentiment_mix(data),
                negative=fmt_share(negative_share(data)),
                category=top_category(data),
            )
        )
    sentiments = tuple((key, SENTIMENT_COLORS[key]) for key in SENTIMENTS)
    return Clusters(None, f"{len(clusters):,}", sentiments, tuple(rows))


# ---------------------------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class SentimentItem:
    key: str
    color: str
    share: str
    count: str


@dataclass(frozen=True)
class Representative:
    message: Message | None
    distance: str
    message_id: str  # "" for none


@dataclass(frozen=True)
class ClusterCard:
    tag: ClusterTag
    name: str  # "" when none is proposed
    badge: Badge | None
    reason: str  # "" when none is recorded
    signature: str
    size: str
    share: str
    mean_distance: str
    distance_threshold: str
    terms: tuple[Bar, ...]
    terms_missing: Missing | None
    mix: Mix | None
    sentiment: tuple[SentimentItem, ...]
    sentiment_missing: Missing | None
    categories: tuple[Bar, ...]
    categories_missing: Missing | None
    representatives: tuple[Representative, ...]
    representatives_missing: Missing | None


def card_view(cluster: int, data: Mapping[str, Any]) -> ClusterCard:
    terms = [
        (str(term.get("term") or NOT_SHOWN), number(term.get("score")), fmt_decimal(term.get("score"), 2))
        for term in _records(data.get("top_terms"))
    ]
    counts = sentiment_counts(data)
    total = sum(count for _, count in counts)
    sentiment = tuple(
        SentimentItem(
            key, SENTIMENT_COLORS.get(key, OTHER_SENTIMENT_COLOR), fmt_share(count / total, 0), fmt_count(count)
        )
        for key, count in (counts if total else ())
    )
    categories = [
        (str(category.get("name") or NOT_SHOWN), number(category.get("share")), fmt_share(category.get("share"), 0))
        for category in _categories(data)
    ]
    representatives = tuple(
        Representative(
            message(item.get("text")),
            fmt_decimal(item.get("distance"), 3),
            str(item["message_id"]) if item.get("message_id") is not None else "",
        )
        for item in _records(data.get("representatives"))
    )
    no_representatives = Missing("no representative messages recorded", "Representative messages")
    reason = data.get("proposal_reason")
    return ClusterCard(
        tag=tag(cluster),
        name=proposed_name(data),
        badge=proposal_badge(data, True),
        reason=shown(reason) if reason else "",
        signature=shown(data.get("signature")),
        size=fmt_count(data.get("size")),
        share=fmt_share(data.get("share")),
        mean_distance=fmt_decimal(data.get("mean_distance"), 3),
        distance_threshold=fmt_decimal(data.get("distance_threshold"), 3),
        terms=bars(terms),
        terms_missing=None if terms else Missing("no terms recorded", "Top terms"),
        mix=sentiment_mix(data) if total else None,
        sentiment=sentiment,
        sentiment_missing=None if total else Missing("no sentiment recorded", "Sentiment"),
        categories=bars(categories),
        categories_missing=None if categories else Missing("no current category map", "Current categories"),
        representatives=representatives,
        representatives_missing=None if representatives else no_representatives,
    )


@dataclass(frozen=True)
class Details:
    missing: Missing | None
    cards: tuple[ClusterCard, ...] = ()


def details_view(report: Mapping[str, Any]) -> Details:
    clusters = clusters_by_size(report)
    if not clusters:
        return Details(Missing("the report lists no clusters"))
    return Details(None, tuple(card_view(cluster, data) for cluster, data in clusters))


# ---------------------------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class TopicReport:
    title: str
    sections: dict[str, SectionRef]
    header: TopicHeader
    messages: Messages
    approve: Approve
    k_selection: KSelection
    map: MessageMap
    clusters: Clusters
    details: Details


def topic_report_view(report: Mapping[str, Any]) -> TopicReport:
    """Everything the topic report shows, section by section."""
    report = _mapping(report)
    run_id = report.get("run_id")
    return TopicReport(
        title=f"Pulso topics {run_id}" if run_id not in (None, "") else "Pulso topics (unknown run)",
        sections=section_refs(SECTIONS),
        header=header_view(report),
        messages=messages_view(report),
        approve=approve_view(report),
        k_selection=k_selection_view(report),
        map=map_view(report),
        clusters=clusters_view(report),
        details=details_view(report),
    )
