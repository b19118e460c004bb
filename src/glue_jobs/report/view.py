"""The run report's view model: pure functions that turn `ReportData` into the plain dataclasses the template
`report/run_report.html.j2` shows (numbers formatted, sections present or missing with the reason, chart
geometry). Nothing here writes HTML; the template escapes every text.

A part without data becomes a `Missing` ("Not available: <why>"), with the why from `ReportData.missing` (keyed
by section, e.g. `{"evaluation": "predict mode"}`, see `MISSING_KEYS`) or a default. Standard library only and
Python 3.9 compatible: it runs inside the Glue Python shell job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from glue_jobs.report import svg_charts
from glue_jobs.report.formatting import (
    NOT_SHOWN,
    fmt_count,
    fmt_decimal,
    fmt_duration,
    fmt_metric,
    fmt_points,
    fmt_share,
    fmt_signed,
    number,
    parse_timestamp,
    shorten,
    shown,
)
from glue_jobs.report.svg_charts import Chart

LABEL_COLORS = {"negative": "#c0392b", "neutral": "#7f8c8d", "positive": "#2e8b57"}
STATUS_CLASSES = {"SUCCEEDED": "good", "FAILED": "bad"}
GATE_CLASSES = {"approved": "good", "rejected": "bad", "skipped": "neutral"}
DRIFT_CLASSES = {"ok": "good", "warning": "warn"}
QUEUE_TEXT_CHARS = 140
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


# ---------------------------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class SectionRef:
    """A numbered section with an anchor (`#id`)."""

    id: str
    title: str
    number: int


def section_refs(sections: Sequence[tuple[str, str]]) -> dict[str, SectionRef]:
    return {key: SectionRef(key, title, index) for index, (key, title) in enumerate(sections, start=1)}


@dataclass(frozen=True)
class Badge:
    label: str
    kind: str  # good, bad, warn or neutral


@dataclass(frozen=True)
class Missing:
    """Shown instead of data: "<what> not available: <why>", or "Not available: <why>" without `what`."""

    why: str
    what: str = ""

    @property
    def lead(self) -> str:
        return f"{self.what} not" if self.what else "Not"


@dataclass(frozen=True)
class Kpi:
    """A key figure; `kind` (good, bad) colours the value."""

    label: str
    value: str
    note: str = ""
    key: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Fact:
    name: str
    value: str
    code: bool = False  # shown as code (an S3 URI, an id)


@dataclass(frozen=True)
class Figure:
    chart: Chart
    caption: str
    cls: str = ""


@dataclass(frozen=True)
class Message:
    """A message text: in full, or `short` with the full text folded away (`folded`)."""

    full: str
    short: str
    folded: bool


@dataclass(frozen=True)
class Moment:
    """A timestamp to the minute (`shown`), machine-readable (`iso`) and as recorded (`title`)."""

    iso: str
    title: str
    shown: str


@dataclass(frozen=True)
class CountRow:
    """A row of a counts table: its name, one cell per label, the total."""

    name: str
    cells: tuple[str, ...]
    total: str


def why_missing(data: ReportData, part: str, default: str) -> str:
    for key in MISSING_KEYS.get(part, (part,)):
        reason = data.missing.get(key)
        if reason:
            return str(reason)
    return default


def label_color(name: str, index: int) -> str:
    return LABEL_COLORS.get(name, svg_charts.PALETTE[index % len(svg_charts.PALETTE)])


def message(value: Any, limit: int = QUEUE_TEXT_CHARS) -> Message | None:
    """A message to show; None for a missing or blank one. A long or multi-line text is folded."""
    if value is None or not str(value).strip():
        return None
    full = str(value)
    short = shorten(full, limit)
    folded = not (short == " ".join(full.split()) and "\n" not in full)
    return Message(full, short, folded)


def moment(value: Any) -> Moment | None:
    stamp = parse_timestamp(value)
    if stamp is None:
        return None
    return Moment(stamp.isoformat(), str(value), f"{stamp:%Y-%m-%d %H:%M}")


# ---------------------------------------------------------------------------------------------- 1. header


@dataclass(frozen=True)
class Header:
    run_id: str
    status: Badge
    facts: tuple[Fact, ...]
    run_missing: Missing | None  # the run is not in the runs table
    failure: str | None  # the cause, for a failed run
    drift_warnings: tuple[str, ...] | None  # None: no drift warning
    nav: tuple[SectionRef, ...]


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


def header_view(data: ReportData) -> Header:
    run = data.run
    status = str(run.get("status") or "UNKNOWN").upper()
    facts = (
        Fact("Mode", shown(run.get("mode"))),
        Fact("Profile", shown(run.get("profile"))),
        Fact("Input", shown(run.get("input")), code=True),
        Fact("Model version", shown(run.get("model_version"))),
        Fact("Started (UTC)", shown(run.get("started_at"))),
        Fact("Finished (UTC)", shown(run.get("finished_at"))),
        Fact("Duration", fmt_duration(run.get("started_at"), run.get("finished_at"))),
        Fact("Report generated (UTC)", shown(data.generated_at)),
    )
    failure = (data.failure or "the failure cause was not recorded") if status == "FAILED" else None
    warning = str(run.get("drift_status") or "").lower() == "warning"
    return Header(
        run_id=shown(run.get("run_id")),
        status=Badge(status.lower(), STATUS_CLASSES.get(status, "neutral")),
        facts=facts,
        run_missing=Missing(str(data.missing["run"]), "Run record") if data.missing.get("run") else None,
        failure=failure,
        drift_warnings=tuple(_drift_warning_lines(data)) if warning else None,
        nav=tuple(section_refs(SECTIONS).values())[1:],
    )


# ---------------------------------------------------------------------------------------------- 2. summary


COUNTS = (
    ("read", "rows_read", "Rows read"),
    ("curated", "curated", "Curated"),
    ("quarantined", "quarantined", "Quarantined"),
    ("duplicates", "duplicates", "Duplicates dropped"),
    ("labelled", "labelled", "Labelled"),
)
VERDICTS = {True: Badge("holds", "good"), False: Badge("does not hold", "bad"), None: Badge("unknown", "neutral")}


@dataclass(frozen=True)
class AccountingCheck:
    verdict: Badge
    why: str


@dataclass(frozen=True)
class ObjectRow:
    """One input object of the ETL manifest; `uri` empty when the manifest names none."""

    uri: str
    name: str
    folder: str  # shown above the name, muted; "" for none
    counts: tuple[str, ...]  # read, curated, quarantined, duplicates
    verdict: Badge | None  # None: the check cannot be made
    error: str
    bad: bool


@dataclass(frozen=True)
class Summary:
    kpis: tuple[Kpi, ...]
    check: AccountingCheck
    mismatch: str  # how the run record and the manifest disagree; "" when they agree
    objects: tuple[ObjectRow, ...]
    objects_missing: Missing | None


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


def object_rows(data: ReportData) -> tuple[ObjectRow, ...]:
    rows = []
    for obj in (data.accounting or {}).get("objects") or ():
        holds, _ = accounting_check(obj.get("read"), obj.get("curated"), obj.get("quarantined"), obj.get("duplicates"))
        uri = str(obj.get("uri") or obj.get("object") or "")
        folder, _, name = uri.rstrip("/").rpartition("/")
        error = obj.get("error")
        rows.append(
            ObjectRow(
                uri=uri,
                name=name or uri,
                folder=f"{folder}/" if folder else "",
                counts=tuple(fmt_count(obj.get(key)) for key in ("read", "curated", "quarantined", "duplicates")),
                verdict=VERDICTS[holds] if holds is not None else None,
                error=str(error) if error else "",
                bad=bool(error) or holds is False,
            )
        )
    return tuple(rows)


def summary_view(data: ReportData) -> Summary:
    counts = summary_counts(data)
    read = counts["read"]
    kpis = []
    for key, _, title in COUNTS:
        share = counts[key] / read if read and counts[key] is not None and key != "read" else None
        kpis.append(Kpi(title, fmt_count(counts[key]), f"{fmt_share(share)} of read" if share is not None else "", key))
    kpis.append(Kpi("Predictions", fmt_count(counts["predictions"]), "", "predictions"))
    holds, why = accounting_check(read, counts["curated"], counts["quarantined"], counts["duplicates"])
    totals = (data.accounting or {}).get("totals") or {}
    notes = []
    for key, run_key, title in COUNTS:
        row_value, manifest_value = number(data.run.get(run_key)), number(totals.get(key))
        if row_value is not None and manifest_value is not None and row_value != manifest_value:
            notes.append(
                f"{title.lower()}: run record {fmt_count(row_value)}, ETL manifest {fmt_count(manifest_value)}"
            )
    objects = object_rows(data)
    objects_missing = None
    if not objects and (data.accounting is None or "objects" in data.missing):
        objects_missing = Missing(why_missing(data, "objects", "no ETL manifest for this run"), "Per-object accounting")
    return Summary(tuple(kpis), AccountingCheck(VERDICTS[holds], why), "; ".join(notes), objects, objects_missing)


# ---------------------------------------------------------------------------------------------- 3. quarantine


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    count: str
    share: str
    example: str  # the full example; "" for none
    example_short: str


@dataclass(frozen=True)
class Quarantine:
    empty: bool  # no row was quarantined
    missing: Missing | None
    rows: tuple[ReasonRow, ...] = ()
    total: str = ""
    total_share: str = ""
    reasons_total: str = ""  # set when the reasons do not add up to the quarantined rows
    quarantined: str = ""
    chart: Figure | None = None


def quarantine_reasons(data: ReportData) -> list[Mapping[str, Any]]:
    """The reasons given, else the counts per reason of the ETL manifest's totals (without examples)."""
    reasons = [reason for reason in data.quarantine_reasons if isinstance(reason, Mapping)]
    if reasons:
        return reasons
    counts = ((data.accounting or {}).get("totals") or {}).get("quarantine_reasons")
    if isinstance(counts, Mapping):
        return [{"reason": reason, "count": count} for reason, count in counts.items() if number(count)]
    return []


