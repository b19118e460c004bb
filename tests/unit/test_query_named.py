"""The named queries' semantics on small hand-made workspaces: what the two-run sample cannot show.

A message predicted again by a later run (its latest prediction counts), predictions older than the support
queue's window, quarantine in two runs, a rejected candidate and a second model version; then the same input
run again with changed labels (each message counted once, with its latest label) and `--where` filters that
leave no row (why). Expected values are derived in the test from the rows written, never copied from a query's
output.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from glue_jobs.common.writers import arrow_schema
from pulso.config import PulsoConfig, load_config
from pulso_local.query import named_queries
from pulso_local.query.catalog import views
from pulso_local.query.filters import NO_TOPIC_MAP
from pulso_local.query.hints import tables_read
from pulso_local.query.local import table_root
from pulso_local.query.runner import run_query

TODAY = dt.datetime.now(dt.UTC).date()
OLD, RECENT = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=1)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


# run id -> (ingest date, start, mode, gate decision, model version, candidate, champion, rows read)
RUNS = {
    "r0": (OLD - dt.timedelta(days=1), at(OLD, 9), "predict", "skipped", "m/0", None, None, 20),  # approved elsewhere
    "r1": (OLD, at(OLD, 10), "train_and_predict", "approved", "m/1", 0.7, None, 100),
    "r2": (RECENT, at(RECENT, 10), "predict", "skipped", "m/1", None, 0.7, 50),
    "r3": (TODAY, at(TODAY, 0), "train_and_predict", "rejected", "m/1", 0.4, 0.7, 40),
    "r4": (TODAY, at(TODAY, 1), "train_and_predict", "approved", "m/2", 0.8, 0.7, 30),
}
# (run, message id, author, text, given label, split)
MESSAGES = [
    ("r1", "t1", "u9", "train one", -1, "train"), ("r1", "t2", "u9", "train two", -1, "train"),
    ("r1", "t3", "u9", "train three", 0, "train"), ("r1", "t4", "u9", "train four", 1, "train"),
    ("r0", "z1", "u5", "older", None, "unlabelled"), ("r1", "x1", "u8", "old and angry", -1, "test"),
    ("r2", "a1", "u1", "late again", None, "unlabelled"), ("r2", "a2", "u1", "still broken", None, "unlabelled"),
    ("r2", "a3", "u2", "thanks", None, "unlabelled"), ("r2", "b1", "u3", "bad", None, "unlabelled"),
    ("r2", "b2", "u3", "worse", None, "unlabelled"),
    ("r3", "a1", "u1", "late again", None, "unlabelled"),
    ("r4", "t5", "u9", "train five", 1, "train"), ("r4", "t6", "u9", "train six", 1, "train"),
    ("r4", "y1", "u7", "lovely", 1, "test"),
]  # fmt: skip
# (run, message id, predicted label, priority)
PREDICTIONS = [
    ("r0", "z1", -1, 55.0), ("r1", "x1", -1, 90.0),
    ("r2", "a1", -1, 80.0), ("r2", "a2", -1, 70.0), ("r2", "a3", 1, 10.0), ("r2", "b1", -1, 60.0),
    ("r2", "b2", -1, 65.0),
    ("r3", "a1", 0, 50.0),
    ("r4", "y1", 1, 20.0),
]  # fmt: skip
# (run, row number, reason, detail)
QUARANTINE = [
    ("r1", 9, "bad_label", "label 'nine'"), ("r1", 5, "bad_label", "label 'five'"), ("r1", 7, "bad_label", "label 'x'"),
    ("r1", 3, "missing_text", "blank"), ("r2", 4, "missing_text", "blank"),
]  # fmt: skip


def write_parquet(
    config: PulsoConfig, home: Path, table: str, run_id: str, rows: list[dict[str, Any]], day: dt.date | None = None
) -> None:
    """The rows as the run's Parquet part of `table` (ingest date `day`, by default the run's in RUNS)."""
    spec = config.table(table)
    schema = arrow_schema(spec)
    day = day or RUNS[run_id][0]
    folder = table_root(home, config, spec) / f"ingest_date={day.isoformat()}" / f"run_id={run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / "part-00000.parquet")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("named")
    config = load_config({})
    for run_id, (day, started, mode, decision, version, candidate, champion, read) in RUNS.items():
        messages = [{"message_id": m, "source": "tweets", "author_id": a, "text": t, "label": label, "split": split,
                     "created_at": at(day, 8)} for run, m, a, t, label, split in MESSAGES if run == run_id]  # fmt: skip
        write_parquet(config, home, "messages", run_id, messages)
        predictions = [{"message_id": m, "label": label, "priority": priority, "model_version": version,
                        "predicted_at": started + dt.timedelta(minutes=5)}
                       for run, m, label, priority in PREDICTIONS if run == run_id]  # fmt: skip
        write_parquet(config, home, "predictions", run_id, predictions)
        quarantine = [{"source": "tweets", "source_object": "s3://raw/in.csv", "row_number": number, "reason": reason,
                       "detail": detail} for run, number, reason, detail in QUARANTINE if run == run_id]  # fmt: skip
        if quarantine:
            write_parquet(config, home, "quarantine", run_id, quarantine)
        record = {"run_id": run_id, "mode": mode, "status": "SUCCEEDED", "started_at": str(started),
                  "finished_at": str(started + dt.timedelta(minutes=6)), "rows_read": read,
                  "quarantined": sum(row[0] == run_id for row in QUARANTINE), "model_version": version,
                  "candidate_macro_recall": candidate, "champion_macro_recall": champion, "gate_decision": decision,
                  "predictions": len(predictions), "ingest_date": day.isoformat()}  # fmt: skip
        folder = table_root(home, config, config.table("runs")) / f"ingest_date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"run_id={run_id}.json").write_text(json.dumps(record) + "\n")
    return home


def query(home: Path, name: str) -> list[dict[str, Any]]:
    return run_query(name, home=home, config=load_config({})).to_pylist()


def latest_predictions(since: dt.date | None = None) -> dict[str, tuple[str, int, float]]:
    """message id -> (run, label, priority) of its latest prediction (runs start in RUNS order), kept when that
    run's ingest date is `since` or later."""
    latest: dict[str, tuple[str, int, float]] = {}
    for run, message, label, priority in PREDICTIONS:
        latest[message] = (run, label, priority)
    return {message: item for message, item in latest.items() if since is None or RUNS[item[0]][0] >= since}


