"""The emulated account refuses what AWS refuses (docs/aws-contracts.md): each rule is shown failing a
violating definition or request locally, the way it would fail on AWS."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pulso_local import emulator
from pulso_local.aws_rules import GLUE_RESERVED_ARGUMENTS

ROLE = "arn:aws:iam::123456789012:role/test"


class _Compute:
    """A stand-in compute: Glue runs and Lambda invocations take `seconds` and succeed."""

    seconds = 0.0

    def run_glue_job(self, job_name: str, script_location: str, arguments: dict[str, str]) -> None:
        time.sleep(self.seconds)

    def run_training_job(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"final_metrics": []}

    def run_transform_job(self, request: dict[str, Any], model: dict[str, Any]) -> None:
        return None

    def invoke_lambda(self, function_name: str, handler: str, environment: dict[str, str], event: Any) -> Any:
        time.sleep(self.seconds)
        return {"ok": True}


@pytest.fixture
def account(aws_credentials: None) -> Iterator[_Compute]:
    from moto import mock_aws

    compute = _Compute()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), emulator.attached(compute):
        yield compute


def _execute(definition: dict[str, Any], execution_input: Any) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions")
    arn = sfn.create_state_machine(name=f"m{time.time_ns()}", definition=json.dumps(definition), roleArn=ROLE)[
        "stateMachineArn"
    ]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(execution_input))["executionArn"]
    for _ in range(200):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError("the execution did not end")


def _choice(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "Decide",
        "States": {
            "Decide": {"Type": "Choice", "Choices": [{**rule, "Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Succeed"},
            "No": {"Type": "Succeed"},
        },
    }


def test_a_choice_on_a_missing_path_fails_with_states_runtime(account: _Compute) -> None:
    described = _execute(_choice({"Variable": "$.mode", "StringEquals": "predict"}), {"input": "s3://b/k"})
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Runtime"
    assert "Invalid path '$.mode'" in described["cause"]


def test_is_present_may_look_at_a_missing_path(account: _Compute) -> None:
    described = _execute(_choice({"Not": {"Variable": "$.mode", "IsPresent": True}}), {})
    assert described["status"] == "SUCCEEDED"


def test_and_does_not_guard_its_later_rules(account: _Compute) -> None:
    """A sibling IsPresent inside And is no guard: every nested rule is evaluated."""
    rule = {"And": [{"Variable": "$.mode", "IsPresent": True}, {"Variable": "$.mode", "StringEquals": "x"}]}
    described = _execute(_choice(rule), {})
    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")


def _glue_job(arguments: dict[str, str]) -> None:
    boto3.client("glue").create_job(
        Name="job", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://b/etl_job.py"},
        DefaultArguments=arguments,
    )  # fmt: skip


@pytest.mark.parametrize("reserved", sorted(GLUE_RESERVED_ARGUMENTS))
def test_reserved_glue_arguments_are_refused(account: _Compute, reserved: str) -> None:
    with pytest.raises(ClientError, match=f"{reserved} are reserved by AWS Glue") as refused:
        _glue_job({reserved: "x"})
    assert refused.value.response["Error"]["Code"] == "InvalidInputException"
    _glue_job({"--run_mode": "predict"})
    with pytest.raises(ClientError, match="reserved by AWS Glue"):
        boto3.client("glue").start_job_run(JobName="job", Arguments={reserved: "x"})


def test_a_state_machine_passing_a_reserved_glue_argument_fails_with_the_glue_error(account: _Compute) -> None:
    _glue_job({})
    task = {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
            "Parameters": {"JobName": "job", "Arguments": {"--mode.$": "$.mode"}}, "End": True}  # fmt: skip
    described = _execute({"StartAt": "Run", "States": {"Run": task}}, {"mode": "predict"})
    assert (described["status"], described["error"]) == ("FAILED", "Glue.InvalidInputException")


def test_a_glue_run_longer_than_its_timeout_times_out(account: _Compute) -> None:
    boto3.client("glue").create_job(
        Name="slow", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://b/etl_job.py"}, Timeout=1
    )
    account.seconds = 0.2
    glue = boto3.client("glue")
    run_id = glue.start_job_run(JobName="slow", Arguments={}, Timeout=1)["JobRunId"]
    assert glue.get_job_run(JobName="slow", RunId=run_id)["JobRun"]["JobRunState"] == "SUCCEEDED"
    # A run's timeout is in minutes; the emulated clock would need a minute, so shorten the minute.
    original = emulator._GLUE_MINUTE_SECONDS
    emulator._GLUE_MINUTE_SECONDS = 0.1
    try:
        run_id = glue.start_job_run(JobName="slow", Arguments={}, Timeout=1)["JobRunId"]
    finally:
        emulator._GLUE_MINUTE_SECONDS = original
    run = glue.get_job_run(JobName="slow", RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "TIMEOUT"
    assert run["ErrorMessage"] == "Job run timed out after 1 minutes"


@pytest.fixture
def topic(account: _Compute) -> str:
    return boto3.client("sns").create_topic(Name="notifications")["TopicArn"]


@pytest.mark.parametrize(
    ("subject", "problem"),
    [
        ("x" * 100, "less than 100 characters"),
        ("Pulso run failed\nsecond line", "without line breaks"),
        ("Pulso run ñ failed", "ASCII"),
        (" leading space", "begin with a letter"),
    ],
)
def test_sns_refuses_a_subject_aws_refuses(topic: str, subject: str, problem: str) -> None:
    with pytest.raises(ClientError, match=problem) as refused:
        boto3.client("sns").publish(TopicArn=topic, Subject=subject, Message="body")
    assert refused.value.response["Error"]["Code"] == "InvalidParameter"
    boto3.client("sns").publish(TopicArn=topic, Subject="x" * 99, Message="body")


def test_sns_refuses_a_message_over_256_kb_in_bytes(topic: str) -> None:
    text = "é" * (262_144 // 2 + 1)  # fewer than 262,144 characters, more than 262,144 bytes
    with pytest.raises(ClientError, match="Message too long"):
        boto3.client("sns").publish(TopicArn=topic, Subject="s", Message=text)


def test_a_notification_over_the_limits_fails_the_sns_task(topic: str) -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {"TopicArn": topic, "Subject.$": "$.subject", "Message": "m"}, "End": True}  # fmt: skip
    described = _execute({"StartAt": "Notify", "States": {"Notify": task}}, {"subject": "s" * 100})
    assert (described["status"], described["error"]) == ("FAILED", "SNS.InvalidParameterException")


@pytest.mark.parametrize("name", ["x" * 64, "run_1-model-0", "-starts-with-a-dash", "run.1-model-0"])
def test_sagemaker_names_follow_aws_pattern(account: _Compute, name: str) -> None:
    sagemaker = boto3.client("sagemaker")
    with pytest.raises(ClientError, match=r"regular expression pattern|length less than or equal to 63") as refused:
        sagemaker.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "i"})
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    sagemaker.create_model(ModelName="x" * 63, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "i"})


def _training_request(name: str, hyperparameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": "i", "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "HyperParameters": hyperparameters,
        "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
        "ResourceConfig": {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }


def test_a_training_task_with_a_numeric_hyperparameter_fails(account: _Compute) -> None:
    """Step Functions passes the state's JSON as is: a number where SageMaker wants a string fails the task."""
    task = {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
            "Parameters": _training_request("run-1-train-0", {"epochs": 3}), "End": True}  # fmt: skip
    described = _execute({"StartAt": "Train", "States": {"Train": task}}, {})
    assert described["status"] == "FAILED"
    task["Parameters"] = _training_request("run-2-train-0", {"epochs": "3"})
    assert _execute({"StartAt": "Train", "States": {"Train": task}}, {})["status"] == "SUCCEEDED"


def test_a_training_job_name_longer_than_63_fails_the_task(account: _Compute) -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
            "Parameters": _training_request("r" * 56 + "-train-0", {}), "End": True}  # fmt: skip
    described = _execute({"StartAt": "Train", "States": {"Train": task}}, {})
    assert (described["status"], described.get("error")) == ("FAILED", "SageMaker.ValidationException"), described


def test_a_lambda_that_outlives_its_timeout_fails(account: _Compute) -> None:
    client = boto3.client("lambda")
    role = boto3.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client.create_function(FunctionName="fn", Runtime="python3.12", Role=role, Handler="lambdas.x.handler",
                           Code={"ZipFile": b"PK"}, Timeout=1)  # fmt: skip
    account.seconds = 0.0
    assert "FunctionError" not in client.invoke(FunctionName="fn", Payload=b"{}")
    account.seconds = 1.1
    response = client.invoke(FunctionName="fn", Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    payload = json.loads(response["Payload"].read())
    assert payload["errorType"] == "Sandbox.Timedout"
    assert payload["errorMessage"].startswith("Task timed out after 1.1")
