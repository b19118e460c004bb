"""The topic discovery cluster report: one self-contained HTML page (inline CSS and SVG, no script, no external
reference) on which support analysts review the clusters a discovery run found and choose their names.

It renders the discovery job's `report.json` as is. Sections, each with an anchor: `#run` (header: window,
k and silhouette, embedding), `#messages` (how many messages were read and clustered), `#approve` (how to approve
names, locally and on AWS), `#k-selection` (silhouette per k), `#map` (the 2-D map with a legend), `#clusters`
(one row per cluster) and `#details` (one card per cluster, largest first: terms, sentiment, current categories
and representative messages). Any key may be missing or null (older or partial reports).

`glue_jobs.discover.topic_view` turns the report into a view model (pure functions, no HTML) and the Jinja2
template `discover/topic_report.html.j2` shows it on the run report's layout, macros and style. Message texts are
untrusted user input: the template's autoescaping escapes everything that comes from the report, and the page
carries the run report's Content-Security-Policy. Python 3.9 compatible: it renders inside the Glue Python shell
job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glue_jobs.discover.topic_view import topic_report_view
from glue_jobs.report.html import CONTENT_SECURITY_POLICY
from glue_jobs.report.templating import render


def render_topic_report(report: Mapping[str, Any]) -> str:
    """The whole HTML5 document for one discovery run's `report.json`."""
    page = topic_report_view(report)
    return render("discover/topic_report.html.j2", page=page, content_security_policy=CONTENT_SECURITY_POLICY)
