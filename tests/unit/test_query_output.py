"""Named-query catalog and result output: descriptions, name resolution, table/CSV/JSON text, files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pulso_local.query import SQL_DIR, QueryError, named_queries, resolve
from pulso_local.query.catalog import describe
from pulso_local.query.output import display_width, render, render_table, write

RESULT = pa.table({
    "author_id": ["u1", None, "u3"],
    "negative": pa.array([12, 3, None], pa.int64()),
    "share": [0.123456, 1.0, None],
    "last_at": [dt.datetime(2026, 3, 1, 10, 0, 0, 250000), dt.datetime(2026, 3, 2), None],
    "day": [dt.date(2026, 3, 1), None, dt.date(2026, 3, 3)],
    "text": ["short", "x" * 500, "two\nlines, 😠 emoji"],
})  # fmt: skip


def test_every_sql_file_is_a_named_query_described_by_its_first_line() -> None:
    queries = named_queries()
    assert sorted(queries) == sorted(path.stem for path in SQL_DIR.glob("*.sql"))
    for name, query in queries.items():
        first = query.sql.splitlines()[0]
        assert first.startswith("-- "), name
        assert query.description == first[3:].strip()
        assert 20 < len(query.description) < 1024, name  # Athena's limit for a named query description
        assert "?" not in query.sql.split("\n", 1)[1], f"{name}: named queries take no parameters"


def test_describe_reads_only_a_leading_comment() -> None:
    assert describe("-- Runs per day\nSELECT 1") == "Runs per day"
    assert describe("SELECT 1 -- not a description") == ""


def test_resolve_a_name_an_sql_file_or_sql_text(tmp_path: Path) -> None:
    name = sorted(named_queries())[0]
    assert resolve(name) == (named_queries()[name].sql, name)
    path = tmp_path / "mine.sql"
    path.write_text("SELECT 42 AS answer")
    assert resolve(str(path)) == ("SELECT 42 AS answer", "mine")
    assert resolve("  SELECT count(*) FROM runs ") == ("SELECT count(*) FROM runs", None)
    with pytest.raises(QueryError, match=r"^unknown query 'support_queu' \(known queries: .*support_queue"):
        resolve("support_queu")


def test_the_table_is_aligned_with_nulls_cut_cells_and_a_row_count() -> None:
    lines = render_table(RESULT, max_width=24).splitlines()
    assert lines[0].split() == RESULT.column_names
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "(3 rows)"
    body = lines[2:-1]
    assert len(body) == 3
    widths = {display_width(line) for line in lines[:-1]}
    assert max(widths) <= len(lines[1])  # no row is wider than the header rule
    assert "NULL" in body[1]
    assert body[1].count("NULL") == 2
    assert "x" * 23 + "…" in body[1]
    assert "x" * 24 not in body[1]
    assert "two lines, 😠 emoji" in body[2]
    assert "2026-03-01 10:00:00.250" in body[0]
    assert "0.1235" in body[0]
    # numbers are right-aligned: their cells end where the header's column ends
    header_end = lines[0].index("negative") + len("negative")
    assert body[0][:header_end].endswith("12")
    assert body[1][:header_end].endswith(" 3")


def test_csv_and_json_keep_every_value() -> None:
    rows = list(csv.DictReader(io.StringIO(render(RESULT, "csv"))))
    assert [row["author_id"] for row in rows] == ["u1", "", "u3"]
    assert rows[1]["text"] == "x" * 500
    assert rows[2]["text"] == "two\nlines, 😠 emoji"
    assert rows[0]["last_at"] == "2026-03-01 10:00:00.250000"
    assert rows[0]["share"] == "0.123456"
    records = json.loads(render(RESULT, "json"))
    assert records[0] == {"author_id": "u1", "negative": 12, "share": 0.123456, "last_at": "2026-03-01T10:00:00.250000",
                          "day": "2026-03-01", "text": "short"}  # fmt: skip
    assert records[2]["negative"] is None
    assert records[1]["day"] is None


def test_files_by_extension(tmp_path: Path) -> None:
    assert write(RESULT, tmp_path / "out" / "r.parquet") == "parquet"
    assert pq.read_table(tmp_path / "out" / "r.parquet").equals(RESULT)
    assert write(RESULT, tmp_path / "r.json") == "json"
    assert json.loads((tmp_path / "r.json").read_text())[1]["text"] == "x" * 500
    assert write(RESULT, tmp_path / "r.CSV") == "csv"
    assert len(list(csv.DictReader(io.StringIO((tmp_path / "r.CSV").read_text(encoding="utf-8"))))) == 3
    with pytest.raises(QueryError, match=r"cannot tell the format of .*r\.xlsx"):
        write(RESULT, tmp_path / "r.xlsx")


def test_a_repeated_column_name_keeps_every_column(tmp_path: Path) -> None:
    joined = pa.Table.from_arrays([pa.array(["m1"]), pa.array([-1]), pa.array([1])], names=["id", "label", "label"])
    assert render_table(joined).splitlines()[2].split() == ["m1", "-1", "1"]
    assert list(csv.reader(io.StringIO(render(joined, "csv")))) == [["id", "label", "label"], ["m1", "-1", "1"]]
    assert json.loads(render(joined, "json")) == [{"id": "m1", "label": -1, "label_2": 1}]
    write(joined, tmp_path / "joined.parquet")
    assert pq.read_table(tmp_path / "joined.parquet").column_names == ["id", "label", "label_2"]
