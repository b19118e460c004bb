"""The topic discovery cluster report: one self-contained HTML page (inline CSS and SVG, no script, no external
reference) on which support analysts review the clusters a discovery run found and choose their names.

It renders the discovery job's `report.json` as is. Sections, each with an anchor: `#run` (header: window,
k and silhouette, embedding), `#messages` (how many messages were read and clustered), `#approve` (how to approve
names, locally and on AWS), `#k-selection` (silhouette per k), `#map` (the 2-D map with a legend), `#clusters`
(one row per cluster) and `#details` (one card per cluster, largest first: terms, sentiment, current categories
and representative messages). A doubtful proposal (`proposal_doubtful`, or no confidence recorded) is marked
wherever its name shows, and the approval object leaves its name empty for the analyst to fill. Any key may
be missing or null (older or partial reports): a value shows as an em dash and a part without data says
"Not available: <why>".

Message texts are untrusted user input: everything that comes from the report is HTML-escaped, and the page
carries the run report's Content-Security-Policy. The building blocks (formatting, tables, KPIs, style) are the
run report's. Standard library only and Python 3.9 compatible: it renders inside the Glue Python shell job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from glue_jobs.discover import svg_scatter
from glue_jobs.report import svg_charts
from glue_jobs.report.html import (
    CONTENT_SECURITY_POLICY,
    LABEL_COLORS,
    NOT_SHOWN,
    STYLE,
    _message_html,
    badge,
    cell,
    figure,
    fmt_count,
    fmt_decimal,
    fmt_share,
    kpi,
    not_available,
    num_cell,
    number,
    table,
    text,
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


def _name(cluster: Mapping[str, Any]) -> str:
    value = cluster.get("proposed_name")
    return str(value) if value is not None and str(value).strip() else ""


def proposal_badge(cluster: Mapping[str, Any], confident_too: bool = False) -> str:
    """`doubtful · 0.33` for a doubtful proposal; `confidence 0.81` for another when `confident_too`."""
    if not _name(cluster):
        return ""
    confidence = number(cluster.get("proposal_confidence"))
    shown = "" if confidence is None else f"{confidence:.2f}"
    if is_doubtful(cluster):
        return badge(f"doubtful · {shown}" if shown else "doubtful", "warn")
    return badge(f"confidence {shown}", "good") if confident_too and shown else ""


# ---------------------------------------------------------------------------------------------- HTML pieces


def section(section_id: str, body: str) -> str:
    """A numbered section with an anchor (the run report's `section`, for this page's sections)."""
    title = dict(SECTIONS)[section_id]
    position = [key for key, _ in SECTIONS].index(section_id) + 1
    return (
        f'<section id="{section_id}" aria-labelledby="{section_id}-title">'
        f'<h2 id="{section_id}-title"><a class="anchor" href="#{section_id}">{position}.</a> {escape(title)}</h2>'
        f"{body}</section>"
    )


def swatch(color: str) -> str:
    return f'<span class="swatch" style="background:{escape(color)}"></span>'


def cluster_tag(cluster: int) -> str:
    """The cluster's number on its colour, linked to its card."""
    return f'<a class="cluster-tag" href="#cluster-{cluster}" style="--cluster:{cluster_color(cluster)}">#{cluster}</a>'


def mix_bar(parts: Sequence[tuple[str, float, str]], cls: str = "mix") -> str:
    """A small 100 % stacked bar of (name, count, colour) parts, each with a hover title."""
    total = sum(count for _, count, _ in parts)
    if not total:
        return NOT_SHOWN
    segments = "".join(
        f'<span style="width:{100 * count / total:.2f}%;background:{escape(color)}" '
        f'title="{escape(name)}: {escape(fmt_count(count))} ({escape(fmt_share(count / total))})"></span>'
        for name, count, color in parts
        if count > 0
    )
    return f'<span class="{cls}" role="img" aria-label="{escape(_mix_words(parts))}">{segments}</span>'


def _mix_words(parts: Sequence[tuple[str, float, str]]) -> str:
    total = sum(count for _, count, _ in parts) or 1.0
    return ", ".join(f"{name} {fmt_share(count / total)}" for name, count, _ in parts)


