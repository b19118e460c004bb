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


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    key = "arn:aws:kms:eu-west-1:123456789012:key/k"
    values = definition_values(load_config(), account_id="123456789012", region="eu-west-1", kms_key_arn=key,
                               retry_interval_seconds=10)  # fmt: skip
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
            assert state["Catch"][0]["Next"] in ("Pipeline failed", "Write the failure report")
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
    for state, field in (("Train a candidate model", "TrainingJobName.$"), ("Create the model", "ModelName.$"),
                         ("Predict sentiment in batch", "TransformJobName.$")):  # fmt: skip
        assert re.fullmatch(
            r"States\.Format\('\{\}-[a-z]+-\{\}', \$\.run_id, \$\$\.State\.RetryCount\)", parameters[state][field]
        )


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
    values = definition_values(load_config(), account_id="1", region="r", kms_key_arn="k", retry_interval_seconds=1)
    assert placeholders(TEMPLATE.read_text()) == set(values)
    with pytest.raises(TemplateError, match="no value for template variable"):
        render(TEMPLATE.read_text(), {})


def test_spot_training_adds_the_wait_limit() -> None:
    config = load_config({"pipeline": {"sagemaker": {"use_spot": True}}})
    values = definition_values(config, account_id="1", region="r", kms_key_arn="k", retry_interval_seconds=1)
    train = json.loads(render(TEMPLATE.read_text(), values))["States"]["Train a candidate model"]["Parameters"]
    assert train["EnableManagedSpotTraining"] is True
    assert train["StoppingCondition"]["MaxWaitTimeInSeconds"] >= train["StoppingCondition"]["MaxRuntimeInSeconds"]
    assert train["CheckpointConfig"]["S3Uri.$"].startswith("States.Format('s3://")
