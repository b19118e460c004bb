"""The run report: one self-contained HTML page (inline CSS and SVG, no script, no external reference) that tells
what one pipeline run did, for the people who read it after the fact.

Sections, each with an anchor: `#run` (header: status, timing, failure cause, drift warning), `#summary` (counts
and the accounting check read = curated + quarantined + duplicates, per input object), `#quarantine` (reasons),
`#evaluation` (candidate against champion, quality gate, confusion matrix, per-class recall, learning curve),
`#sentiment` (predicted sentiment per day and per source), `#support-queue` (the messages to answer first) and
`#drift` (the predicted data against the training data). A section without data says "Not available: <why>",
with the why from `ReportData.missing` (keyed by section, e.g. `{"evaluation": "predict mode"}`) or a default.

Every piece of text that comes from data (messages, ids, reasons, file names) is HTML-escaped, also inside the
SVG charts, and the page carries a Content-Security-Policy that forbids scripts and any load from elsewhere.
Standard library only and Python 3.9 compatible: it renders inside the Glue Python shell job.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from glue_jobs.report import svg_charts

NOT_SHOWN = "—"
LABEL_COLORS = {"negative": "#c0392b", "neutral": "#7f8c8d", "positive": "#2e8b57"}
STATUS_CLASSES = {"SUCCEEDED": "good", "FAILED": "bad"}
GATE_CLASSES = {"approved": "good", "rejected": "bad", "skipped": "neutral"}
DRIFT_CLASSES = {"ok": "good", "warning": "warn"}
QUEUE_TEXT_CHARS = 140
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
SECTIONS = (
    ("run", "Run"),
    ("summary", "Summary and accounting"),
    ("quarantine", "Quarantine reasons"),
    ("evaluation", "Evaluation vs champion"),
    ("sentiment", "Predicted sentiment"),
    ("support-queue", "Support queue"),
    ("drift", "Drift vs training data"),
)
# `ReportData.missing` keys each part looks up, first match wins (section ids, the data fields' names, and
# "predictions" for everything made from the predictions); "run" explains a run that the runs table lacks.
MISSING_KEYS = {
    "summary": ("summary", "accounting"),
    "objects": ("objects", "accounting"),
    "quarantine": ("quarantine", "quarantine_reasons"),
    "evaluation": ("evaluation",),
    "sentiment_by_day": ("sentiment_by_day", "sentiment", "predictions"),
    "sentiment_by_source": ("sentiment_by_source", "sentiment", "predictions"),
    "support_queue": ("support_queue", "support-queue", "predictions"),
    "drift": ("drift",),
}


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; any part may be absent (see `missing`)."""

    run: Mapping[str, Any]
    label_names: Sequence[str] = ("negative", "neutral", "positive")
    accounting: Mapping[str, Any] | None = None
    quarantine_reasons: Sequence[Mapping[str, Any]] = ()
    evaluation: Mapping[str, Any] | None = None
    sentiment_by_day: Sequence[Mapping[str, Any]] = ()
    sentiment_by_source: Sequence[Mapping[str, Any]] = ()
    support_queue: Sequence[Mapping[str, Any]] = ()
    drift: Mapping[str, Any] | None = None
    failure: str | None = None
    generated_at: str = ""
    missing: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- formatting


def number(value: Any) -> float | None:
    """A finite number from an int, float or numeric string (Athena rows are strings); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    if not isinstance(value, numbers.Real):  # also numpy numbers from pandas rows
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fmt_count(value: Any) -> str:
    """1234567 -> '1,234,567'; non-integers keep one decimal; missing -> an em dash."""
    value = number(value)
    if value is None:
        return NOT_SHOWN
    return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"


def fmt_metric(value: Any) -> str:
    """A metric with 4 decimals."""
    value = number(value)
    return NOT_SHOWN if value is None else f"{value:.4f}"


def fmt_share(value: Any, decimals: int = 1) -> str:
    """A share (0..1) as a percentage; tiny non-zero shares say so instead of rounding to 0."""
    value = number(value)
    if value is None:
        return NOT_SHOWN
    smallest = 10.0 ** (-decimals) / 100
    if 0 < abs(value) < smallest:
        return f"<{100 * smallest:.{decimals}f}%" if value > 0 else f">-{100 * smallest:.{decimals}f}%"
    return f"{100 * value:.{decimals}f}%"


def fmt_points(value: Any) -> str:
    """A difference of shares in percentage points, signed."""
    value = number(value)
    return NOT_SHOWN if value is None else f"{100 * value:+.1f} pp"


def fmt_decimal(value: Any, decimals: int = 2) -> str:
    value = number(value)
    return NOT_SHOWN if value is None else f"{value:,.{decimals}f}"


def fmt_signed(value: Any, decimals: int = 2) -> str:
    value = number(value)
    return NOT_SHOWN if value is None else f"{value:+,.{decimals}f}"


def parse_timestamp(value: Any) -> dt.datetime | None:
    """'YYYY-MM-DD HH:MM:SS.fff' (also with 'T', a trailing 'Z' or more fraction digits) as naive UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("T", " ")
    if text.endswith("Z"):
        text = text[:-1]
    match = re.match(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d+))?$", text)
    if not match:
        return None
    try:
        moment = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    fraction = (match.group(2) or "0")[:6].ljust(6, "0")
    return moment.replace(microsecond=int(fraction))


def fmt_duration(started: Any, finished: Any) -> str:
    """'1 h 02 min 03 s', '4 min 05 s' or '12.3 s'; an em dash when a time is missing or they are reversed."""
    start, end = parse_timestamp(started), parse_timestamp(finished)
    if start is None or end is None or end < start:
        return NOT_SHOWN
    seconds = (end - start).total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    return f"{minutes} min {secs:02d} s"


