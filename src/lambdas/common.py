"""Helpers shared by the Lambda handlers: S3 URIs (pulso.layout), JSON objects on S3, the configuration, log lines."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from typing import Any

import boto3
from botocore.exceptions import ClientError

from pulso.config import PulsoConfig, load_config
from pulso.layout import s3_uri as s3_uri  # re-exported for the handlers
from pulso.layout import split_s3_uri as parse_s3_uri
from pulso.layout import sse_kms as sse_kms  # re-exported for the handlers

_MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class ObjectNotFoundError(Exception):
    """An S3 object a handler needs does not exist."""


@functools.cache
def config() -> PulsoConfig:
    """The configuration, loaded once per Lambda container: the deployment's effective configuration at
    `$PULSO_CONFIG_URI` (Terraform and the local account set it on every function), else the bundled one."""
    return load_config()


def session_or_default(session: boto3.Session | None) -> boto3.Session:
    return session if session is not None else boto3.Session()


def is_missing_object(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in _MISSING_OBJECT_CODES


def read_json(uri: str, *, session: boto3.Session | None = None) -> Any:
    """The JSON document stored at `uri`; ObjectNotFoundError when the object does not exist."""
    bucket, key = parse_s3_uri(uri)
    s3 = session_or_default(session).client("s3")
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if is_missing_object(error):
            raise ObjectNotFoundError(f"{uri} does not exist") from None
        raise
    return json.loads(body)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def log(message: str, **fields: Any) -> None:
    """One JSON line on stdout (CloudWatch Logs keeps it as one searchable event)."""
    print(json.dumps({"message": message, **fields}, default=str, ensure_ascii=False), file=sys.stdout, flush=True)


def put_json_bytes(s3: Any, bucket: str, key: str, body: bytes, kms_key_id: str | None, **extra: Any) -> None:
    """Put a JSON document (already encoded) with SSE-KMS; `extra`: further put_object arguments (IfNoneMatch)."""
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json", **sse_kms(kms_key_id), **extra)
