"""The local stand-in for the SageMaker PyTorch inference container during a Batch Transform job.

Usage: python transform_container.py MODEL_DIR INPUT_DIR OUTPUT_DIR SETTINGS_JSON

Like the container, it imports the handler module named by `SAGEMAKER_PROGRAM` from `MODEL_DIR/code` (the
unpacked model.tar.gz), loads the model with `model_fn`, and for each input object sends requests through
`input_fn -> predict_fn -> output_fn`: with `SplitType=Line` the object is split into lines; with
`BatchStrategy=MultiRecord` a request holds as many lines as fit in `MaxPayloadInMB`, with `SingleRecord`
one line. With `AssembleWith=Line` the responses are joined line by line into `OUTPUT_DIR/<object>.out`.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def requests(records: list[bytes], batch_strategy: str, max_payload_bytes: int) -> Iterator[bytes]:
    """Group records into request bodies (MultiRecord: up to the payload limit; SingleRecord: one each)."""
    if batch_strategy == "SingleRecord":
        yield from records
        return
    batch: list[bytes] = []
    size = 0
    for record in records:
        if len(record) + 1 > max_payload_bytes:
            raise ValueError(f"a record of {len(record):,} bytes exceeds MaxPayloadInMB")
        if batch and size + len(record) + 1 > max_payload_bytes:
            yield b"\n".join(batch) + b"\n"
            batch, size = [], 0
        batch.append(record)
        size += len(record) + 1
    if batch:
        yield b"\n".join(batch) + b"\n"


def split(body: bytes, split_type: str) -> list[bytes]:
    if split_type == "Line":
        return [line for line in body.split(b"\n") if line.strip()]
    return [body]


def serve_object(handler: Any, model: Any, body: bytes, settings: dict[str, Any]) -> tuple[str, int, int]:
    """The assembled output of one input object, and its record and request counts."""
    records = split(body, settings["split_type"])
    responses = []
    count = 0
    for request in requests(records, settings["batch_strategy"], settings["max_payload_mb"] << 20):
        parsed = handler.input_fn(request, settings["content_type"])
        responses.append(handler.output_fn(handler.predict_fn(parsed, model), settings["accept"]))
        count += 1
    if settings["assemble_with"] == "Line":
        text = "".join(response if response.endswith("\n") else response + "\n" for response in responses if response)
    else:
        text = "".join(responses)
    return text, len(records), count


def main(argv: list[str]) -> int:
    model_dir, input_dir, output_dir = (Path(value) for value in argv[:3])
    settings = json.loads(argv[3])
    sys.path.insert(0, str(model_dir / "code"))
    program = os.environ.get("SAGEMAKER_PROGRAM", "inference.py")
    handler = importlib.import_module(program.removesuffix(".py"))
    model = handler.model_fn(str(model_dir))
    for path in sorted(item for item in input_dir.rglob("*") if item.is_file()):
        text, records, request_count = serve_object(handler, model, path.read_bytes(), settings)
        lines = text.count("\n")
        if settings["split_type"] == "Line" and settings["assemble_with"] == "Line" and lines != records:
            print(f"{path.name}: {records} input lines but {lines} output lines", file=sys.stderr)
            return 1
        target = output_dir / (str(path.relative_to(input_dir)) + ".out")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        errors = text.count('"error"')
        print(f"{path.name}: {records:,} records in {request_count} requests, {errors} error records", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