def text(value: Any) -> str:
    """Escaped text of any value; missing or empty -> an em dash."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_SHOWN
    return escape(str(value))


def shorten(value: str, limit: int) -> str:
    """Whitespace collapsed, cut at a word boundary near `limit` characters, with an ellipsis."""
    flat = " ".join(value.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def label_color(name: str, index: int) -> str:
    return LABEL_COLORS.get(name, svg_charts.PALETTE[index % len(svg_charts.PALETTE)])


# ---------------------------------------------------------------------------------------------- HTML pieces


def badge(label: str, kind: str) -> str:
    return f'<span class="badge badge-{escape(kind)}">{escape(label)}</span>'


def not_available(why: str, what: str = "") -> str:
    """The line a section (or a part of one, `what`) shows instead of its data."""
    return f'<p class="na">{escape(what + " not" if what else "Not")} available: {escape(why)}</p>'


def why_missing(data: ReportData, part: str, default: str) -> str:
    for key in MISSING_KEYS.get(part, (part,)):
        reason = data.missing.get(key)
        if reason:
            return str(reason)
    return default


def cell(content: str, cls: str = "", attributes: str = "") -> str:
    """One `<td>`; `content` is HTML already."""
    cls_attribute = f' class="{cls}"' if cls else ""
    return f"<td{cls_attribute}{attributes}>{content}</td>"


def num_cell(content: str, key: str = "") -> str:
    return cell(escape(content), "num", f' data-key="{escape(key)}"' if key else "")


def table(
    headers: Sequence[str], rows: Iterable[str], *, cls: str = "", caption: str = "", numeric: Sequence[int] = ()
) -> str:
    """A table with a header row; `rows` are `<tr>...</tr>` strings; `numeric` columns are right-aligned."""
    head = "".join(
        f'<th scope="col" class="num">{escape(header)}</th>'
        if index in numeric
        else f'<th scope="col">{escape(header)}</th>'
        for index, header in enumerate(headers)
    )
    caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
    cls_attribute = f' class="{cls}"' if cls else ""
    body = "".join(rows)
    return (
        f'<div class="table-wrap"><table{cls_attribute}>{caption_html}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def figure(svg: str, caption: str, cls: str = "") -> str:
    cls_attribute = f' class="{cls}"' if cls else ""
    return f"<figure{cls_attribute}>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def kpi(label: str, value: str, note: str = "", key: str = "", kind: str = "") -> str:
    """A key figure: `value` and `note` are plain text."""
    key_attribute = f' data-key="{escape(key)}"' if key else ""
    kind_cls = f" kpi-{escape(kind)}" if kind else ""
    note_html = f'<div class="kpi-note">{escape(note)}</div>' if note else ""
    return (
        f'<div class="kpi{kind_cls}"{key_attribute}><div class="kpi-label">{escape(label)}</div>'
        f'<div class="kpi-value">{escape(value)}</div>{note_html}</div>'
    )


def section(section_id: str, body: str) -> str:
    title = dict(SECTIONS)[section_id]
    number_ = [key for key, _ in SECTIONS].index(section_id) + 1
    return (
        f'<section id="{section_id}" aria-labelledby="{section_id}-title">'
        f'<h2 id="{section_id}-title"><a class="anchor" href="#{section_id}">{number_}.</a> {escape(title)}</h2>'
        f"{body}</section>"
    )


# ---------------------------------------------------------------------------------------------- 1. header


def _drift_warning_lines(data: ReportData) -> list[str]:
    raw = data.run.get("drift_warnings")
    lines = [part.strip() for part in re.split(r"[\n;]", str(raw)) if part.strip()] if raw else []
    if not lines and data.drift:
        lines = [
            f"{check.get('name')}: {fmt_metric(check.get('value'))} > {fmt_metric(check.get('threshold'))}"
            for check in data.drift.get("checks") or ()
            if isinstance(check, Mapping) and check.get("breached")
        ]
    return lines


def render_header(data: ReportData) -> str:
    run = data.run
    status = str(run.get("status") or "UNKNOWN").upper()
    facts = [
        ("Mode", text(run.get("mode"))),
        ("Profile", text(run.get("profile"))),
        ("Input", f"<code>{text(run.get('input'))}</code>"),
        ("Model version", text(run.get("model_version"))),
        ("Started (UTC)", text(run.get("started_at"))),
        ("Finished (UTC)", text(run.get("finished_at"))),
        ("Duration", escape(fmt_duration(run.get("started_at"), run.get("finished_at")))),
        ("Report generated (UTC)", text(data.generated_at)),
    ]
    facts_html = "".join(f"<div><dt>{escape(name)}</dt><dd>{value}</dd></div>" for name, value in facts)
    alerts = []
    if status == "FAILED":
        cause = data.failure or "the failure cause was not recorded"
        alerts.append(
            '<div class="alert alert-bad" role="alert" data-key="failure"><strong>Run failed.</strong> '
            f'<span class="cause">{escape(cause)}</span></div>'
        )
    if str(run.get("drift_status") or "").lower() == "warning":
        items = "".join(f"<li>{escape(line)}</li>" for line in _drift_warning_lines(data))
        listing = f"<ul>{items}</ul>" if items else ""
        alerts.append(
            '<div class="alert alert-warn" role="alert" data-key="drift-warning"><strong>Drift warning:</strong> '
            f'the predicted data differs from the training data (<a href="#drift">details</a>).{listing}</div>'
        )
    if data.missing.get("run"):
        alerts.insert(0, not_available(str(data.missing["run"]), "Run record"))
    nav = "".join(f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title in SECTIONS[1:])
    return (
        '<header id="run" class="run-header" aria-labelledby="run-title">'
        '<p class="eyebrow">Pulso · pipeline run report</p>'
        f'<h1 id="run-title"><span class="run-id">{text(run.get("run_id"))}</span> '
        f"{badge(status.lower(), STATUS_CLASSES.get(status, 'neutral'))}</h1>"
        f'<dl class="facts">{facts_html}</dl>{"".join(alerts)}'
        f'<nav aria-label="Sections"><ol>{nav}</ol></nav></header>'
    )


# ---------------------------------------------------------------------------------------------- 2. summary


COUNTS = (
    ("read", "rows_read", "Rows read"),
    ("curated", "curated", "Curated"),
    ("quarantined", "quarantined", "Quarantined"),
    ("duplicates", "duplicates", "Duplicates dropped"),
    ("labelled", "labelled", "Labelled"),
)


def summary_counts(data: ReportData) -> dict[str, float | None]:
    """The run's counts: from the runs row, else from the ETL manifest's totals; predictions from the row."""
    totals = (data.accounting or {}).get("totals") or {}
    counts: dict[str, float | None] = {}
    for key, run_key, _ in COUNTS:
        value = number(data.run.get(run_key))
        counts[key] = value if value is not None else number(totals.get(key))
    counts["predictions"] = number(data.run.get("predictions"))
    return counts


def accounting_check(read: Any, curated: Any, quarantined: Any, duplicates: Any) -> tuple[bool | None, str]:
    """(holds?, explanation) for read = curated + quarantined + duplicates; None when a count is missing."""
    values = {
        "read": number(read),
        "curated": number(curated),
        "quarantined": number(quarantined),
        "duplicates": number(duplicates),
    }
    absent = [name for name, value in values.items() if value is None]
    if absent:
        return None, f"cannot be checked: {', '.join(absent)} not recorded"
    read, total = (
        float(values["read"] or 0),
        sum(float(values[key] or 0) for key in ("curated", "quarantined", "duplicates")),
    )
    equation = (
        f"{fmt_count(values['curated'])} + {fmt_count(values['quarantined'])} + "
        f"{fmt_count(values['duplicates'])} = {fmt_count(total)}"
    )
    if total == read:
        return True, f"{equation} = rows read"
    return False, f"{equation}, but {fmt_count(read)} rows were read (a difference of {fmt_count(abs(read - total))})"


def _check_html(holds: bool | None, why: str) -> str:
    verdict = {True: ("holds", "good"), False: ("does not hold", "bad"), None: ("unknown", "neutral")}[holds]
    return (
        f'<p class="check check-{verdict[1]}" data-key="accounting-check">'
        "<strong>read = curated + quarantined + duplicates:</strong> "
        f"{badge(verdict[0], verdict[1])} <span>{escape(why)}</span></p>"
    )


def render_objects(data: ReportData) -> str:
    objects = (data.accounting or {}).get("objects")
    if not objects:
        if data.accounting is None or "objects" in data.missing:
            return not_available(why_missing(data, "objects", "no ETL manifest for this run"), "Per-object accounting")
        return ""
    rows = []
    for obj in objects:
        holds, _ = accounting_check(obj.get("read"), obj.get("curated"), obj.get("quarantined"), obj.get("duplicates"))
        verdict = {True: badge("holds", "good"), False: badge("does not hold", "bad"), None: NOT_SHOWN}[holds]
        error = obj.get("error")
        error_html = f'<span class="error-text">{escape(str(error))}</span>' if error else NOT_SHOWN
        rows.append(
            f'<tr class="{"row-bad" if error or holds is False else ""}">'
            + cell(_object_name(str(obj.get("uri") or obj.get("object") or "")), "object")
            + "".join(num_cell(fmt_count(obj.get(key))) for key in ("read", "curated", "quarantined", "duplicates"))
            + cell(verdict)
            + cell(error_html, "wrap")
            + "</tr>"
        )
    headers = ("Object", "Read", "Curated", "Quarantined", "Duplicates", "Check", "Error")
    return "<h3>Per input object</h3>" + table(headers, rows, cls="objects", numeric=(1, 2, 3, 4))


def _object_name(uri: str) -> str:
    """The object's name, which tells objects apart, above its folder (muted)."""
    if not uri:
        return NOT_SHOWN
    folder, _, name = uri.rstrip("/").rpartition("/")
    folder_html = f'<div class="muted small">{escape(folder)}/</div>' if folder else ""
    return f'<code title="{escape(uri)}">{escape(name or uri)}</code>{folder_html}'


