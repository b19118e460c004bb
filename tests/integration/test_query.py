"""`pulso query` on a real workspace: every named query checked against pandas over the same files, and the CLI.

The module fixture runs the local pipeline twice into a temporary PULSO_HOME: the labelled sample in
train_and_predict mode (a trained, approved model, quarantined rows, predictions of the test split), then the
unlabelled sample in predict mode. The reference values are computed from the workspace files with pyarrow and
pandas (partition values parsed from the paths), never with DuckDB.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pulso.config import load_config
from pulso_local.account import ACCOUNT_ID
from pulso_local.query import named_queries
from pulso_local.query.runner import run_query
from tests.conftest import REPO_ROOT

FAST = {"pipeline": {"hyperparameters": {"epochs": 3, "hidden_size": 32, "glove_top_words": 5000, "patience": 2}}}
SHARE_TOLERANCE = 1e-4  # the queries round shares to 4 decimals


def pulso(*args: str, home: Path, overlay: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PULSO_HOME": str(home)}
    env.pop("PULSO_CONFIG", None)
    if overlay is not None:
        env["PULSO_CONFIG"] = str(overlay)
    command = [sys.executable, "-m", "pulso_local.cli", *args]
    return subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def read_parquet_folder(root: Path) -> pd.DataFrame:
    """Every Parquet part under `root`, with its Hive partition values parsed from the path."""
    frames = []
    for path in sorted(root.rglob("*.parquet")):
        frame = pq.read_table(path).to_pandas()
        for part in path.relative_to(root).parts[:-1]:
            key, value = part.split("=", 1)
            frame[key] = value
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@dataclass
class Workspace:
    home: Path
    train_run: str
    predict_run: str
    messages: pd.DataFrame
    predictions: pd.DataFrame
    quarantine: pd.DataFrame
    runs: list[dict[str, Any]]
    manifests: dict[str, dict[str, Any]]
    registry: list[dict[str, Any]]

    def query(self, name_or_sql: str) -> list[dict[str, Any]]:
        return run_query(name_or_sql, home=self.home, config=load_config({})).to_pylist()

    def latest_predictions(self, since: str | None = None) -> pd.DataFrame:
        """Each message's latest prediction (optionally only those of runs since an ingest date), with its message's
        fields."""
        ordered = self.predictions.sort_values(["predicted_at", "run_id"], ascending=False, na_position="last")
        latest = ordered.drop_duplicates("message_id")
        latest = latest if since is None else latest[latest.ingest_date >= since]
        fields = self.messages[["message_id", "run_id", "created_at", "source", "author_id", "text"]]
        return latest.merge(fields, on=["message_id", "run_id"], how="inner", validate="one_to_one")


def load_workspace(home: Path, train_run: str, predict_run: str) -> Workspace:
    """The workspace's tables read straight from its files (bucket names from the configuration)."""
    config = load_config({})

    def bucket(purpose: str) -> Path:
        return home / "s3" / config.resource_name(f"buckets.{purpose}", account_id=ACCOUNT_ID)

    def table_root(name: str) -> Path:
        spec = config.table(name)
        return bucket(spec.bucket) / spec.prefix

    runs = [json.loads(line) for path in sorted(table_root("runs").rglob("*.json"))
            for line in path.read_text().splitlines() if line]  # fmt: skip
    manifests = {
        path.parent.name.split("=", 1)[1]: json.loads(path.read_text())
        for path in (bucket("transformed") / "manifests").rglob("manifest.json")
    }
    return Workspace(
        home=home,
        train_run=train_run,
        predict_run=predict_run,
        messages=read_parquet_folder(table_root("messages")),
        predictions=read_parquet_folder(table_root("predictions")),
        quarantine=read_parquet_folder(table_root("quarantine")),
        runs=runs,
        manifests=manifests,
        registry=json.loads((home / "registry.json").read_text())["packages"],
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("query")
    overlay = folder / "fast.json"
    overlay.write_text(json.dumps(FAST))
    home = folder / "home"
    run_ids = []
    for sample, mode in (("sample_labelled.csv", "train_and_predict"), ("sample_unlabelled.jsonl", "predict")):
        result = pulso("run", "--input", str(REPO_ROOT / "data" / sample), "--mode", mode, "--json", home=home,
                       overlay=overlay)  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        run_ids.append(json.loads(result.stdout)["run_id"])
    return load_workspace(home, *run_ids)


def shares(labels: pd.Series) -> dict[int, float]:
    return {label: float((labels == label).mean()) for label in (-1, 0, 1)}


def timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


CHECKED = {
    "sentiment_by_day",
    "support_queue",
    "quarantine_reasons",
    "model_versions",
    "prediction_drift",
    "repeat_negative_authors",
    "run_history",
}


def test_every_named_query_has_a_check_here() -> None:
    assert set(named_queries()) == CHECKED


@pytest.mark.slow
def test_the_fixture_has_two_runs_a_model_quarantined_rows_and_predictions(workspace: Workspace) -> None:
    assert {run["run_id"] for run in workspace.runs} == {workspace.train_run, workspace.predict_run}
    assert set(workspace.predictions.run_id) == {workspace.train_run, workspace.predict_run}
    assert len(workspace.quarantine) > 0
    assert [package["approval_status"] for package in workspace.registry] == ["Approved"]


@pytest.mark.slow
def test_sentiment_by_day(workspace: Workspace) -> None:
    rows = workspace.query("sentiment_by_day")
    latest = workspace.latest_predictions()
    latest["day"] = latest.created_at.dt.date
    expected = {
        (None if pd.isna(day) else day, source): (len(group), *((group.label == label).sum() for label in (-1, 0, 1)))
        for (day, source), group in latest.groupby(["day", "source"], dropna=False)
    }
    got = {
        (row["day"], row["source"]): (row["messages"], row["negative"], row["neutral"], row["positive"]) for row in rows
    }
    assert got == expected
    total = sum(row["messages"] for row in rows)
    assert total == len(workspace.predictions) == sum(run["predictions"] for run in workspace.runs)
    for row in rows:
        assert row["negative"] + row["neutral"] + row["positive"] == row["messages"]
        assert row["negative_share"] == pytest.approx(row["negative"] / row["messages"], abs=SHARE_TOLERANCE)
        assert row["positive_share"] == pytest.approx(row["positive"] / row["messages"], abs=SHARE_TOLERANCE)
    days = [row["day"] for row in rows]
    assert days == sorted(days, key=lambda day: (day is None, day))


@pytest.mark.slow
def test_support_queue(workspace: Workspace) -> None:
    rows = workspace.query("support_queue")
    since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)).isoformat()
    latest = workspace.latest_predictions(since)
    negative = latest[latest.label == -1].set_index("message_id")
    assert 0 < len(rows) == min(100, len(negative))
    priorities = [row["priority"] for row in rows]
    assert priorities == sorted(priorities, reverse=True)
    assert priorities[0] == negative.priority.max()
    assert priorities == sorted(negative.priority, reverse=True)[: len(rows)]
    assert len({row["message_id"] for row in rows}) == len(rows)
    for row in rows:
        expected = negative.loc[row["message_id"]]
        assert (row["text"], row["author_id"], row["source"], row["run_id"], row["model_version"]) == (
            expected.text, expected.author_id, expected.source, expected.run_id, expected.model_version
        )  # fmt: skip
        assert row["confidence"] == expected.confidence
        assert row["created_at"] == expected.created_at.to_pydatetime()


