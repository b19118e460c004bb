"""The run report (glue_jobs.report.html), its view model (glue_jobs.report.view) and its charts
(glue_jobs.report.svg_charts, drawn by the template macro of glue_jobs.report.templating.render_chart): one
self-contained, well-formed HTML page that shows the input's numbers, escapes every piece of user text and says why
a section is missing.

The page is parsed with `html.parser` into a small tree, so the tests look at elements and their text, not at
substrings of the markup; expected values are written from the inputs, never copied from the output. The view
model's tests call its pure functions without rendering.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import jinja2
import pytest

from glue_jobs.report import svg_charts
from glue_jobs.report.formatting import fmt_count, fmt_duration, fmt_metric, fmt_share, parse_timestamp, shorten
from glue_jobs.report.html import ReportData, render_report
from glue_jobs.report.templating import environment, render, render_chart
from glue_jobs.report.view import Missing, accounting_check, run_report_view

SECTION_IDS = ["run", "summary", "quarantine", "evaluation", "sentiment", "support-queue", "drift"]
BLOCKS = {"div", "p", "li", "ul", "ol", "details", "summary", "dl", "dt", "dd", "figure", "figcaption"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HOSTILE = "<script>alert(1)</script> \"double\" 'single' & <img src=x onerror=alert(2)>"


# ---------------------------------------------------------------------------------------------- a tiny DOM


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The text as a browser lays it out: block elements on their own line."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            else:
                parts.append(f"\n{child.text()}\n" if child.tag in BLOCKS else child.text())
        return "".join(parts)

    def words(self) -> str:
        """The text with whitespace collapsed."""
        return " ".join(self.text().split())

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'} class={cls} {attrs}> in <{self.tag} id={self.attrs.get('id')}>"
        return found[0]

    def rows(self) -> list[list[str]]:
        """The body rows of the first table below this node, as the words of their cells."""
        body = self.find("tbody")
        return [[cell.words() for cell in row.children if isinstance(cell, Node)] for row in body.find_all("tr")]


class TreeBuilder(HTMLParser):
    """Builds the tree and fails on what a browser would silently repair: unclosed or mismatched tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.problems: list[str] = []
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        if len(node.attrs) != len(attrs):
            self.problems.append(f"duplicate attribute in <{tag}>")
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.problems.append(f"</{tag}> closes <{self.current.tag}>")
            return
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(document: str) -> Node:
    builder = TreeBuilder()
    builder.feed(document)
    builder.close()
    assert builder.problems == []
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    assert builder.declarations == ["DOCTYPE html"]
    return builder.root


def section(root: Node, section_id: str) -> Node:
    return root.find(id=section_id)


# ---------------------------------------------------------------------------------------------- inputs


def full_data(**changes: Any) -> ReportData:
    """A train-and-predict run with every section's data; numbers chosen to be recognisable."""
    run = {
        "run_id": "run-42",
        "mode": "train_and_predict",
        "profile": "tweets",
        "input": "s3://raw/incoming/batch-7/",
        "status": "SUCCEEDED",
        "started_at": "2026-11-20 10:00:00.000",
        "finished_at": "2026-11-20 11:02:03.500",
        "rows_read": 12345,
        "curated": 11000,
        "quarantined": 1111,
        "duplicates": 234,
        "labelled": 6789,
        "model_version": "pulso-dev-sentiment/3",
        "candidate_macro_recall": 0.9201,
        "champion_macro_recall": 0.9012,
        "gate_decision": "approved",
        "gate_reason": "candidate beats champion by 0.0189",
        "predictions": 10987,
        "drift_status": "ok",
        "drift_warnings": None,
    }
    test_metrics = {
        "macro_recall": 0.9201,
        "macro_f1": 0.9065,
        "accuracy": 0.9062,
        "examples": 1377,
        "per_class": {
            "negative": {"precision": 0.963, "recall": 0.8525, "f1": 0.9043, "support": 1301},
            "neutral": {"precision": 0.8537, "recall": 0.9722, "f1": 0.9091, "support": 36},
            "positive": {"precision": 0.8788, "recall": 0.9355, "f1": 0.9062, "support": 40},
        },
        "labels": ["negative", "neutral", "positive"],
        "confusion_matrix": [[1234, 52, 15], [1, 35, 0], [2, 1, 37]],
    }
    evaluation = {
        "model_id": "run-42-train-0",
        "primary_metric": "macro_recall",
        "metrics": {"validation": {**test_metrics, "macro_recall": 0.8888, "examples": 162}, "test": test_metrics},
        "embedding": {"source": "glove-twitter-100d", "dimension": 100, "vocabulary_size": 50826,
                      "out_of_vocabulary": {"train": 0.0, "validation": 0.0176, "test": 0.0212}},
        "data": {"train": 1200, "validation": 162, "test": 1377},
        "training": {"seconds": 6.4, "epochs_run": 3, "stopped_early": True,
                     "history": [{"epoch": 1, "val_macro_recall": 0.59}, {"epoch": 2, "val_macro_recall": 0.81},
                                 {"epoch": 3, "val_macro_recall": 0.8888}]},
    }  # fmt: skip
    data = ReportData(
        run=run,
        accounting={
            "totals": {"read": 12345, "curated": 11000, "quarantined": 1111, "duplicates": 234, "labelled": 6789},
            "objects": [
                {
                    "uri": "s3://raw/incoming/batch-7/a.csv",
                    "read": 10000,
                    "curated": 9000,
                    "quarantined": 800,
                    "duplicates": 200,
                    "error": None,
                },
                {
                    "uri": "s3://raw/incoming/batch-7/b.jsonl",
                    "read": 2345,
                    "curated": 2000,
                    "quarantined": 311,
                    "duplicates": 34,
                    "error": None,
                },
            ],
        },
        quarantine_reasons=[
            {"reason": "bad_label", "count": 111, "example": "label 'x' is not one of negative, neutral, positive"},
            {"reason": "missing_text", "count": 1000, "example": "text is blank"},
        ],
        evaluation=evaluation,
        sentiment_by_day=[
            {"day": "2026-11-19", "negative": 3, "neutral": 5, "positive": 2},
            {"day": "2026-11-20", "negative": 4000, "neutral": 3000, "positive": 1000},
            {"day": None, "negative": 7, "neutral": 0, "positive": 1},
        ],
        sentiment_by_source=[
            {"source": "tweets", "negative": 600, "neutral": 300, "positive": 100},
            {"source": "reviews", "negative": 0, "neutral": 0, "positive": 0},
        ],
        support_queue=[
            {
                "priority": 0.97,
                "label_name": "negative",
                "confidence": 0.91,
                "created_at": "2026-11-20 09:15:00.000",
                "author_id": "alice",
                "source": "tweets",
                "text": "my order is late again",
                "message_id": "m-1",
            },
            {
                "priority": 0.5,
                "label_name": "neutral",
                "confidence": 0.6,
                "created_at": None,
                "author_id": None,
                "source": "reviews",
                "text": "ok I guess",
                "message_id": "m-2",
            },
        ],
        drift={
            "status": "warning",
            "model_version": "pulso-dev-sentiment/3",
            "checks": [
                {
                    "name": "label_mix",
                    "description": "total variation distance",
                    "value": 0.21,
                    "threshold": 0.15,
                    "breached": True,
                },
                {
                    "name": "mean_tokens",
                    "description": "relative change",
                    "value": 0.02,
                    "threshold": 0.25,
                    "breached": False,
                },
            ],
            "current": {
                "messages": 10987,
                "label_mix": {"negative": 0.5, "neutral": 0.3, "positive": 0.2},
                "mean_tokens": 14.2,
                "oov_rate": 0.14,
                "language_mix": {"en": 0.9, "es": 0.1},
            },
            "reference": {
                "messages": 45000,
                "label_mix": {"negative": 0.33, "neutral": 0.45, "positive": 0.22},
                "mean_tokens": 15.1,
                "oov_rate": 0.02,
                "language_mix": {"en": 1.0},
            },
        },
        generated_at="2026-11-20 11:05:00",
    )
    return replace(data, **changes)


