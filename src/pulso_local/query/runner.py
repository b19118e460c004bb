"""From a query name or SQL text to a result, on the workspace (DuckDB) or on Athena."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from pulso.config import PulsoConfig, load_config
from pulso_local.query import TARGETS
from pulso_local.query.athena import ReadSqlQuery, run_athena
from pulso_local.query.catalog import SQL_DIR, resolve
from pulso_local.query.errors import QueryError
from pulso_local.query.local import run_local
from pulso_local.workspace import default_home


def with_filters(sql: str, filters: Mapping[str, str]) -> str:
    """`sql` keeping only rows whose output `column` equals `value` (`--where topic=Billing`): the condition joins
    the outermost SELECT's WHERE, on the expression behind the column, so ORDER BY and LIMIT still apply after it
    (the support queue filtered by topic is that topic's top 100)."""
    if not filters:
        return sql
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="athena")
    except sqlglot.errors.ParseError as error:
        raise QueryError(f"--where needs SQL it can parse: {error}") from None
    if not isinstance(tree, exp.Select):
        raise QueryError("--where works on a single SELECT (not on UNION or other statements)")
    outputs = {projection.alias_or_name: projection for projection in tree.expressions}
    for column, value in filters.items():
        projection = outputs.get(column)
        if projection is None and not any(isinstance(item, exp.Star) for item in tree.expressions):
            raise QueryError(f"--where: the query has no column {column!r} (columns: {', '.join(outputs)})")
        source = projection.unalias().copy() if projection is not None else exp.column(column)
        condition = exp.EQ(this=exp.cast(source, "varchar"), expression=exp.Literal.string(value))
        tree = tree.where(condition, copy=False)
    return tree.sql(dialect="athena")


def run_query(
    name_or_sql: str,
    *,
    target: str = "local",
    home: Path | None = None,
    config: PulsoConfig | None = None,
    sql_dir: Path = SQL_DIR,
    read_sql_query: ReadSqlQuery | None = None,
    filters: Mapping[str, str] | None = None,
) -> pa.Table:
    """Run a named query or SQL text on `target`: `local` (the workspace `home`) or `aws` (Athena), keeping the
    rows where every `filters` column equals its value."""
    config = config or load_config()
    sql, _ = resolve(name_or_sql, sql_dir)
    sql = with_filters(sql, filters or {})
    if target == "local":
        return run_local(sql, home=home or default_home(), config=config)
    if target == "aws":
        return run_athena(sql, config=config, read_sql_query=read_sql_query)
    raise QueryError(f"unknown target {target!r} (known targets: {', '.join(TARGETS)})")
