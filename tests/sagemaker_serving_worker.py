"""One model-server worker of the SageMaker PyTorch inference container, driven by the container's own toolkit.

Usage (the environment as the container has it: SAGEMAKER_BASE_DIR, SAGEMAKER_PROGRAM, PYTHONPATH):

    python sagemaker_serving_worker.py REQUESTS_JSON RESULT_JSON

What the container's TorchServe does, and this script repeats with the real toolkit classes:

- `sagemaker_pytorch_serving_container.torchserve` configures `default_service_handler=
  sagemaker_pytorch_serving_container.handler_service:handle`; TorchServe's model loader (`ts/model_loader.py`)
  imports that module, finds no module-level `handle`, takes the one class defined in it (`HandlerService`),
  instantiates it and calls `initialize(context)`, then `handle(data, context)` per request batch.
- The context is TorchServe's `ts.context.Context`: `system_properties["model_dir"]` is the model directory
  (`/opt/ml/model`), `request_processor` one `RequestProcessor` of request headers per request, responses carry
  a content type and status. TorchServe hands the body over as `{"body": bytearray}` (`decode_input_request=false`
  in the container's `default-ts.properties`).

Which handler functions run is left to the toolkit (`sagemaker_inference.transformer.Transformer`): it imports the
module named by SAGEMAKER_PROGRAM from the code directory on PYTHONPATH and takes `model_fn`, `input_fn`,
`predict_fn`, `output_fn` from it. The result file records the responses and which functions were chosen.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any

HANDLER_SERVICE = "sagemaker_pytorch_serving_container.handler_service"


class RequestProcessor:
    """`ts.context.RequestProcessor`: the headers of one request and its response status and headers."""

    def __init__(self, request_header: dict[str, Any]) -> None:
        self._request_header = request_header
        self._response_header: dict[str, str] = {}
        self._status_code = 200
        self._reason_phrase: str | None = None

    def get_request_property(self, key: str) -> Any:
        return self._request_header.get(key)

    def get_request_properties(self) -> dict[str, Any]:
        return self._request_header

    def report_status(self, code: int, reason_phrase: str | None = None) -> None:
        self._status_code, self._reason_phrase = code, reason_phrase

    def add_response_property(self, key: str, value: str) -> None:
        self._response_header[key] = value

    def get_response_headers(self) -> dict[str, str]:
        return self._response_header


class Context:
    """`ts.context.Context` as TorchServe builds it for a worker (the attributes the toolkit reads)."""

    def __init__(self, model_name: str, model_dir: str, batch_size: int = 1) -> None:
        self.model_name = model_name
        self.manifest = None
        self._system_properties = {
            "model_dir": model_dir,
            "gpu_id": None,
            "batch_size": batch_size,
            "server_name": "MMS",
            "server_version": "0.12.0",
            "limit_max_image_pixels": True,
        }
        self.request_ids: dict[int, str] | None = None
        self.request_processor: list[RequestProcessor] | None = None
        self.metrics = None

    @property
    def system_properties(self) -> dict[str, Any]:
        return self._system_properties

    def get_request_header(self, idx: int, key: str) -> Any:
        assert self.request_processor is not None
        return self.request_processor[idx].get_request_property(key)

    def set_response_header(self, idx: int, key: str, value: str) -> None:
        assert self.request_processor is not None
        self.request_processor[idx].add_response_property(key, value)

    def set_response_content_type(self, idx: int, value: str) -> None:
        self.set_response_header(idx, "content-type", value)

    def set_response_status(self, code: int = 200, phrase: str = "", idx: int = 0) -> None:
        if self.request_processor is not None and self.request_processor[idx] is not None:
            self.request_processor[idx].report_status(code, reason_phrase=phrase)


def load_service(model_dir: str) -> tuple[Any, Context]:
    """TorchServe's `TsModelLoader.load` for a `module:handle` handler without a module-level `handle`."""
    module = importlib.import_module(HANDLER_SERVICE)
    classes = [
        member for _, member in inspect.getmembers(module, inspect.isclass) if member.__module__ == module.__name__
    ]
    if len(classes) != 1:
        raise ValueError(f"expected one class in {HANDLER_SERVICE}, found {classes}")
    service = classes[0]()
    context = Context("model", model_dir)
    service.initialize(context)
    return service, context


def _describe(function: Any) -> dict[str, str]:
    return {"name": f"{function.__module__}.{function.__qualname__}", "file": str(inspect.getsourcefile(function))}


def main(argv: list[str]) -> int:
    requests_path, result_path = (Path(value) for value in argv)
    from sagemaker_inference import environment  # after the environment is final: it reads SAGEMAKER_BASE_DIR

    service, context = load_service(environment.model_dir)
    responses = []
    for request in json.loads(requests_path.read_text(encoding="utf-8")):
        headers = request["headers"]
        # Service.retrieve_data_for_inference: parameter-level headers under the parameter name, then the request's.
        context.request_processor = [RequestProcessor({"body": {"content-type": headers["Content-Type"]}, **headers})]
        context.request_ids = {0: f"request-{len(responses)}"}
        output = service.handle([{"body": bytearray(request["body"].encode("utf-8"))}], context)
        processor = context.request_processor[0]
        body = output[0]
        responses.append(
            {
                "status": processor._status_code,
                "content_type": processor.get_response_headers().get("content-type"),
                "body": body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body,
            }
        )
    transformer = service._service
    chosen = {
        name: _describe(getattr(transformer, f"_{name}"))
        for name in ("model_fn", "input_fn", "predict_fn", "output_fn", "transform_fn")
    }
    modules = {name: str(getattr(sys.modules.get(name), "__file__", None)) for name in ("inference", "pulso")}
    result = {
        "responses": responses,
        "chosen": chosen,
        "modules": modules,
        "model_type": type(transformer._model).__name__,
    }
    result_path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
