"""The run report: one self-contained HTML page (inline CSS and SVG, no script, no external reference) that tells
what one pipeline run did, for the people who read it after the fact.

Sections, each with an anchor: `#run` (header: status, timing, failure cause, drift warning), `#summary` (counts
and the accounting check read = curated + quarantined + duplicates, per input object), `#quarantine` (reasons),
`#evaluation` (candidate against champion, quality gate, confusion matrix, per-class recall, learning curve),
`#sentiment` (predicted sentiment per day and per source), `#support-queue` (the messages to answer first) and
`#drift` (the predicted data against the training data). A section without data says "Not available: <why>",
with the why from `ReportData.missing` (keyed by section, e.g. `{"evaluation": "predict mode"}`) or a default.

`glue_jobs.report.view` turns the data into a view model (pure functions, no HTML) and the Jinja2 template
`report/run_report.html.j2` shows it. Every piece of text that comes from data (messages, ids, reasons, file
names) is HTML-escaped by the template's autoescaping, also inside the SVG charts, and the page carries a
Content-Security-Policy that forbids scripts and any load from elsewhere. Python 3.9 compatible: it renders inside
the Glue Python shell job (with Jinja2 and MarkupSafe from `--extra-py-files`).
"""

from __future__ import annotations

from glue_jobs.report.templating import render
from glue_jobs.report.view import ReportData, run_report_view

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"


def render_report(data: ReportData) -> str:
    """The whole HTML5 document for one run."""
    page = run_report_view(data)
    return render("report/run_report.html.j2", page=page, content_security_policy=CONTENT_SECURITY_POLICY)
