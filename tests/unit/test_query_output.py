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
from rich.cells import cell_len

from pulso_local.query import SQL_DIR, QueryError, named_queries, resolve
from pulso_local.query.catalog import describe
from pulso_local.query.output import render, render_table, write
from pulso_local.tables import render_table as text_table

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


def test_a_word_that_names_no_query_suggests_the_closest_names() -> None:
    with pytest.raises(QueryError) as close:
        resolve("supportqueue")
    assert str(close.value) == "no named query 'supportqueue'; did you mean support_queue? (pulso query --list)"
    with pytest.raises(QueryError) as far:
        resolve("xyzzy")
    assert str(far.value) == f"no named query 'xyzzy'; known queries: {', '.join(named_queries())} (pulso query --list)"
    with pytest.raises(QueryError, match=r"^no named query 'Sentiment_By_Day\.sql' and no such file; did you mean "):
        resolve("Sentiment_By_Day.sql")


def test_the_table_is_aligned_with_nulls_cut_cells_and_a_row_count() -> None:
    lines = render_table(RESULT, max_width=24).splitlines()
    assert lines[0].split() == RESULT.column_names
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "(3 rows)"
    body = lines[2:-1]
    assert len(body) == 3
    widths = {cell_len(line) for line in lines[:-1]}
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


def test_the_shared_table_is_plain_text_one_line_per_row_even_on_a_narrow_forced_colour_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in (("COLUMNS", "20"), ("FORCE_COLOR", "1"), ("TERM", "xterm-256color"), ("TTY_COMPATIBLE", "1")):
        monkeypatch.setenv(name, value)
    rows = [["r1", 12, "a long message\nover two lines " * 3], ["r2", None, "[bold]markup[/] :smile:"]]
    lines = text_table(["run", "n", "text"], rows, title="Recent runs", max_width=30).splitlines()
    assert len(lines) == 1 + 2 + len(rows)  # title, header, rule, one line per row
    assert lines[0] == "Recent runs"
    assert "\x1b" not in "".join(lines)
    assert all(line == line.rstrip() for line in lines)
    assert set(lines[2].replace(" ", "")) == {"-"}
    assert lines[3].endswith("…")
    assert cell_len(lines[3].split("  ")[-1].strip()) == 30
    assert lines[4].split() == ["r2", "-", "[bold]markup[/]", ":smile:"]  # None is "-"; no markup, no emoji codes
    number_end = lines[1].index(" n ") + 2
    assert lines[3][:number_end].endswith("12")  # numbers align right


def test_the_shared_table_aligns_wide_characters_by_terminal_columns() -> None:
    lines = text_table(["name", "city"], [["東京の店", "Tokyo"], ["😠 x", "Lima"], ["plain", "Oslo"]]).splitlines()
    cities = zip(lines[2:], ("Tokyo", "Lima", "Oslo"), strict=True)
    starts = {cell_len(line[: line.index(city)]) for line, city in cities}
    assert starts == {cell_len(lines[0][: lines[0].index("city")])}
    assert text_table(["a"], []) == "a\n-"
    assert text_table([], []) == ""
