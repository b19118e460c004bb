"""From a query name or SQL text to a result, on the workspace (DuckDB) or on Athena."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import pyarrow as pa

from pulso.config import PulsoConfig, load_config
from pulso_local.query import TARGETS
from pulso_local.query.athena import ReadSqlQuery, run_athena
from pulso_local.query.catalog import SQL_DIR, resolve
from pulso_local.query.errors import QueryError
from pulso_local.query.filters import RunSql, why_empty, with_filters
from pulso_local.query.local import run_local
from pulso_local.workspace import default_home

__all__ = ["run_query", "with_filters"]


def run_query(
    name_or_sql: str,
    *,
    target: str = "local",
    home: Path | None = None,
    config: PulsoConfig | None = None,
    sql_dir: Path = SQL_DIR,
    read_sql_query: ReadSqlQuery | None = None,
    filters: Mapping[str, str] | None = None,
    notify: Callable[[str], None] | None = None,
) -> pa.Table:
    """Run a named query or SQL text on `target`: `local` (the workspace `home`) or `aws` (Athena), keeping the
    rows where every `filters` column equals its value. When the filters leave no row, `notify` (if given) gets
    one line saying why, when that can be told (the result stays empty)."""
    config = config or load_config()
    sql, _ = resolve(name_or_sql, sql_dir)
    run: RunSql
    if target == "local":
        run = partial(run_local, home=home or default_home(), config=config)
    elif target == "aws":
        run = partial(run_athena, config=config, read_sql_query=read_sql_query)
    else:
        raise QueryError(f"unknown target {target!r} (known targets: {', '.join(TARGETS)})")
    result = run(with_filters(sql, filters or {}))
    if filters and notify is not None and result.num_rows == 0:
        reason = why_empty(sql, filters, run)
        if reason:
            notify(reason)
    return result