def quarantine_view(data: ReportData) -> Quarantine:
    reasons = quarantine_reasons(data)
    quarantined = summary_counts(data)["quarantined"]
    if not reasons:
        if quarantined == 0 and "quarantine" not in data.missing and "quarantine_reasons" not in data.missing:
            return Quarantine(empty=True, missing=None)
        return Quarantine(False, Missing(why_missing(data, "quarantine", "no quarantine reasons recorded")))
    ordered = sorted(reasons, key=lambda reason: -(number(reason.get("count")) or 0))
    total = sum(number(reason.get("count")) or 0 for reason in ordered)
    rows = []
    for reason in ordered:
        count = number(reason.get("count"))
        example = reason.get("example")
        example = "" if example in (None, "") else str(example)
        rows.append(
            ReasonRow(
                reason=shown(reason.get("reason")),
                count=fmt_count(count),
                share=fmt_share(count / total if total and count is not None else None),
                example=example,
                example_short=shorten(example, 120),
            )
        )
    adds_up = quarantined is None or quarantined == total
    chart = svg_charts.horizontal_bars(
        [str(reason.get("reason")) for reason in ordered],
        [number(reason.get("count")) for reason in ordered],
        title="Quarantined rows by reason",
        value_format=fmt_count,
        color="#b5651d",
    )
    return Quarantine(
        empty=False,
        missing=None,
        rows=tuple(rows),
        total=fmt_count(total),
        total_share=fmt_share(1.0 if total else None),
        reasons_total="" if adds_up else fmt_count(total),
        quarantined="" if adds_up else fmt_count(quarantined),
        chart=Figure(chart, "Quarantined rows by reason (share of all quarantined rows in the table)."),
    )


