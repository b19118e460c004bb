"""From a query name or SQL text to a result, on the workspace (DuckDB) or on Athena."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pulso.config import PulsoConfig, load_config
from pulso_local.query import TARGETS
from pulso_local.query.athena import ReadSqlQuery, run_athena
from pulso_local.query.catalog import SQL_DIR, resolve
from pulso_local.query.errors import QueryError
from pulso_local.query.local import run_local
from pulso_local.workspace import default_home


def run_query(
    name_or_sql: str,
    *,
    target: str = "local",
    home: Path | None = None,
    config: PulsoConfig | None = None,
    sql_dir: Path = SQL_DIR,
    read_sql_query: ReadSqlQuery | None = None,
) -> pa.Table:
    """Run a named query or SQL text on `target`: `local` (the workspace `home`) or `aws` (Athena)."""
    config = config or load_config()
    sql, _ = resolve(name_or_sql, sql_dir)
    if target == "local":
        return run_local(sql, home=home or default_home(), config=config)
    if target == "aws":
        return run_athena(sql, config=config, read_sql_query=read_sql_query)
    raise QueryError(f"unknown target {target!r} (known targets: {', '.join(TARGETS)})")