def sentiment_mix(cluster: Mapping[str, Any], cls: str = "mix") -> str:
    """The cluster's sentiment as a small 100 % stacked bar in the run report's label colours."""
    parts = [(key, count, SENTIMENT_COLORS.get(key, "#8c8c8c")) for key, count in sentiment_counts(cluster)]
    return mix_bar(parts, cls)


def bar_list(rows: Sequence[tuple[str, float | None, str]], cls: str = "") -> str:
    """Labelled horizontal bars in HTML: (label, value, value text); bars scale to the largest value."""
    largest = max((value or 0.0 for _, value, _ in rows), default=0.0) or 1.0
    items = "".join(
        f'<li><span class="bar-label" title="{escape(label)}">{escape(label)}</span>'
        f'<span class="bar"><span style="width:{100 * max(value or 0.0, 0.0) / largest:.1f}%"></span></span>'
        f'<span class="bar-value">{escape(value_text)}</span></li>'
        for label, value, value_text in rows
    )
    return f'<ul class="bars {escape(cls)}">{items}</ul>'


# ---------------------------------------------------------------------------------------------- header


def _window(report: Mapping[str, Any]) -> str:
    window = _mapping(report.get("window"))
    if not window:
        return NOT_SHOWN
    days = number(window.get("days"))
    length = f" ({fmt_count(days)} days)" if days is not None else ""
    return f"{text(window.get('from_date'))} → {text(window.get('to_date'))}{escape(length)}"


def _embedding(report: Mapping[str, Any]) -> str:
    embedding = _mapping(report.get("embedding"))
    if not embedding:
        return NOT_SHOWN
    dimension = number(embedding.get("dimension"))
    parts = [f"<code>{text(embedding.get('kind'))}</code>"]
    if dimension is not None:
        parts.append(f"{escape(fmt_count(dimension))} dimensions")
    if embedding.get("source"):
        parts.append(text(embedding.get("source")))
    note = f'<div class="muted small">{text(embedding["note"])}</div>' if embedding.get("note") else ""
    return ", ".join(parts) + note


def _current_map(report: Mapping[str, Any]) -> str:
    current = _mapping(report.get("current_map"))
    if not current:
        return NOT_SHOWN
    if current.get("version") is None:
        return "none approved yet"
    names = [str(name) for name in current.get("categories") or () if name is not None]
    listing = f": {escape(', '.join(names))}" if names else ""
    return f"version {text(current.get('version'))}{listing}"


def k_badge(report: Mapping[str, Any]) -> str:
    chosen = number(_mapping(report.get("k_selection")).get("chosen"))
    silhouette = number(report.get("silhouette"))
    label = f"k = {fmt_count(chosen)} · silhouette {fmt_decimal(silhouette, 3)}"
    return badge(label, "neutral") if chosen is not None else badge("k not recorded", "warn")


def render_header(report: Mapping[str, Any]) -> str:
    created = report.get("created_at")
    coverage = _mapping(report.get("embedding")).get("coverage")
    facts = [
        ("Created (UTC)", text(created)),
        ("Window", _window(report)),
        ("Embedding", _embedding(report)),
        ("Embedding coverage", escape(fmt_share(coverage)) if number(coverage) is not None else NOT_SHOWN),
        ("Current category map", _current_map(report)),
    ]
    facts_html = "".join(f"<div><dt>{escape(name)}</dt><dd>{value}</dd></div>" for name, value in facts)
    nav = "".join(f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title in SECTIONS[1:])
    return (
        '<header id="run" class="run-header" aria-labelledby="run-title">'
        '<p class="eyebrow">Pulso · topic discovery · cluster report</p>'
        f'<h1 id="run-title"><span class="run-id">{text(report.get("run_id"))}</span> {k_badge(report)}</h1>'
        f'<dl class="facts">{facts_html}</dl><nav aria-label="Sections"><ol>{nav}</ol></nav></header>'
    )


# ---------------------------------------------------------------------------------------------- messages