# ---------------------------------------------------------------------------------------------- 4. evaluation


@dataclass(frozen=True)
class Gate:
    badge: Badge
    reason: str


@dataclass(frozen=True)
class MetricRow:
    title: str
    validation: str
    test: str


@dataclass(frozen=True)
class ClassRow:
    label: str
    color: str
    precision: str
    recall: str
    f1: str
    support: str


@dataclass(frozen=True)
class Evaluation:
    gate: Gate
    kpis: tuple[Kpi, ...]
    missing: Missing | None  # no evaluation: the gate and the runs row's figures only
    metrics: tuple[MetricRow, ...] = ()
    test_missing: Missing | None = None  # the evaluation has no test metrics
    confusion: Figure | None = None
    confusion_missing: Missing | None = None
    figures: tuple[Figure, ...] = ()  # recall per class, learning curve
    per_class: tuple[ClassRow, ...] = ()
    training: tuple[Fact, ...] = ()


def gate_view(run: Mapping[str, Any]) -> Gate:
    decision = str(run.get("gate_decision") or "").lower()
    reason = run.get("gate_reason")
    return Gate(Badge(decision or "no decision", GATE_CLASSES.get(decision, "neutral")), str(reason) if reason else "")


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


def evaluation_view(data: ReportData) -> Evaluation:
    run = data.run
    gate = gate_view(run)
    evaluation = data.evaluation
    champion = number(run.get("champion_macro_recall"))
    if not evaluation:
        default = "predict run: no candidate was trained" if run.get("mode") == "predict" else "no evaluation recorded"
        candidate = number(run.get("candidate_macro_recall"))
        kpis: tuple[Kpi, ...] = ()
        if candidate is not None or champion is not None:
            kpis = (
                Kpi("Candidate macro-recall", fmt_metric(candidate), "", "candidate_macro_recall"),
                Kpi("Champion macro-recall", fmt_metric(champion), "", "champion_macro_recall"),
            )
        return Evaluation(gate, kpis, Missing(why_missing(data, "evaluation", default)))
    test = _split_metrics(evaluation, "test")
    validation = _split_metrics(evaluation, "validation")
    candidate = number(test.get("macro_recall"))
    if candidate is None:
        candidate = number(run.get("candidate_macro_recall"))
    delta = candidate - champion if candidate is not None and champion is not None else None
    delta_kind = "" if delta is None else ("good" if delta >= 0 else "bad")
    kpis = (
        Kpi("Candidate macro-recall (test)", fmt_metric(candidate), "primary metric", "candidate_macro_recall"),
        Kpi(
            "Champion macro-recall",
            fmt_metric(champion),
            "no champion yet" if champion is None else "current approved model",
            "champion_macro_recall",
        ),
        Kpi("Candidate − champion", NOT_SHOWN if delta is None else f"{delta:+.4f}", "", "delta", delta_kind),
        Kpi("Macro-F1 (test)", fmt_metric(test.get("macro_f1")), "", "macro_f1"),
        Kpi("Accuracy (test)", fmt_metric(test.get("accuracy")), "", "accuracy"),
        Kpi("Test examples", fmt_count(test.get("examples")), "", "examples"),
    )
    metrics = (
        *(
            MetricRow(title, fmt_metric(validation.get(key)), fmt_metric(test.get(key)))
            for key, title in (("macro_recall", "Macro-recall"), ("macro_f1", "Macro-F1"), ("accuracy", "Accuracy"))
        ),
        MetricRow("Examples", fmt_count(validation.get("examples")), fmt_count(test.get("examples"))),
    )
    view = Evaluation(gate, kpis, None, metrics, training=training_facts(evaluation))
    if not test:
        return replace(view, test_missing=Missing("the evaluation has no test metrics"))
    return replace(view, **_test_figures(data, test))