def with_run(data: ReportData, **run: Any) -> ReportData:
    return replace(data, run={**data.run, **run})


@pytest.fixture(scope="module")
def full() -> Node:
    return parse(render_report(full_data()))


# ---------------------------------------------------------------------------------------------- the document


def test_the_document_is_html5_with_charset_and_title() -> None:
    document = render_report(full_data())
    root = parse(document)
    assert document.startswith("<!DOCTYPE html>")
    assert root.find("html").attrs.get("lang") == "en"
    assert root.find("meta", charset="utf-8")
    assert root.find("title").text() == "Pulso run run-42"


def test_the_document_is_self_contained() -> None:
    document = render_report(full_data())
    root = parse(document)
    lowered = document.lower()
    for forbidden in ("http://", "https://", "<script", "src=", "url(", "@import", "<link", "<iframe", "<object"):
        assert forbidden not in lowered, forbidden
    assert root.find_all("script") == []
    assert root.find_all("img") == []
    hrefs = [node.attrs["href"] for node in root.iter() if "href" in node.attrs]
    assert hrefs
    assert all(href and href.startswith("#") for href in hrefs)
    policy = root.find("meta", http_equiv="Content-Security-Policy").attrs["content"] or ""
    assert "default-src 'none'" in policy


def test_ids_are_unique_and_every_anchor_has_a_target(full: Node) -> None:
    ids = [node.attrs["id"] for node in full.iter() if "id" in node.attrs]
    assert len(ids) == len(set(ids))
    for node in full.iter():
        href = node.attrs.get("href")
        if href:
            assert href[1:] in ids, href


def test_sections_come_in_order_each_with_a_heading(full: Node) -> None:
    found = [node.attrs["id"] for node in full.iter() if node.tag in ("header", "section") and "id" in node.attrs]
    assert found == SECTION_IDS
    assert section(full, "run").find("h1").words().startswith("run-42")
    for section_id in SECTION_IDS[1:]:
        heading = section(full, section_id).find("h2")
        assert heading.find("a").attrs["href"] == f"#{section_id}"
    assert [link.attrs["href"] for link in full.find("nav").find_all("a")] == [f"#{s}" for s in SECTION_IDS[1:]]


def test_an_empty_run_row_still_renders_every_section() -> None:
    root = parse(render_report(ReportData(run={})))
    assert root.find("title").text() == "Pulso run (unknown id)"
    found = [node.attrs["id"] for node in root.iter() if node.tag in ("header", "section") and "id" in node.attrs]
    assert found == SECTION_IDS


# ---------------------------------------------------------------------------------------------- 1. header


