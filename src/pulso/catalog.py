"""Register a run's partition in the Glue Data Catalog, so every engine over the catalog sees it.

The tables partitioned by `run_id` are not projected (a projection cannot enumerate run ids): the job that
writes a partition registers it, with the table's own storage descriptor and the partition's location. The
`runs` table is projected for Athena, and its partitions are registered too (by record_run), because Redshift
Spectrum reads only registered partitions. Registering an existing partition updates it, so a re-run of the
same run id stays one partition. Shared by the Glue jobs and the Lambdas (so it lives in `pulso`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any

from pulso.config import TableSpec

log = logging.getLogger("pulso.catalog")


def partition_input(table: dict[str, Any], values: Sequence[str], location: str) -> dict[str, Any]:
    """The PartitionInput for `values` at `location`, from the catalog table's storage descriptor."""
    descriptor = copy.deepcopy(table["StorageDescriptor"])
    descriptor["Location"] = location
    return {"Values": list(values), "StorageDescriptor": descriptor}


def register_partition(
    boto3_session: Any, database: str, table: TableSpec, values: Sequence[str], location: str
) -> None:
    """Create (or update) the partition `values` of `database.table` at `location`."""
    glue = boto3_session.client("glue")
    if len(values) != len(table.partition_keys):
        raise ValueError(f"{table.name}: {len(values)} partition values for keys {table.partition_names}")
    described = glue.get_table(DatabaseName=database, Name=table.name)["Table"]
    partition = partition_input(described, values, location)
    try:
        glue.create_partition(DatabaseName=database, TableName=table.name, PartitionInput=partition)
    except glue.exceptions.AlreadyExistsException:
        glue.update_partition(
            DatabaseName=database, TableName=table.name, PartitionValueList=list(values), PartitionInput=partition
        )
    log.info("registered partition %s of %s.%s at %s", list(values), database, table.name, location)