def _test_figures(data: ReportData, test: Mapping[str, Any]) -> dict[str, Any]:
    labels = [str(label) for label in (test.get("labels") or data.label_names)]
    matrix = test.get("confusion_matrix")
    parts: dict[str, Any] = {}
    if _valid_matrix(matrix, len(labels)):
        chart = svg_charts.heatmap(
            matrix, labels, labels, title="Confusion matrix on the test split", value_format=fmt_count, cell=64
        )
        caption = "Confusion matrix (test): rows are true labels, columns predicted labels; shade = share of the row."
        parts["confusion"] = Figure(chart, caption, "confusion")
    else:
        parts["confusion_missing"] = Missing("the confusion matrix is missing or does not match the labels")
    per_class = test.get("per_class") or {}
    per_class = per_class if isinstance(per_class, Mapping) else {}
    figures = []
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
        figures.append(Figure(chart, "Recall per class (test); the macro-recall is their mean."))
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
        figures.append(Figure(chart, "Learning curve: validation macro-recall per epoch."))
    parts["figures"] = tuple(figures)
    rows = []
    for index, label in enumerate(labels):
        metrics = per_class.get(label) or {}
        rows.append(
            ClassRow(
                label,
                label_color(label, index),
                fmt_metric(metrics.get("precision")),
                fmt_metric(metrics.get("recall")),
                fmt_metric(metrics.get("f1")),
                fmt_count(metrics.get("support")),
            )
        )
    parts["per_class"] = tuple(rows)
    return parts