def test_the_header_shows_the_run(full: Node) -> None:
    header = section(full, "run")
    facts = {dt.words(): dt.parent.find("dd").words() for dt in header.find_all("dt") if dt.parent}
    assert facts["Mode"] == "train_and_predict"
    assert facts["Profile"] == "tweets"
    assert facts["Input"] == "s3://raw/incoming/batch-7/"
    assert facts["Started (UTC)"] == "2026-11-20 10:00:00.000"
    assert facts["Finished (UTC)"] == "2026-11-20 11:02:03.500"
    assert facts["Duration"] == "1 h 02 min 04 s"  # 1:02:03.5 rounds to 04 s
    assert facts["Report generated (UTC)"] == "2026-11-20 11:05:00"
    badge = header.find("h1").find(cls="badge")
    assert badge.words() == "succeeded"
    assert "badge-good" in badge.classes
    assert header.find_all(role="alert") == []


def test_a_failed_run_shows_its_cause_prominently() -> None:
    cause = "States.TaskFailed: Glue job pulso-etl failed: InputError: no input under s3://raw/x/"
    root = parse(render_report(with_run(full_data(failure=cause), status="FAILED")))
    header = section(root, "run")
    badge = header.find("h1").find(cls="badge")
    assert badge.words() == "failed"
    assert "badge-bad" in badge.classes
    alert = header.find(cls="alert-bad")
    assert alert.attrs["role"] == "alert"
    assert alert.find(cls="cause").text() == cause


def test_a_failed_run_without_a_recorded_cause_says_so() -> None:
    root = parse(render_report(with_run(full_data(), status="FAILED")))
    assert "not recorded" in section(root, "run").find(cls="alert-bad").words()


def test_a_drift_warning_shows_a_banner_listing_the_warnings() -> None:
    data = with_run(full_data(), drift_status="warning", drift_warnings="label_mix 0.21 > 0.15; oov_rate 0.12 > 0.05")
    banner = section(parse(render_report(data)), "run").find(cls="alert-warn")
    assert [item.words() for item in banner.find_all("li")] == ["label_mix 0.21 > 0.15", "oov_rate 0.12 > 0.05"]
    assert banner.find("a").attrs["href"] == "#drift"


def test_without_a_drift_warning_there_is_no_banner(full: Node) -> None:
    assert section(full, "run").find_all(cls="alert-warn") == []


# ---------------------------------------------------------------------------------------------- 2. summary


def kpis(root: Node, section_id: str) -> dict[str, str]:
    return {
        node.attrs["data-key"] or "": node.find(cls="kpi-value").words()
        for node in section(root, section_id).find_all(cls="kpi")
    }


def test_the_summary_shows_the_accounting_figures(full: Node) -> None:
    assert kpis(full, "summary") == {
        "read": "12,345",
        "curated": "11,000",
        "quarantined": "1,111",
        "duplicates": "234",
        "labelled": "6,789",
        "predictions": "10,987",
    }
    check = section(full, "summary").find(data_key="accounting-check")
    assert check.find(cls="badge").words() == "holds"
    assert "11,000 + 1,111 + 234 = 12,345" in check.words()


def test_the_accounting_check_does_not_hold_when_the_numbers_do_not_add_up() -> None:
    data = with_run(full_data(accounting=None), rows_read=100, curated=90, quarantined=5, duplicates=3)
    check = section(parse(render_report(data)), "summary").find(data_key="accounting-check")
    assert check.find(cls="badge").words() == "does not hold"
    assert "badge-bad" in check.find(cls="badge").classes
    assert "90 + 5 + 3 = 98" in check.words()
    assert "difference of 2" in check.words()


def test_the_accounting_check_cannot_be_made_without_the_counts() -> None:
    data = with_run(full_data(accounting=None), duplicates=None)
    check = section(parse(render_report(data)), "summary").find(data_key="accounting-check")
    assert check.find(cls="badge").words() == "unknown"
    assert "duplicates not recorded" in check.words()


def test_counts_fall_back_to_the_manifest_and_accept_numeric_strings() -> None:
    data = with_run(full_data(), rows_read=None, curated="11000", labelled=None, predictions="10987.0")
    assert kpis(parse(render_report(data)), "summary") == {
        "read": "12,345",  # from the manifest's totals
        "curated": "11,000",
        "quarantined": "1,111",
        "duplicates": "234",
        "labelled": "6,789",
        "predictions": "10,987",
    }


def test_the_per_object_table_checks_every_object() -> None:
    accounting = {
        "totals": {"read": 15, "curated": 9, "quarantined": 3, "duplicates": 2},
        "objects": [
            {"uri": "s3://raw/in/good.csv", "read": 10, "curated": 7, "quarantined": 2, "duplicates": 1, "error": None},
            {"uri": "s3://raw/in/bad.csv.gz", "read": 5, "curated": 2, "quarantined": 1, "duplicates": 1,
             "error": "unreadable_object: Not a gzipped file"},
        ],
    }  # fmt: skip
    data = with_run(full_data(accounting=accounting), rows_read=15, curated=9, quarantined=3, duplicates=2)
    rows = section(parse(render_report(data)), "summary").find(cls="objects").rows()
    assert rows == [
        ["good.csv s3://raw/in/", "10", "7", "2", "1", "holds", "—"],
        ["bad.csv.gz s3://raw/in/", "5", "2", "1", "1", "does not hold", "unreadable_object: Not a gzipped file"],
    ]