def render_summary(data: ReportData) -> str:
    counts = summary_counts(data)
    read = counts["read"]
    cards = []
    for key, _, title in COUNTS:
        share = counts[key] / read if read and counts[key] is not None and key != "read" else None
        cards.append(
            kpi(title, fmt_count(counts[key]), f"{fmt_share(share)} of read" if share is not None else "", key)
        )
    cards.append(kpi("Predictions", fmt_count(counts["predictions"]), "", "predictions"))
    holds, why = accounting_check(read, counts["curated"], counts["quarantined"], counts["duplicates"])
    totals = (data.accounting or {}).get("totals") or {}
    notes = []
    for key, run_key, title in COUNTS:
        row_value, manifest_value = number(data.run.get(run_key)), number(totals.get(key))
        if row_value is not None and manifest_value is not None and row_value != manifest_value:
            notes.append(
                f"{title.lower()}: run record {fmt_count(row_value)}, ETL manifest {fmt_count(manifest_value)}"
            )
    mismatch = (
        f'<p class="alert alert-warn">The run record and the ETL manifest disagree: {escape("; ".join(notes))}.</p>'
        if notes
        else ""
    )
    return section(
        "summary", f'<div class="kpis">{"".join(cards)}</div>{_check_html(holds, why)}{mismatch}{render_objects(data)}'
    )


