"""The configuration file is the single source of truth, validated with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glue_jobs.transform import CURATED_COLUMNS, QUARANTINE_COLUMNS
from pulso.config import OVERLAY_ENV, default_config_text, load_config
from pulso.errors import ConfigError


def test_bundled_configuration_is_plain_json_with_the_four_tables() -> None:
    data = json.loads(default_config_text())
    assert set(data["tables"]) >= {"messages", "quarantine", "predictions", "runs"}
    config = load_config()
    assert config.labels.values == (-1, 0, 1)
    assert config.labels.names == ("negative", "neutral", "positive")
    assert set(config.profiles) >= {"tweets", "twcs", "amazon_reviews", "tweeteval"}


def test_job_outputs_match_the_configured_table_schemas() -> None:
    config = load_config()
    assert config.table("messages").column_names == CURATED_COLUMNS
    assert config.table("quarantine").column_names == QUARANTINE_COLUMNS
    assert config.table("messages").partition_names == ("ingest_date", "run_id")


def test_resource_names_are_rendered_from_patterns() -> None:
    config = load_config()
    assert config.resource_name("buckets.raw", account_id="123456789012") == "pulso-dev-raw-123456789012"
    assert config.resource_name("state_machine") == "pulso-dev-pipeline"
    with pytest.raises(ConfigError, match="needs a value for 'account_id'"):
        config.resource_name("buckets.models")
    with pytest.raises(ConfigError, match=r"unknown resource 'buckets\.nope'"):
        config.resource_name("buckets.nope")


def test_every_quarantine_reason_the_job_can_emit_is_documented() -> None:
    reasons = set(load_config().quarantine_reasons)
    emitted = {
        "unreadable_object", "missing_columns", "unparseable_row", "encoding_error", "filtered_by_profile",
        "missing_text", "text_too_long", "bad_label", "bad_split", "bad_timestamp", "bad_id", "empty_after_cleaning",
    }  # fmt: skip
    assert emitted == reasons


def test_unknown_profile_is_a_one_line_error() -> None:
    with pytest.raises(ConfigError) as error:
        load_config().profile("instagram")
    assert (
        str(error.value)
        == "unknown source profile 'instagram' (known profiles: amazon_reviews, twcs, tweeteval, tweets)"
    )


def test_a_user_adds_a_profile_in_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    overlay = {
        "profiles": {
            "zendesk": {
                "format": "csv",
                "csv": {"header": True, "delimiter": ";"},
                "columns": {"message_id": ["ticket"], "text": ["subject", "body"], "label": ["mood"]},
                "label_mapping": {"angry": -1, "ok": 0, "happy": 1},
            }
        }
    }
    path = tmp_path / "overlay.json"
    path.write_text(json.dumps(overlay))
    monkeypatch.setenv(OVERLAY_ENV, str(path))
    profile = load_config().profile("zendesk")
    assert profile.csv.delimiter == ";"
    assert profile.columns["text"] == ("subject", "body")
    assert profile.label_mapping == {"angry": -1, "ok": 0, "happy": 1}
    assert "twcs" in load_config().profiles  # built-ins remain


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        ({"profiles": {"x": {"format": "xml", "columns": {"text": ["t"]}}}}, "profiles.x.format: must be one of"),
        ({"profiles": {"x": {"format": "csv"}}}, "profiles.x.columns: must map the 'text' field"),
        ({"profiles": {"x": {"format": "csv", "columns": {"body": ["t"]}}}}, "profiles.x.columns.body: unknown key"),
        (
            {"profiles": {"x": {"format": "csv", "columns": {"text": ["t"], "label": ["l"]}}}},
            "profiles.x.label_mapping: is required",
        ),
        (
            {"profiles": {"x": {"format": "csv", "columns": {"text": ["t"]}, "label_mapping": "vibes"}}},
            "unknown mapping 'vibes'",
        ),
        (
            {"profiles": {"x": {"format": "csv", "csv": {"delimiter": ";;"}, "columns": {"text": ["t"]}}}},
            "csv.delimiter: must be a single character",
        ),
        (
            {"profiles": {"x": {"format": "csv", "csv": {"header": False}, "columns": {"text": ["t"]}}}},
            "csv.column_names: is required when header is false",
        ),
        (
            {"profiles": {"x": {"format": "csv", "columns": {"text": ["t"]}, "encoding": "klingon"}}},
            "unknown text encoding",
        ),
        ({"labels": {"mappings": {"odd": {"yes": 5}}}}, "labels.mappings.odd.yes: must map to one of [-1, 0, 1]"),
        ({"etl": {"chunk_rows": 0}}, "etl.chunk_rows: must be a positive integer"),
        ({"etl": {"chunk_rows": True}}, "etl.chunk_rows: must be int"),
        (
            {"splits": {"fractions": {"train": 0.9, "validation": 0.2, "test": 0.1}}},
            "must be non-negative and sum to 1",
        ),
        ({"tables": {"messages": {"columns": [{"name": "x", "type": "varchar"}]}}}, "tables.messages.columns[0].type"),
        ({"surprise": 1}, "surprise: unknown key"),
    ],
)
def test_invalid_configuration_is_a_clear_one_line_error(overlay: dict, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(overlay)
    text = str(error.value)
    assert message in text
    assert "\n" not in text
    assert text.startswith("config: ")


def test_overlay_file_problems_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read overlay file"):
        load_config(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        load_config(broken)
