"""The local Athena: DuckDB over the workspace's mirror of the buckets, one view per configured table and the
views of sql/views/ over them.

A table lives under `<workspace>/s3/<bucket>/<prefix>` exactly as the local runtime mirrors the emulated
buckets (Parquet parts; JSON Lines for `runs`). Each view has the catalog's columns, CAST to the DuckDB type
of their Glue type, then the partition keys as strings (as Glue declares them: Hive partitioning without type
guessing). A column no file has reads as NULL, as in Athena; a table without files is an empty view with the
same columns. Queries are written for Athena (Trino) and translated by sqlglot before DuckDB runs them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError

from pulso.config import PulsoConfig, TableSpec
from pulso_local.account import ACCOUNT_ID
from pulso_local.query.catalog import views
from pulso_local.query.errors import QueryError, first_line
from pulso_local.query.hints import unknown_name

# As in terraform/modules/analytics (json_tables): the record_run Lambda writes JSON Lines, the jobs Parquet.
JSON_TABLES = frozenset({"runs"})


def duckdb_type(glue_type: str) -> str:
    """The DuckDB type of a Glue (Hive DDL) column type: `string` -> `TEXT`, `array<bigint>` -> `BIGINT[]`..."""
    try:
        return exp.DataType.build(glue_type, dialect="hive").sql(dialect="duckdb")
    except (SqlglotError, ValueError) as error:
        raise QueryError(f"unsupported column type {glue_type!r}: {first_line(error)}") from None


def table_root(home: Path, config: PulsoConfig, spec: TableSpec) -> Path:
    """Where the workspace mirrors the table's S3 prefix (bucket named with the local account id)."""
    bucket = config.resource_name(f"buckets.{spec.bucket}", account_id=ACCOUNT_ID)
    return home / "s3" / bucket / spec.prefix


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def source_sql(spec: TableSpec, root: Path) -> str | None:
    """The DuckDB table function reading the table's files, or None when there are none yet."""
    suffix = ".json" if spec.name in JSON_TABLES else ".parquet"
    if not root.is_dir() or not any(path.is_file() for path in root.rglob(f"*{suffix}")):
        return None
    files = _literal(f"{root.as_posix().rstrip('/')}/**/*{suffix}")
    hive = "hive_partitioning = true, hive_types_autocast = false"
    if suffix == ".json":
        columns = ", ".join(f"{_literal(c.name)}: {_literal(duckdb_type(c.type))}" for c in spec.columns)
        return f"read_json({files}, format = 'newline_delimited', columns = {{{columns}}}, {hive})"
    return f"read_parquet({files}, union_by_name = true, {hive})"


def view_sql(spec: TableSpec, source: str | None, available: set[str]) -> str:
    """`CREATE VIEW <table>`: every column CAST to its type, partition keys as strings; no source: no rows."""
    typed = [(c.name, duckdb_type(c.type)) for c in spec.columns]
    typed += [(key.name, "VARCHAR") for key in spec.partition_keys]
    select = ", ".join(
        f"CAST({_quote(name) if name in available else 'NULL'} AS {kind}) AS {_quote(name)}" for name, kind in typed
    )
    where = f"FROM {source}" if source else "WHERE false"
    return f"CREATE OR REPLACE VIEW {_quote(spec.name)} AS SELECT {select} {where}"


def create_views(connection: duckdb.DuckDBPyConnection, home: Path, config: PulsoConfig) -> None:
    for spec in config.tables.values():
        source = source_sql(spec, table_root(home, config, spec))
        available: set[str] = set()
        if source:
            try:
                available = {row[0] for row in connection.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            except duckdb.Error as error:
                raise QueryError(f"table {spec.name}: cannot read its files: {first_line(error)}") from None
        connection.execute(view_sql(spec, source, available))
    for view in views().values():  # over the tables, as Athena's views over the catalog's tables
        connection.execute(f"CREATE OR REPLACE VIEW {_quote(view.name)} AS {translate(view.sql)}")


def connect(home: Path, config: PulsoConfig) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per configured table over the workspace `home`; times in UTC like Athena."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    create_views(connection, home, config)
    return connection


def translate(sql: str) -> str:
    """One Athena (Trino) statement in DuckDB's dialect; what sqlglot cannot translate is a QueryError."""
    try:
        statements = sqlglot.transpile(sql, read="athena", write="duckdb", unsupported_level=ErrorLevel.RAISE)
    except ParseError as error:
        raise QueryError(f"invalid SQL: {first_line(error)}") from None
    except SqlglotError as error:
        raise QueryError(f"cannot translate the query to DuckDB: {first_line(error)}") from None
    statements = [statement for statement in statements if statement.strip()]
    if len(statements) != 1:
        raise QueryError(f"expected one SQL statement, got {len(statements)}")
    return statements[0]


def run_local(sql: str, *, home: Path, config: PulsoConfig) -> pa.Table:
    """Run Athena SQL over the workspace `home` with DuckDB; the result as an Arrow table."""
    translated = translate(sql)
    connection = connect(home, config)
    try:
        relation = connection.sql(translated)
        return _athena_types(relation) if relation is not None else pa.table({})
    except duckdb.Error as error:
        raise QueryError(unknown_name(str(error), sql, config) or f"query failed: {first_line(error)}") from None
    finally:
        connection.close()


def _athena_types(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    """The result with DuckDB's HUGEINT (count_if, sum of integers) as the bigint Athena returns."""
    table = relation.to_arrow_table()
    for index, kind in enumerate(relation.types):
        if str(kind) in ("HUGEINT", "UHUGEINT"):
            try:
                column = table.column(index).cast(pa.int64())
            except pa.ArrowInvalid:  # beyond bigint: keep the exact value
                continue
            table = table.set_column(index, table.field(index).with_type(pa.int64()), column)
    return table