# ---------------------------------------------------------------------------------------------- 3. quarantine


def quarantine_reasons(data: ReportData) -> list[Mapping[str, Any]]:
    """The reasons given, else the counts per reason of the ETL manifest's totals (without examples)."""
    reasons = [reason for reason in data.quarantine_reasons if isinstance(reason, Mapping)]
    if reasons:
        return reasons
    counts = ((data.accounting or {}).get("totals") or {}).get("quarantine_reasons")
    if isinstance(counts, Mapping):
        return [{"reason": reason, "count": count} for reason, count in counts.items() if number(count)]
    return []


def render_quarantine(data: ReportData) -> str:
    reasons = quarantine_reasons(data)
    quarantined = summary_counts(data)["quarantined"]
    if not reasons:
        if quarantined == 0 and "quarantine" not in data.missing and "quarantine_reasons" not in data.missing:
            return section("quarantine", '<p class="empty">No row was quarantined.</p>')
        return section("quarantine", not_available(why_missing(data, "quarantine", "no quarantine reasons recorded")))
    ordered = sorted(reasons, key=lambda reason: -(number(reason.get("count")) or 0))
    total = sum(number(reason.get("count")) or 0 for reason in ordered)
    rows = []
    for reason in ordered:
        count = number(reason.get("count"))
        example = reason.get("example")
        example_html = (
            f'<code class="example" title="{escape(str(example))}">{escape(shorten(str(example), 120))}</code>'
            if example not in (None, "")
            else NOT_SHOWN
        )
        rows.append(
            "<tr>"
            + cell(f"<code>{text(reason.get('reason'))}</code>")
            + num_cell(fmt_count(count), "count")
            + num_cell(fmt_share(count / total if total and count is not None else None), "share")
            + cell(example_html, "wrap")
            + "</tr>"
        )
    rows.append(
        '<tr class="total">'
        + cell("<strong>Total</strong>")
        + num_cell(fmt_count(total), "total")
        + num_cell(fmt_share(1.0 if total else None))
        + cell("")
        + "</tr>"
    )
    note = ""
    if quarantined is not None and quarantined != total:
        note = (
            f'<p class="alert alert-warn">The reasons add up to {escape(fmt_count(total))} rows, but the run '
            f"quarantined {escape(fmt_count(quarantined))}.</p>"
        )
    chart = svg_charts.horizontal_bars(
        [str(reason.get("reason")) for reason in ordered],
        [number(reason.get("count")) for reason in ordered],
        title="Quarantined rows by reason",
        value_format=fmt_count,
        color="#b5651d",
    )
    body = (
        table(("Reason", "Rows", "Share", "Example"), rows, cls="reasons", numeric=(1, 2))
        + note
        + figure(chart, "Quarantined rows by reason (share of all quarantined rows in the table).")
    )
    return section("quarantine", body)


# ---------------------------------------------------------------------------------------------- 4. evaluation


def _gate_html(run: Mapping[str, Any]) -> str:
    decision = str(run.get("gate_decision") or "").lower()
    label = decision or "no decision"
    reason = run.get("gate_reason")
    reason_html = f'<span class="gate-reason">{escape(str(reason))}</span>' if reason else ""
    return (
        f'<div class="gate gate-{escape(GATE_CLASSES.get(decision, "neutral"))}" data-key="gate">'
        f"<strong>Quality gate:</strong> {badge(label, GATE_CLASSES.get(decision, 'neutral'))} {reason_html}</div>"
    )


