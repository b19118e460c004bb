"""The emulated AWS account's compute: everything Pulso needs from moto's internals, in this one module.

moto emulates the control planes (S3, Glue, SageMaker, Lambda, Step Functions with a real ASL interpreter)
but runs no compute, and its Step Functions interpreter lacks `glue:startJobRun.sync` (it crashes) and
`sagemaker:*` (unsupported). This module:

- adds Step Functions task services for Glue (`startJobRun`, `.sync`) and SageMaker (`createTrainingJob`,
  `createTransformJob` with `.sync`, and `createModel`), following the AWS integration contracts: the
  `.sync` result is the Describe* response, a failed job fails the task with `States.TaskFailed`, an API
  error becomes `Glue.<Code>` / `SageMaker.<Code>`;
- wraps moto's Glue `FakeJob.start_job_run`, SageMaker `create_training_job` / `create_transform_job` and
  Lambda `LambdaFunction.invoke`, so that they run the project's real code through a `LocalCompute`;
- refuses what AWS refuses and moto accepts (`pulso_local.aws_rules`, listed in `docs/aws-contracts.md`):
  a Choice comparison on a missing path fails the execution with `States.Runtime` (And/Or evaluate every
  rule, so a definition cannot lean on short-circuiting); reserved or oversized Glue arguments; SNS subjects
  of 100 characters or more and messages over 256 KB; SageMaker names outside AWS's pattern and non-string
  hyperparameters; a Lambda invocation or a Glue run that outlives the function's or the job's timeout.

`MOTO_INTERNALS` lists every moto attribute used here; `tests/integration/test_emulator_internals.py`
checks they still exist, so a moto upgrade fails loudly instead of silently running nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, NamedTuple, Protocol

import boto3
from botocore.exceptions import ClientError
from moto.awslambda.models import LambdaFunction
from moto.glue.exceptions import InvalidInputException
from moto.glue.models import FakeJob, FakeJobRun, GlueBackend
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sns.exceptions import InvalidParameterValue
from moto.sns.models import SNSBackend
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison import (
    ComparisonCompositeAnd,
    ComparisonCompositeOr,
)
from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison_operator_type import (
    ComparisonOperatorType,
)
from moto.stepfunctions.parser.asl.component.state.choice.comparison.comparison_variable import ComparisonVariable
from moto.stepfunctions.parser.asl.component.state.choice.comparison.variable import NoSuchVariable
from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
    StateTaskServiceCallback,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from pulso_local import aws_rules

MOTO_INTERNALS: dict[object, tuple[str, ...]] = {
    FakeJob: ("start_job_run", "name", "command", "timeout"),
    FakeJobRun: ("as_dict", "job_run_id", "status"),
    GlueBackend: ("create_job",),
    SageMakerModelBackend: (
        "create_training_job",
        "create_transform_job",
        "create_model",
        "training_jobs",
        "transform_jobs",
        "_models",
        "model_packages",
        "model_package_name_mapping",
    ),
    SageMakerResponse: ("create_training_job", "_get_param"),
    SNSBackend: ("publish",),
    LambdaFunction: ("invoke", "function_name", "handler", "environment_vars", "timeout"),
    ComparisonVariable: ("_eval_body", "variable", "comparison_function"),
    ComparisonCompositeAnd: ("_eval_body", "rules"),
    ComparisonCompositeOr: ("_eval_body", "rules"),
    state_task_factory: ("state_task_service_for",),
    ExecutionWorker: ("_get_evaluation_environment",),
    StateTaskService: ("_eval_execution",),
    StateTaskLambda: ("_eval_execution",),
    StateTaskServiceCallback: (
        "_eval_service_task",
        "_build_sync_resolver",
        "_eval_integration_pattern",
        "_from_error",
    ),
}

_SYNC_POLL_SECONDS = 0.05
# CreateTrainingJob's Environment by job name, from the request (moto drops it) to the local compute.
_training_environments: dict[str, dict[str, str]] = {}
_training_environments_lock = threading.Lock()
_GLUE_MINUTE_SECONDS = 60  # a Glue timeout is in minutes (tests shorten the minute)
_COMMON_ERROR_CODES = frozenset({"ThrottlingException", "Throttling", "InternalFailure", "ServiceUnavailable"})
_RUNNING = frozenset({"InProgress", "Stopping", "STARTING", "RUNNING", "STOPPING", "WAITING"})
_FAILED = frozenset({"Failed", "Stopped", "FAILED", "STOPPED", "ERROR", "TIMEOUT"})


class _SyncSpec(NamedTuple):
    """How a `.sync` integration follows its job: the Describe* call, its arguments (from the request and the
    start response), where the job sits in the response (None: the response itself) and its status field."""

    describe: str
    identify: Callable[[dict[str, Any]], dict[str, Any]]
    job_key: str | None
    status_key: str


class LocalCompute(Protocol):
    """What runs when the emulated account is asked to compute (implemented in `pulso_local.compute`)."""

    def run_glue_job(self, job_name: str, script_location: str, arguments: dict[str, str]) -> None:
        """Run a Glue job to completion; raise to fail the run (the message becomes its ErrorMessage)."""

    def run_training_job(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run a CreateTrainingJob request; return {"final_metrics": [...]} or raise JobFailedError."""

    def run_transform_job(self, request: dict[str, Any], model: dict[str, Any]) -> None:
        """Run a CreateTransformJob request with the model's PrimaryContainer; raise JobFailedError to fail."""

    def invoke_lambda(self, function_name: str, handler: str, environment: dict[str, str], event: Any) -> Any:
        """Call a Lambda handler with the event; exceptions propagate."""


