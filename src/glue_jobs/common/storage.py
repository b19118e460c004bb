"""Object storage for the jobs: S3 (through awswrangler and boto3) or a local folder, behind one interface.

URIs are `s3://bucket/key` or local paths. The local store lets the same job run on a laptop and in the
benchmarks without an S3 endpoint; the local runtime uses the S3 store against its emulated account.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pandas as pd
import pyarrow.parquet as pq

from pulso.layout import split_s3_uri, sse_kms

S3_SCHEME = "s3://"
_STREAM_BUFFER_BYTES = 1 << 20


@dataclass(frozen=True)
class StoredObject:
    """An object found under an input URI."""

    uri: str
    size: int

    @property
    def name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1]


class ObjectStore(Protocol):
    """What the jobs need from storage."""

    def list_objects(self, uri: str) -> list[StoredObject]:
        """The object at `uri`, or every object under the prefix `uri`, sorted by URI."""

    def open_read(self, uri: str) -> BinaryIO:
        """A buffered binary stream over the object's bytes (streamed, not loaded into memory)."""

    def put_bytes(self, uri: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Write (replace) an object."""

    def delete_prefix(self, uri: str) -> int:
        """Delete every object under the prefix; return how many were deleted."""


def join_uri(base: str, *parts: str) -> str:
    """Join URI parts with single slashes (works for s3:// and local paths)."""
    uri = base.rstrip("/")
    for part in parts:
        uri = f"{uri}/{part.strip('/')}"
    return uri


def is_s3(uri: str) -> bool:
    return uri.startswith(S3_SCHEME)


class _StreamingBodyReader(io.RawIOBase):
    """Adapts botocore's streaming body to `io.RawIOBase`, so it can be buffered and gzip-decoded lazily."""

    def __init__(self, body: object) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._body.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._body.close()
        super().close()


class S3Store:
    """S3 through boto3 (listing with sizes, streamed reads, uploads) and awswrangler (batched deletes)."""

    def __init__(self, boto3_session: object | None = None, kms_key_id: str | None = None) -> None:
        import boto3

        self.session = boto3_session or boto3.Session()
        self._client = self.session.client("s3")
        # Buckets deny uploads without SSE-KMS headers; pass them explicitly when a key is configured.
        self._put_kwargs = sse_kms(kms_key_id)

    def list_objects(self, uri: str) -> list[StoredObject]:
        bucket, key = split_s3_uri(uri)
        if key and not key.endswith("/"):
            try:
                head = self._client.head_object(Bucket=bucket, Key=key)
                return [StoredObject(uri, int(head["ContentLength"]))]
            except self._client.exceptions.ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                    raise
            key += "/"
        found = []
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):  # "folder" markers are not objects
                    found.append(StoredObject(f"{S3_SCHEME}{bucket}/{item['Key']}", int(item["Size"])))
        return sorted(found, key=lambda stored: stored.uri)

    def open_read(self, uri: str) -> BinaryIO:
        bucket, key = split_s3_uri(uri)
        body = self._client.get_object(Bucket=bucket, Key=key)["Body"]
        return io.BufferedReader(_StreamingBodyReader(body), buffer_size=_STREAM_BUFFER_BYTES)

    def put_bytes(self, uri: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        bucket, key = split_s3_uri(uri)
        self._client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type, **self._put_kwargs)

    def delete_prefix(self, uri: str) -> int:
        import awswrangler as wr

        paths = wr.s3.list_objects(uri.rstrip("/") + "/", boto3_session=self.session)
        if paths:
            wr.s3.delete_objects(paths, boto3_session=self.session)
        return len(paths)


class LocalStore:
    """A local folder standing in for S3 (same layout of keys as files)."""

    def list_objects(self, uri: str) -> list[StoredObject]:
        path = Path(uri)
        if path.is_file():
            return [StoredObject(str(path), path.stat().st_size)]
        if not path.is_dir():
            return []
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return [StoredObject(str(p), p.stat().st_size) for p in files]

    def open_read(self, uri: str) -> BinaryIO:
        return open(uri, "rb", buffering=_STREAM_BUFFER_BYTES)

    def put_bytes(self, uri: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = Path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def delete_prefix(self, uri: str) -> int:
        path = Path(uri)
        if not path.exists():
            return 0
        count = sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        return count


def read_bytes_if_exists(store: ObjectStore, uri: str) -> bytes | None:
    """The whole object at `uri`, or None when there is no such object."""
    if not store.list_objects(uri):
        return None
    with store.open_read(uri) as stream:
        return stream.read()


def read_parquet_object(store: ObjectStore, uri: str, columns: Sequence[str]) -> pd.DataFrame:
    """`columns` of one Parquet object."""
    with store.open_read(uri) as stream:
        return pq.read_table(io.BytesIO(stream.read()), columns=list(columns)).to_pandas()


def read_parquet_objects(store: ObjectStore, prefix: str, columns: Sequence[str]) -> pd.DataFrame:
    """`columns` of every Parquet object under `prefix`, concatenated (empty, with `columns`, when there is none)."""
    frames = [
        read_parquet_object(store, obj.uri, columns)
        for obj in store.list_objects(prefix)
        if obj.name.endswith(".parquet")
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(columns))


def store_for(uri: str, boto3_session: object | None = None, kms_key_id: str | None = None) -> ObjectStore:
    """The store that serves `uri`."""
    return S3Store(boto3_session, kms_key_id) if is_s3(uri) else LocalStore()
