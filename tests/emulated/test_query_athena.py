"""The aws target: the named query's SQL, untranslated, goes to awswrangler with the deployment's names."""

from __future__ import annotations

from typing import Any

import awswrangler as wr
import boto3
import pandas as pd
import pytest
from botocore.exceptions import NoCredentialsError
from moto import mock_aws

from pulso.config import load_config
from pulso_local.query import EngineError, QueryError, named_queries
from pulso_local.query.athena import run_athena
from pulso_local.query.runner import run_query

# Names with the account id in them, so the test sees that the caller's account reaches the names.
OVERLAY = {
    "project": "acme",
    "environment": "qa",
    "resources": {"glue_database": "{project}_{environment}_{account_id}", "athena_workgroup": "{project}-wg"},
}


class Recorder:
    """Stands in for wr.athena.read_sql_query: records the call, answers with a small DataFrame."""

    def __init__(self, answer: pd.DataFrame | None = None, error: Exception | None = None) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.answer = answer if answer is not None else pd.DataFrame({"n": [3], "label_name": ["negative"]})
        self.error = error

    def __call__(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        self.calls.append((args, kwargs))
        if self.error:
            raise self.error
        return self.answer


def test_the_call_names_the_database_and_workgroup_of_the_account_and_skips_ctas() -> None:
    read = Recorder()
    result = run_athena("SELECT 1", config=load_config(OVERLAY), read_sql_query=read, account_id="210987654321")
    assert read.calls == [(("SELECT 1",), {"database": "acme_qa_210987654321", "workgroup": "acme-wg",
                                          "ctas_approach": False})]  # fmt: skip
    assert result.to_pylist() == [{"n": 3, "label_name": "negative"}]


def test_the_account_id_comes_from_sts(aws_credentials: None) -> None:
    read = Recorder()
    with mock_aws():
        account = boto3.client("sts").get_caller_identity()["Account"]
        run_athena("SELECT 1", config=load_config(OVERLAY), read_sql_query=read)
    assert read.calls[0][1]["database"] == f"acme_qa_{account}"


def test_the_aws_target_sends_the_named_query_as_written(aws_credentials: None) -> None:
    read = Recorder()
    with mock_aws():
        run_query("support_queue", target="aws", config=load_config({}), read_sql_query=read)
    (sql,), kwargs = read.calls[0]
    assert sql == named_queries()["support_queue"].sql  # Trino SQL for Athena: no DuckDB translation
    assert (kwargs["database"], kwargs["workgroup"]) == ("pulso_dev", "pulso-dev")


def test_a_failed_athena_query_is_a_query_error_and_no_credentials_an_engine_error() -> None:
    config = load_config({})
    failed = Recorder(error=wr.exceptions.QueryFailed("SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved\n"))
    with pytest.raises(QueryError, match=r"^Athena query failed: SYNTAX_ERROR: line 1:8: Column 'nope'"):
        run_athena("SELECT nope", config=config, read_sql_query=failed, account_id="1")
    with pytest.raises(EngineError, match=r"^aws: Unable to locate credentials"):
        run_athena("SELECT 1", config=config, read_sql_query=Recorder(error=NoCredentialsError()), account_id="1")


def test_athena_unknown_tables_and_columns_name_the_catalogs_instead() -> None:
    config = load_config({})
    table = Recorder(error=wr.exceptions.QueryFailed(
        "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.pulso_dev.predictionz' does not exist"))  # fmt: skip
    with pytest.raises(QueryError, match=r"^unknown table 'predictionz'; known tables: messages, .*predictions.*"
                                         r" \(did you mean predictions or latest_predictions\?\)$"):  # fmt: skip
        run_athena("SELECT * FROM predictionz", config=config, read_sql_query=table, account_id="1")
    column = Recorder(error=wr.exceptions.QueryFailed(
        "COLUMN_NOT_FOUND: line 1:8: Column 'p.lable' cannot be resolved or requester is not authorized"))  # fmt: skip
    with pytest.raises(
        QueryError, match=r"^unknown column 'lable'; columns of predictions: .* \(did you mean label\?\)$"
    ):
        run_athena("SELECT p.lable FROM predictions AS p", config=config, read_sql_query=column, account_id="1")