def test_manifest_objects_named_object_are_shown_too() -> None:
    accounting = {"objects": [{"object": "data/in.csv", "read": 1, "curated": 1, "quarantined": 0, "duplicates": 0}]}
    rows = section(parse(render_report(full_data(accounting=accounting))), "summary").find(cls="objects").rows()
    assert rows[0][0] == "in.csv data/"


def test_without_a_manifest_the_per_object_table_says_why() -> None:
    data = full_data(accounting=None, missing={"accounting": "the ETL manifest could not be read"})
    summary = section(parse(render_report(data)), "summary")
    assert summary.find(cls="na").words() == "Per-object accounting not available: the ETL manifest could not be read"


# ---------------------------------------------------------------------------------------------- 3. quarantine


def test_the_quarantine_table_shows_counts_and_shares_largest_first(full: Node) -> None:
    quarantine = section(full, "quarantine")
    rows = quarantine.find(cls="reasons").rows()
    assert [row[:3] for row in rows] == [
        ["missing_text", "1,000", "90.0%"],  # 1000 / 1111
        ["bad_label", "111", "10.0%"],
        ["Total", "1,111", "100.0%"],
    ]
    assert rows[1][3] == "label 'x' is not one of negative, neutral, positive"
    bars = quarantine.find("svg").find_all("g", cls="bar")
    assert [bar.find("title").text() for bar in bars] == ["missing_text: 1,000", "bad_label: 111"]


def test_reasons_that_do_not_add_up_to_the_quarantined_rows_are_flagged() -> None:
    data = with_run(full_data(), quarantined=1200)
    assert "The reasons add up to 1,111 rows, but the run quarantined 1,200" in (
        section(parse(render_report(data)), "quarantine").words()
    )


def test_quarantine_reasons_fall_back_to_the_manifest_counts() -> None:
    accounting = {"totals": {"quarantined": 5, "quarantine_reasons": {"bad_id": 2, "bad_split": 3, "bad_label": 0}}}
    data = with_run(full_data(accounting=accounting, quarantine_reasons=()), quarantined=5)
    rows = section(parse(render_report(data)), "quarantine").find(cls="reasons").rows()
    assert [row[:3] for row in rows] == [
        ["bad_split", "3", "60.0%"],
        ["bad_id", "2", "40.0%"],
        ["Total", "5", "100.0%"],
    ]


def test_a_run_without_quarantined_rows_says_so() -> None:
    data = with_run(full_data(accounting=None, quarantine_reasons=()), quarantined=0)
    assert section(parse(render_report(data)), "quarantine").find(cls="empty").words() == "No row was quarantined."


# ---------------------------------------------------------------------------------------------- 4. evaluation


def test_the_evaluation_shows_candidate_champion_and_gate(full: Node) -> None:
    assert kpis(full, "evaluation") == {
        "candidate_macro_recall": "0.9201",
        "champion_macro_recall": "0.9012",
        "delta": "+0.0189",
        "macro_f1": "0.9065",
        "accuracy": "0.9062",
        "examples": "1,377",
    }
    gate = section(full, "evaluation").find(data_key="gate")
    assert "gate-good" in gate.classes
    assert gate.find(cls="badge").words() == "approved"
    assert gate.find(cls="gate-reason").words() == "candidate beats champion by 0.0189"
    rows = section(full, "evaluation").find(cls="metrics").rows()
    assert rows[0] == ["Macro-recall", "0.8888", "0.9201"]


@pytest.mark.parametrize(("decision", "cls"), [("rejected", "gate-bad"), ("skipped", "gate-neutral")])
def test_the_gate_is_coloured_by_its_decision(decision: str, cls: str) -> None:
    root = parse(render_report(with_run(full_data(), gate_decision=decision)))
    gate = section(root, "evaluation").find(data_key="gate")
    assert cls in gate.classes
    assert gate.find(cls="badge").words() == decision


def test_the_confusion_matrix_shows_every_count_in_its_cell(full: Node) -> None:
    heatmap = section(full, "evaluation").find("svg", cls="chart-heatmap")
    matrix = full_data().evaluation["metrics"]["test"]["confusion_matrix"]  # type: ignore[index]
    cells = {
        (int(node.attrs["data-row"] or 0), int(node.attrs["data-col"] or 0)): node
        for node in heatmap.find_all("g", cls="cell")
    }
    assert len(cells) == 9
    for row, counts in enumerate(matrix):
        for col, count in enumerate(counts):
            assert cells[row, col].find("text").text() == f"{count:,}"
    labels = [node.text() for node in heatmap.find_all("text", cls="label")]
    assert labels == ["negative", "neutral", "positive"] * 2  # columns, then rows
    assert {node.text() for node in heatmap.find_all("text", cls="axis-title")} == {"true label", "predicted label"}
    assert "true label negative, predicted label neutral: 52" in cells[0, 1].find("title").text()


def test_the_per_class_table_and_recall_bars(full: Node) -> None:
    evaluation = section(full, "evaluation")
    assert evaluation.find(cls="per-class").rows() == [
        ["negative", "0.9630", "0.8525", "0.9043", "1,301"],
        ["neutral", "0.8537", "0.9722", "0.9091", "36"],
        ["positive", "0.8788", "0.9355", "0.9062", "40"],
    ]
    recall_chart = evaluation.find("svg", cls="chart-hbars")
    assert [node.text() for node in recall_chart.find_all("text", cls="value")] == ["0.8525", "0.9722", "0.9355"]