@pytest.mark.slow
def test_quarantine_reasons(workspace: Workspace) -> None:
    rows = workspace.query("quarantine_reasons")
    quarantine = workspace.quarantine
    expected = quarantine.groupby(["run_id", "reason"]).size().to_dict()
    assert {(row["run_id"], row["reason"]): row["quarantined_rows"] for row in rows} == expected
    runs = {run["run_id"]: run for run in workspace.runs}
    per_run: dict[str, int] = {}
    for row in rows:
        per_run[row["run_id"]] = per_run.get(row["run_id"], 0) + row["quarantined_rows"]
    for run_id, run in runs.items():
        total = workspace.manifests[run_id]["totals"]["quarantined"]
        assert per_run.get(run_id, 0) == total == run["quarantined"]
    for row in rows:
        run_rows = per_run[row["run_id"]]
        assert row["share_of_quarantined"] == pytest.approx(row["quarantined_rows"] / run_rows, abs=SHARE_TOLERANCE)
        read = runs[row["run_id"]]["rows_read"]
        assert row["share_of_rows_read"] == pytest.approx(row["quarantined_rows"] / read, abs=SHARE_TOLERANCE)
        group = quarantine[(quarantine.run_id == row["run_id"]) & (quarantine.reason == row["reason"])]
        first = group[group.row_number == group.row_number.min()]
        assert row["example_detail"] in set(first.detail)
        assert row["objects"] == group.source_object.nunique()
    assert sum(share["share_of_quarantined"] for share in rows) == pytest.approx(len(per_run), abs=1e-3)