def text_of(message_id: str) -> str:
    return next(text for _, m, _, text, _, _ in MESSAGES if m == message_id)


def author_of(message_id: str) -> str:
    return next(author for _, m, author, _, _, _ in MESSAGES if m == message_id)


def test_support_queue_holds_the_latest_negative_predictions_of_the_last_7_days(home: Path) -> None:
    latest = latest_predictions(since=TODAY - dt.timedelta(days=7))
    expected = sorted(((p, m) for m, (_, label, p) in latest.items() if label == -1), reverse=True)
    rows = query(home, "support_queue")
    assert [(row["priority"], row["message_id"]) for row in rows] == expected
    assert "x1" not in {row["message_id"] for row in rows}  # the highest priority, but 40 days old
    assert "a1" not in {row["message_id"] for row in rows}  # negative in r2, neutral in the later r3
    assert all(row["text"] == text_of(row["message_id"]) for row in rows)


def test_sentiment_by_day_counts_each_message_once_with_its_latest_label(home: Path) -> None:
    latest = latest_predictions()
    rows = query(home, "sentiment_by_day")
    assert sum(row["messages"] for row in rows) == len(latest) < len(PREDICTIONS)
    for label, column in ((-1, "negative"), (0, "neutral"), (1, "positive")):
        assert sum(row[column] for row in rows) == sum(item[1] == label for item in latest.values())
    assert [row["day"] for row in rows] == sorted({RUNS[run][0] for run, *_ in latest.values()})


def test_repeat_negative_authors_use_latest_predictions(home: Path) -> None:
    latest = latest_predictions()
    negatives: dict[str, list[str]] = {}
    for message, (_, label, _) in latest.items():
        if label == -1:
            negatives.setdefault(author_of(message), []).append(message)
    repeated = {author: messages for author, messages in negatives.items() if len(messages) >= 2}
    rows = query(home, "repeat_negative_authors")
    assert {row["author_id"]: row["negative"] for row in rows} == {a: len(m) for a, m in repeated.items()}
    for row in rows:
        urgent = max(repeated[row["author_id"]], key=lambda message: latest[message][2])
        assert row["most_urgent_text"] == text_of(urgent)