def render_messages(report: Mapping[str, Any]) -> str:
    messages = _mapping(report.get("messages"))
    if not messages:
        return section("messages", not_available("the report has no message counts"))
    cards = []
    for key, title, base in MESSAGE_COUNTS:
        value, whole = number(messages.get(key)), number(messages.get(base)) if base else None
        note = f"{fmt_share(value / whole)} of {base}" if value is not None and whole else ""
        cards.append(kpi(title, fmt_count(value), note, key))
    sampled_out = number(messages.get("sampled_out"))
    sampled = (
        f'<p class="muted">{escape(fmt_count(sampled_out))} messages were left out by the sample limit.</p>'
        if sampled_out
        else ""
    )
    return section("messages", f'<div class="kpis">{"".join(cards)}</div>{sampled}')


# ---------------------------------------------------------------------------------------------- approve


def approval_template(report: Mapping[str, Any]) -> str:
    """The approval object's JSON: confident proposals filled in, doubtful ones empty (to fill in), clusters
    without a proposal null (null leaves a cluster out)."""
    names = draft_names([{**data, "cluster": cluster} for cluster, data in clusters_by_size(report)])
    body = {"discovery_run_id": report.get("run_id"), "approved_by": "<your name>", "names": names}
    return json.dumps(body, indent=2, ensure_ascii=False)


def render_approve(report: Mapping[str, Any]) -> str:
    hint = report.get("approve_hint")
    clusters = clusters_by_size(report)
    doubtful = sum(1 for _, data in clusters if _name(data) and is_doubtful(data))
    warning = (
        f"<p>{badge(f'{doubtful} doubtful', 'warn')} {escape(fmt_count(doubtful))} of "
        f"{escape(fmt_count(len(clusters)))} proposed names are doubtful: name those clusters yourself. The "
        "approval object leaves their names empty, and an empty name is rejected.</p>"
        if doubtful
        else ""
    )
    local = (
        "<p>Locally, approve the names you choose with <code>--name ID=NAME</code> (clusters you do not name are "
        'left out); this command names the first confident proposals:</p><pre class="command"><code>'
        f"{escape(str(hint))}</code></pre>"
        if hint
        else not_available("the report has no approve command", "The local approve command")
    )
    run_id = escape(str(report.get("run_id") or "<run id>"))
    aws = (
        "<p>On AWS, write an approval object to "
        f"<code>s3://&lt;models bucket&gt;/topic-approvals/{run_id}/&lt;any name&gt;.json</code> shaped "
        '<code>{"discovery_run_id", "approved_by", "names": {"&lt;cluster id or signature&gt;": '
        '"&lt;name, or null to leave it out&gt;"}}</code>.</p>'
        '<details class="data"><summary>An approval object with the confident proposals filled in</summary>'
        f'<pre class="command"><code>{escape(approval_template(report))}</code></pre></details>'
    )
    return section("approve", f'<div class="approve">{warning}{local}{aws}</div>')


# ---------------------------------------------------------------------------------------------- k selection


def k_scores(report: Mapping[str, Any]) -> list[tuple[int, float | None]]:
    """(k, silhouette) per k tried, by k."""
    scores = []
    for score in _records(_mapping(report.get("k_selection")).get("scores")):
        k = number(score.get("k"))
        if k is not None:
            scores.append((int(k), number(score.get("silhouette"))))
    return sorted(scores)


def render_k_selection(report: Mapping[str, Any]) -> str:
    selection = _mapping(report.get("k_selection"))
    chosen = number(selection.get("chosen"))
    scores = k_scores(report)
    if not scores:
        why = "the report has no silhouette scores"
        chosen_line = f"<p>Chosen k = <strong>{escape(fmt_count(chosen))}</strong>.</p>" if chosen is not None else ""
        return section("k-selection", chosen_line + not_available(why))
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
    rows = [
        f'<tr class="{"chosen" if k == chosen else ""}">'
        + num_cell(fmt_count(k), "k")
        + num_cell(fmt_decimal(score, 3), "silhouette")
        + cell(badge("chosen", "good") if k == chosen else "")
        + "</tr>"
        for k, score in scores
    ]
    listing = table(("k", "Silhouette", ""), rows, cls="k-scores compact", numeric=(0, 1))
    return section(
        "k-selection",
        f'<div class="charts k-charts">{figure(chart, caption)}'
        f'<details class="data"><summary>Silhouette per k</summary>{listing}</details></div>',
    )