def training_facts(evaluation: Mapping[str, Any]) -> tuple[Fact, ...]:
    training = evaluation.get("training") or {}
    embedding = evaluation.get("embedding") or {}
    sizes = evaluation.get("data") or {}
    oov = embedding.get("out_of_vocabulary") or {}
    stopped = training.get("stopped_early")
    splits = ("train", "validation", "test")
    return (
        Fact("Model", str(evaluation.get("model_id") or NOT_SHOWN)),
        Fact("Primary metric", str(evaluation.get("primary_metric") or NOT_SHOWN)),
        Fact("Examples (train / validation / test)", " / ".join(fmt_count(sizes.get(split)) for split in splits)),
        Fact(
            "Training",
            f"{fmt_count(training.get('epochs_run'))} epochs in {fmt_decimal(training.get('seconds'), 1)} s"
            + (", stopped early" if stopped else ""),
        ),
        Fact(
            "Embedding",
            f"{embedding.get('source') or NOT_SHOWN} ({fmt_count(embedding.get('dimension'))} dimensions, "
            f"{fmt_count(embedding.get('vocabulary_size'))} words)",
        ),
        Fact("Out of vocabulary (train / validation / test)", " / ".join(fmt_share(oov.get(s), 2) for s in splits)),
    )


# ---------------------------------------------------------------------------------------------- 5. sentiment


@dataclass(frozen=True)
class LabelTotal:
    label: str
    color: str
    total: str
    share: str


@dataclass(frozen=True)
class Sentiment:
    labels: tuple[str, ...]
    messages: str  # how many predicted messages the days add up to
    totals: tuple[LabelTotal, ...]
    days_chart: Figure | None
    days: tuple[CountRow, ...]
    days_missing: Missing | None
    sources_chart: Figure | None
    sources: tuple[CountRow, ...]
    sources_missing: Missing | None


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


def sentiment_view(data: ReportData) -> Sentiment:
    labels = list(data.label_names)
    colors = [label_color(label, index) for index, label in enumerate(labels)]
    days = sentiment_days(data)
    totals = [sum(counts[index] for _, counts in days) for index in range(len(labels))]
    everything = sum(totals)
    shares = [total / everything if everything else None for total in totals]
    label_totals = tuple(
        LabelTotal(label, colors[index], fmt_count(totals[index]), fmt_share(shares[index]))
        for index, label in enumerate(labels)
    )
    days_chart = None
    days_missing = None
    if days:
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
        days_chart = Figure(chart, "Predicted messages per day (by the message's date), stacked by sentiment.")
    else:
        days_missing = Missing(why_missing(data, "sentiment_by_day", "no predictions in this run"))
    day_rows = tuple(
        CountRow(day, tuple(fmt_count(value) for value in counts), fmt_count(sum(counts))) for day, counts in days
    )
    sources = [row for row in data.sentiment_by_source if isinstance(row, Mapping)]
    sources_chart = None
    sources_missing = None
    source_rows: list[CountRow] = []
    if sources:
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
        caption = "Sentiment mix per source (bar length = 100 %; the total is at the end of each bar)."
        sources_chart = Figure(chart, caption)
        for name, row_counts in zip(names, counts):
            total = sum(row_counts)
            cells = tuple(f"{fmt_count(value)} ({fmt_share(value / total if total else None)})" for value in row_counts)
            source_rows.append(CountRow(name, cells, fmt_count(total)))
    else:
        sources_missing = Missing(why_missing(data, "sentiment_by_source", "no predictions in this run"))
    return Sentiment(
        tuple(labels),
        fmt_count(everything),
        label_totals,
        days_chart,
        day_rows,
        days_missing,
        sources_chart,
        tuple(source_rows),
        sources_missing,
    )


# ---------------------------------------------------------------------------------------------- 6. queue


@dataclass(frozen=True)
class Pill:
    label: str
    color: str


@dataclass(frozen=True)
class QueueRow:
    rank: str
    priority: str
    label: Pill | None
    confidence: str
    created: Moment | None
    created_text: str  # shown when `created` is None: the value as recorded, or an em dash
    author: str
    source: str
    message: Message | None
    message_id: str  # "" for none


@dataclass(frozen=True)
class Queue:
    count: str
    rows: tuple[QueueRow, ...]
    missing: Missing | None