def test_quarantine_reasons_share_within_each_run_with_the_first_example(home: Path) -> None:
    rows = query(home, "quarantine_reasons")
    assert [row["run_id"] for row in rows] == ["r2", "r1", "r1"]  # newest run first, then most rows first
    for row in rows:
        mine = [item for item in QUARANTINE if item[0] == row["run_id"]]
        reason = [item for item in mine if item[2] == row["reason"]]
        assert row["quarantined_rows"] == len(reason)
        assert row["share_of_quarantined"] == pytest.approx(len(reason) / len(mine), abs=1e-4)
        assert row["share_of_rows_read"] == pytest.approx(len(reason) / RUNS[row["run_id"]][7], abs=1e-4)
        first = min(reason, key=lambda item: item[1])  # the lowest row number
        assert row["example_detail"] == first[3]


def test_model_versions_list_each_gate_decision_and_each_versions_use(home: Path) -> None:
    rows = query(home, "model_versions")
    judged = [run for run, spec in RUNS.items() if spec[3] in ("approved", "rejected")]
    assert sorted(row["trained_in_run"] for row in rows if row["trained_in_run"]) == sorted(judged)
    by_run = {row["trained_in_run"]: row for row in rows}
    for run in judged:
        _, _, _, decision, version, candidate, champion, _ = RUNS[run]
        row = by_run[run]
        assert (row["gate_decision"], row["candidate_macro_recall"], row["champion_macro_recall"]) == (
            decision, candidate, champion
        )  # fmt: skip
        assert row["model_version"] == (version if decision == "approved" else None)
        if decision == "approved":
            used = [r for r, spec in RUNS.items() if spec[4] == version]
            assert row["runs_predicted"] == len(used)
            assert row["predictions"] == sum(p[0] in used for p in PREDICTIONS)
            assert row["last_run_id"] == max(used, key=lambda r: RUNS[r][1])
    assert [row["trained_in_run"] for row in rows if row["trained_in_run"]] == sorted(
        judged, key=lambda r: RUNS[r][1], reverse=True
    )
    # a version that predicted without a gate decision in the runs table (approved by hand) is listed too
    approved = {RUNS[run][4] for run in judged if RUNS[run][3] == "approved"}
    others = {row["model_version"]: row for row in rows if row["trained_in_run"] is None}
    assert set(others) == {spec[4] for spec in RUNS.values()} - approved
    for version, row in others.items():
        assert row["runs_predicted"] == sum(spec[4] == version for spec in RUNS.values())
        assert row["gate_decision"] is None


def mix(labels: list[int]) -> dict[int, float]:
    return {label: labels.count(label) / len(labels) for label in (-1, 0, 1)}


def test_prediction_drift_compares_with_the_training_data_of_the_model_and_the_previous_run(home: Path) -> None:
    rows = {row["run_id"]: row for row in query(home, "prediction_drift")}
    order = sorted(RUNS, key=lambda run: RUNS[run][1])
    assert set(rows) == set(order)
    for index, run in enumerate(order):
        row = rows[run]
        version = RUNS[run][4]
        trainer = next((r for r in RUNS if RUNS[r][3] == "approved" and RUNS[r][4] == version), None)
        predicted = mix([label for r, _, label, _ in PREDICTIONS if r == run])
        assert row["negative_share"] == pytest.approx(predicted[-1], abs=1e-4)
        assert row["training_run_id"] == trainer
        if trainer is None:  # the model's training run is not in the runs table
            assert row["tvd_vs_training"] is None
        else:
            trained = mix([label for r, _, _, _, label, split in MESSAGES if r == trainer and split == "train"])
            assert row["training_negative_share"] == pytest.approx(trained[-1], abs=1e-4)
            tvd = sum(abs(predicted[label] - trained[label]) for label in predicted) / 2
            assert row["tvd_vs_training"] == pytest.approx(tvd, abs=1e-4)
        previous = order[index - 1] if index else None
        assert row["previous_run_id"] == previous
        if previous:
            before = mix([label for r, _, label, _ in PREDICTIONS if r == previous])
            tvd = sum(abs(predicted[label] - before[label]) for label in predicted) / 2
            assert row["tvd_vs_previous"] == pytest.approx(tvd, abs=1e-4)


def test_run_history_keeps_the_last_30_days_newest_first(home: Path) -> None:
    recent = [run for run, spec in RUNS.items() if spec[0] >= TODAY - dt.timedelta(days=30)]
    expected = sorted(recent, key=lambda run: RUNS[run][1], reverse=True)
    assert [row["run_id"] for row in query(home, "run_history")] == expected
    assert "r1" not in expected