class JobFailedError(Exception):
    """A local job failed; the message is its FailureReason."""


_compute: LocalCompute | None = None
_execution = threading.local()  # the execution a Task's thread runs for
_install_lock = threading.Lock()
_installed = False


def _json_safe(value: Any) -> Any:
    """A Describe* response as Step Functions would hand it on: timestamps as ISO strings."""
    return json.loads(
        json.dumps(value, default=lambda item: item.isoformat() if hasattr(item, "isoformat") else str(item))
    )


def _states_error(env: Any, typ: StatesErrorNameType, cause: str, **details: Any) -> FailureEventException:
    """A `States.*` failure of the current state (`details`: the task's resource fields, when a task failed)."""
    return FailureEventException(
        FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=typ),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(
                taskFailedEventDetails=TaskFailedEventDetails(error=typ.to_name(), cause=cause, **details)
            ),
        )
    )


def _task_failed(service: StateTaskServiceCallback, env: Any, cause: dict[str, Any]) -> FailureEventException:
    return _states_error(
        env, StatesErrorNameType.StatesTaskFailed, json.dumps(_json_safe(cause)),
        resource=service._get_sfn_resource(), resourceType=service._get_sfn_resource_type(),
    )  # fmt: skip


class _SyncService(StateTaskServiceCallback):
    """A request/response + `.sync` task service whose jobs are described through boto3 (moto)."""

    service_name = ""
    error_prefix = ""
    base_exception = ""
    # action -> how its `.sync` form follows the job; None: request/response only
    actions: ClassVar[dict[str, _SyncSpec | None]] = {}

    def __init__(self) -> None:
        super().__init__(supported_integration_patterns={ResourceCondition.Sync})

    def _client(self, resource_runtime_part: Any) -> Any:
        return boto3.client(self.service_name, region_name=resource_runtime_part.region)

    def _get_supported_parameters(self) -> set[str] | None:
        """Validation at CreateStateMachine: known actions only (None = unsupported); `.sync` only where
        the action has a Describe* call to follow."""
        action = self._get_boto_service_action()
        if action not in self.actions:
            return None
        if self.resource.condition == ResourceCondition.Sync and self.actions[action] is None:
            return None
        return set()

    def _error_name(self, code: str) -> str:
        """`<Service>.<Exception>` as Step Functions names a service error: modelled errors with the Exception
        suffix (docs/aws-contracts.md), common errors (throttling, internal failures) as the service's base
        exception."""
        if code in _COMMON_ERROR_CODES:
            return f"{self.error_prefix}.{self.base_exception}"
        return f"{self.error_prefix}.{code if code.endswith('Exception') else code + 'Exception'}"

    def _from_error(self, env: Any, ex: Exception) -> FailureEvent:
        if isinstance(ex, ClientError):
            name = self._error_name(ex.response["Error"]["Code"])
            return FailureEvent(
                env=env,
                error_name=CustomErrorName(name),
                event_type=HistoryEventType.TaskFailed,
                event_details=EventDetails(
                    taskFailedEventDetails=TaskFailedEventDetails(
                        error=name,
                        cause=ex.response["Error"].get("Message", ""),
                        resource=self._get_sfn_resource(),
                        resourceType=self._get_sfn_resource_type(),
                    )
                ),
            )
        return super()._from_error(env=env, ex=ex)

    def _eval_service_task(
        self, env: Any, resource_runtime_part: Any, normalised_parameters: dict, state_credentials: Any
    ) -> None:
        action = self._get_boto_service_action()
        response = getattr(self._client(resource_runtime_part), action)(**normalised_parameters)
        response.pop("ResponseMetadata", None)
        env.stack.append(self._request_response(action, normalised_parameters, response))

    def _request_response(self, action: str, parameters: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
        return _json_safe(response)

    def _build_sync_resolver(
        self, env: Any, resource_runtime_part: Any, normalised_parameters: dict, state_credentials: Any
    ) -> Callable[[], Any]:
        action = self._get_boto_service_action()
        spec = self.actions.get(action)
        if spec is None:
            raise ValueError(f"{self.service_name}:{action} has no .sync integration")
        client = self._client(resource_runtime_part)
        started = env.stack.pop()

        def resolve() -> Any:
            response = getattr(client, spec.describe)(**spec.identify({**normalised_parameters, **started}))
            response.pop("ResponseMetadata", None)
            described = response[spec.job_key] if spec.job_key else response
            if described[spec.status_key] in _RUNNING:
                return None
            if described[spec.status_key] in _FAILED:
                raise _task_failed(self, env, described)
            return _json_safe(described)

        return resolve

    def _eval_integration_pattern(
        self, env: Any, resource_runtime_part: Any, normalised_parameters: dict, state_credentials: Any
    ) -> None:
        # moto's own version assumes a task-token endpoint and crashes on plain `.sync` (it calls
        # `interrupt_all` on None); this one polls the Describe* call until the job is terminal.
        task_output = env.stack.pop()
        env.stack.append(task_output)
        resolve = self._build_sync_resolver(env, resource_runtime_part, normalised_parameters, state_credentials)
        while env.is_running():
            result = resolve()
            if result is not None:
                env.stack.append(result)
                return
            time.sleep(_SYNC_POLL_SECONDS)


class GlueTaskService(_SyncService):
    service_name = "glue"
    error_prefix = "Glue"
    base_exception = "AWSGlueException"
    actions: ClassVar[dict[str, _SyncSpec | None]] = {
        "start_job_run": _SyncSpec(
            "get_job_run", lambda p: {"JobName": p["JobName"], "RunId": p["JobRunId"]}, "JobRun", "JobRunState"),
    }  # fmt: skip

    def _request_response(self, action: str, parameters: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
        return {**response, "JobName": parameters.get("JobName")}  # as Step Functions adds it


class SageMakerTaskService(_SyncService):
    service_name = "sagemaker"
    error_prefix = "SageMaker"
    base_exception = "AmazonSageMakerException"
    actions: ClassVar[dict[str, _SyncSpec | None]] = {
        "create_training_job": _SyncSpec(
            "describe_training_job", lambda p: {"TrainingJobName": p["TrainingJobName"]}, None, "TrainingJobStatus"),
        "create_transform_job": _SyncSpec(
            "describe_transform_job", lambda p: {"TransformJobName": p["TransformJobName"]}, None,
            "TransformJobStatus"),
        "create_model": None,
    }  # fmt: skip


def _service_for(original: Callable[..., Any], service_name: str) -> Any:
    if service_name == "glue":
        return GlueTaskService()
    if service_name == "sagemaker":
        return SageMakerTaskService()
    return original(service_name=service_name)


# --- compute behind moto's control planes ---------------------------------------------------------------


def _require_compute() -> LocalCompute:
    if _compute is None:
        raise RuntimeError("no local compute is attached to the emulated account (pulso_local.emulator.attach)")
    return _compute


def _glue_create_job(original: Callable[..., Any], backend: GlueBackend, *args: Any, **kwargs: Any) -> Any:
    problem = aws_rules.glue_arguments_problem(kwargs.get("default_arguments") or {})
    if problem:
        raise InvalidInputException("CreateJob", problem)
    return original(backend, *args, **kwargs)


def _glue_start_job_run(original: Callable[..., str], job: FakeJob, *args: Any, **kwargs: Any) -> str:
    problem = aws_rules.glue_arguments_problem({**job.default_arguments, **(kwargs.get("arguments") or {})})
    if problem:
        raise InvalidInputException("StartJobRun", problem)
    run_id = original(job, *args, **kwargs)
    run = next(item for item in job.job_runs if item.job_run_id == run_id)
    run.status = "RUNNING"
    started = time.monotonic()
    try:
        _require_compute().run_glue_job(job.name, job.command.get("ScriptLocation", ""), dict(run.arguments or {}))
    except Exception as error:
        run.status = "FAILED"
        run.error_message = f"{type(error).__name__}: {error}"
    else:
        run.status = "SUCCEEDED"
    minutes = run.timeout or job.timeout
    if minutes and time.monotonic() - started > minutes * _GLUE_MINUTE_SECONDS:
        # Glue stops a run at its timeout: the run is TIMEOUT whatever the script did.
        run.status = "TIMEOUT"
        run.error_message = f"Job run timed out after {minutes} minutes"
    run.completed_on = dt.datetime.now(dt.UTC)
    return run_id


def _glue_run_as_dict(original: Callable[..., dict[str, Any]], run: FakeJobRun) -> dict[str, Any]:
    described = original(run)
    if getattr(run, "error_message", None):
        described["ErrorMessage"] = run.error_message
    return described


def _check_sagemaker_name(kind: str, name: str) -> None:
    problem = aws_rules.sagemaker_name_problem(kind, name)
    if problem:
        raise ValidationError(problem)


def _sagemaker_create_model(original: Callable[..., Any], backend: SageMakerModelBackend, **request: Any) -> Any:
    _check_sagemaker_name("modelName", request["model_name"])
    return original(backend, **request)


def _sagemaker_training_request(original: Callable[..., Any], response: SageMakerResponse) -> Any:
    """moto's CreateTrainingJob drops `Environment`, which SageMaker gives the training container: keep it for
    the local compute (the job's own request, as the definition builds it: PULSO_RUN_ID, PULSO_CONFIG_URI)."""
    with _training_environments_lock:
        _training_environments[response._get_param("TrainingJobName")] = response._get_param("Environment") or {}
    return original(response)


def _sagemaker_create_training_job(original: Callable[..., Any], backend: SageMakerModelBackend, **request: Any) -> Any:
    with _training_environments_lock:
        environment = _training_environments.pop(request["training_job_name"], {})
    _check_sagemaker_name("trainingJobName", request["training_job_name"])
    problem = aws_rules.hyperparameters_problem(request.get("hyper_parameters"))
    if problem:
        raise ValidationError(problem)
    metric_definitions = list(request.get("algorithm_specification", {}).get("MetricDefinitions", []))
    created = original(backend, **request)
    job = backend.training_jobs[request["training_job_name"]]
    job.algorithm_specification["MetricDefinitions"] = metric_definitions  # moto overwrites them
    job.training_job_status = job.secondary_status = "InProgress"
    try:
        result = _require_compute().run_training_job({**_described(job), "Environment": environment})
    except JobFailedError as failure:
        job.training_job_status = job.secondary_status = "Failed"
        job.failure_reason = str(failure)
        job.final_metric_data_list = []
    else:
        job.training_job_status = job.secondary_status = "Completed"
        job.final_metric_data_list = result["final_metrics"]
    job.training_end_time = job.last_modified_time = dt.datetime.now(dt.UTC)
    return created


def _sagemaker_create_transform_job(
    original: Callable[..., Any], backend: SageMakerModelBackend, **request: Any
) -> Any:
    _check_sagemaker_name("transformJobName", request["transform_job_name"])
    created = original(backend, **request)
    job = backend.transform_jobs[request["transform_job_name"]]
    job.transform_job_status = "InProgress"
    model = backend._models[job.model_name]
    try:
        _require_compute().run_transform_job(_described(job), model.response_object)
    except JobFailedError as failure:
        job.transform_job_status = "Failed"
        job.failure_reason = str(failure)
    else:
        job.transform_job_status = "Completed"
    job.transform_end_time = job.last_modified_time = dt.datetime.now(dt.UTC)
    return created


def _described(job: Any) -> dict[str, Any]:
    """The job as its Describe* response (the request fields in AWS spelling)."""
    return _json_safe(job.response_object)


def _lambda_invoke(
    original: Callable[..., Any], function: LambdaFunction, body: str, request_headers: Any, response_headers: Any
) -> Any:
    event = json.loads(body) if body else {}
    started = time.monotonic()
    try:
        result = _require_compute().invoke_lambda(
            function.function_name, function.handler, dict(function.environment_vars or {}), event
        )
    except Exception as error:
        response_headers["x-amz-function-error"] = "Unhandled"
        result = {
            "errorType": type(error).__name__,
            "errorMessage": str(error),
            "stackTrace": traceback.format_exception(error)[-5:],
        }
    elapsed = time.monotonic() - started
    if elapsed > float(function.timeout):
        # Lambda stops a function at its timeout: the invocation fails whatever the handler returned.
        response_headers["x-amz-function-error"] = "Unhandled"
        result = {"errorType": "Sandbox.Timedout", "errorMessage": f"Task timed out after {elapsed:.2f} seconds"}
    return json.dumps(result).encode("utf-8")


def _sns_publish(original: Callable[..., Any], backend: SNSBackend, *args: Any, **kwargs: Any) -> Any:
    message = kwargs.get("message", args[0] if args else "")
    problem = aws_rules.sns_publish_problem(kwargs.get("subject"), message)
    if problem:
        raise InvalidParameterValue(f"Invalid parameter: {problem}")
    return original(backend, *args, **kwargs)


def _choice_comparison(original: Callable[..., Any], comparison: ComparisonVariable, env: Any) -> None:
    """On AWS a comparison whose Variable path does not exist fails the execution (States.Runtime, which no
    Catch can handle); only IsPresent may look at a missing path. moto treats it as false."""
    if comparison.comparison_function.operator_type != ComparisonOperatorType.IsPresent:
        comparison.variable.eval(env)
        value = env.stack.pop()
        if isinstance(value, NoSuchVariable):
            path = comparison.variable.string_sampler.literal_value
            raise _states_error(
                env, StatesErrorNameType.StatesRuntime,
                f"Invalid path '{path}': The choice state's condition path references an invalid value.",
            )  # fmt: skip
    original(comparison, env)


def _every_rule(combine: Callable[[list[bool]], bool]) -> Callable[..., None]:
    """And/Or that evaluate every nested rule: a definition must guard a comparison with an earlier Choice
    rule (rules are tried in order), never with a sibling inside And/Or."""

    def evaluate(original: Callable[..., Any], composite: Any, env: Any) -> None:
        outcomes = []
        for rule in composite.rules:
            rule.eval(env)
            outcomes.append(bool(env.stack.pop()))
        env.stack.append(combine(outcomes))

    return evaluate


def _execution_environment(original: Callable[..., Any], worker: ExecutionWorker) -> Any:
    """`$$.Execution.StartTime` is an ISO 8601 string on AWS; moto hands the interpreter a datetime."""
    env = original(worker)
    execution = env.states.context_object.context_object_data["Execution"]
    start = execution.get("StartTime")
    if isinstance(start, dt.datetime):
        execution["StartTime"] = start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return env


def _task_in_execution(original: Callable[..., Any], state: Any, env: Any) -> Any:
    """moto runs each Task in a thread of its own: note which execution it belongs to, for the jobs it starts."""
    _execution.name = env.states.context_object.context_object_data["Execution"].get("Name")
    try:
        return original(state, env)
    finally:
        _execution.name = None


def current_execution_name() -> str | None:
    """The name (the run id) of the execution whose states the calling thread runs; None outside executions."""
    return getattr(_execution, "name", None)


def _wrap(owner: Any, name: str, replacement: Callable[..., Any]) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return replacement(original, *args, **kwargs)

    setattr(owner, name, wrapper)


def missing_internals() -> list[str]:
    """The moto attributes this module relies on that do not exist (empty when moto is as expected)."""
    missing = []
    for owner, names in MOTO_INTERNALS.items():
        for name in names:
            if not hasattr(owner, name) and name not in _INSTANCE_ATTRIBUTES:
                missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
    return missing


def install() -> None:
    """Patch moto once per process (idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        missing = missing_internals()
        if missing:
            raise RuntimeError(f"moto changed: {', '.join(missing)} no longer exist (pin it as requirements.lock does)")
        original_factory = state_task_factory.state_task_service_for
        state_task_factory.state_task_service_for = functools.partial(_service_for, original_factory)
        _wrap(GlueBackend, "create_job", _glue_create_job)
        _wrap(FakeJob, "start_job_run", _glue_start_job_run)
        _wrap(SageMakerModelBackend, "create_model", _sagemaker_create_model)
        _wrap(SNSBackend, "publish", _sns_publish)
        _wrap(ComparisonVariable, "_eval_body", _choice_comparison)
        _wrap(ComparisonCompositeAnd, "_eval_body", _every_rule(all))
        _wrap(ComparisonCompositeOr, "_eval_body", _every_rule(any))
        _wrap(FakeJobRun, "as_dict", _glue_run_as_dict)
        _wrap(SageMakerModelBackend, "create_training_job", _sagemaker_create_training_job)
        _wrap(SageMakerResponse, "create_training_job", _sagemaker_training_request)
        _wrap(SageMakerModelBackend, "create_transform_job", _sagemaker_create_transform_job)
        _wrap(LambdaFunction, "invoke", _lambda_invoke)
        _wrap(ExecutionWorker, "_get_evaluation_environment", _execution_environment)
        _wrap(StateTaskService, "_eval_execution", _task_in_execution)
        _wrap(StateTaskLambda, "_eval_execution", _task_in_execution)
        _installed = True


# Attributes set in __init__ (present on instances, not on the class).
_INSTANCE_ATTRIBUTES = {
    "name", "command", "timeout", "job_run_id", "status", "training_jobs", "transform_jobs", "_models",
    "function_name", "handler", "environment_vars", "variable", "comparison_function", "rules",
    "model_packages", "model_package_name_mapping",
}  # fmt: skip


def restore_model_package_time(arn: str, created: dt.datetime) -> None:
    """Give a model package re-created from the workspace the creation time it had when it was saved (moto stamps
    the time of the restore), so the registry's dates and its CreationTime order survive every start."""
    from moto.sagemaker.models import sagemaker_backends

    _, _, _, region, account, _ = arn.split(":", 5)
    backend = sagemaker_backends[account][region]
    name = backend.model_package_name_mapping.get(arn, arn)
    naive_utc = created.astimezone(dt.UTC).replace(tzinfo=None) if created.tzinfo else created
    backend.model_packages[name].creation_time = naive_utc


@contextlib.contextmanager
def attached(compute: LocalCompute) -> Iterator[None]:
    """Route the emulated account's compute to `compute` for the duration of the block."""
    global _compute
    install()
    previous, _compute = _compute, compute
    try:
        yield
    finally:
        _compute = previous
