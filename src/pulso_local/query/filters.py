"""`--where COLUMN=VALUE`: the condition added to a query, and why a filtered result came back empty.

Both work on the outermost SELECT with sqlglot (Athena's dialect), so they hold on either target.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pulso_local.query.errors import QueryError
from pulso_local.query.hints import did_you_mean

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlglot import exp

RunSql = Callable[[str], "pa.Table"]
MAX_VALUES = 1000  # distinct values read to explain an empty result
MAX_LISTED = 20  # of which the message lists
NO_TOPIC_MAP = (
    "no topic map approved yet: run `pulso topics review` then `pulso topics approve` (runs after it assign topics)"
)


def _select(sql: str) -> exp.Select:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="athena")
    except sqlglot.errors.ParseError as error:
        raise QueryError(f"--where needs SQL it can parse: {error}") from None
    if not isinstance(tree, exp.Select):
        raise QueryError("--where works on a single SELECT (not on UNION or other statements)")
    return tree


def _source(tree: exp.Select, column: str) -> exp.Expression:
    """The expression behind the output `column` (the column itself under `SELECT *`)."""
    from sqlglot import exp

    outputs = {projection.alias_or_name: projection for projection in tree.expressions}
    projection = outputs.get(column)
    if projection is None and not any(isinstance(item, exp.Star) for item in tree.expressions):
        raise QueryError(f"--where: the query has no column {column!r} (columns: {', '.join(outputs)})")
    return projection.unalias().copy() if projection is not None else exp.column(column)


def _condition(source: exp.Expression, value: str) -> exp.Expression:
    from sqlglot import exp

    return exp.EQ(this=exp.cast(source, "varchar"), expression=exp.Literal.string(value))


def with_filters(sql: str, filters: Mapping[str, str]) -> str:
    """`sql` keeping only rows whose output `column` equals `value` (`--where topic=Billing`): the condition joins
    the outermost SELECT's WHERE, on the expression behind the column, so ORDER BY and LIMIT still apply after it
    (the support queue filtered by topic is that topic's top 100)."""
    if not filters:
        return sql
    tree = _select(sql)
    for column, value in filters.items():
        tree = tree.where(_condition(_source(tree, column), value), copy=False)
    return tree.sql(dialect="athena")


def values_sql(sql: str, column: str) -> str:
    """The distinct values (as text, NULL included) the output `column` of the unfiltered `sql` takes, without its
    ORDER BY and LIMIT."""
    from sqlglot import exp

    tree = _select(sql)
    source = exp.cast(_source(tree, column), "varchar")
    for key in ("order", "limit", "offset"):
        tree.set(key, None)
    tree.set("expressions", [exp.alias_(source.copy(), "value")])
    tree.set("distinct", exp.Distinct())
    return tree.limit(MAX_VALUES).sql(dialect="athena")


def why_empty(sql: str, filters: Mapping[str, str], run: RunSql) -> str | None:
    """Why `sql` filtered by `filters` has no rows, in one line, or None when it cannot tell. `run` runs Athena SQL
    on the same target: a value the column never takes is named with the values it takes; a `topic` no row has
    while no prediction has a topic means no topic map was approved yet."""
    for column, value in filters.items():
        try:
            values = [row["value"] for row in run(values_sql(sql, column)).to_pylist()]
        except QueryError:
            return None
        if not values:
            return "the query has no rows even without --where"
        present = [text for text in values if text is not None]
        if value in present:
            continue
        if len(values) >= MAX_VALUES:
            return None  # more values than were read: the value may be among the others
        if not present:
            if column == "topic" and not _any_topic(run):
                return NO_TOPIC_MAP
            return f"no row has {column} = {value!r}: {column} is NULL in every row of the query"
        listed = ", ".join(sorted(present)[:MAX_LISTED]) + (" …" if len(present) > MAX_LISTED else "")
        hint = did_you_mean(value, present)
        return f"no row has {column} = {value!r}; values present: {listed}" + (f" ({hint})" if hint else "")
    if len(filters) > 1:
        return "no row matches every --where at once (each value alone has rows)"
    return None


def _any_topic(run: RunSql) -> bool:
    try:
        return bool(run("SELECT count(topic) AS n FROM predictions").column("n")[0].as_py())
    except QueryError:
        return True  # cannot tell: do not claim there is no map