# The rule for queries that report per message, and the queries that report per run instead.
PER_MESSAGE = {"repeat_negative_authors", "sentiment_by_day", "support_queue"}
PER_RUN = {"prediction_drift"}


def test_every_query_reading_predictions_counts_per_message_through_the_view_or_per_run() -> None:
    queries = named_queries()
    assert {name for name, named in queries.items() if "latest_predictions" in tables_read(named.sql)} == PER_MESSAGE
    assert {name for name, named in queries.items() if "predictions" in tables_read(named.sql)} == PER_RUN
    for name in PER_RUN:
        assert "GROUP BY run_id" in queries[name].sql
    assert set(views()) == {"latest_predictions"}
    assert tables_read(views()["latest_predictions"].sql) == ["predictions"]


def test_the_view_holds_one_row_per_message_its_latest_prediction(home: Path) -> None:
    rows = query(home, "SELECT message_id, run_id, label, recency FROM latest_predictions")
    latest = latest_predictions()
    assert {row["message_id"]: (row["run_id"], row["label"]) for row in rows} == {
        message: (run, label) for message, (run, label, _) in latest.items()
    }
    assert len(rows) == len(latest)
    assert {row["recency"] for row in rows} == {1}


# The same input run again (s2, later: some labels change), and s3 with s2's time (the greater run id wins) and a
# prediction without a time (never the latest). (run, message id, author, label, topic)
RERUN_DAY = TODAY - dt.timedelta(days=2)
RERUNS = {"s1": at(RERUN_DAY, 9), "s2": at(RERUN_DAY, 10), "s3": at(RERUN_DAY, 10)}
RERUN_PREDICTIONS = [
    ("s1", "m1", "u1", -1, "billing"), ("s1", "m2", "u1", -1, "billing"), ("s1", "m3", "u1", -1, "delays"),
    ("s1", "m4", "u2", -1, "delays"), ("s1", "m5", "u2", 0, None), ("s1", "m6", "u2", 1, None),
    ("s2", "m1", "u1", 1, None), ("s2", "m2", "u1", 0, None), ("s2", "m3", "u1", -1, "delays"),
    ("s2", "m4", "u2", -1, "delays"), ("s2", "m5", "u2", -1, "billing"), ("s2", "m6", "u2", 1, None),
    ("s3", "m3", "u1", 0, None), ("s3", "m6", "u2", -1, "delays"),
]  # fmt: skip
UNTIMED = {("s3", "m6")}


@pytest.fixture(scope="module")
def rerun_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("rerun")
    config = load_config({})
    for run_id in RERUNS:
        mine = [item for item in RERUN_PREDICTIONS if item[0] == run_id]
        messages = [{"message_id": m, "source": "tweets", "author_id": a, "text": f"text of {m}",
                     "created_at": at(RERUN_DAY, 8)} for _, m, a, _, _ in mine]  # fmt: skip
        write_parquet(config, home, "messages", run_id, messages, RERUN_DAY)
        predictions = [{"message_id": m, "label": label, "priority": 50.0 - label, "topic": topic,
                        "topic_map_version": 1 if topic else None, "model_version": "m/1",
                        "predicted_at": None if (run_id, m) in UNTIMED else RERUNS[run_id]}
                       for _, m, _, label, topic in mine]  # fmt: skip
        write_parquet(config, home, "predictions", run_id, predictions, RERUN_DAY)
    return home


def latest_reruns() -> dict[str, tuple[str, str, int, str | None]]:
    """message id -> (run, author, label, topic) of its latest prediction: newest time (none: oldest), then run id."""

    def key(item: tuple[str, str, str, int, str | None]) -> tuple[bool, dt.datetime, str]:
        untimed = (item[0], item[1]) in UNTIMED
        return (not untimed, RERUNS[item[0]], item[0])

    latest = {}
    for item in sorted(RERUN_PREDICTIONS, key=key):
        latest[item[1]] = (item[0], item[2], item[3], item[4])
    return latest


