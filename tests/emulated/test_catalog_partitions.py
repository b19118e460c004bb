"""Registering catalog partitions against the emulated Glue Data Catalog."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from pulso.catalog import register_partition
from pulso.config import load_config
from pulso_local.account import glue_table_input


def test_registering_a_run_partition_twice_keeps_one_partition_at_the_new_location(aws_credentials: None) -> None:
    config = load_config()
    table = config.table("predictions")
    with mock_aws():
        session = boto3.Session()
        glue = session.client("glue")
        glue.create_database(DatabaseInput={"Name": "pulso_dev"})
        glue.create_table(DatabaseName="pulso_dev", TableInput=glue_table_input(table, "s3://o/predictions/"))
        register_partition(session, "pulso_dev", table, ["2026-11-23", "r1"], "s3://o/predictions/x/")
        register_partition(session, "pulso_dev", table, ["2026-11-23", "r1"], "s3://o/predictions/y/")
        partitions = glue.get_partitions(DatabaseName="pulso_dev", TableName="predictions")["Partitions"]
        with pytest.raises(ValueError, match="1 partition values for keys"):
            register_partition(session, "pulso_dev", table, ["r1"], "s3://o/predictions/z/")
    assert [(p["Values"], p["StorageDescriptor"]["Location"]) for p in partitions] == [
        (["2026-11-23", "r1"], "s3://o/predictions/y/")
    ]
    assert (
        partitions[0]["StorageDescriptor"]["Columns"]
        == glue_table_input(table, "s3://o/")["StorageDescriptor"]["Columns"]
    )