# ---------------------------------------------------------------------------------------------- map


def map_points(report: Mapping[str, Any]) -> list[tuple[float, float, int]]:
    points = []
    for point in _records(_mapping(report.get("projection")).get("points")):
        x, y, cluster = number(point.get("x")), number(point.get("y")), number(point.get("cluster"))
        if x is not None and y is not None and cluster is not None:
            points.append((x, y, int(cluster)))
    return points


def render_legend(report: Mapping[str, Any], points: Sequence[tuple[float, float, int]]) -> str:
    counts: dict[int, int] = {}
    for _, _, cluster in points:
        counts[cluster] = counts.get(cluster, 0) + 1
    items = []
    for cluster, data in clusters_by_size(report):
        name = _name(data)
        name_html = escape(name) if name else f'<span class="muted">{text(data.get("signature"))}</span>'
        items.append(
            f'<li data-cluster="{cluster}">{swatch(cluster_color(cluster))}<a href="#cluster-{cluster}">#{cluster}</a> '
            f'<span class="legend-name">{name_html}</span>'
            f'<span class="muted small">{escape(fmt_count(counts.get(cluster, 0)))}</span></li>'
        )
    if not items:
        return ""
    head = '<li class="legend-head"><span></span><span>#</span><span>proposed name</span><span>points</span></li>'
    return f'<ul class="legend" aria-label="Clusters on the map">{head}{"".join(items)}</ul>'


def render_map(report: Mapping[str, Any]) -> str:
    projection = _mapping(report.get("projection"))
    points = map_points(report)
    if not points:
        return section("map", not_available("the report has no projection points"))
    names = {cluster: _name(data) for cluster, data in clusters_by_size(report)}
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
    note_html = f'<p class="alert alert-warn map-note">{escape(str(note))}</p>' if note else ""
    return section(
        "map",
        f'<div class="map-layout">{figure(chart, caption, "map")}{render_legend(report, points)}</div>{note_html}',
    )


# ---------------------------------------------------------------------------------------------- clusters


def top_category(cluster: Mapping[str, Any]) -> str:
    """The current category most of the cluster is assigned to, with its share."""
    categories = sorted(
        _records(cluster.get("current_categories")), key=lambda category: -(number(category.get("share")) or 0)
    )
    if not categories:
        return NOT_SHOWN
    best = categories[0]
    name = str(best.get("name") or NOT_SHOWN)
    share = escape(fmt_share(best.get("share"), 0))
    if name == OTHER_CATEGORY:
        return f'<span class="muted">{escape(name)}</span> ({share})'
    return f"{escape(name)} ({share})"


def render_clusters(report: Mapping[str, Any]) -> str:
    clusters = clusters_by_size(report)
    if not clusters:
        return section("clusters", not_available("the report lists no clusters"))
    clustered = number(_mapping(report.get("messages")).get("clustered"))
    rows = []
    for cluster, data in clusters:
        share = data.get("share")
        if number(share) is None and clustered and number(data.get("size")) is not None:
            share = (number(data.get("size")) or 0.0) / clustered
        name = _name(data)
        name_html = f'<a href="#cluster-{cluster}">{escape(name)}</a> {proposal_badge(data)}' if name else NOT_SHOWN
        rows.append(
            f'<tr data-cluster="{cluster}">'
            + cell(cluster_tag(cluster))
            + cell(name_html, "name")
            + cell(f"<code>{text(data.get('signature'))}</code>", "signature")
            + num_cell(fmt_count(data.get("size")), "size")
            + num_cell(fmt_share(share), "share")
            + cell(sentiment_mix(data))
            + num_cell(fmt_share(negative_share(data)), "negative")
            + cell(top_category(data), "category")
            + "</tr>"
        )
    legend = " ".join(f"{swatch(SENTIMENT_COLORS[key])}{escape(key)}" for key in SENTIMENTS)
    headers = ("Cluster", "Proposed name", "Signature", "Size", "Share", "Sentiment", "Negative", "Current category")
    return section(
        "clusters",
        f'<p class="lead">{len(clusters):,} clusters, largest first. Sentiment: {legend}.</p>'
        + table(headers, rows, cls="clusters", numeric=(3, 4, 6)),
    )


