"""The local Athena: DuckDB views over a workspace, and the Trino constructs the named queries use, translated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pulso.config import PulsoConfig, load_config
from pulso_local.account import ACCOUNT_ID
from pulso_local.query import QueryError, named_queries
from pulso_local.query.local import connect, duckdb_type, run_local, table_root, translate

# What each Glue/Athena type is called in DuckDB (DESCRIBE's spelling).
DUCKDB_NAMES = {
    "string": "VARCHAR",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}


@pytest.fixture(scope="module")
def config() -> PulsoConfig:
    return load_config({})


def describe(home: Path, config: PulsoConfig, table: str) -> list[tuple[str, str]]:
    connection = connect(home, config)
    try:
        return [(row[0], row[1]) for row in connection.sql(f'DESCRIBE "{table}"').fetchall()]
    finally:
        connection.close()


def test_an_empty_workspace_has_every_table_as_an_empty_view_with_the_catalog_columns(
    tmp_path: Path, config: PulsoConfig
) -> None:
    for spec in config.tables.values():
        expected = [(c.name, DUCKDB_NAMES[c.type]) for c in spec.columns]
        expected += [(key.name, "VARCHAR") for key in spec.partition_keys]
        assert describe(tmp_path, config, spec.name) == expected, spec.name
        assert run_local(f"SELECT count(*) AS n FROM {spec.name}", home=tmp_path, config=config).to_pylist() == [
            {"n": 0}
        ]


def test_every_glue_type_the_configuration_allows_maps_to_its_duckdb_type(tmp_path: Path) -> None:
    columns = [{"name": f"c_{kind}", "type": kind} for kind in DUCKDB_NAMES]
    overlay = {"tables": {"every_type": {"bucket": "outputs", "prefix": "every-type/", "columns": columns}}}
    config = load_config(overlay)
    assert describe(tmp_path, config, "every_type") == [(f"c_{kind}", name) for kind, name in DUCKDB_NAMES.items()]
    assert duckdb_type("array<bigint>") == "BIGINT[]"


def write_parquet(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def test_parquet_views_cast_to_the_catalog_types_keep_partitions_as_strings_and_fill_missing_columns(
    tmp_path: Path, config: PulsoConfig
) -> None:
    spec = config.table("predictions")
    root = table_root(tmp_path, config, spec)
    assert root == tmp_path / "s3" / f"pulso-dev-outputs-{ACCOUNT_ID}" / "predictions"
    # label written as int64 and without model_version: the view must say tinyint and NULL, as Athena would.
    base = {"label": -1, "label_name": "negative", "p_negative": 0.8, "p_neutral": 0.15, "p_positive": 0.05,
            "confidence": 0.8, "priority": 87.5, "predicted_at": dt.datetime(2026, 3, 1, 12, 0)}  # fmt: skip
    write_parquet(root / "ingest_date=2026-03-01" / "run_id=007" / "part-00000.parquet", [{"message_id": "a", **base}])
    write_parquet(root / "ingest_date=2026-03-02" / "run_id=008" / "part-00000.parquet", [{"message_id": "b", **base}])
    (root / "ingest_date=2026-03-02" / "run_id=008" / "part-00000.parquet.etag").write_text('"not parquet"')

    result = run_local(
        "SELECT message_id, label, model_version, ingest_date, run_id, typeof(label) AS label_type, "
        "typeof(run_id) AS run_type FROM predictions ORDER BY message_id",
        home=tmp_path,
        config=config,
    )
    assert result.to_pylist() == [
        {"message_id": "a", "label": -1, "model_version": None, "ingest_date": "2026-03-01", "run_id": "007",
         "label_type": "TINYINT", "run_type": "VARCHAR"},
        {"message_id": "b", "label": -1, "model_version": None, "ingest_date": "2026-03-02", "run_id": "008",
         "label_type": "TINYINT", "run_type": "VARCHAR"},
    ]  # fmt: skip
    filtered = run_local("SELECT message_id FROM predictions WHERE run_id = '007'", home=tmp_path, config=config)
    assert filtered.column("message_id").to_pylist() == ["a"]


def test_runs_are_read_from_json_lines_with_their_date_partition(tmp_path: Path, config: PulsoConfig) -> None:
    root = table_root(tmp_path, config, config.table("runs"))
    record = {"run_id": "r1", "status": "SUCCEEDED", "started_at": "2026-03-01 10:00:00.250", "rows_read": 12,
              "candidate_macro_recall": 0.71, "ingest_date": "2026-03-01"}  # fmt: skip
    folder = root / "ingest_date=2026-03-01"
    folder.mkdir(parents=True)
    (folder / "run_id=r1.json").write_text(json.dumps(record) + "\n")
    (folder / "run_id=r1.json.etag").write_text('"abc"')  # the workspace's marker files are not records
    result = run_local("SELECT * FROM runs", home=tmp_path, config=config).to_pylist()
    assert len(result) == 1
    row = result[0]
    assert list(row) == [*config.table("runs").column_names, "ingest_date"]
    assert row["started_at"] == dt.datetime(2026, 3, 1, 10, 0, 0, 250000)
    assert (row["rows_read"], row["candidate_macro_recall"], row["ingest_date"]) == (12, 0.71, "2026-03-01")
    assert row["drift_status"] is None
    assert row["model_version"] is None


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_named_query_translates_and_runs_on_an_empty_workspace(
    name: str, tmp_path: Path, config: PulsoConfig
) -> None:
    result = run_local(named_queries()[name].sql, home=tmp_path, config=config)
    assert result.num_rows == 0
    assert result.num_columns > 0


def duck(sql: str) -> list[tuple]:
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection.sql(translate(sql)).fetchall()


def test_trino_date_functions_are_translated() -> None:
    today = dt.datetime.now(dt.UTC).date()
    rows = duck(
        "SELECT date_format(current_date - INTERVAL '7' DAY, '%Y-%m-%d'), "
        "date(TIMESTAMP '2026-03-01 23:59:59'), "
        "to_unixtime(TIMESTAMP '2026-03-01 10:02:05.250') - to_unixtime(TIMESTAMP '2026-03-01 10:00:00.750')"
    )
    assert rows == [((today - dt.timedelta(days=7)).isoformat(), dt.date(2026, 3, 1), 124.5)]


def test_trino_aggregates_and_windows_are_translated() -> None:
    data = "('a', -1, 3, 0.9E0), ('a', 0, 1, 0.2E0), ('b', -1, 2, 0.7E0), ('b', -1, 5, 0.95E0), ('b', 1, 4, 0.1E0)"
    values = f"(VALUES {data})"
    rows = duck(
        f"SELECT k, count_if(label = -1), min_by(p, n), max_by(n, p) FILTER (WHERE label = -1), "
        f"CAST(count_if(label = -1) AS double) / count(*) "
        f"FROM {values} AS t (k, label, n, p) GROUP BY k ORDER BY k"
    )
    assert rows == [("a", 1, 0.2, 3, 0.5), ("b", 2, 0.7, 5, 2 / 3)]
    ranked = duck(
        f"SELECT k, n, row_number() OVER (PARTITION BY k ORDER BY p DESC) AS r, lag(n) OVER (ORDER BY n) AS previous "
        f"FROM {values} AS t (k, label, n, p) ORDER BY n"
    )
    assert [(k, n, r, previous) for k, n, r, previous in ranked] == [
        ("a", 1, 2, None), ("b", 2, 2, 1), ("a", 3, 1, 2), ("b", 4, 3, 3), ("b", 5, 1, 4)
    ]  # fmt: skip


def test_sums_and_counts_are_bigints_as_on_athena(tmp_path: Path, config: PulsoConfig) -> None:
    result = run_local("SELECT count_if(x > 1) AS c, sum(x) AS s FROM (VALUES (1), (2), (3)) AS t (x)",
                       home=tmp_path, config=config)  # fmt: skip
    assert result.to_pylist() == [{"c": 2, "s": 6}]
    assert result.schema.types == [pa.int64(), pa.int64()]


def test_invalid_sql_and_several_statements_are_query_errors() -> None:
    with pytest.raises(QueryError, match=r"^invalid SQL: ") as invalid:
        translate("SELECT FROM WHERE (")
    assert "\n" not in str(invalid.value)
    assert "\x1b" not in str(invalid.value)
    with pytest.raises(QueryError, match="one SQL statement, got 2"):
        translate("SELECT 1; SELECT 2")


def test_an_unknown_table_names_the_known_tables_and_the_closest(tmp_path: Path, config: PulsoConfig) -> None:
    with pytest.raises(QueryError) as error:
        run_local("SELECT * FROM predictionz", home=tmp_path, config=config)
    known = ", ".join([*config.tables, "latest_predictions"])  # the tables, then the views
    assert str(error.value) == (
        f"unknown table 'predictionz'; known tables: {known} (did you mean predictions or latest_predictions?)"
    )


def test_an_unknown_column_names_the_columns_of_the_tables_read(tmp_path: Path, config: PulsoConfig) -> None:
    with pytest.raises(QueryError, match=r"^unknown column 'lable'; columns of predictions: message_id, label, ") as e:
        run_local("SELECT lable FROM predictions", home=tmp_path, config=config)
    assert str(e.value).endswith(", ingest_date, run_id (did you mean label?)")
    with pytest.raises(QueryError, match=r"^unknown column 'txt'; .*columns of messages: .*\(did you mean text\?\)$"):
        run_local("SELECT p.label, m.txt FROM predictions AS p JOIN messages AS m ON m.message_id = p.message_id",
                  home=tmp_path, config=config)  # fmt: skip


def test_other_duckdb_errors_are_one_line_without_the_engines_excerpt(tmp_path: Path, config: PulsoConfig) -> None:
    with pytest.raises(QueryError, match=r"^query failed: Conversion Error: .*'a'") as error:
        run_local("SELECT CAST(x AS integer) FROM (VALUES ('a')) AS t (x)", home=tmp_path, config=config)
    assert "\n" not in str(error.value)
    assert "LINE 1" not in str(error.value)


def test_the_views_are_known_names_with_their_columns() -> None:
    from pulso.config import load_config
    from pulso_local.query.hints import unknown_name

    config = load_config()
    table = unknown_name("Table with name latest_prediction does not exist!", "SELECT 1", config)
    assert table is not None
    assert "did you mean latest_predictions" in table
    column = unknown_name('Referenced column "recensy" not found', "SELECT recensy FROM latest_predictions", config)
    assert column is not None
    assert column.startswith("unknown column 'recensy'; columns of latest_predictions: message_id,")
    assert column.endswith("run_id, recency (did you mean recency?)")
