"""Checks shared by the Glue jobs' run arguments: run id, ingest date, the configuration (`--config_uri`)."""

from __future__ import annotations

import datetime as dt
import re

from pulso.config import PulsoConfig, load_config, read_config
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


CONFIG_URI_HELP = "the effective configuration (s3:// URI or path), a job default argument of every deployed job"


def config_from_uri(uri: str | None) -> PulsoConfig:
    """The configuration the job runs with: the effective configuration at `--config_uri` (an s3:// URI or a
    path; Terraform and the local account set it as a default argument of every job), read as it is; without
    the argument, `load_config()` (the bundled configuration, or `$PULSO_CONFIG_URI`/`$PULSO_CONFIG`)."""
    return read_config(uri) if uri else load_config()
