"""The Jinja2 environment of the reports: the templates of `glue_jobs/report/templates/` under the prefix `report/`
and those of `glue_jobs/discover/templates/` under `discover/`, so that the topic report shares the run report's
page layout, macros, style and chart macros.

`PackageLoader` reads the templates from the installed package (also from a zip on `sys.path`). Autoescaping is
on for every template (message texts are customer content), and an undefined name is an error
(`StrictUndefined`), never an empty string. Jinja2 and MarkupSafe reach the Glue Python shell job as wheels in
`--extra-py-files` (`pulso_local.artifacts`); MarkupSafe's pure-Python escaping is used where its C speedups are
absent.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from glue_jobs.report.svg_charts import Chart, coordinate

TEMPLATE_PACKAGES = {"report": "glue_jobs.report", "discover": "glue_jobs.discover"}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    loader = jinja2.PrefixLoader(
        {prefix: jinja2.PackageLoader(package, "templates") for prefix, package in TEMPLATE_PACKAGES.items()}
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["coord"] = coordinate
    return env


def render(template: str, **context: Any) -> str:
    """The template `template` (e.g. "report/run_report.html.j2") rendered with `context`."""
    return environment().get_template(template).render(**context)


def render_chart(chart: Chart) -> str:
    """One chart as its `<svg>` element (the `svg` macro of report/charts.svg.j2)."""
    macros: Any = environment().get_template("report/charts.svg.j2").module
    return str(macros.svg(chart))
