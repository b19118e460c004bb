"""The configuration file is the single source of truth, validated with one-line errors."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from glue_jobs.etl.curate import CURATED_COLUMNS, QUARANTINE_COLUMNS
from pulso.config import (
    CONFIG_URI_ENV,
    OVERLAY_ENV,
    config_uri,
    default_config_text,
    effective_config,
    load_config,
    read_config,
)
from pulso.errors import ConfigError
from pulso_local.effective_config import main as effective_config_main
from pulso_local.effective_config import sources_path


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


def test_the_framework_is_configured_and_its_image_uris_are_not() -> None:
    sagemaker = load_config().pipeline.sagemaker
    assert re.fullmatch(r"\d+\.\d+\.\d+", sagemaker.framework_version)
    assert re.fullmatch(r"py3\d+", sagemaker.py_version)
    assert not {"training_image", "inference_image"} & set(json.loads(default_config_text())["pipeline"]["sagemaker"])
    assert "dkr.ecr" not in default_config_text()  # resolved per region by pulso_local.image_uris


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
        (
            {"pipeline": {"sagemaker": {"training_image": "763104351884.dkr.ecr.{region}.amazonaws.com/x:1"}}},
            "pipeline.sagemaker.training_image: is no longer configured: image URIs are resolved per region",
        ),
        ({"pipeline": {"sagemaker": {"framework_version": "latest"}}}, "framework_version: must look like 2.5.1"),
        ({"pipeline": {"sagemaker": {"py_version": "3.11"}}}, "pipeline.sagemaker.py_version: must look like py311"),
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


# --- the effective configuration: what a deployment stores and every job reads ------------------------------

GATE_AND_PROFILE = {
    "pipeline": {"quality_gate": {"floor": 0.93}},
    "profiles": {"helpdesk": {"format": "csv", "csv": {"delimiter": ";"}, "columns": {"text": ["body"]}}},
}


def test_the_effective_configuration_is_the_deep_merge_and_is_read_as_it_is(tmp_path: Path) -> None:
    data = effective_config(GATE_AND_PROFILE)
    assert data["pipeline"]["quality_gate"] == {"metric": "test_macro_recall", "floor": 0.93, "tolerance": 0.01}
    assert {"helpdesk", "tweets", "twcs"} <= set(data["profiles"])  # nested objects merge, nothing is lost
    path = tmp_path / "pulso-config.json"
    path.write_text(json.dumps(data))
    config = read_config(str(path))
    assert config.pipeline.quality_gate.floor == 0.93
    assert config.profile("helpdesk").csv.delimiter == ";"
    # The stored document is the whole configuration: it is validated, never merged over the bundled file again.
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({key: value for key, value in data.items() if key != "topics"}))
    with pytest.raises(ConfigError, match=re.escape("config: topics: is required")):
        read_config(str(partial))


def test_config_uri_names_the_object_in_the_models_bucket() -> None:
    config = load_config({})
    assert config.layout["effective_config"] == "code/config/pulso.json"
    assert config_uri(config, "123456789012") == "s3://pulso-dev-models-123456789012/code/config/pulso.json"


def test_a_job_never_reads_an_overlay_beside_its_configuration_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = tmp_path / "pulso-config.json"
    stored.write_text(json.dumps(effective_config({})))
    monkeypatch.setenv(CONFIG_URI_ENV, str(stored))
    monkeypatch.setenv(OVERLAY_ENV, str(tmp_path / "overlay.json"))
    with pytest.raises(ConfigError, match="PULSO_CONFIG_URI and PULSO_CONFIG are both set"):
        load_config()
    assert load_config({"pipeline": {"quality_gate": {"floor": 0.6}}}).pipeline.quality_gate.floor == 0.6


def test_the_effective_configuration_writer_records_its_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps(GATE_AND_PROFILE))
    out = tmp_path / "build" / "pulso-config.json"
    assert effective_config_main(["--overlay", str(overlay), "--out", str(out)]) == 0
    assert read_config(str(out)).pipeline.quality_gate.floor == 0.93
    sources = json.loads(sources_path(out).read_text())
    assert sources == {
        "base_sha256": hashlib.sha256(default_config_text().encode()).hexdigest(),
        "overlay_sha256": hashlib.sha256(overlay.read_bytes()).hexdigest(),
    }
    overlay.write_text(json.dumps({"profiles": {"x": {"format": "xml"}}}))
    assert effective_config_main(["--overlay", str(overlay), "--out", str(tmp_path / "bad.json")]) == 2
    assert capsys.readouterr().err.startswith("effective_config: config: profiles.x.format: must be one of")
    assert not (tmp_path / "bad.json").exists()


@pytest.mark.parametrize(
    ("views", "problem"),
    [
        ({"v": {"over": "nope", "columns": []}}, "config: views.v.over: must be one of the tables"),
        ({"runs": {"over": "predictions", "columns": []}}, "config: views.runs: a table has that name"),
        ({"v": {"over": "runs", "columns": [], "sql": "x"}}, "config: views.v"),
    ],
)
def test_a_bad_view_is_a_one_line_error(views: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config({"views": views})
    assert str(error.value).startswith(problem)
    assert "\n" not in str(error.value)