def test_the_learning_curve_has_one_point_per_epoch(full: Node) -> None:
    curve = section(full, "evaluation").find("svg", cls="chart-line")
    assert [point.find("title").text() for point in curve.find_all("circle")] == [
        "epoch 1: 0.5900",
        "epoch 2: 0.8100",
        "epoch 3: 0.8888",
    ]


def test_without_history_there_is_no_learning_curve() -> None:
    evaluation = dict(full_data().evaluation or {})
    evaluation["training"] = {"seconds": 1.0, "epochs_run": 1}
    root = parse(render_report(full_data(evaluation=evaluation)))
    assert section(root, "evaluation").find_all("svg", cls="chart-line") == []


def test_a_malformed_confusion_matrix_is_reported_not_drawn() -> None:
    evaluation = dict(full_data().evaluation or {})
    evaluation["metrics"] = {"test": {"macro_recall": 0.5, "confusion_matrix": [[1, 2], [3]]}}
    evaluation_section = section(parse(render_report(full_data(evaluation=evaluation))), "evaluation")
    assert evaluation_section.find_all("svg", cls="chart-heatmap") == []
    assert "confusion matrix is missing" in evaluation_section.find(cls="na").words()


def test_a_predict_run_shows_why_there_is_no_evaluation() -> None:
    data = with_run(
        full_data(evaluation=None, missing={"evaluation": "predict mode: no candidate trained"}),
        mode="predict",
        gate_decision="skipped",
        candidate_macro_recall=None,
    )
    evaluation = section(parse(render_report(data)), "evaluation")
    assert evaluation.find(cls="na").words() == "Not available: predict mode: no candidate trained"
    assert evaluation.find(data_key="gate").find(cls="badge").words() == "skipped"


# ---------------------------------------------------------------------------------------------- 5. sentiment


def test_sentiment_per_day_stacks_the_labels_and_names_unknown_dates(full: Node) -> None:
    sentiment = section(full, "sentiment")
    chart = sentiment.find("svg", cls="chart-stacked")
    assert [node.text() for node in chart.find_all("text", cls="label")] == ["2026-11-19", "2026-11-20", "unknown date"]
    tooltips = [node.text() for node in chart.find_all("title")[1:]]
    assert "2026-11-20, negative: 4,000 (50.0%)" in tooltips
    assert "unknown date, positive: 1 (12.5%)" in tooltips
    assert sentiment.find(cls="per-day").rows() == [
        ["2026-11-19", "3", "5", "2", "10"],
        ["2026-11-20", "4,000", "3,000", "1,000", "8,000"],
        ["unknown date", "7", "0", "1", "8"],
    ]
    assert sentiment.find(cls="lead").words().startswith("8,018 predicted messages: negative 4,010 (50.0%)")


def test_sentiment_per_source_shows_counts_and_shares(full: Node) -> None:
    rows = section(full, "sentiment").find(cls="per-source").rows()
    assert rows == [
        ["tweets", "600 (60.0%)", "300 (30.0%)", "100 (10.0%)", "1,000"],
        ["reviews", "0 (—)", "0 (—)", "0 (—)", "0"],  # no division by zero
    ]


def test_missing_sentiment_says_why() -> None:
    data = full_data(
        sentiment_by_day=(), sentiment_by_source=(), missing={"sentiment": "the predictions table is empty"}
    )
    notes = [node.words() for node in section(parse(render_report(data)), "sentiment").find_all(cls="na")]
    assert notes == ["Not available: the predictions table is empty"] * 2


# ---------------------------------------------------------------------------------------------- 6. support queue


def test_the_support_queue_lists_the_messages_in_order(full: Node) -> None:
    rows = section(full, "support-queue").find(cls="queue").rows()
    assert rows == [
        ["1", "0.9700", "negative", "91.0%", "2026-11-20 09:15", "alice", "tweets", "my order is late again id m-1"],
        ["2", "0.5000", "neutral", "60.0%", "—", "—", "reviews", "ok I guess id m-2"],
    ]


def test_a_long_message_is_truncated_with_the_full_text_available() -> None:
    long_text = "The parcel never came. " * 30 + "END"
    queue = [{"priority": 0.9, "label_name": "negative", "confidence": 0.8, "text": long_text}]
    queue_section = section(parse(render_report(full_data(support_queue=queue))), "support-queue")
    details = queue_section.find("details", cls="message")
    summary = details.find("summary").text()
    assert summary.endswith("…")
    assert len(summary) <= 141
    assert "END" not in summary
    assert details.attrs["title"] == long_text
    assert details.find(cls="full-text").text() == long_text
    assert queue_section.find(cls="print-only").text() == long_text


def test_an_empty_support_queue_says_why() -> None:
    data = full_data(support_queue=(), missing={"support_queue": "no negative messages today"})
    assert section(parse(render_report(data)), "support-queue").find(cls="na").words() == (
        "Not available: no negative messages today"
    )


# ---------------------------------------------------------------------------------------------- 7. drift


def test_drift_compares_current_and_reference(full: Node) -> None:
    rows = section(full, "drift").find(cls="drift-compare").rows()
    assert rows == [
        ["Messages", "10,987", "45,000", "—"],
        ["Mean tokens per message", "14.20", "15.10", "-0.90"],
        ["Out-of-vocabulary rate", "14.00%", "2.00%", "+12.0 pp"],
        ["Label: negative", "50.0%", "33.0%", "+17.0 pp"],
        ["Label: neutral", "30.0%", "45.0%", "-15.0 pp"],
        ["Label: positive", "20.0%", "22.0%", "-2.0 pp"],
        ["Language: en", "90.0%", "100.0%", "-10.0 pp"],
        ["Language: es", "10.0%", "0.0%", "+10.0 pp"],  # absent from the reference mix: 0
    ]


