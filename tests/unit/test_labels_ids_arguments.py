"""Label mapping, stable ids and splits, Glue-style arguments, timestamps: small pure helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import pytest

from glue_jobs.common.arguments import Argument, parse_glue_arguments
from glue_jobs.etl.timestamps import timestamp_parser
from pulso.config import load_config
from pulso.errors import ConfigError
from pulso.ids import assign_split, derived_message_id, split_position
from pulso.labels import label_key, map_label
from pulso.text import detect_language, normalise

SENTIMENT = load_config().labels.mappings["sentiment"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("-1", -1), ("0", 0), ("1", 1), ("+1", 1), ("1.0", 1), (" Positive ", 1), ("NEG", -1), ("neutral", 0)],
)
def test_sentiment_labels_map_to_canonical_values(raw: str, expected: int) -> None:
    assert map_label(raw, SENTIMENT) == expected


@pytest.mark.parametrize("raw", ["2", "maybe", "", "1.5", "-1.2", True])
def test_unknown_labels_map_to_none(raw: object) -> None:
    assert map_label(raw, SENTIMENT) is None


def test_source_specific_mappings() -> None:
    mappings = load_config().labels.mappings
    assert [map_label(value, mappings["tweeteval"]) for value in "012"] == [-1, 0, 1]
    assert [map_label(value, mappings["amazon_polarity"]) for value in ("1", "2")] == [-1, 1]
    assert label_key("2.000") == "2"


def test_derived_ids_are_stable_and_depend_on_object_and_text() -> None:
    first = derived_message_id("export.csv", "hello")
    assert first == derived_message_id("export.csv", "hello")
    assert first != derived_message_id("other.csv", "hello")
    assert first != derived_message_id("export.csv", "hello!")
    # The documented recipe; a change here would silently re-identify every message that came without an id.
    assert first == "h" + hashlib.blake2b(b"export.csv\x1fhello", digest_size=10).hexdigest()


def test_split_assignment_is_stable_and_proportional() -> None:
    fractions = {"train": 0.8, "validation": 0.1, "test": 0.1}
    counts = Counter(assign_split(f"message-{i}", fractions) for i in range(50_000))
    assert abs(counts["train"] / 50_000 - 0.8) < 0.01
    assert abs(counts["validation"] / 50_000 - 0.1) < 0.01
    assert abs(counts["test"] / 50_000 - 0.1) < 0.01
    # The documented recipe: the split of a message never changes between runs, versions or platforms.
    for i in range(200):
        position = int.from_bytes(hashlib.blake2b(f"m{i}".encode(), digest_size=8).digest(), "big") / 2**64
        assert split_position(f"m{i}") == position
        expected = "train" if position < 0.8 else "validation" if position < 0.9 else "test"
        assert assign_split(f"m{i}", fractions) == expected


def test_language_guess() -> None:
    assert detect_language(normalise("my order is late and the app does not work")) == "en"
    assert detect_language(normalise("el pedido no llega y nadie me ayuda, qué mal servicio")) == "es"
    assert detect_language(normalise("¿dónde?")) == "es"
    assert detect_language(normalise("ok 👍")) is None


SPEC = {
    "input": Argument("input", required=True),
    "mode": Argument("mode", default="predict", choices=("predict", "train_and_predict")),
    "run_id": Argument("run id"),
}


def test_glue_style_arguments_tolerate_unknown_glue_arguments() -> None:
    argv = [
        "--JOB_ID", "j_1", "--input", "s3://b/k.csv", "--job-bookmark-option", "job-bookmark-disable",
        "--run_id=abc", "--enable-metrics",
    ]  # fmt: skip
    assert parse_glue_arguments(argv, SPEC) == {"input": "s3://b/k.csv", "mode": "predict", "run_id": "abc"}


def test_glue_style_arguments_errors_are_one_line() -> None:
    with pytest.raises(ConfigError, match=r"missing job argument --input \(input\)"):
        parse_glue_arguments(["--mode", "predict"], SPEC)
    with pytest.raises(ConfigError, match="--mode must be one of predict, train_and_predict"):
        parse_glue_arguments(["--input", "x", "--mode", "train"], SPEC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-10-31", dt.datetime(2017, 10, 31)),
        ("2017-10-31T22:10:47Z", dt.datetime(2017, 10, 31, 22, 10, 47)),
        ("2017-10-31 22:10:47.123456789", dt.datetime(2017, 10, 31, 22, 10, 47, 123456)),
        ("2017-10-31T22:10:47+02:00", dt.datetime(2017, 10, 31, 20, 10, 47)),
        ("2017-10-31T22:10-0530", dt.datetime(2017, 11, 1, 3, 40)),
    ],
)
def test_iso8601_timestamps_become_naive_utc(text: str, expected: dt.datetime) -> None:
    assert timestamp_parser("iso8601")(text) == expected


def test_other_timestamp_formats() -> None:
    twcs = timestamp_parser("%a %b %d %H:%M:%S %z %Y")
    assert twcs("Tue Oct 31 22:10:47 +0000 2017") == dt.datetime(2017, 10, 31, 22, 10, 47)
    assert timestamp_parser("epoch_seconds")("1509487847") == dt.datetime(2017, 10, 31, 22, 10, 47)
    assert timestamp_parser("epoch_millis")("1509487847000") == dt.datetime(2017, 10, 31, 22, 10, 47)
    for bad in ("yesterday", "2017-13-45", "2017-10-31T25:00:00"):
        with pytest.raises(ValueError):  # noqa: PT011 - any ValueError subclass is the contract
            timestamp_parser("iso8601")(bad)
