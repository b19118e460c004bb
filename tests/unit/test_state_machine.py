"""The production state machine definition: renders, lints, uses only real integrations, is wired right."""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.session
import pytest
from statelint.linter import Linter

from pulso.config import load_config
from pulso_local.definition import TEMPLATE, TemplateError, definition_values, placeholders, render

# Step Functions optimised integrations Pulso uses, with the integration patterns AWS supports for each
# (https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html).
OPTIMISED = {
    "glue": {"startJobRun": {"", ".sync"}},
    "sagemaker": {"createTrainingJob": {"", ".sync"}, "createTransformJob": {"", ".sync"}, "createModel": {""}},
    "lambda": {"invoke": {"", ".waitForTaskToken"}},
    "sns": {"publish": {"", ".waitForTaskToken"}},
}
BOTO_SERVICE = {"glue": "glue", "sagemaker": "sagemaker", "lambda": "lambda", "sns": "sns"}
IMAGES = {"training_image": "1.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:tag",
          "inference_image": "1.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:tag"}  # fmt: skip
# Error names Step Functions raises for each integration, as docs/aws-contracts.md records them: the Lambda
# integration's documented transient errors, service errors as `<Service>.<Exception>` (modelled errors with the
# Exception suffix, common errors as the service's base exception), and States.TaskFailed.
RETRYABLE = {
    "lambda:invoke": {"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                      "Lambda.TooManyRequestsException"},
    "glue:startJobRun.sync": {"Glue.ConcurrentRunsExceededException", "Glue.InternalServiceException",
                              "Glue.OperationTimeoutException", "Glue.AWSGlueException"},
    "sagemaker:createTrainingJob.sync": {"SageMaker.ResourceLimitExceededException",
                                         "SageMaker.AmazonSageMakerException"},
    "sagemaker:createTransformJob.sync": {"SageMaker.ResourceLimitExceededException",
                                          "SageMaker.AmazonSageMakerException"},
    "sagemaker:createModel": {"States.TaskFailed"},
    "aws-sdk:sagemaker:createModelPackage": {"States.TaskFailed"},
    "sns:publish": {"States.TaskFailed"},
}  # fmt: skip


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    key = "arn:aws:kms:eu-west-1:123456789012:key/k"
    values = definition_values(load_config(), account_id="123456789012", region="eu-west-1", kms_key_arn=key,
                               retry_interval_seconds=10, images=IMAGES)  # fmt: skip
    return json.loads(render(TEMPLATE.read_text(), values))


def tasks(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: state for name, state in definition["States"].items() if state["Type"] == "Task"}


def test_statelint_finds_no_problem(definition: dict[str, Any]) -> None:
    assert Linter.validate(definition) == []


def test_every_task_resource_is_a_real_integration(definition: dict[str, Any]) -> None:
    botocore_session = botocore.session.get_session()
    for name, state in tasks(definition).items():
        match = re.fullmatch(
            r"arn:aws:states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z]+)(\.sync|\.waitForTaskToken)?", state["Resource"]
        )
        assert match, f"{name}: {state['Resource']} is not a Step Functions integration ARN"
        sdk, service, action, pattern = match.group(1), match.group(2), match.group(3), match.group(4) or ""
        if sdk:
            assert not pattern, f"{name}: AWS SDK integrations have no {pattern}"
            operations = botocore_session.get_service_model(service).operation_names
        else:
            assert action in OPTIMISED.get(service, {}), f"{name}: {service}:{action} is not an optimised integration"
            assert pattern in OPTIMISED[service][action], f"{name}: {service}:{action} does not support {pattern!r}"
            operations = botocore_session.get_service_model(BOTO_SERVICE[service]).operation_names
        assert action[0].upper() + action[1:] in operations, f"{name}: {service} has no API action {action}"


def test_every_task_retries_transient_errors_and_catches_the_rest(definition: dict[str, Any]) -> None:
    for name, state in tasks(definition).items():
        assert state.get("Retry"), f"{name} has no Retry"
        if name in ("Notify failure", "Record the failure"):
            assert state["Catch"][0]["Next"] in ("Pipeline failed", "Compose a plain failure notice")
            continue
        if name in ("Write the run report", "Write the failure report"):
            # A report that cannot be written must not hide the run's outcome: the notification still goes out.
            expected = "Notify success" if name == "Write the run report" else "Notify failure"
            assert state["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.report_error", "Next": expected}]
            assert state["Next"] == expected
            continue
        if name == "Notify success":
            continue  # the run's work is done; a failed notification fails the execution visibly
        assert state["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Describe the failure"}
        ]