@pytest.mark.slow
def test_model_versions(workspace: Workspace) -> None:
    rows = {row["model_version"]: row for row in workspace.query("model_versions")}
    approved = [run for run in workspace.runs if run["gate_decision"] == "approved"]
    assert len(approved) == 1
    trained = approved[0]
    row = rows[trained["model_version"]]
    assert row["gate_decision"] == "approved"
    assert row["candidate_macro_recall"] == trained["candidate_macro_recall"]
    assert row["champion_macro_recall"] == trained["champion_macro_recall"]
    assert row["trained_in_run"] == trained["run_id"] == workspace.train_run
    assert row["trained_at"] == timestamp(trained["finished_at"])
    used = [run for run in workspace.runs if run["model_version"] == trained["model_version"]]
    assert row["runs_predicted"] == len(used)
    assert row["predictions"] == sum(run["predictions"] for run in used) == len(workspace.predictions)
    assert row["last_run_id"] == max(used, key=lambda run: run["started_at"])["run_id"] == workspace.predict_run
    # the Model Registry agrees: the approved package is that version, with that test macro-recall
    package = workspace.registry[0]
    assert trained["model_version"].endswith(f"/{package['version']}")
    assert float(package["metadata"]["test_macro_recall"]) == pytest.approx(row["candidate_macro_recall"], abs=5e-5)
    rejected = sum(run["gate_decision"] == "rejected" for run in workspace.runs)
    assert len(rows) == len({run["model_version"] for run in workspace.runs if run["model_version"]}) + rejected


@pytest.mark.slow
def test_prediction_drift(workspace: Workspace) -> None:
    rows = {row["run_id"]: row for row in workspace.query("prediction_drift")}
    predictions = workspace.predictions
    assert set(rows) == set(predictions.run_id)
    runs = {run["run_id"]: run for run in workspace.runs}
    order = sorted(rows, key=lambda run_id: runs[run_id]["started_at"])
    assert order == [workspace.train_run, workspace.predict_run]
    for index, run_id in enumerate(order):
        row = rows[run_id]
        mix = shares(predictions[predictions.run_id == run_id].label)
        got = {-1: row["negative_share"], 0: row["neutral_share"], 1: row["positive_share"]}
        assert got == pytest.approx(mix, abs=SHARE_TOLERANCE)
        assert sum(got.values()) == pytest.approx(1, abs=2e-4)
        # (a) the training data of the model that predicted: split train of the run that approved it
        trainer = next(run for run in workspace.runs if run["gate_decision"] == "approved"
                       and run["model_version"] == row["model_version"])  # fmt: skip
        train = workspace.messages[
            (workspace.messages.run_id == trainer["run_id"]) & (workspace.messages.split == "train")
        ]
        train_mix = shares(train.label)
        assert row["training_run_id"] == trainer["run_id"]
        assert row["training_rows"] == len(train)
        assert row["training_negative_share"] == pytest.approx(train_mix[-1], abs=SHARE_TOLERANCE)
        tvd = sum(abs(mix[label] - train_mix[label]) for label in mix) / 2
        assert row["tvd_vs_training"] == pytest.approx(tvd, abs=SHARE_TOLERANCE)
        assert row["negative_change_vs_training"] == pytest.approx(mix[-1] - train_mix[-1], abs=SHARE_TOLERANCE)
        # (b) the previous predicting run
        if index == 0:
            assert row["previous_run_id"] is None
            assert row["tvd_vs_previous"] is None
            continue
        previous = order[index - 1]
        previous_mix = shares(predictions[predictions.run_id == previous].label)
        assert row["previous_run_id"] == previous
        assert row["previous_negative_share"] == pytest.approx(previous_mix[-1], abs=SHARE_TOLERANCE)
        tvd = sum(abs(mix[label] - previous_mix[label]) for label in mix) / 2
        assert row["tvd_vs_previous"] == pytest.approx(tvd, abs=SHARE_TOLERANCE)


@pytest.mark.slow
def test_repeat_negative_authors(workspace: Workspace) -> None:
    rows = workspace.query("repeat_negative_authors")
    latest = workspace.latest_predictions()
    latest = latest[latest.author_id.notna()]
    latest["is_negative"] = latest.label == -1
    groups = latest.groupby(["source", "author_id"])
    counts = groups.agg(messages=("message_id", "size"), negative=("is_negative", "sum"), last=("created_at", "max"))
    expected = counts[counts.negative >= 2]
    assert 0 < len(expected) <= 500  # the whole list fits under the query's LIMIT
    got = {(row["source"], row["author_id"]): (row["messages"], row["negative"]) for row in rows}
    assert got == {key: (int(item.messages), int(item.negative)) for key, item in expected.iterrows()}
    negatives = [row["negative"] for row in rows]
    assert negatives == sorted(negatives, reverse=True)
    for row in rows:
        key = (row["source"], row["author_id"])
        assert row["negative_share"] == pytest.approx(row["negative"] / row["messages"], abs=SHARE_TOLERANCE)
        assert row["last_message_at"] == expected.loc[key, "last"].to_pydatetime()
        mine = latest[(latest.source == key[0]) & (latest.author_id == key[1]) & latest.is_negative]
        assert row["most_urgent_text"] in set(mine[mine.priority == mine.priority.max()].text)