def test_breached_drift_checks_are_highlighted(full: Node) -> None:
    checks = section(full, "drift").find(cls="checks")
    assert checks.rows() == [
        ["label_mix", "total variation distance", "0.2100", "0.1500", "breached"],
        ["mean_tokens", "relative change", "0.0200", "0.2500", "ok"],
    ]
    body_rows = checks.find("tbody").find_all("tr")
    assert ["row-bad" in row.classes for row in body_rows] == [True, False]


def test_missing_predictions_explain_the_sentiment_and_the_queue() -> None:
    data = full_data(sentiment_by_day=(), sentiment_by_source=(), support_queue=(),
                     missing={"predictions": "the run published no predictions"})  # fmt: skip
    root = parse(render_report(data))
    notes = [
        node.words() for node_id in ("sentiment", "support-queue") for node in section(root, node_id).find_all(cls="na")
    ]
    assert notes == ["Not available: the run published no predictions"] * 3


def test_a_run_missing_from_the_runs_table_says_so() -> None:
    data = ReportData(run={"run_id": "r-9"}, missing={"run": "the run was not recorded in the runs table"})
    header = section(parse(render_report(data)), "run")
    assert header.find(cls="na").words() == "Run record not available: the run was not recorded in the runs table"


def test_numpy_numbers_from_pandas_rows_are_numbers() -> None:
    numpy = pytest.importorskip("numpy")
    data = with_run(full_data(accounting=None), rows_read=numpy.int64(12345), curated=numpy.int32(11000))
    assert kpis(parse(render_report(data)), "summary")["read"] == "12,345"
    assert kpis(parse(render_report(data)), "summary")["curated"] == "11,000"


def test_the_footer_names_utc_once() -> None:
    footer = parse(render_report(full_data(generated_at="2026-11-20 11:05:00 UTC"))).find("footer").words()
    assert "2026-11-20 11:05:00 UTC." in footer


def test_without_a_drift_check_the_section_says_why() -> None:
    data = full_data(drift=None)
    assert section(parse(render_report(data)), "drift").find(cls="na").words() == (
        "Not available: no drift check ran for this run"
    )


# ---------------------------------------------------------------------------------------------- missing data


@pytest.mark.parametrize(
    ("section_id", "key"),
    [
        ("quarantine", "quarantine"),
        ("evaluation", "evaluation"),
        ("sentiment", "sentiment_by_day"),
        ("support-queue", "support_queue"),
        ("drift", "drift"),
    ],
)
def test_every_missing_section_shows_its_reason(section_id: str, key: str) -> None:
    reason = f"the {key} <data> & 'co' were lost"
    data = ReportData(run={"run_id": "r", "quarantined": 3}, missing={key: reason})
    root = parse(render_report(data))
    assert f"Not available: {reason}" in [node.words() for node in section(root, section_id).find_all(cls="na")]


# ---------------------------------------------------------------------------------------------- hostile text


def hostile_data() -> ReportData:
    data = full_data(
        failure=HOSTILE,
        accounting={"objects": [{"uri": f"s3://raw/{HOSTILE}.csv", "read": 1, "curated": 1, "quarantined": 0,
                                 "duplicates": 0, "error": HOSTILE}]},
        quarantine_reasons=[{"reason": HOSTILE, "count": 3, "example": HOSTILE}],
        sentiment_by_day=[{"day": HOSTILE, "negative": 1, "neutral": 2, "positive": 3}],
        sentiment_by_source=[{"source": HOSTILE, "negative": 1, "neutral": 2, "positive": 3}],
        support_queue=[{"priority": 1, "label_name": HOSTILE, "confidence": 1, "created_at": HOSTILE,
                        "author_id": HOSTILE, "source": HOSTILE, "text": HOSTILE, "message_id": HOSTILE}],
        generated_at=HOSTILE,
    )  # fmt: skip
    evaluation = dict(data.evaluation or {})
    evaluation["model_id"] = HOSTILE
    drift = dict(data.drift or {})
    drift["checks"] = [{"name": HOSTILE, "description": HOSTILE, "value": 1, "threshold": 0, "breached": True}]
    drift["current"] = {"language_mix": {HOSTILE: 1.0}}
    return with_run(
        replace(data, evaluation=evaluation, drift=drift),
        run_id=HOSTILE, input=HOSTILE, profile=HOSTILE, mode=HOSTILE, status="FAILED", gate_decision=HOSTILE,
        gate_reason=HOSTILE, drift_status="warning", drift_warnings=HOSTILE, model_version=HOSTILE,
    )  # fmt: skip


def test_hostile_text_is_escaped_everywhere() -> None:
    document = render_report(hostile_data())
    root = parse(document)
    assert "<script" not in document.lower()
    assert "<img" not in document.lower()
    assert root.find_all("script") == []
    assert root.find_all("img") == []
    assert not [node for node in root.iter() if any(name.startswith("on") for name in node.attrs)]
    # Every place shows the text as text: parsed back, it is the original string.
    assert root.find("title").text() == f"Pulso run {HOSTILE}"
    assert section(root, "run").find(cls="run-id").text() == HOSTILE
    assert section(root, "run").find(cls="cause").text() == HOSTILE
    queue_row = section(root, "support-queue").find(cls="queue").find("tbody").find("tr")
    assert queue_row.find(cls="author").text() == HOSTILE
    assert queue_row.find(cls="message").text() == HOSTILE
    assert section(root, "quarantine").find(cls="example").attrs["title"] == HOSTILE
    assert section(root, "summary").find(cls="error-text").text() == HOSTILE


