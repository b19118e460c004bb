"""Outputs of the ETL job: Parquet table parts, Batch Transform JSON Lines shards, and where they go.

Table schemas come from the shared configuration (`tables` in pulso.json): the Parquet files carry
exactly the configured columns and types; partition columns live in the folder names (Hive style).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from json.encoder import encode_basestring  # the C-accelerated JSON string encoder, non-ASCII kept as is

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from glue_jobs.common.storage import ObjectStore, join_uri
from pulso.config import PulsoConfig, TableSpec

_ARROW_TYPES = {
    "string": pa.string(),
    "bigint": pa.int64(),
    "int": pa.int32(),
    "smallint": pa.int16(),
    "tinyint": pa.int8(),
    "double": pa.float64(),
    "float": pa.float32(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
}


def arrow_schema(table: TableSpec) -> pa.Schema:
    """The Parquet schema of a table's files (its columns without the partition keys)."""
    return pa.schema([pa.field(column.name, _ARROW_TYPES[column.type]) for column in table.columns])


def parquet_bytes(frame: pd.DataFrame, table: TableSpec) -> bytes:
    """Serialise `frame` as a Parquet file with exactly the table's columns and types."""
    missing = [name for name in table.column_names if name not in frame.columns]
    if missing:
        raise ValueError(f"table {table.name!r}: the frame lacks column(s) {missing}")
    arrow_table = pa.Table.from_pandas(
        frame[list(table.column_names)], schema=arrow_schema(table), preserve_index=False, safe=False
    )
    buffer = io.BytesIO()
    pq.write_table(arrow_table, buffer, compression="snappy")
    return buffer.getvalue()


@dataclass(frozen=True)
class RunLayout:
    """Where one run's outputs live under the transformed bucket's root."""

    root: str
    run_id: str
    ingest_date: str
    config: PulsoConfig

    def table_prefix(self, table_name: str) -> str:
        layout = self.config.layout
        return (
            join_uri(self.root, layout.table_partition(table_name, ingest_date=self.ingest_date, run_id=self.run_id))
            + "/"
        )

    @property
    def transform_input_prefix(self) -> str:
        return join_uri(self.root, self.config.layout.transform_input(self.run_id)) + "/"

    @property
    def manifest_uri(self) -> str:
        return join_uri(self.root, self.config.layout.manifest(self.run_id))

    def run_prefixes(self) -> list[str]:
        """Every prefix this run writes to (cleared first, so a retried run replaces, never duplicates)."""
        return [self.table_prefix("messages"), self.table_prefix("quarantine"), self.transform_input_prefix]


class TablePartWriter:
    """Writes numbered Parquet parts of one table partition."""

    def __init__(self, store: ObjectStore, prefix: str, table: TableSpec) -> None:
        self.store = store
        self.prefix = prefix
        self.table = table
        self.parts: list[str] = []

    def write(self, frame: pd.DataFrame, part_name: str) -> None:
        if frame.empty:
            return
        uri = join_uri(self.prefix, f"{part_name}.parquet")
        self.store.put_bytes(uri, parquet_bytes(frame, self.table))
        self.parts.append(uri)


class BufferedTableWriter:
    """Collects small frames (quarantined rows) and writes a part whenever `flush_rows` are buffered."""

    def __init__(self, writer: TablePartWriter, flush_rows: int) -> None:
        self.writer = writer
        self.flush_rows = flush_rows
        self._frames: list[pd.DataFrame] = []
        self._rows = 0

    def add(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        self._frames.append(frame)
        self._rows += len(frame)
        if self._rows >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        if not self._frames:
            return
        frame = pd.concat(self._frames, ignore_index=True)
        self.writer.write(frame, f"part-{len(self.writer.parts):05d}")
        self._frames = []
        self._rows = 0


class JsonLinesShards:
    """Batch Transform input: JSON Lines `{"message_id", "text"}` in shards of at most `shard_records` lines."""

    def __init__(self, store: ObjectStore, prefix: str, shard_records: int) -> None:
        self.store = store
        self.prefix = prefix
        self.shard_records = shard_records
        self.shards: list[str] = []
        self.records = 0
        self._lines: list[str] = []

    def add(self, message_ids: list[str], texts: list[str]) -> None:
        for message_id, text in zip(message_ids, texts):
            self._lines.append(f'{{"message_id": {encode_basestring(message_id)}, "text": {encode_basestring(text)}}}')
            if len(self._lines) >= self.shard_records:
                self.flush()

    def flush(self) -> None:
        if not self._lines:
            return
        uri = join_uri(self.prefix, f"part-{len(self.shards):05d}.jsonl")
        data = ("\n".join(self._lines) + "\n").encode("utf-8")
        self.store.put_bytes(uri, data, content_type="application/jsonlines")
        self.shards.append(uri)
        self.records += len(self._lines)
        self._lines = []
