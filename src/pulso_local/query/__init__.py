"""`pulso query`: the named queries of `sql/` (Athena's Trino dialect) or ad-hoc SQL, locally or on Athena.

    catalog   the named queries (`sql/<name>.sql`, described by their first `-- ` line)
    local     DuckDB over the workspace: a view per configured table, the SQL translated by sqlglot
    athena    the same SQL on Athena through awswrangler, in the deployed database and workgroup
    output    the shared terminal table, CSV, JSON; files in CSV, JSON or Parquet
    filters   `--where COLUMN=VALUE`, and why a filtered result is empty
    hints     "did you mean", unknown tables and columns named from the catalog
    runner    one call from a name or SQL text to a result on either target

This module stays light (no DuckDB, sqlglot, pyarrow or boto3), so `pulso` starts fast: import the engines
from their modules.
"""

from __future__ import annotations

from pulso_local.query.catalog import SQL_DIR, NamedQuery, named_queries, resolve
from pulso_local.query.errors import EngineError, QueryError

FORMATS = ("table", "csv", "json")
TARGETS = ("local", "aws")

__all__ = ["FORMATS", "SQL_DIR", "TARGETS", "EngineError", "NamedQuery", "QueryError", "named_queries", "resolve"]