def test_job_names_carry_the_run_id_and_the_retry_count(definition: dict[str, Any]) -> None:
    parameters = {name: state["Parameters"] for name, state in tasks(definition).items()}
    for state, field in (("Train a candidate model", "TrainingJobName.$"),
                         ("Predict sentiment in batch", "TransformJobName.$")):  # fmt: skip
        assert re.fullmatch(
            r"States\.Format\('\{\}-[a-z]+-\{\}', \$\.run_id, \$\$\.State\.RetryCount\)", parameters[state][field]
        )


def test_the_transform_uses_the_model_name_it_created(definition: dict[str, Any]) -> None:
    """SageMaker lowercases ARNs: the transform job names the model as "Create the model" named it, never from
    its ARN."""
    parameters = {name: state["Parameters"] for name, state in tasks(definition).items()}
    name = parameters["Create the model"]["ModelName.$"]
    assert name == "States.Format('{}-model', $.run_id)"
    assert parameters["Predict sentiment in batch"]["ModelName.$"] == name


def test_only_small_results_travel_in_the_state(definition: dict[str, Any]) -> None:
    for name, state in tasks(definition).items():
        if state["Resource"].endswith("sns:publish"):
            assert state["ResultPath"] is None
        else:
            assert "ResultSelector" in state, f"{name} keeps the whole service response"


def test_every_state_is_reachable_and_every_transition_exists(definition: dict[str, Any]) -> None:
    states = definition["States"]
    targets = {definition["StartAt"]}
    for state in states.values():
        targets.update(filter(None, [state.get("Next"), state.get("Default")]))
        targets.update(choice["Next"] for choice in state.get("Choices", []))
        targets.update(catch["Next"] for catch in state.get("Catch", []))
    assert targets == set(states)


def test_the_template_and_the_values_agree() -> None:
    values = definition_values(load_config(), account_id="1", region="r", kms_key_arn="k", retry_interval_seconds=1,
                               images=IMAGES)  # fmt: skip
    assert placeholders(TEMPLATE.read_text()) == set(values)
    with pytest.raises(TemplateError, match="no value for template variable"):
        render(TEMPLATE.read_text(), {})


def test_spot_training_adds_the_wait_limit() -> None:
    config = load_config({"pipeline": {"sagemaker": {"use_spot": True}}})
    values = definition_values(config, account_id="1", region="r", kms_key_arn="k", retry_interval_seconds=1,
                               images=IMAGES)  # fmt: skip
    train = json.loads(render(TEMPLATE.read_text(), values))["States"]["Train a candidate model"]["Parameters"]
    assert train["EnableManagedSpotTraining"] is True
    assert train["StoppingCondition"]["MaxWaitTimeInSeconds"] >= train["StoppingCondition"]["MaxRuntimeInSeconds"]
    assert train["CheckpointConfig"]["S3Uri.$"].startswith("States.Format('s3://")


def test_every_task_has_a_timeout_and_the_execution_outlasts_the_worst_path(definition: dict[str, Any]) -> None:
    """An execution timeout cannot be caught: it must be longer than every task's timeout plus every retry's
    wait, summed over all tasks (an upper bound of any path), so a slow run still ends through the failure path."""
    worst = 0.0
    for name, state in tasks(definition).items():
        timeout = state.get("TimeoutSeconds")
        assert isinstance(timeout, int), f"{name} has no TimeoutSeconds"
        attempts = 1
        for retry in state.get("Retry", []):
            interval, rate = retry.get("IntervalSeconds", 1), retry.get("BackoffRate", 2.0)
            worst += sum(interval * rate**attempt for attempt in range(retry.get("MaxAttempts", 3)))
            attempts += retry.get("MaxAttempts", 3)
        # .sync jobs fail fast on the errors they retry (at start); a call may fail after its whole timeout.
        worst += timeout * (1 if state["Resource"].endswith(".sync") else attempts)
    assert definition["TimeoutSeconds"] > worst


