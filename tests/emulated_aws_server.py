"""A moto server on 127.0.0.1 that the Terraform provider can apply the dev environment against.

moto 5.2.5 lacks a few calls the hashicorp/aws provider makes for our resources. The additions below answer
them server-side, in this test harness only (the production code never talks to moto through these):

- `sfn:ValidateStateMachineDefinition` (called before create/update): parses the definition and checks the
  top-level ASL fields, answering FAIL with a diagnostic otherwise;
- `sfn:ListStateMachineVersions` (read after every create): we never publish versions, so the list is empty;
- Athena `ListTagsForResource` on a workgroup without tags: moto returns nothing, the provider expects a list;
- Athena `DeleteNamedQuery` and SageMaker `DeleteModelPackageGroup` (called by `terraform destroy`).

and a few answers moto gets wrong, each of which would show as a permanent diff in `terraform plan`:

- a Lambda function's `LoggingConfig` is dropped (it is kept and returned here);
- a Glue job's `ExecutionClass` reads back as STANDARD when it was never set (AWS leaves it out);
- a bucket's `EventBridgeConfiguration` is stored but never returned by `GetBucketNotificationConfiguration`.

These are moto internals, like `pulso_local.emulator`: `tests/integration/test_terraform_apply.py` checks that the
patched classes still have the methods the additions sit beside.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.athena.responses import AthenaResponse
from moto.awslambda.models import LambdaFunction
from moto.core.responses import ActionResult
from moto.glue.models import FakeJob
from moto.s3.responses import S3Response
from moto.sagemaker.responses import SageMakerResponse
from moto.server import ThreadedMotoServer
from moto.stepfunctions.responses import StepFunctionResponse

REQUIRED_ASL_FIELDS = ("StartAt", "States")


def asl_diagnostics(definition: str) -> list[dict[str, str]]:
    """The problems `ValidateStateMachineDefinition` reports for a definition: invalid JSON or missing fields."""
    try:
        document = json.loads(definition)
    except json.JSONDecodeError as error:
        return [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "message": str(error), "location": "/"}]
    if not isinstance(document, dict):
        return [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": "not an object", "location": "/"}]
    return [
        {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": f"{field} is required", "location": "/"}
        for field in REQUIRED_ASL_FIELDS
        if field not in document
    ]


def _validate_state_machine_definition(self: StepFunctionResponse) -> str:
    diagnostics = asl_diagnostics(self._get_param("definition"))
    return json.dumps({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})


def _list_state_machine_versions(self: StepFunctionResponse) -> str:
    return json.dumps({"stateMachineVersions": []})


def _list_tags_for_resource(self: AthenaResponse) -> str:
    tags = self.athena_backend.list_tags_for_resource(self._get_param("ResourceARN"))
    return json.dumps(tags or {"Tags": []})


def _delete_named_query(self: AthenaResponse) -> str:
    self.athena_backend.named_queries.pop(self._get_param("NamedQueryId"), None)
    return json.dumps({})


def _delete_model_package_group(self: SageMakerResponse) -> str:
    self.sagemaker_backend.model_package_groups.pop(self._get_param("ModelPackageGroupName"), None)
    return json.dumps({})


def _keep_lambda_logging_config() -> None:
    """Remember `LoggingConfig` from create/update and return it with the function's configuration."""
    create, update = LambdaFunction.__init__, LambdaFunction.update_configuration
    describe = LambdaFunction.get_configuration

    @functools.wraps(create)
    def init(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        create(self, account_id, spec, *args, **kwargs)
        self.logging_config = spec.get("LoggingConfig")

    @functools.wraps(update)
    def update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            self.logging_config = config_updates["LoggingConfig"]
        return update(self, config_updates)

    @functools.wraps(describe)
    def get_configuration(self: LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration = describe(self, *args, **kwargs)
        if getattr(self, "logging_config", None):
            configuration["LoggingConfig"] = self.logging_config
        return configuration

    LambdaFunction.__init__ = init
    LambdaFunction.update_configuration = update_configuration
    LambdaFunction.get_configuration = get_configuration


def _omit_unset_glue_execution_class() -> None:
    """Leave `ExecutionClass` out of a Glue job's description unless the job was created with one."""
    create, describe = FakeJob.__init__, FakeJob.as_dict
    signature = inspect.signature(create)

    @functools.wraps(create)
    def init(self: FakeJob, *args: Any, **kwargs: Any) -> None:
        create(self, *args, **kwargs)
        self.execution_class_given = bool(signature.bind(self, *args, **kwargs).arguments.get("execution_class"))

    @functools.wraps(describe)
    def as_dict(self: FakeJob) -> dict[str, Any]:
        description = describe(self)
        if not getattr(self, "execution_class_given", True):
            description.pop("ExecutionClass", None)
        return description

    FakeJob.__init__ = init
    FakeJob.as_dict = as_dict


def _return_eventbridge_notification() -> None:
    """Include `EventBridgeConfiguration` in a bucket's notification configuration when it was set."""
    describe = S3Response.get_bucket_notification

    @functools.wraps(describe)
    def get_bucket_notification(self: S3Response) -> Any:
        configuration = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if configuration is None or configuration.event_bridge is None:
            return describe(self)
        serialize = self.serialized

        def with_eventbridge(result: ActionResult) -> Any:
            return serialize(ActionResult({**result.result, "EventBridgeConfiguration": {}}))

        self.serialized = with_eventbridge  # type: ignore[method-assign]
        try:
            return describe(self)
        finally:
            del self.serialized

    S3Response.get_bucket_notification = get_bucket_notification


MODEL_FIXES = (_keep_lambda_logging_config, _omit_unset_glue_execution_class, _return_eventbridge_notification)

ADDITIONS: dict[type, dict[str, Any]] = {
    StepFunctionResponse: {
        "validate_state_machine_definition": _validate_state_machine_definition,
        "list_state_machine_versions": _list_state_machine_versions,
    },
    AthenaResponse: {"list_tags_for_resource": _list_tags_for_resource, "delete_named_query": _delete_named_query},
    SageMakerResponse: {"delete_model_package_group": _delete_model_package_group},
}

# Methods of the moto classes the additions rely on; a moto upgrade that renames them must fail loudly.
RELIED_ON = {
    LambdaFunction: ("__init__", "update_configuration", "get_configuration"),
    FakeJob: ("__init__", "as_dict"),
    S3Response: ("get_bucket_notification", "serialized", "backend"),
    StepFunctionResponse: ("_get_param",),
    AthenaResponse: ("_get_param", "athena_backend"),
    SageMakerResponse: ("_get_param", "sagemaker_backend"),
}


_installed = False


def install_additions() -> None:
    """Add the missing calls to moto's response classes and correct the answers above (once per process)."""
    global _installed
    if _installed:
        return
    for response_class, methods in ADDITIONS.items():
        for name, method in methods.items():
            setattr(response_class, name, method)
    for fix in MODEL_FIXES:
        fix()
    _installed = True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def emulated_aws_server() -> Iterator[str]:
    """Run a moto server with the additions on a free local port; yields its endpoint URL."""
    install_additions()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto's backends are global to the process: start from an empty account and leave one behind.
    reset_moto(endpoint)
    try:
        yield endpoint
    finally:
        reset_moto(endpoint)
        server.stop()


def reset_moto(endpoint: str) -> None:
    """Empty every emulated service of the process (moto's own reset endpoint)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