# ---------------------------------------------------------------------------------------------- cards


def _terms_html(cluster: Mapping[str, Any]) -> str:
    terms = _records(cluster.get("top_terms"))
    if not terms:
        return not_available("no terms recorded", "Top terms")
    rows = [(str(term.get("term") or NOT_SHOWN), number(term.get("score")), fmt_decimal(term.get("score"), 2))
            for term in terms]  # fmt: skip
    return bar_list(rows, "terms")


def _sentiment_html(cluster: Mapping[str, Any]) -> str:
    counts = sentiment_counts(cluster)
    total = sum(count for _, count in counts)
    if not total:
        return not_available("no sentiment recorded", "Sentiment")
    items = "".join(
        f"<li>{swatch(SENTIMENT_COLORS.get(key, '#8c8c8c'))}{escape(key)} "
        f"<strong>{escape(fmt_share(count / total, 0))}</strong> "
        f'<span class="muted">({escape(fmt_count(count))})</span></li>'
        for key, count in counts
    )
    return sentiment_mix(cluster, "mix wide") + f'<ul class="inline-list">{items}</ul>'


def _categories_html(cluster: Mapping[str, Any]) -> str:
    categories = sorted(
        _records(cluster.get("current_categories")), key=lambda category: -(number(category.get("share")) or 0)
    )
    if not categories:
        return not_available("no current category map", "Current categories")
    rows = [(str(category.get("name") or NOT_SHOWN), number(category.get("share")), fmt_share(category.get("share"), 0))
            for category in categories]  # fmt: skip
    return bar_list(rows, "categories")


def _representatives_html(cluster: Mapping[str, Any]) -> str:
    messages = _records(cluster.get("representatives"))
    if not messages:
        return not_available("no representative messages recorded", "Representative messages")
    items = "".join(
        f"<li>{_message_html(message.get('text'))}"
        f'<div class="message-id">distance {escape(fmt_decimal(message.get("distance"), 3))}'
        + (f" · id {escape(str(message['message_id']))}" if message.get("message_id") is not None else "")
        + "</div></li>"
        for message in messages
    )
    return f'<ol class="reps">{items}</ol>'


def render_card(cluster: int, data: Mapping[str, Any]) -> str:
    name = _name(data)
    title = escape(name) if name else '<span class="muted">no name proposed</span>'
    reason = data.get("proposal_reason")
    facts = (
        f"<code>{text(data.get('signature'))}</code> · {escape(fmt_count(data.get('size')))} messages "
        f"({escape(fmt_share(data.get('share')))}) · mean distance {escape(fmt_decimal(data.get('mean_distance'), 3))}"
        f" · distance threshold {escape(fmt_decimal(data.get('distance_threshold'), 3))}"
    )
    return (
        f'<article class="cluster-card" id="cluster-{cluster}" style="--cluster:{cluster_color(cluster)}">'
        f'<h3>{cluster_tag(cluster)} <span class="cluster-name">{title}</span> {proposal_badge(data, True)}</h3>'
        f'<p class="reason">{text(reason) if reason else "No reason recorded."}</p>'
        f'<p class="card-facts">{facts}</p>'
        f'<div class="card-grid"><div><h4>Top terms</h4>{_terms_html(data)}<h4>Sentiment</h4>{_sentiment_html(data)}'
        f"<h4>Current categories</h4>{_categories_html(data)}</div>"
        f"<div><h4>Representative messages</h4>{_representatives_html(data)}</div></div></article>"
    )


def render_details(report: Mapping[str, Any]) -> str:
    clusters = clusters_by_size(report)
    if not clusters:
        return section("details", not_available("the report lists no clusters"))
    return section("details", "".join(render_card(cluster, data) for cluster, data in clusters))


# ---------------------------------------------------------------------------------------------- document


