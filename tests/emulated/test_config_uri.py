"""Jobs load the configuration their URI names from (emulated) S3, with a one-line error when they cannot."""

from __future__ import annotations

import json

import pytest

from pulso.config import (
    CONFIG_URI_ENV,
    OVERLAY_ENV,
    effective_config,
    load_config,
    read_config,
)
from pulso.errors import ConfigError
from tests.unit.test_config import GATE_AND_PROFILE


def test_jobs_load_the_configuration_their_uri_names_from_s3(boto3_session, monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket="pulso-dev-models-123456789012")
    key = load_config({}).layout["effective_config"]
    s3.put_object(Bucket="pulso-dev-models-123456789012", Key=key, Body=json.dumps(effective_config(GATE_AND_PROFILE)))
    monkeypatch.delenv(OVERLAY_ENV, raising=False)
    monkeypatch.setenv(CONFIG_URI_ENV, f"s3://pulso-dev-models-123456789012/{key}")
    config = load_config()
    assert config.pipeline.quality_gate.floor == 0.93
    assert "helpdesk" in config.profiles


def test_an_unreadable_configuration_uri_is_a_one_line_error(boto3_session, monkeypatch: pytest.MonkeyPatch) -> None:
    boto3_session.client("s3").create_bucket(Bucket="pulso-dev-models-123456789012")
    uri = "s3://pulso-dev-models-123456789012/code/config/missing.json"
    monkeypatch.delenv(OVERLAY_ENV, raising=False)
    monkeypatch.setenv(CONFIG_URI_ENV, uri)
    with pytest.raises(ConfigError) as error:
        load_config()
    assert str(error.value).startswith(f"config: cannot read the configuration {uri}: NoSuchKey")
    assert "\n" not in str(error.value)
    with pytest.raises(ConfigError, match=r"config: 's3://bucket' is not an s3://bucket/key URI"):
        read_config("s3://bucket")