@pytest.mark.slow
def test_run_history(workspace: Workspace) -> None:
    rows = workspace.query("run_history")
    since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=30)).isoformat()
    expected = sorted((run for run in workspace.runs if run["ingest_date"] >= since),
                      key=lambda run: run["started_at"], reverse=True)  # fmt: skip
    assert [row["run_id"] for row in rows] == [run["run_id"] for run in expected]
    for row, run in zip(rows, expected, strict=True):
        seconds = (timestamp(run["finished_at"]) - timestamp(run["started_at"])).total_seconds()
        assert row["duration_seconds"] == pytest.approx(seconds, abs=0.05)
        for column in ("mode", "status", "rows_read", "curated", "predictions", "gate_decision", "drift_status"):
            assert row[column] == run[column], column


@pytest.mark.slow
def test_ad_hoc_sql_in_every_format(workspace: Workspace) -> None:
    sql = "SELECT run_id, count(*) AS n, max(predicted_at) AS last FROM predictions GROUP BY run_id ORDER BY run_id"
    expected = workspace.predictions.groupby("run_id").size().sort_index()

    as_csv = pulso("query", sql, "--format", "csv", home=workspace.home)
    assert as_csv.returncode == 0, as_csv.stderr
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {row["run_id"]: int(row["n"]) for row in parsed} == expected.to_dict()

    as_json = pulso("query", sql, "--format", "json", home=workspace.home)
    assert as_json.returncode == 0, as_json.stderr
    records = json.loads(as_json.stdout)
    assert [(record["run_id"], record["n"]) for record in records] == list(expected.items())
    assert dt.datetime.fromisoformat(records[0]["last"]) == workspace.predictions[
        workspace.predictions.run_id == records[0]["run_id"]].predicted_at.max()  # fmt: skip

    as_table = pulso("query", sql, home=workspace.home)
    assert as_table.returncode == 0, as_table.stderr
    lines = as_table.stdout.splitlines()
    assert lines[0].split() == ["run_id", "n", "last"]
    assert lines[-1] == f"({len(expected)} rows)"
    assert [line.split()[:2] for line in lines[2:-1]] == [[run_id, str(n)] for run_id, n in expected.items()]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_out_writes_the_format_of_the_extension(workspace: Workspace, suffix: str, tmp_path: Path) -> None:
    target = tmp_path / f"queue{suffix}"
    result = pulso("query", "support_queue", "--out", str(target), home=workspace.home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert str(target) in result.stderr
    expected = workspace.query("support_queue")
    if suffix == ".csv":
        written = pd.read_csv(target, keep_default_na=False)
    elif suffix == ".json":
        written = pd.DataFrame(json.loads(target.read_text(encoding="utf-8")))
    else:
        written = pq.read_table(target).to_pandas()
    assert list(written.columns) == list(expected[0])
    assert list(written.message_id) == [row["message_id"] for row in expected]
    assert list(written.priority) == pytest.approx([row["priority"] for row in expected])
    assert list(written.text) == [row["text"] for row in expected]


def test_list_names_every_query_with_its_description(tmp_path: Path) -> None:
    for args in (("query", "--list"), ("query",)):
        result = pulso(*args, home=tmp_path / "empty")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == len(named_queries())
        for line, (name, query) in zip(lines, named_queries().items(), strict=True):
            assert line.split(maxsplit=1) == [name, query.description]


def test_queries_on_an_empty_workspace_return_no_rows(tmp_path: Path) -> None:
    result = pulso("query", "support_queue", "--format", "json", home=tmp_path / "empty")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("no_such_query", "pulso: no named query 'no_such_query'; known queries: "),
        ("supportqueue", "pulso: no named query 'supportqueue'; did you mean support_queue? (pulso query --list)"),
        ("SELEC run_id FROM runs", "pulso: invalid SQL: "),
        ("SELECT nope FROM runs", "pulso: unknown column 'nope'; columns of runs: run_id, mode, "),
        ("SELECT * FROM predictionz", "pulso: unknown table 'predictionz'; known tables: messages, "),
        ("SELECT CAST('a' AS integer)", "pulso: query failed: Conversion Error: "),
    ],
)
def test_usage_errors_are_one_line_and_exit_with_2(query: str, message: str, tmp_path: Path) -> None:
    result = pulso("query", query, home=tmp_path / "empty")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)


def test_an_unknown_output_extension_is_a_usage_error(tmp_path: Path) -> None:
    result = pulso("query", "run_history", "--out", str(tmp_path / "history.xlsx"), home=tmp_path / "empty")
    assert result.returncode == 2
    target = tmp_path / "history.xlsx"
    assert (
        result.stderr.strip()
        == f"pulso: cannot tell the format of {target} from its extension (use .csv, .json, .parquet)"
    )
    assert not target.exists()