TOPIC_STYLE = """
.page{max-width:1200px}
h1 .badge{text-transform:none}
.approve p{margin:0 0 6px}
pre.command{margin:4px 0 12px;padding:10px 12px;background:var(--zebra);border:1px solid var(--line);border-radius:6px;
white-space:pre-wrap;overflow-wrap:anywhere}
.k-charts{grid-template-columns:minmax(0,600px) minmax(200px,1fr)}
.map-layout{display:grid;grid-template-columns:minmax(0,740px) minmax(220px,1fr);gap:8px 24px;align-items:start}
.legend{list-style:none;margin:8px 0;padding:0;font-size:13px;max-height:520px;overflow-y:auto}
.legend li{display:grid;grid-template-columns:auto 36px minmax(0,1fr) auto;gap:4px;align-items:baseline;padding:2px 0}
.legend-name{overflow-wrap:anywhere}
.legend li.legend-head{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.03em}
.map-note{font-size:14px}
.cluster-tag{display:inline-block;min-width:36px;text-align:center;padding:0 6px;border-radius:999px;font-size:12px;
font-weight:700;color:#fff;background:var(--cluster);text-decoration:none;text-shadow:0 0 2px rgba(0,0,0,.45)}
table.clusters td{vertical-align:middle}
table.clusters td.signature{max-width:260px}
table.clusters td.name,table.clusters td.category{min-width:140px}
.mix{display:flex;width:120px;height:12px;border-radius:3px;overflow:hidden;background:var(--neutral-bg)}
.mix.wide{width:100%;max-width:320px;height:16px}
.mix span{display:block;height:100%}
.cluster-card{border:1px solid var(--line);border-left:6px solid var(--cluster);border-radius:8px;padding:12px 18px;
margin:0 0 16px}
.cluster-card h3{margin:0 0 4px;font-size:18px;display:flex;align-items:center;gap:10px}
.cluster-card h4{margin:12px 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.reason{margin:0 0 4px}
.card-facts{margin:0;color:var(--muted);font-size:13px}
.card-grid{display:grid;grid-template-columns:minmax(280px,400px) minmax(0,1fr);gap:0 32px}
.bars{list-style:none;margin:0;padding:0;font-size:13px;max-width:420px}
.bars li{display:grid;grid-template-columns:minmax(80px,140px) minmax(60px,1fr) 44px;gap:8px;align-items:center}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar{height:10px;background:var(--neutral-bg);border-radius:2px;overflow:hidden}
.bar span{display:block;height:100%;background:var(--accent)}
.bars.categories .bar span{background:#8172b2}
.bar-value{text-align:right;font-variant-numeric:tabular-nums;color:var(--muted)}
.inline-list{list-style:none;display:flex;flex-wrap:wrap;gap:2px 14px;margin:6px 0 0;padding:0;font-size:13px}
.reps{margin:0;padding-left:24px;font-size:14px}
.reps li{margin:0 0 8px;overflow-wrap:anywhere}
tr.chosen{font-weight:600}
@media (max-width:900px){.map-layout,.k-charts,.card-grid{grid-template-columns:minmax(0,1fr)}}
@media print{.cluster-card{break-inside:avoid}.legend{max-height:none}
.cluster-tag,.mix,.bar,.swatch{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
"""


def render_topic_report(report: Mapping[str, Any]) -> str:
    """The whole HTML5 document for one discovery run's `report.json`."""
    report = _mapping(report)
    run_id = report.get("run_id")
    title = f"Pulso topics {run_id}" if run_id not in (None, "") else "Pulso topics (unknown run)"
    body = "".join(
        (
            render_header(report),
            "<main>",
            render_messages(report),
            render_approve(report),
            render_k_selection(report),
            render_map(report),
            render_clusters(report),
            render_details(report),
            "</main>",
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CONTENT_SECURITY_POLICY)}">\n'
        '<meta name="generator" content="Pulso topic report">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{TOPIC_STYLE}</style>\n</head>\n<body>\n"
        f'<div class="page">{body}<footer>Generated by Pulso topic discovery. Self-contained page: no script, '
        "no external resources.</footer></div>\n</body>\n</html>\n"
    )