def _split_metrics(evaluation: Mapping[str, Any], split: str) -> Mapping[str, Any]:
    metrics = evaluation.get("metrics") or {}
    found = metrics.get(split) if isinstance(metrics, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _valid_matrix(matrix: Any, size: int) -> bool:
    return (
        isinstance(matrix, Sequence)
        and len(matrix) == size
        and all(isinstance(row, Sequence) and len(row) == size for row in matrix)
    )


def render_evaluation(data: ReportData) -> str:
    run = data.run
    gate = _gate_html(run)
    evaluation = data.evaluation
    champion = number(run.get("champion_macro_recall"))
    if not evaluation:
        default = "predict run: no candidate was trained" if run.get("mode") == "predict" else "no evaluation recorded"
        candidate = number(run.get("candidate_macro_recall"))
        figures = ""
        if candidate is not None or champion is not None:
            figures = (
                '<div class="kpis">'
                + kpi("Candidate macro-recall", fmt_metric(candidate), "", "candidate_macro_recall")
                + kpi("Champion macro-recall", fmt_metric(champion), "", "champion_macro_recall")
                + "</div>"
            )
        return section("evaluation", gate + figures + not_available(why_missing(data, "evaluation", default)))
    test = _split_metrics(evaluation, "test")
    validation = _split_metrics(evaluation, "validation")
    candidate = number(test.get("macro_recall"))
    if candidate is None:
        candidate = number(run.get("candidate_macro_recall"))
    delta = candidate - champion if candidate is not None and champion is not None else None
    delta_kind = "" if delta is None else ("good" if delta >= 0 else "bad")
    cards = (
        kpi("Candidate macro-recall (test)", fmt_metric(candidate), "primary metric", "candidate_macro_recall")
        + kpi(
            "Champion macro-recall",
            fmt_metric(champion),
            "no champion yet" if champion is None else "current approved model",
            "champion_macro_recall",
        )
        + kpi("Candidate − champion", NOT_SHOWN if delta is None else f"{delta:+.4f}", "", "delta", delta_kind)
        + kpi("Macro-F1 (test)", fmt_metric(test.get("macro_f1")), "", "macro_f1")
        + kpi("Accuracy (test)", fmt_metric(test.get("accuracy")), "", "accuracy")
        + kpi("Test examples", fmt_count(test.get("examples")), "", "examples")
    )
    parts = [gate, f'<div class="kpis">{cards}</div>', _metrics_table(validation, test)]
    if not test:
        parts.append(not_available("the evaluation has no test metrics"))
    else:
        parts.append(_test_figures(data, test))
    parts.append(_training_facts(evaluation))
    return section("evaluation", "".join(parts))


def _metrics_table(validation: Mapping[str, Any], test: Mapping[str, Any]) -> str:
    rows = []
    for key, title in (("macro_recall", "Macro-recall"), ("macro_f1", "Macro-F1"), ("accuracy", "Accuracy")):
        rows.append(
            f"<tr><th scope='row'>{title}</th>"
            + num_cell(fmt_metric(validation.get(key)))
            + num_cell(fmt_metric(test.get(key)))
            + "</tr>"
        )
    rows.append(
        "<tr><th scope='row'>Examples</th>"
        + num_cell(fmt_count(validation.get("examples")))
        + num_cell(fmt_count(test.get("examples")))
        + "</tr>"
    )
    return table(("Metric", "Validation", "Test"), rows, cls="metrics compact", numeric=(1, 2))


def _test_figures(data: ReportData, test: Mapping[str, Any]) -> str:
    labels = [str(label) for label in (test.get("labels") or data.label_names)]
    matrix = test.get("confusion_matrix")
    figures = []
    if _valid_matrix(matrix, len(labels)):
        chart = svg_charts.heatmap(
            matrix, labels, labels, title="Confusion matrix on the test split", value_format=fmt_count, cell=64
        )
        figures.append(
            figure(
                chart,
                "Confusion matrix (test): rows are true labels, columns predicted labels; shade = share of the row.",
                "confusion",
            )
        )
    else:
        figures.append(not_available("the confusion matrix is missing or does not match the labels"))
    per_class = test.get("per_class") or {}
    per_class = per_class if isinstance(per_class, Mapping) else {}
    recalls = [number((per_class.get(label) or {}).get("recall")) for label in labels]
    if any(recall is not None for recall in recalls):
        chart = svg_charts.horizontal_bars(
            labels,
            recalls,
            title="Recall per class on the test split",
            value_format=fmt_metric,
            colors=[label_color(label, index) for index, label in enumerate(labels)],
            max_value=1.0,
            width=320,
            bar_height=28,
        )
        figures.append(figure(chart, "Recall per class (test); the macro-recall is their mean."))
    history = [
        entry
        for entry in ((data.evaluation or {}).get("training") or {}).get("history") or ()
        if isinstance(entry, Mapping)
    ]
    if history:
        chart = svg_charts.line_chart(
            [number(entry.get("epoch")) or index + 1 for index, entry in enumerate(history)],
            [number(entry.get("val_macro_recall")) for entry in history],
            title="Validation macro-recall per epoch",
            x_title="epoch",
            y_title="val macro-recall",
            value_format=fmt_metric,
            tick_format=lambda value: f"{value:.2f}",
            width=330,
            height=230,
        )
        figures.append(figure(chart, "Learning curve: validation macro-recall per epoch."))
    rows = []
    for index, label in enumerate(labels):
        metrics = per_class.get(label) or {}
        rows.append(
            f'<tr><th scope="row"><span class="swatch" style="background:{label_color(label, index)}"></span>'
            f"{escape(label)}</th>"
            + num_cell(fmt_metric(metrics.get("precision")))
            + num_cell(fmt_metric(metrics.get("recall")))
            + num_cell(fmt_metric(metrics.get("f1")))
            + num_cell(fmt_count(metrics.get("support")))
            + "</tr>"
        )
    per_class_table = table(
        ("Class", "Precision", "Recall", "F1", "Support"), rows, cls="per-class compact", numeric=(1, 2, 3, 4)
    )
    return f'<div class="charts">{"".join(figures)}</div><h3>Per class (test)</h3>{per_class_table}'


def _training_facts(evaluation: Mapping[str, Any]) -> str:
    training = evaluation.get("training") or {}
    embedding = evaluation.get("embedding") or {}
    sizes = evaluation.get("data") or {}
    oov = embedding.get("out_of_vocabulary") or {}
    stopped = training.get("stopped_early")
    splits = ("train", "validation", "test")
    facts = [
        ("Model", str(evaluation.get("model_id") or NOT_SHOWN)),
        ("Primary metric", str(evaluation.get("primary_metric") or NOT_SHOWN)),
        ("Examples (train / validation / test)", " / ".join(fmt_count(sizes.get(split)) for split in splits)),
        (
            "Training",
            f"{fmt_count(training.get('epochs_run'))} epochs in {fmt_decimal(training.get('seconds'), 1)} s"
            + (", stopped early" if stopped else ""),
        ),
        (
            "Embedding",
            f"{embedding.get('source') or NOT_SHOWN} ({fmt_count(embedding.get('dimension'))} dimensions, "
            f"{fmt_count(embedding.get('vocabulary_size'))} words)",
        ),
        ("Out of vocabulary (train / validation / test)", " / ".join(fmt_share(oov.get(split), 2) for split in splits)),
    ]
    items = "".join(f"<div><dt>{escape(name)}</dt><dd>{escape(value)}</dd></div>" for name, value in facts)
    return f'<h3>Training</h3><dl class="facts facts-small">{items}</dl>'


# ---------------------------------------------------------------------------------------------- 5. sentiment


def _label_counts(row: Mapping[str, Any], labels: Sequence[str]) -> list[float]:
    return [number(row.get(label)) or 0.0 for label in labels]


def sentiment_days(data: ReportData) -> list[tuple[str, list[float]]]:
    """(day, counts per label), days merged, in the given order, with messages of unknown date last."""
    merged: dict[str, list[float]] = {}
    unknown: list[float] | None = None
    for row in data.sentiment_by_day:
        if not isinstance(row, Mapping):
            continue
        counts = _label_counts(row, data.label_names)
        day = row.get("day")
        if day is None or not str(day).strip():
            unknown = counts if unknown is None else [a + b for a, b in zip(unknown, counts)]
            continue
        key = str(day)
        merged[key] = counts if key not in merged else [a + b for a, b in zip(merged[key], counts)]
    days = list(merged.items())
    if unknown is not None:
        days.append(("unknown date", unknown))
    return days


def render_sentiment(data: ReportData) -> str:
    labels = list(data.label_names)
    colors = [label_color(label, index) for index, label in enumerate(labels)]
    parts = []
    days = sentiment_days(data)
    if days:
        totals = [sum(counts[index] for _, counts in days) for index in range(len(labels))]
        everything = sum(totals)
        shares = [total / everything if everything else None for total in totals]
        summary = ", ".join(
            f'<span class="swatch" style="background:{colors[index]}"></span>{escape(label)} '
            f"<strong>{escape(fmt_count(totals[index]))}</strong> ({escape(fmt_share(shares[index]))})"
            for index, label in enumerate(labels)
        )
        parts.append(f'<p class="lead">{escape(fmt_count(everything))} predicted messages: {summary}.</p>')
        chart = svg_charts.stacked_bars(
            [day for day, _ in days],
            labels,
            [counts for _, counts in days],
            title="Predicted sentiment per day",
            colors=colors,
            value_format=fmt_count,
            width=1040,
            height=300,
        )
        parts.append(figure(chart, "Predicted messages per day (by the message's date), stacked by sentiment."))
        rows = [
            "<tr>"
            + cell(escape(day))
            + "".join(num_cell(fmt_count(value)) for value in counts)
            + num_cell(fmt_count(sum(counts)))
            + "</tr>"
            for day, counts in days
        ]
        parts.append(
            '<details class="data"><summary>Counts per day</summary>'
            + table(("Day", *labels, "Total"), rows, cls="per-day compact", numeric=tuple(range(1, len(labels) + 2)))
            + "</details>"
        )
    else:
        parts.append(
            "<h3>Per day</h3>" + not_available(why_missing(data, "sentiment_by_day", "no predictions in this run"))
        )
    parts.append(_sentiment_sources(data, labels, colors))
    return section("sentiment", "".join(parts))


def _sentiment_sources(data: ReportData, labels: Sequence[str], colors: Sequence[str]) -> str:
    sources = [row for row in data.sentiment_by_source if isinstance(row, Mapping)]
    if not sources:
        return "<h3>Per source</h3>" + not_available(
            why_missing(data, "sentiment_by_source", "no predictions in this run")
        )
    names = [str(row.get("source") if row.get("source") is not None else "unknown source") for row in sources]
    counts = [_label_counts(row, labels) for row in sources]
    chart = svg_charts.stacked_bars(
        names,
        labels,
        counts,
        title="Predicted sentiment per source",
        colors=colors,
        horizontal=True,
        normalise=True,
        value_format=fmt_count,
        width=860,
    )
    rows = []
    for name, row_counts in zip(names, counts):
        total = sum(row_counts)
        rows.append(
            "<tr>"
            + cell(escape(name))
            + "".join(
                num_cell(f"{fmt_count(value)} ({fmt_share(value / total if total else None)})") for value in row_counts
            )
            + num_cell(fmt_count(total))
            + "</tr>"
        )
    return (
        "<h3>Per source</h3>"
        + figure(chart, "Sentiment mix per source (bar length = 100 %; the total is at the end of each bar).")
        + table(("Source", *labels, "Total"), rows, cls="per-source compact", numeric=tuple(range(1, len(labels) + 2)))
    )


# ---------------------------------------------------------------------------------------------- 6. queue


def _message_html(value: Any) -> str:
    if value is None or not str(value).strip():
        return NOT_SHOWN
    full = str(value)
    short = shorten(full, QUEUE_TEXT_CHARS)
    if short == " ".join(full.split()) and "\n" not in full:
        return f'<span class="message" dir="auto">{escape(full)}</span>'
    return (
        f'<details class="message" title="{escape(full)}"><summary dir="auto">{escape(short)}</summary>'
        f'<p class="full-text" dir="auto">{escape(full)}</p></details>'
        f'<p class="print-only full-text" dir="auto">{escape(full)}</p>'
    )


def _moment_html(value: Any) -> str:
    """A timestamp to the minute (the full value in the tooltip)."""
    moment = parse_timestamp(value)
    if moment is None:
        return text(value)
    return f'<time datetime="{moment.isoformat()}" title="{escape(str(value))}">{moment:%Y-%m-%d %H:%M}</time>'


def render_queue(data: ReportData) -> str:
    queue = [row for row in data.support_queue if isinstance(row, Mapping)]
    if not queue:
        return section("support-queue", not_available(why_missing(data, "support_queue", "no predictions in this run")))
    labels = list(data.label_names)
    rows = []
    for rank, row in enumerate(queue, start=1):
        label = str(row.get("label_name") or "")
        index = labels.index(label) if label in labels else len(labels)
        label_html = (
            f'<span class="label-pill" style="--pill:{label_color(label, index)}">{escape(label)}</span>'
            if label
            else NOT_SHOWN
        )
        message_id = row.get("message_id")
        id_html = f'<div class="message-id">id {escape(str(message_id))}</div>' if message_id else ""
        rows.append(
            "<tr>"
            + num_cell(str(rank))
            + num_cell(fmt_metric(row.get("priority")), "priority")
            + cell(label_html)
            + num_cell(fmt_share(row.get("confidence")), "confidence")
            + cell(_moment_html(row.get("created_at")), "nowrap")
            + cell(text(row.get("author_id")), "author")
            + cell(text(row.get("source")))
            + cell(_message_html(row.get("text")) + id_html, "text")
            + "</tr>"
        )
    headers = ("#", "Priority", "Label", "Confidence", "Created (UTC)", "Author", "Source", "Message")
    intro = (
        f'<p class="lead">The {len(queue):,} messages to answer first, highest support priority first '
        "(negative and confident predictions rank highest).</p>"
    )
    return section("support-queue", intro + table(headers, rows, cls="queue", numeric=(0, 1, 3)))


# ---------------------------------------------------------------------------------------------- 7. drift


def _mix_rows(title: str, current: Any, reference: Any, order: Sequence[str] = ()) -> list[str]:
    current = current if isinstance(current, Mapping) else {}
    reference = reference if isinstance(reference, Mapping) else {}
    keys = [key for key in order if key in current or key in reference]
    rest = sorted(
        {str(key) for key in (*current, *reference)} - set(keys),
        key=lambda key: (-(number(reference.get(key)) or 0), -(number(current.get(key)) or 0), key),
    )
    rows = []
    for key in keys + rest:
        # In a mix that was measured, a key it lacks has a share of 0.
        now = number(current.get(key, 0.0 if current else None))
        then = number(reference.get(key, 0.0 if reference else None))
        change = now - then if now is not None and then is not None else None
        rows.append(
            f'<tr><th scope="row">{escape(title)}: {escape(key)}</th>'
            + num_cell(fmt_share(now))
            + num_cell(fmt_share(then))
            + num_cell(fmt_points(change))
            + "</tr>"
        )
    return rows


def render_drift(data: ReportData) -> str:
    drift = data.drift
    if not drift:
        return section("drift", not_available(why_missing(data, "drift", "no drift check ran for this run")))
    status = str(drift.get("status") or "unknown").lower()
    current = drift.get("current") or {}
    reference = drift.get("reference") or {}
    head = (
        f'<p class="lead">Status {badge(status, DRIFT_CLASSES.get(status, "neutral"))} for model '
        f"<code>{text(drift.get('model_version'))}</code>: this run's predicted messages (current) against the "
        "model's training data (reference).</p>"
    )
    rows = []
    for key, title, formatter, difference in (
        ("messages", "Messages", fmt_count, None),
        ("mean_tokens", "Mean tokens per message", fmt_decimal, fmt_signed),
        ("oov_rate", "Out-of-vocabulary rate", lambda value: fmt_share(value, 2), fmt_points),
    ):
        now, then = number(current.get(key)), number(reference.get(key))
        change = NOT_SHOWN
        if difference is not None and now is not None and then is not None:
            change = difference(now - then)
        rows.append(
            f'<tr><th scope="row">{escape(title)}</th>'
            + num_cell(formatter(now))
            + num_cell(formatter(then))
            + num_cell(change)
            + "</tr>"
        )
    rows += _mix_rows("Label", current.get("label_mix"), reference.get("label_mix"), data.label_names)
    rows += _mix_rows("Language", current.get("language_mix"), reference.get("language_mix"))
    comparison = table(("", "Current", "Reference", "Change"), rows, cls="drift-compare compact", numeric=(1, 2, 3))
    checks = [check for check in drift.get("checks") or () if isinstance(check, Mapping)]
    if checks:
        check_rows = []
        for check in checks:
            breached = bool(check.get("breached"))
            check_rows.append(
                f'<tr class="{"row-bad" if breached else ""}">'
                + cell(f"<code>{text(check.get('name'))}</code>")
                + cell(text(check.get("description")), "wrap")
                + num_cell(fmt_metric(check.get("value")), "value")
                + num_cell(fmt_metric(check.get("threshold")), "threshold")
                + cell(badge("breached", "bad") if breached else badge("ok", "good"))
                + "</tr>"
            )
        checks_html = "<h3>Checks</h3>" + table(
            ("Check", "What it measures", "Value", "Threshold", "Result"), check_rows, cls="checks", numeric=(2, 3)
        )
    else:
        checks_html = "<h3>Checks</h3>" + not_available("the drift check recorded no checks")
    return section("drift", head + "<h3>Current vs reference</h3>" + comparison + checks_html)


# ---------------------------------------------------------------------------------------------- document


STYLE = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--zebra:#f6f8fa;--paper:#fff;--accent:#3b6ea8;
--good:#1a7f37;--good-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;
--neutral:#59636e;--neutral-bg:#eaeef2}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f5f7;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,"Noto Sans",sans-serif}
.page{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
header.run-header,section{background:var(--paper);border:1px solid var(--line);border-radius:10px;
padding:20px 24px;margin:0 0 18px}
.eyebrow{margin:0;color:var(--muted);font-size:13px;letter-spacing:.04em;text-transform:uppercase}
h1{margin:4px 0 14px;font-size:26px;line-height:1.25;display:flex;flex-wrap:wrap;align-items:center;gap:10px}
.run-id{overflow-wrap:anywhere}
h2{margin:0 0 14px;font-size:20px;border-bottom:1px solid var(--line);padding-bottom:8px}
h2 .anchor{color:var(--muted);text-decoration:none;font-weight:500}
h3{margin:20px 0 8px;font-size:16px}
a{color:var(--accent)}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px 20px;margin:0 0 14px}
dl.facts div{min-width:0}
dl.facts dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
dl.facts dd{margin:2px 0 0;overflow-wrap:anywhere}
dl.facts dd code{word-break:break-all}
dl.facts-small dd{font-size:14px}
nav ol{list-style:none;display:flex;flex-wrap:wrap;gap:6px 8px;margin:6px 0 0;padding:12px 0 0;
border-top:1px solid var(--line);counter-reset:s 1}
nav li{counter-increment:s}
nav a{display:inline-block;padding:3px 10px;border-radius:999px;background:var(--zebra);border:1px solid var(--line);
font-size:13px;text-decoration:none;color:var(--ink)}
nav a::before{content:counter(s) ". ";color:var(--muted)}
.badge{display:inline-block;white-space:nowrap;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;
text-transform:uppercase;letter-spacing:.04em;border:1px solid currentColor;vertical-align:middle}
.badge-good{color:var(--good);background:var(--good-bg)}
.badge-bad{color:var(--bad);background:var(--bad-bg)}
.badge-warn{color:var(--warn);background:var(--warn-bg)}
.badge-neutral{color:var(--neutral);background:var(--neutral-bg)}
.alert{border-radius:8px;padding:12px 16px;margin:12px 0;border:1px solid;border-left-width:6px}
.alert ul{margin:6px 0 0;padding-left:20px}
.alert-bad{color:#82071e;background:var(--bad-bg);border-color:var(--bad)}
.alert-warn{color:#4d2d00;background:var(--warn-bg);border-color:#d4a72c}
.alert .cause{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:14px;
overflow-wrap:anywhere;white-space:pre-wrap}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin:0 0 14px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--zebra)}
.kpi-label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.kpi-value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi-note{color:var(--muted);font-size:12px}
.kpi-good .kpi-value{color:var(--good)}
.kpi-bad .kpi-value{color:var(--bad)}
.check{margin:6px 0 14px}
.gate{padding:10px 14px;border-radius:8px;border:1px solid var(--line);margin:0 0 14px}
.gate-good{background:var(--good-bg);border-color:#4ac26b}
.gate-bad{background:var(--bad-bg);border-color:#ff8182}
.gate-neutral{background:var(--neutral-bg)}
.gate-reason{margin-left:6px}
.table-wrap{overflow-x:auto;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-size:14px}
table.compact{width:auto;min-width:50%}
caption{text-align:left;color:var(--muted);padding:4px 0}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#eef1f4;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);
border-bottom:2px solid var(--line);white-space:nowrap}
tbody tr:nth-child(even){background:var(--zebra)}
tbody th{font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.wrap{overflow-wrap:anywhere;max-width:420px}
td.nowrap{white-space:nowrap}
td.text{min-width:360px;max-width:520px;overflow-wrap:anywhere}
td.author{min-width:130px;max-width:200px;overflow-wrap:anywhere}
td.object{min-width:220px;max-width:380px}
.muted{color:var(--muted)}
.small{font-size:12px;overflow-wrap:anywhere}
tr.row-bad,tbody tr.row-bad:nth-child(even){background:var(--bad-bg)}
tr.total td{border-top:2px solid var(--line);font-weight:600}
.error-text{color:var(--bad)}
.example{color:var(--muted)}
.na,.empty{color:var(--muted);font-style:italic;margin:4px 0 10px}
.lead{margin:0 0 12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(290px,1fr));gap:8px 28px;align-items:start}
figure{margin:8px 0 14px;min-width:0}
figcaption{color:var(--muted);font-size:13px;margin-top:4px}
svg.chart{max-width:100%;height:auto;display:block}
svg .value,svg .tick{fill:var(--muted)}
svg .axis-title{fill:var(--muted);font-style:italic}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
.label-pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;color:#fff;
background:var(--pill)}
.message summary{cursor:pointer}
.message .full-text{margin:6px 0 0;white-space:pre-wrap}
.message-id{color:var(--muted);font-size:12px;margin-top:2px}
.print-only{display:none}
details.data summary{cursor:pointer;color:var(--accent);margin:4px 0}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
@media (max-width:640px){.page{padding:12px 8px}header.run-header,section{padding:14px}}
@media print{
@page{margin:14mm}
body{background:#fff;font-size:11pt}
.page{max-width:none;padding:0}
header.run-header,section{border:none;border-radius:0;padding:0;margin:0 0 16pt}
nav,footer .screen-only{display:none}
section{break-before:auto}
h2,h3{break-after:avoid}
figure,.kpis,.alert,.gate,tr{break-inside:avoid}
.table-wrap{overflow:visible}
details.message{display:none}
.print-only{display:block;margin:0}
details.data>summary{display:none}
details.data::details-content{content-visibility:visible;display:contents}
table{font-size:9pt}
td.text,td.author,td.object{min-width:0}
th,td{padding:4px 6px}
a{color:inherit;text-decoration:none}
.badge,.label-pill,.kpi,.alert,tbody tr,svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
"""


def render_report(data: ReportData) -> str:
    """The whole HTML5 document for one run."""
    run_id = data.run.get("run_id")
    title = f"Pulso run {run_id}" if run_id not in (None, "") else "Pulso run (unknown id)"
    body = "".join(
        (
            render_header(data),
            "<main>",
            render_summary(data),
            render_quarantine(data),
            render_evaluation(data),
            render_sentiment(data),
            render_queue(data),
            render_drift(data),
            "</main>",
        )
    )
    generated = ""
    if data.generated_at:
        utc = "" if data.generated_at.rstrip().upper().endswith(("UTC", "Z", "+00:00")) else " UTC"
        generated = f" at {escape(data.generated_at)}{utc}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CONTENT_SECURITY_POLICY)}">\n'
        '<meta name="generator" content="Pulso run report">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<div class="page">{body}<footer>Generated by Pulso{generated}. Self-contained page: no script, '
        "no external resources.</footer></div>\n</body>\n</html>\n"
    )