def queue_view(data: ReportData) -> Queue:
    queue = [row for row in data.support_queue if isinstance(row, Mapping)]
    if not queue:
        return Queue("0", (), Missing(why_missing(data, "support_queue", "no predictions in this run")))
    labels = list(data.label_names)
    rows = []
    for rank, row in enumerate(queue, start=1):
        label = str(row.get("label_name") or "")
        index = labels.index(label) if label in labels else len(labels)
        message_id = row.get("message_id")
        rows.append(
            QueueRow(
                rank=str(rank),
                priority=fmt_metric(row.get("priority")),
                label=Pill(label, label_color(label, index)) if label else None,
                confidence=fmt_share(row.get("confidence")),
                created=moment(row.get("created_at")),
                created_text=shown(row.get("created_at")),
                author=shown(row.get("author_id")),
                source=shown(row.get("source")),
                message=message(row.get("text")),
                message_id=str(message_id) if message_id else "",
            )
        )
    return Queue(f"{len(queue):,}", tuple(rows), None)


# ---------------------------------------------------------------------------------------------- 7. drift


@dataclass(frozen=True)
class DriftRow:
    title: str
    current: str
    reference: str
    change: str


@dataclass(frozen=True)
class CheckRow:
    name: str
    description: str
    value: str
    threshold: str
    breached: bool
    result: Badge


@dataclass(frozen=True)
class Drift:
    missing: Missing | None
    status: Badge | None = None
    model_version: str = ""
    rows: tuple[DriftRow, ...] = ()
    checks: tuple[CheckRow, ...] = ()
    checks_missing: Missing | None = None


def _mix_rows(title: str, current: Any, reference: Any, order: Sequence[str] = ()) -> list[DriftRow]:
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
        rows.append(DriftRow(f"{title}: {key}", fmt_share(now), fmt_share(then), fmt_points(change)))
    return rows


DRIFT_FIGURES: tuple[tuple[str, str, Callable[[Any], str], Callable[[Any], str] | None], ...] = (
    ("messages", "Messages", fmt_count, None),
    ("mean_tokens", "Mean tokens per message", fmt_decimal, fmt_signed),
    ("oov_rate", "Out-of-vocabulary rate", lambda value: fmt_share(value, 2), fmt_points),
)


def drift_view(data: ReportData) -> Drift:
    drift = data.drift
    if not drift:
        return Drift(Missing(why_missing(data, "drift", "no drift check ran for this run")))
    status = str(drift.get("status") or "unknown").lower()
    current = drift.get("current") or {}
    reference = drift.get("reference") or {}
    rows = []
    for key, title, formatter, difference in DRIFT_FIGURES:
        now, then = number(current.get(key)), number(reference.get(key))
        change = NOT_SHOWN
        if difference is not None and now is not None and then is not None:
            change = difference(now - then)
        rows.append(DriftRow(title, formatter(now), formatter(then), change))
    rows += _mix_rows("Label", current.get("label_mix"), reference.get("label_mix"), data.label_names)
    rows += _mix_rows("Language", current.get("language_mix"), reference.get("language_mix"))
    checks = tuple(
        CheckRow(
            shown(check.get("name")),
            shown(check.get("description")),
            fmt_metric(check.get("value")),
            fmt_metric(check.get("threshold")),
            bool(check.get("breached")),
            Badge("breached", "bad") if check.get("breached") else Badge("ok", "good"),
        )
        for check in drift.get("checks") or ()
        if isinstance(check, Mapping)
    )
    return Drift(
        missing=None,
        status=Badge(status, DRIFT_CLASSES.get(status, "neutral")),
        model_version=shown(drift.get("model_version")),
        rows=tuple(rows),
        checks=checks,
        checks_missing=None if checks else Missing("the drift check recorded no checks"),
    )


# ---------------------------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class RunReport:
    title: str
    generated: str  # " at <time> UTC" for the footer, "" when unknown
    sections: dict[str, SectionRef]
    header: Header
    summary: Summary
    quarantine: Quarantine
    evaluation: Evaluation
    sentiment: Sentiment
    queue: Queue
    drift: Drift


def run_report_view(data: ReportData) -> RunReport:
    """Everything the run report shows, section by section."""
    run_id = data.run.get("run_id")
    generated = ""
    if data.generated_at:
        utc = "" if data.generated_at.rstrip().upper().endswith(("UTC", "Z", "+00:00")) else " UTC"
        generated = f" at {data.generated_at}{utc}"
    return RunReport(
        title=f"Pulso run {run_id}" if run_id not in (None, "") else "Pulso run (unknown id)",
        generated=generated,
        sections=section_refs(SECTIONS),
        header=header_view(data),
        summary=summary_view(data),
        quarantine=quarantine_view(data),
        evaluation=evaluation_view(data),
        sentiment=sentiment_view(data),
        queue=queue_view(data),
        drift=drift_view(data),
    )