def test_a_rerun_counts_each_message_once_with_its_latest_label_in_every_per_message_query(rerun_home: Path) -> None:
    latest = latest_reruns()
    assert {run for run, *_ in latest.values()} == {"s2", "s3"}  # the fixture exercises both tie rules
    assert latest["m6"][0] == "s2"  # the untimed s3 prediction does not win
    by_day = query(rerun_home, "sentiment_by_day")
    assert sum(row["messages"] for row in by_day) == len(latest)
    for label, column in ((-1, "negative"), (0, "neutral"), (1, "positive")):
        assert sum(row[column] for row in by_day) == sum(item[2] == label for item in latest.values())
    queue = query(rerun_home, "support_queue")
    negative = {m: item for m, item in latest.items() if item[2] == -1}
    assert sorted(row["message_id"] for row in queue) == sorted(negative)  # each once
    assert all(row["run_id"] == negative[row["message_id"]][0] for row in queue)
    authors = {row["author_id"]: row["negative"] for row in query(rerun_home, "repeat_negative_authors")}
    counts = {a: sum(item[1] == a for item in negative.values()) for a in {item[1] for item in negative.values()}}
    assert authors == {a: n for a, n in counts.items() if n >= 2}


def test_a_rerun_keeps_the_older_predictions_queryable_by_run_and_per_run_queries_per_run(rerun_home: Path) -> None:
    older = run_query("SELECT message_id, label FROM predictions WHERE run_id = 's1' ORDER BY message_id",
                      home=rerun_home, config=load_config({})).to_pylist()  # fmt: skip
    assert older == [{"message_id": m, "label": label} for run, m, _, label, _ in RERUN_PREDICTIONS if run == "s1"]
    drift = {row["run_id"]: row["predictions"] for row in query(rerun_home, "prediction_drift")}
    assert drift == {run: sum(item[0] == run for item in RERUN_PREDICTIONS) for run in RERUNS}


def filtered(home: Path, name: str, **filters: str) -> tuple[list[dict[str, Any]], list[str]]:
    notes: list[str] = []
    rows = run_query(name, home=home, config=load_config({}), filters=filters, notify=notes.append).to_pylist()
    return rows, notes


def test_an_empty_filter_result_without_any_topic_says_no_topic_map_is_approved(home: Path) -> None:
    assert filtered(home, "support_queue", topic="Billing") == ([], [NO_TOPIC_MAP])


def test_an_empty_filter_result_names_the_values_present_and_the_closest(rerun_home: Path) -> None:
    present = sorted({item[3] for item in latest_reruns().values() if item[2] == -1 and item[3]})
    rows, notes = filtered(rerun_home, "support_queue", topic="Billing")
    assert rows == []
    assert notes == [f"no row has topic = 'Billing'; values present: {', '.join(present)} (did you mean billing?)"]
    rows, notes = filtered(rerun_home, "sentiment_by_day", source="twitter")
    assert (rows, notes) == ([], ["no row has source = 'twitter'; values present: tweets"])


def test_an_empty_filter_result_says_when_no_value_is_to_blame(rerun_home: Path) -> None:
    latest = latest_reruns()
    billing = next(m for m, item in latest.items() if item[2] == -1 and item[3] == "billing")
    other = next(m for m, item in latest.items() if item[2] == -1 and item[3] != "billing")
    both = filtered(rerun_home, "support_queue", topic="billing", message_id=other)
    assert both == ([], ["no row matches every --where at once (each value alone has rows)"])
    assert filtered(rerun_home, "support_queue", topic="billing", message_id=billing)[1] == []  # rows: no note
    nothing = "SELECT topic FROM predictions WHERE run_id = 'none'"
    assert filtered(rerun_home, nothing, topic="billing")[1] == ["the query has no rows even without --where"]
    untopical = "SELECT message_id, topic FROM predictions WHERE topic IS NULL"
    assert filtered(rerun_home, untopical, topic="billing")[1] == [
        "no row has topic = 'billing': topic is NULL in every row of the query"
    ]


def test_an_empty_filter_result_claims_nothing_when_the_column_has_more_values_than_read(
    rerun_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pulso_local.query.filters.MAX_VALUES", 1)
    assert filtered(rerun_home, "support_queue", topic="Billing") == ([], [])


def test_each_configured_view_has_its_file_reads_its_table_and_adds_its_columns() -> None:
    from pulso.config import load_config
    from pulso_local.query.hints import relations

    config = load_config()
    assert set(config.views) == set(views())
    for name, view in config.views.items():
        assert tables_read(views()[name].sql) == [view.over]
        over = config.table(view.over)
        own = [column.name for column in view.columns]
        assert relations(config)[name] == [*over.column_names, *over.partition_names, *own]