def test_task_timeouts_exceed_the_jobs_own_limits(definition: dict[str, Any]) -> None:
    config = load_config()
    limits, sagemaker = config.pipeline.limits, config.pipeline.sagemaker
    states = definition["States"]
    glue = {
        "Validate and transform the upload": "etl",
        "Publish the predictions": "publish",
        "Write the run report": "report",
        "Write the failure report": "report",
        "Discover topics": "discover",
    }
    for name, job in glue.items():
        assert states[name]["TimeoutSeconds"] > limits.glue_job_timeout_minutes[job] * 60
    assert states["Train a candidate model"]["TimeoutSeconds"] > sagemaker.max_runtime_seconds
    lambdas = {"Read the run manifest": "read_manifest", "Compare the candidate with the champion": "quality_gate",
               "Find the newest approved model": "find_champion", "Record the run": "record_run"}  # fmt: skip
    for name, function in lambdas.items():
        assert states[name]["TimeoutSeconds"] > limits.lambdas[function].timeout_seconds


def test_retries_name_errors_aws_raises(definition: dict[str, Any]) -> None:
    for name, state in tasks(definition).items():
        integration = state["Resource"].removeprefix("arn:aws:states:::")
        for retry in state["Retry"]:
            unknown = set(retry["ErrorEquals"]) - RETRYABLE[integration]
            assert not unknown, f"{name} retries {sorted(unknown)}, which {integration} never raises"


def test_no_glue_job_gets_a_reserved_argument(definition: dict[str, Any]) -> None:
    from glue_jobs.discover import job as discover_job
    from glue_jobs.etl import job as etl_job
    from glue_jobs.publish import job as publish_job
    from glue_jobs.report import job as report_job
    from pulso_local.aws_rules import GLUE_RESERVED_ARGUMENTS

    for module in (etl_job, publish_job, report_job, discover_job):
        assert not {f"--{name}" for name in module.ARGUMENTS} & GLUE_RESERVED_ARGUMENTS, module.__name__
    for name, state in tasks(definition).items():
        if state["Resource"].startswith("arn:aws:states:::glue:"):
            given = {key.removesuffix(".$") for key in state["Parameters"]["Arguments"]}
            assert not given & GLUE_RESERVED_ARGUMENTS, name


def test_notifications_use_the_run_records_subject(definition: dict[str, Any]) -> None:
    """SNS refuses a subject of 100 characters or more: the subject is the one record_run built (and
    truncated), or a fixed one when the record could not be written."""
    states = definition["States"]
    for name in ("Notify success", "Notify failure"):
        assert states[name]["Parameters"]["Subject.$"] == "$.summary.subject"
    plain = states["Compose a plain failure notice"]["Parameters"]["subject"]
    assert len(plain) < 100
    assert plain.isascii()


def test_choice_rules_compare_only_fields_earlier_rules_proved_present(definition: dict[str, Any]) -> None:
    """Static check of "Check the request": before a rule compares `$.x` (anything but IsPresent), an earlier
    rule sent every request without `$.x` elsewhere. (The emulated account enforces it at run time too.)"""
    proved: set[str] = set()

    def compared(rule: dict[str, Any]) -> set[str]:
        nested = rule.get("And") or rule.get("Or") or ([rule["Not"]] if "Not" in rule else [])
        if nested:
            return set().union(*(compared(item) for item in nested))
        return set() if "IsPresent" in rule else {rule["Variable"]}

    for rule in definition["States"]["Check the request"]["Choices"]:
        unguarded = compared(rule) - proved
        assert not unguarded, f"rule compares {sorted(unguarded)} before proving it present"
        inner = rule.get("Not", {})
        if inner.get("IsPresent") is True and rule["Next"] == "Reject the request":
            proved.add(inner["Variable"])
