"""The named queries: every `sql/<name>.sql`, described by its first line (`-- <description>`).

Terraform publishes the same files as Athena named queries, with that line as the description.

The views: every `sql/views/<name>.sql`, a SELECT described the same way. Terraform creates each as an Athena view
in the Glue Data Catalog and the local engine as a DuckDB view, from the same text.

Re-running an input predicts its messages again, so `predictions` holds one row per message and run. A query that
reports per message reads the view `latest_predictions` (each message's newest `predicted_at`, ties broken by the
greater `run_id`); older predictions stay queryable by `run_id`, and per-run queries (`prediction_drift`) read
every run's own predictions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pulso_local.definition import REPO_ROOT
from pulso_local.query.errors import QueryError
from pulso_local.query.hints import did_you_mean

SQL_DIR = REPO_ROOT / "sql"
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")  # what Terraform accepts as a named query's file stem
VIEWS_DIR = SQL_DIR / "views"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    path: Path


def describe(sql: str) -> str:
    """The first line's `-- ` comment, or "" when the file does not start with one."""
    first = sql.lstrip().split("\n", 1)[0].strip()
    return first[2:].strip() if first.startswith("--") else ""


def named_queries(sql_dir: Path = SQL_DIR) -> dict[str, NamedQuery]:
    """Every `*.sql` of `sql_dir` by file stem, in name order."""
    queries = {}
    for path in sorted(sql_dir.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        queries[path.stem] = NamedQuery(path.stem, describe(sql), sql, path)
    return queries


def views(views_dir: Path = VIEWS_DIR) -> dict[str, NamedQuery]:
    """Every view of `views_dir` (`<name>.sql`: a described SELECT) by name, in name order."""
    return named_queries(views_dir)


def view_body(sql: str) -> str:
    """A view file's SELECT without its description line, as the view stores it (Terraform trims it the same way)."""
    return re.sub(r"^--[^\n]*\n", "", sql).strip()


def resolve(name_or_sql: str, sql_dir: Path = SQL_DIR) -> tuple[str, str | None]:
    """(SQL, query name or None): a named query by stem, a `.sql` file, or the text itself as ad-hoc SQL.

    A single word that names no query is an error (not SQL to send): `QueryError` suggests the closest names.
    """
    text = name_or_sql.strip()
    queries = named_queries(sql_dir)
    if text in queries:
        return queries[text].sql, text
    if text.endswith(".sql") and Path(text).is_file():
        return Path(text).read_text(encoding="utf-8"), Path(text).stem
    if not text:
        raise QueryError("empty query")
    if _NAME.match(text):
        hint = did_you_mean(text.removesuffix(".sql"), queries) or f"known queries: {', '.join(queries) or 'none'}"
        missing = " and no such file" if text.endswith(".sql") else ""
        raise QueryError(f"no named query {text!r}{missing}; {hint} (pulso query --list)")
    return text, None
