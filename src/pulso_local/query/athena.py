"""Athena on AWS: the same SQL, untranslated, through awswrangler in the deployed workgroup and database.

Names come from the configuration with the caller's account id (STS), as Terraform names the resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pyarrow as pa
from botocore.exceptions import BotoCoreError, ClientError

from pulso.config import PulsoConfig
from pulso_local.query.errors import EngineError, QueryError, first_line
from pulso_local.query.hints import unknown_name

ReadSqlQuery = Callable[..., Any]  # wr.athena.read_sql_query's signature: (sql, database=..., ...) -> DataFrame


def caller_account_id(session: boto3.Session | None = None) -> str:
    return (session or boto3.Session()).client("sts").get_caller_identity()["Account"]


def athena_names(config: PulsoConfig, account_id: str) -> dict[str, str]:
    """The Glue database and Athena workgroup the deployment created."""
    return {
        "database": config.resource_name("glue_database", account_id=account_id),
        "workgroup": config.resource_name("athena_workgroup", account_id=account_id),
    }


def run_athena(
    sql: str,
    *,
    config: PulsoConfig,
    read_sql_query: ReadSqlQuery | None = None,
    account_id: str | None = None,
    session: boto3.Session | None = None,
) -> pa.Table:
    """Run `sql` on Athena (`wr.athena.read_sql_query` unless one is injected); the result as an Arrow table."""
    import awswrangler as wr  # imported here: the local target must not pay for it

    read = read_sql_query or wr.athena.read_sql_query
    extra = {"boto3_session": session} if session is not None else {}
    try:
        names = athena_names(config, account_id or caller_account_id(session))
        frame = read(sql, **names, ctas_approach=False, **extra)
    except wr.exceptions.QueryFailed as error:
        raise QueryError(unknown_name(str(error), sql, config) or f"Athena query failed: {first_line(error)}") from None
    except (BotoCoreError, ClientError) as error:
        raise EngineError(f"aws: {first_line(error)}") from None
    return pa.Table.from_pandas(frame, preserve_index=False)