def test_hostile_text_is_escaped_inside_the_svg_charts() -> None:
    root = parse(render_report(hostile_data()))
    svg_texts = [
        node.text() for svg in root.find_all("svg") for node in svg.find_all() if node.tag in ("text", "title")
    ]
    assert f"{HOSTILE}: 3" in svg_texts  # the quarantine bar's tooltip
    assert any(text.startswith(f"{HOSTILE}, negative: 1") for text in svg_texts)  # per day and per source
    assert any(text.startswith(HOSTILE[:20]) and text.endswith("…") for text in svg_texts)  # shortened labels


# ---------------------------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "expected"), [(1234567, "1,234,567"), ("42", "42"), (3.0, "3"), (2.5, "2.5"), (None, "—"), ("x", "—")]
)
def test_counts_are_formatted_with_thousands_separators(value: object, expected: str) -> None:
    assert fmt_count(value) == expected


def test_metrics_and_shares_are_formatted() -> None:
    assert fmt_metric(0.92014) == "0.9201"
    assert fmt_metric(float("nan")) == "—"
    assert fmt_share(0.123) == "12.3%"
    assert fmt_share(0.0004) == "<0.1%"
    assert fmt_share(0) == "0.0%"
    assert fmt_share(True) == "—"


@pytest.mark.parametrize(
    ("started", "finished", "expected"),
    [
        ("2026-11-20 10:00:00.000", "2026-11-20 10:00:12.345", "12.3 s"),
        ("2026-11-20 10:00:00.000", "2026-11-20 10:04:05.000", "4 min 05 s"),
        ("2026-11-20T23:30:00Z", "2026-11-21T01:00:00Z", "1 h 30 min 00 s"),
        ("2026-11-20 10:00:00.000", None, "—"),
        ("2026-11-20 10:00:00.000", "2026-11-20 09:00:00.000", "—"),
        ("yesterday", "today", "—"),
    ],
)
def test_durations(started: str | None, finished: str | None, expected: str) -> None:
    assert fmt_duration(started, finished) == expected


def test_timestamps_keep_their_fraction() -> None:
    moment = parse_timestamp("2026-11-20 10:00:00.5")
    assert moment is not None
    assert moment.microsecond == 500000


def test_accounting_check_on_its_own() -> None:
    assert accounting_check(10, 7, 2, 1)[0] is True
    assert accounting_check(10, 7, 2, 2)[0] is False
    assert accounting_check(10, None, 2, 1)[0] is None


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("alpha beta gamma delta", 14) == "alpha beta…"
    assert shorten("short\n  text", 40) == "short text"


# ---------------------------------------------------------------------------------------------- charts


def chart_root(chart: svg_charts.Chart | str) -> Node:
    """A chart's geometry drawn by the template macro (or its SVG already drawn), parsed."""
    svg = chart if isinstance(chart, str) else render_chart(chart)
    builder = TreeBuilder()
    builder.feed(svg)
    builder.close()
    assert builder.problems == []
    assert builder.current is builder.root
    [element] = [child for child in builder.root.children if isinstance(child, Node)]
    assert element.tag == "svg"
    assert element.attrs["role"] == "img"
    assert element.attrs["aria-label"]
    assert element.find("title").text() == element.attrs["aria-label"]
    assert not re.search(r"nan|inf", " ".join(str(value) for node in element.iter() for value in node.attrs.values()))
    return element


EMPTY_CHARTS = {
    "horizontal_bars": lambda: svg_charts.horizontal_bars([], [], title="empty"),
    "vertical_bars": lambda: svg_charts.vertical_bars([], [], title="empty"),
    "stacked_bars": lambda: svg_charts.stacked_bars([], ["a"], [], title="empty"),
    "stacked_rows": lambda: svg_charts.stacked_bars([], ["a"], [], title="empty", horizontal=True),
    "heatmap": lambda: svg_charts.heatmap([], [], [], title="empty"),
    "line_chart": lambda: svg_charts.line_chart([], [], title="empty"),
}


@pytest.mark.parametrize("name", EMPTY_CHARTS)
def test_charts_without_data_say_so(name: str) -> None:
    svg = chart_root(EMPTY_CHARTS[name]())
    assert svg.find("text").text() == "no data"


ZERO_CHARTS = {
    "horizontal_bars": lambda: svg_charts.horizontal_bars(["a", "b"], [0, 0], title="zeros"),
    "vertical_bars": lambda: svg_charts.vertical_bars(["a", "b"], [0, None], title="zeros"),
    "stacked_bars": lambda: svg_charts.stacked_bars(["d1", "d2"], ["x", "y"], [[0, 0], [0, 0]], title="zeros"),
    "normalised_rows": lambda: svg_charts.stacked_bars(
        ["s"], ["x", "y"], [[0, 0]], title="zeros", horizontal=True, normalise=True
    ),
    "heatmap": lambda: svg_charts.heatmap([[0, 0], [0, 0]], ["a", "b"], ["a", "b"], title="zeros"),
    "line_chart": lambda: svg_charts.line_chart([1, 2], [0, 0], title="zeros"),
    "odd_values": lambda: svg_charts.horizontal_bars(
        ["nan", "inf", "negative", "bool"], [math.nan, math.inf, -5, True], title="odd"
    ),
    "one_point": lambda: svg_charts.line_chart([1], [0.5], title="one"),
}


