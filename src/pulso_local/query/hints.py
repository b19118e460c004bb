"""One-line hints for names the user got wrong: "did you mean", and engine errors about unknown tables or columns
retold with the catalog's tables and columns instead of the engine's internals."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulso.config import PulsoConfig

# DuckDB: `Table with name X does not exist!`; Athena: `TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.db.X'
# does not exist` (older engines: without quotes).
_UNKNOWN_TABLE = re.compile(r"Table with name \"?([^\s\"!]+)\"? does not exist|Table '?([\w.\"]+?)'? does not exist")
# DuckDB: `Referenced column "x" not found` or `Table "p" does not have a column named "x"`; Athena: `Column 'p.x'
# cannot be resolved`.
_UNKNOWN_COLUMN = re.compile(
    r"Referenced column \"([^\"]+)\" not found"
    r"|does not have a column named \"([^\"]+)\""
    r"|Column '(?:[^'.]+\.)?([^'.]+)' cannot be resolved"
)


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """The `choices` most like `word` (case-insensitive), best first: difflib's, at most 3."""
    by_folded: dict[str, str] = {}
    for choice in choices:
        by_folded.setdefault(choice.casefold(), choice)
    return [by_folded[match] for match in difflib.get_close_matches(word.casefold(), by_folded, n=3)]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean X?` (or `X or Y?`) for the closest choices, "" when none is close."""
    matches = close_matches(word, choices)
    return f"did you mean {' or '.join(matches)}?" if matches else ""


def relations(config: PulsoConfig) -> dict[str, list[str]]:
    """The names a query can read, with their columns: the catalog's tables, then the views of sql/views/ (a view
    over one table has that table's columns and its own)."""
    from pulso_local.query.catalog import views

    known = {
        spec.name: [*spec.column_names, *(key.name for key in spec.partition_keys)] for spec in config.tables.values()
    }
    for name, view in views().items():
        read = [table for table in tables_read(view.sql) if table in known]
        known[name] = [column for table in read for column in known[table]] + _own_columns(view.sql)
    return known


def _own_columns(sql: str) -> list[str]:
    """The columns a SELECT adds under an alias of its own (`row_number() OVER (...) AS recency`)."""
    import sqlglot
    from sqlglot import exp

    return [alias.alias for alias in sqlglot.parse_one(sql, read="athena").find_all(exp.Alias)]


def unknown_name(message: str, sql: str, config: PulsoConfig) -> str | None:
    """An engine error about an unknown table or column retold with the known tables or the columns of the tables
    the query reads (one line); None when the error is about something else or the query reads no such table."""
    known = relations(config)
    table = _UNKNOWN_TABLE.search(message)
    if table:
        name = (table.group(1) or table.group(2)).replace('"', "").rsplit(".", 1)[-1]
        hint = did_you_mean(name, known)
        return f"unknown table {name!r}; known tables: {', '.join(known)}" + (f" ({hint})" if hint else "")
    column = _UNKNOWN_COLUMN.search(message)
    read = {table: known[table] for table in tables_read(sql) if table in known} if column else {}
    if column and read:
        name = next(group for group in column.groups() if group)
        hint = did_you_mean(name, [known_column for columns in read.values() for known_column in columns])
        listed = "; ".join(f"columns of {table}: {', '.join(columns)}" for table, columns in read.items())
        return f"unknown column {name!r}; {listed}" + (f" ({hint})" if hint else "")
    return None


def tables_read(sql: str) -> list[str]:
    """The tables `sql` reads (not its CTEs); [] when it does not parse."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="athena")
    except sqlglot.errors.SqlglotError:
        return []
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    names = [table.name for table in tree.find_all(exp.Table) if table.name and table.name not in ctes]
    return list(dict.fromkeys(names))
