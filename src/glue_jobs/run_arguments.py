"""Checks shared by the Glue jobs' run arguments: run id, ingest date, configuration overlay."""

from __future__ import annotations

import datetime as dt
import re

from glue_jobs.storage import store_for
from pulso.config import PulsoConfig, load_config
from pulso.config._load import parse_json
from pulso.errors import ConfigError

RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def utc_now() -> dt.datetime:
    """The current UTC time, naive (as the Parquet timestamps are written)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def checked_run_id(run_id: str) -> str:
    if not RUN_ID.fullmatch(run_id):
        raise ConfigError(f"job argument --run_id must be 1-128 letters, digits, '.', '_' or '-' (got {run_id!r})")
    return run_id


def checked_ingest_date(value: str | None, now: dt.datetime) -> str:
    """`value` (YYYY-MM-DD) or today's date."""
    ingest_date = value or now.strftime("%Y-%m-%d")
    try:
        dt.datetime.strptime(ingest_date, "%Y-%m-%d")
    except ValueError:
        raise ConfigError(f"job argument --ingest_date must be YYYY-MM-DD (got {ingest_date!r})") from None
    return ingest_date


def config_with_overlay(uri: str | None) -> PulsoConfig:
    """The configuration, with the `--config_overlay` JSON (a path or an s3:// URI) merged over it."""
    if not uri:
        return load_config()
    try:
        with store_for(uri).open_read(uri) as stream:
            overlay = dict(parse_json(stream.read().decode("utf-8"), uri))
    except OSError as error:
        raise ConfigError(f"cannot read --config_overlay {uri}: {error}") from None
    return load_config(overlay)