@pytest.mark.parametrize("name", ZERO_CHARTS)
def test_charts_survive_zeros_and_odd_values(name: str) -> None:
    svg = chart_root(ZERO_CHARTS[name]())
    for node in svg.find_all("rect"):
        assert float(node.attrs.get("width") or 0) >= 0
        assert float(node.attrs.get("height") or 0) >= 0


def test_bar_lengths_are_proportional_to_the_values() -> None:
    svg = chart_root(svg_charts.horizontal_bars(["a", "b", "c"], [50, 100, 25], title="t"))
    widths = [float(bar.find("rect").attrs["width"] or 0) for bar in svg.find_all("g", cls="bar")]
    assert widths[0] == pytest.approx(widths[1] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[1] / 4, abs=0.1)


def test_stacked_segments_add_up_to_the_column() -> None:
    svg = chart_root(svg_charts.stacked_bars(["d1", "d2"], ["x", "y"], [[30, 10], [10, 10]], title="t"))
    heights = [
        [float(rect.attrs["height"] or 0) for rect in bar.find_all("rect")] for bar in svg.find_all("g", cls="bar")
    ]
    assert sum(heights[0]) == pytest.approx(2 * sum(heights[1]), abs=0.2)
    assert heights[0][0] == pytest.approx(3 * heights[0][1], abs=0.2)


def test_chart_labels_and_titles_are_escaped() -> None:
    svg = render_chart(svg_charts.vertical_bars([HOSTILE], [1], title=HOSTILE))
    assert "<script" not in svg
    assert "<img" not in svg
    root = chart_root(svg)
    assert root.attrs["aria-label"] == HOSTILE
    assert root.find("g", cls="bar").find("title").text() == f"{HOSTILE}: 1"


def test_mismatched_lengths_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="2 labels but 1 values"):
        svg_charts.horizontal_bars(["a", "b"], [1], title="t")


@pytest.mark.parametrize(("maximum", "expected"), [(0, [0, 1]), (432, [0, 100, 200, 300, 400, 500]), (3, [0, 1, 2, 3])])
def test_nice_ticks(maximum: float, expected: list[float]) -> None:
    assert svg_charts.nice_ticks(maximum, integer=True) == expected


# ---------------------------------------------------------------------------------------------- view model


def test_the_view_model_formats_every_section_without_rendering() -> None:
    view = run_report_view(full_data())
    assert view.title == "Pulso run run-42"
    assert view.generated == " at 2026-11-20 11:05:00 UTC"
    assert [kpi.value for kpi in view.summary.kpis] == ["12,345", "11,000", "1,111", "234", "6,789", "10,987"]
    assert view.summary.check.verdict.label == "holds"
    assert [(row.name, row.folder) for row in view.summary.objects] == [
        ("a.csv", "s3://raw/incoming/batch-7/"),
        ("b.jsonl", "s3://raw/incoming/batch-7/"),
    ]
    assert [(row.reason, row.count, row.share) for row in view.quarantine.rows] == [
        ("missing_text", "1,000", "90.0%"),
        ("bad_label", "111", "10.0%"),
    ]
    assert view.evaluation.missing is None
    assert view.evaluation.confusion is not None
    cells = [mark for mark in view.evaluation.confusion.chart.marks if isinstance(mark, svg_charts.Group)]
    assert len(cells) == 9
    assert [figure.chart.cls for figure in view.evaluation.figures] == ["chart-hbars", "chart-line"]
    assert [row.total for row in view.sentiment.days] == ["10", "8,000", "8"]
    assert [row.rank for row in view.queue.rows] == ["1", "2"]
    assert view.queue.rows[1].created is None
    assert view.queue.rows[1].created_text == "—"
    assert [(check.name, check.breached) for check in view.drift.checks] == [
        ("label_mix", True),
        ("mean_tokens", False),
    ]
    assert view.header.drift_warnings is None


def test_the_view_model_keeps_texts_raw_and_says_why_parts_are_missing() -> None:
    view = run_report_view(hostile_data())
    assert view.header.failure == HOSTILE  # the template escapes; the view model never does
    assert view.queue.rows[0].author == HOSTILE
    empty = run_report_view(ReportData(run={}, missing={"drift": "lost"}))
    assert empty.title == "Pulso run (unknown id)"
    assert empty.drift.missing == Missing("lost")
    assert empty.evaluation.missing == Missing("no evaluation recorded")
    assert empty.queue.missing == Missing("no predictions in this run")
    assert empty.summary.objects_missing == Missing("no ETL manifest for this run", "Per-object accounting")


def test_chart_geometry_is_plain_numbers() -> None:
    chart = svg_charts.horizontal_bars(["a", "b"], [50, 100], title="t")
    bars = [mark for mark in chart.marks if isinstance(mark, svg_charts.Group)]
    widths = [bar.marks[0].width for bar in bars if isinstance(bar.marks[0], svg_charts.Rect)]
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert [bar.tooltip for bar in bars] == ["a: 50", "b: 100"]


def test_the_templates_escape_and_refuse_undefined_names() -> None:
    env = environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        render("report/run_report.html.j2", content_security_policy="default-src 'none'")  # no `page`
