"""SageMaker PyTorch inference handler functions for Batch Transform.

Batch Transform with `SplitType=Line`, `BatchStrategy=MultiRecord` sends one or many JSON Lines per request;
`AssembleWith=Line` joins the responses. Each input line gives exactly one output line, in order: a
prediction, or an error record for a line that is not JSON, has no text or an empty one — a bad line never
fails the batch.
"""

from __future__ import annotations

import json
from typing import Any

from inference.predictor import ERROR_KEY, SentimentPredictor

JSON_LINES = ("application/jsonlines", "application/x-jsonlines", "application/jsonl")
JSON = "application/json"


def model_fn(model_dir: str) -> SentimentPredictor:
    """Load the model from the unpacked model.tar.gz."""
    return SentimentPredictor.load(model_dir)


def _as_record(value: Any, number: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {"message_id": None, ERROR_KEY: f"record {number}: a JSON {type(value).__name__}, not an object"}
    return value


def _parse_line(line: str, number: int) -> dict[str, Any]:
    try:
        return _as_record(json.loads(line), number)
    except ValueError as error:
        return {"message_id": None, ERROR_KEY: f"record {number}: not JSON ({error.msg})"}


def input_fn(
    request_body: bytes | bytearray | memoryview | str, content_type: str = JSON_LINES[0]
) -> list[dict[str, Any]]:
    """Parse a request into records ({message_id, text}); unreadable lines become error records.

    The body comes as the model server hands it over: in the SageMaker PyTorch inference container TorchServe
    passes the raw payload as a `bytearray` (the toolkit decodes only application/json and text/csv to `str`);
    the local transform container passes `bytes`, Python callers `str`.
    """
    if isinstance(request_body, (bytes, bytearray, memoryview)):
        body = bytes(request_body).decode("utf-8", errors="replace")
    else:
        body = request_body
    kind = (content_type or JSON_LINES[0]).split(";")[0].strip().lower()
    if kind in JSON_LINES:
        lines = body.split("\n")
        if lines and not lines[-1].strip():
            lines.pop()  # the newline that ends the last record
        return [_parse_line(line, number) for number, line in enumerate(lines, start=1)]
    if kind == JSON:  # one object, or an array of objects
        try:
            parsed = json.loads(body)
        except ValueError as error:
            return [{"message_id": None, ERROR_KEY: f"not JSON ({error.msg})"}]
        items = parsed if isinstance(parsed, list) else [parsed]
        return [_as_record(item, number) for number, item in enumerate(items, start=1)]
    raise ValueError(f"unsupported content type {content_type!r}: send application/jsonlines or application/json")


def predict_fn(records: list[dict[str, Any]], predictor: SentimentPredictor) -> list[dict[str, Any]]:
    return predictor.predict(records)


def output_fn(predictions: list[dict[str, Any]], accept: str = JSON_LINES[0]) -> str:
    """JSON Lines (one line per input line) or, for application/json, a JSON array."""
    kind = (accept or JSON_LINES[0]).split(";")[0].strip().lower()
    if kind == JSON:
        return json.dumps(predictions, ensure_ascii=False)
    if kind in JSON_LINES or kind == "*/*":
        return "".join(json.dumps(prediction, ensure_ascii=False) + "\n" for prediction in predictions)
    raise ValueError(f"unsupported accept type {accept!r}: ask for application/jsonlines or application/json")
