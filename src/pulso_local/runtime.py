"""The local runtime: an emulated AWS account in process, running the production state machine.

`LocalRuntime.open()` takes the workspace's lock, starts moto (with Step Functions execution on), attaches the
local compute, creates the account's resources and loads the workspace; closing it saves the workspace back
(one atomic snapshot), also after a failed run. `run()` uploads the input to the raw bucket, records the run as
started, starts an execution, shows each state as it starts and ends with its jobs' output under it, records
the run's end and returns a `RunReport`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3

from lambdas.on_upload import PREDICT_FOLDER
from pulso.config import PulsoConfig, load_config
from pulso.layout import s3_uri
from pulso_local import emulator
from pulso_local.account import ACCOUNT_ID, REGION, Account, create_account
from pulso_local.compute import EmulatedCompute, patched_environment
from pulso_local.job_logs import JobKey, JobLogs, JobOutput, readable, routed_std_streams
from pulso_local.workspace import RUNNING, Workspace

_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
_POLL_SECONDS = 0.2
BUCKETS = ("raw", "transformed", "models", "outputs")


class RunFailedError(Exception):
    """The execution ended in a state other than SUCCEEDED."""


@dataclass
class RunReport:
    """What a run did, for people (`summary()`) and machines (`to_json()`)."""

    run_id: str
    status: str
    seconds: float
    state_seconds: dict[str, float]
    states: list[str]
    files: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    gate: dict[str, Any] | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    error: dict[str, str] | None = None
    notification: str | None = None
    record: dict[str, Any] | None = None  # the run's row of the runs table, as record_run wrote it

    @property
    def report_path(self) -> str | None:
        """The run report's file in the workspace, when the run wrote one."""
        return self.outputs.get("report_local")

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "status": self.status, "seconds": round(self.seconds, 1),
            "files": self.files, "totals": self.totals, "metrics": self.metrics, "gate": self.gate,
            "outputs": self.outputs, "error": self.error, "state_seconds": self.state_seconds, "record": self.record,
        }  # fmt: skip


class LocalRuntime:
    """One emulated account with the workspace loaded (use `LocalRuntime.open(...)`)."""

    def __init__(
        self, workspace: Workspace, account: Account, log: Callable[[str], None], logs: JobLogs, verbose: bool
    ) -> None:
        self.workspace = workspace
        self.account = account
        self.config = account.config
        self.log = log
        self.logs = logs
        self.verbose = verbose

    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        home: Path,
        log: Callable[[str], None] | None = None,
        config: PulsoConfig | None = None,
        compute_class: type[EmulatedCompute] = EmulatedCompute,
        *,
        command: str = "run",
        verbose: bool = False,
    ) -> Iterator[LocalRuntime]:
        """The workspace at `home` loaded into a new emulated account, held for `command` (a second command on
        the same workspace raises `WorkspaceBusyError`); saved back when the block ends."""
        from moto import mock_aws

        say = log or _stderr
        workspace = Workspace(home)
        with workspace.locked(command):
            workspace.prune_run_logs()
            logs = JobLogs(workspace.run_logs_dir)
            compute = compute_class(workspace.reset_compute_dir(), REGION, logs)
            with (
                patched_environment(_CREDENTIALS),
                mock_aws(config={"stepfunctions": {"execute_state_machine": True}}),
                emulator.attached(compute),
                routed_std_streams(logs),
            ):
                started = time.perf_counter()
                account = create_account(config or load_config())
                buckets = [account.bucket(purpose) for purpose in BUCKETS]
                group = account.name("model_package_group")
                objects = workspace.load_objects(buckets)
                packages = workspace.load_registry(group)
                say(f"emulated account ready in {time.perf_counter() - started:.1f} s: {objects} objects and "
                    f"{packages} model versions loaded from {home}")  # fmt: skip
                runtime = cls(workspace, account, say, logs, verbose)
                try:
                    yield runtime
                finally:
                    written = workspace.save(buckets, group)
                    say(f"workspace saved to {home} ({written} objects written)")

    # --- starting runs --------------------------------------------------------------------------------

    def _incoming_prefix(self, profile: str, mode: str) -> str:
        """Where uploads for `profile` go; predict-mode uploads under the folder on_upload reads as mode predict."""
        predict = f"{PREDICT_FOLDER}/" if mode == "predict" else ""
        return f"{self.config.layout.incoming(profile)}{predict}"

    def upload(self, path: Path, profile: str, mode: str, run_tag: str) -> str:
        """Put a local file (or every file of a folder) under the raw bucket's incoming/ prefix; the URI."""
        s3 = boto3.client("s3")
        bucket = self.account.bucket("raw")
        prefix = f"{self._incoming_prefix(profile, mode)}{run_tag}/"
        files = sorted(item for item in path.rglob("*") if item.is_file()) if path.is_dir() else [path]
        if not files:
            raise FileNotFoundError(f"no files in {path}")
        for item in files:
            relative = item.relative_to(path).as_posix() if path.is_dir() else item.name
            s3.upload_file(str(item), bucket, prefix + relative)
        return f"s3://{bucket}/{prefix}" if path.is_dir() else f"s3://{bucket}/{prefix}{files[0].name}"

    def start(self, input_uri: str, profile: str, mode: str, run_id: str) -> str:
        return self.start_execution({"input": input_uri, "profile": profile, "mode": mode}, run_id)

    def start_execution(self, request: Any, run_id: str) -> str:
        """Start the state machine with `request` as the execution input and `run_id` as its name; the ARN."""
        return boto3.client("stepfunctions").start_execution(
            stateMachineArn=self.account.state_machine_arn, name=run_id, input=json.dumps(request)
        )["executionArn"]

    def ingest(self, path: Path, profile: str, mode: str) -> list[str]:
        """As on AWS: upload to incoming/, and the S3 event reaches the on_upload Lambda, which starts runs."""
        return self.deliver(self.put_upload(path, profile, mode))

    def put_upload(self, path: Path, profile: str, mode: str) -> dict[str, Any]:
        """Put a file under incoming/<profile>/; return the S3 "Object Created" notification S3 would send."""
        bucket = self.account.bucket("raw")
        key = self._incoming_prefix(profile, mode) + path.name
        body = path.read_bytes()
        return s3_created_event(
            bucket, key, len(body), boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
        )

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        """Invoke the Lambda `function` (its key in `resources.lambdas`) with `event`; its result."""
        name = self.account.name(f"lambdas.{function}")
        response = boto3.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event))
        self._print_output(self.logs.claim(JobKey("lambda", name, None)))
        result = json.loads(response["Payload"].read())
        if response.get("FunctionError"):
            raise RunFailedError(f"{function} failed: {result.get('errorMessage')}")
        return result

    def deliver(self, event: dict[str, Any]) -> list[str]:
        """Deliver an S3 event to the on_upload Lambda; the execution ARNs it started."""
        result = self.invoke("on_upload", event)
        self.log(f"on_upload: {len(result['started'])} started, {len(result['duplicates'])} duplicate deliveries, "
                 f"{len(result['skipped'])} skipped")  # fmt: skip
        return [item["execution_arn"] for item in result["started"]]

    # --- following a run ------------------------------------------------------------------------------

    def follow(self, execution_arn: str) -> RunReport:
        """Show each state as it starts and ends; return the report once the execution is over."""
        sfn = boto3.client("stepfunctions")
        follower = _Follower(self, execution_arn.rsplit(":", 1)[-1])
        seen = 0
        started = time.perf_counter()
        while True:
            described = sfn.describe_execution(executionArn=execution_arn)
            events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
            for event in events[seen:]:
                follower.show(event)
            seen = len(events)
            follower.show_running_jobs()
            if described["status"] != "RUNNING":
                break
            time.sleep(_POLL_SECONDS)
        return self._report(
            described, _final_state(described, events), time.perf_counter() - started, follower.seconds, follower.order
        )

    def _print_output(self, output: JobOutput | None) -> None:
        """The lines of a job's output not shown yet, under the current step (all of them, raw, with --verbose)."""
        if output is None:
            return
        for line in output.unshown():
            text = f"[{output.key.kind} {output.key.name}] {line}" if self.verbose else readable(line)
            if text:
                self.log(f"  {text}")

    def _report(
        self,
        described: dict[str, Any],
        state: dict[str, Any],
        seconds: float,
        state_seconds: dict[str, float],
        order: list[str],
    ) -> RunReport:
        run_id = described["name"]
        report = RunReport(run_id, described["status"], seconds, state_seconds, order)
        if described["status"] != "SUCCEEDED":
            report.error = {"error": described.get("error", ""), "cause": described.get("cause", "")}
        manifest = self._manifest(run_id)
        if manifest:
            report.files = [
                {key: item.get(key) for key in ("object", "read", "curated", "quarantined", "duplicates", "error")}
                for item in manifest.get("objects", [])
            ]
            report.totals = {
                key: manifest["totals"].get(key, 0) for key in ("read", "curated", "quarantined", "duplicates")
            }
        gate = state.get("gate")
        if gate:
            report.gate = {key: gate.get(key) for key in ("decision", "approval_status", "reason", "metric")}
            report.metrics = {"candidate": gate.get("candidate"), "champion": gate.get("champion")}
        if state.get("champion"):
            report.metrics["model_version"] = state["champion"].get("model_version")
        report.outputs = self._outputs(run_id, state)
        report.notification = self._notification()
        report.record = self._run_record(run_id)
        return report

    def _run_record(self, run_id: str) -> dict[str, Any] | None:
        """The run's row as record_run wrote it (`runs/ingest_date=D/run_id=R.json`), when it was written."""
        s3 = boto3.client("s3")
        bucket = self.account.bucket("outputs")
        name = self.config.layout.run_record_name(run_id)
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=self.config.layout.table("runs")
        ):
            for item in page.get("Contents", []):
                if item["Key"].endswith("/" + name):
                    return json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        return None

    def _manifest(self, run_id: str) -> dict[str, Any] | None:
        key = self.config.layout.manifest(run_id)
        s3 = boto3.client("s3")
        try:
            body = s3.get_object(Bucket=self.account.bucket("transformed"), Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None
        return json.loads(body)

    def _outputs(self, run_id: str, state: dict[str, Any]) -> dict[str, str]:
        layout = self.config.layout
        outputs = {
            "manifest": s3_uri(self.account.bucket("transformed"), layout.manifest(run_id)),
            "workspace": str(self.workspace.home),
        }
        if self.workspace.run_logs_dir(run_id).is_dir():
            outputs["logs"] = str(self.workspace.run_logs_dir(run_id))
        manifest = state.get("manifest") or {}
        if manifest.get("messages"):
            outputs["messages"] = manifest["messages"]
        if state.get("training"):
            outputs["model"] = state["training"]["ModelArtifacts"]
        if state.get("registered"):
            outputs["model_package"] = state["registered"]["ModelPackageArn"]
        if state.get("discovery"):
            topics_report = layout.topic_report(run_id)
            outputs["topics_report"] = str(self.workspace.objects / self.account.bucket("outputs") / topics_report)
        report_key = layout.report(run_id)
        report_file = self.workspace.objects / self.account.bucket("outputs") / report_key
        if _exists(self.account.bucket("outputs"), report_key):
            outputs["report"] = s3_uri(self.account.bucket("outputs"), report_key)
            outputs["report_local"] = str(report_file)
        if state.get("publish"):
            outputs["predictions"] = s3_uri(self.account.bucket("outputs"), layout.table("predictions"))
            outputs["predictions_local"] = str(
                self.workspace.objects / self.account.bucket("outputs") / layout.table("predictions")
            )
        return outputs

    def _notification(self) -> str | None:
        sqs = boto3.client("sqs")
        messages = sqs.receive_message(QueueUrl=self.account.notifications_queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        texts = []
        for message in messages:
            body = json.loads(message["Body"])
            texts.append(f"{body.get('Subject', '')}\n{body.get('Message', '')}")
            sqs.delete_message(QueueUrl=self.account.notifications_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return "\n\n".join(texts) or None

    def run(self, path: Path, profile: str, mode: str) -> RunReport:
        run_id = new_run_id("run")
        input_uri = self.upload(path, profile, mode, run_id)
        self.log(f"run {run_id}: {input_uri} (profile {profile}, mode {mode})")
        self._record_start(run_id, mode, profile, str(path))
        report = self.follow(self.start(input_uri, profile, mode, run_id))
        self.workspace.append_history(_history_entry(report, mode, profile, str(path)))
        return report

    def follow_started(self, execution_arn: str, mode: str, profile: str | None, source: str) -> RunReport:
        """Record a run another component started (on_upload), follow it to its end, and record its end."""
        self._record_start(execution_arn.rsplit(":", 1)[-1], mode, profile, source)
        report = self.follow(execution_arn)
        self.workspace.append_history(_history_entry(report, mode, profile, source))
        return report

    def _record_start(self, run_id: str, mode: str, profile: str | None, source: str) -> None:
        """The history line of a started run: a run whose process dies before its end shows as interrupted."""
        self.workspace.append_history({
            "run_id": run_id, "status": RUNNING, "mode": mode, "profile": profile, "input": source,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "pid": os.getpid(),
        })  # fmt: skip

    def start_request(self, request: Any, run_id: str | None = None) -> RunReport:
        """An execution with exactly `request` as its input (what `aws stepfunctions start-execution` sends),
        followed to its end and added to the history."""
        run_id = run_id or new_run_id("run")
        self.log(f"run {run_id}: execution input {json.dumps(request)[:300]}")
        fields = request if isinstance(request, dict) else {}
        mode = str(fields["mode"]) if fields.get("mode") is not None else "invalid"
        profile = fields.get("profile") if isinstance(fields.get("profile"), str) else None
        source = fields["input"] if isinstance(fields.get("input"), str) else ""
        self._record_start(run_id, mode, profile, source)
        report = self.follow(self.start_execution(request, run_id))
        self.workspace.append_history(_history_entry(report, mode, profile, source))
        return report

    def discover(self, request: dict[str, Any]) -> RunReport:
        """A topic discovery run (execution input `{"mode": "discover", ...}`), followed to its end."""
        run_id = new_run_id("topics")
        self.log(f"topic discovery {run_id}: {json.dumps(request)}")
        self._record_start(run_id, "discover", None, "curated messages")
        report = self.follow(self.start_execution(request, run_id))
        self.workspace.append_history(_history_entry(report, "discover", None, "curated messages"))
        return report


class _Follower:
    """Shows an execution's events as steps (▶ entered, ✓ exited, ✗ failed), each task's job output under its
    step, and keeps the seconds per state and the order they ran in."""

    def __init__(self, runtime: LocalRuntime, run_id: str) -> None:
        self.runtime = runtime
        self.run_id = run_id
        self.seconds: dict[str, float] = {}
        self.order: list[str] = []
        self._entered: dict[str, float] = {}
        self._current: str | None = None
        self._waiting: dict[str, list[JobKey]] = {}
        self._outputs: dict[str, list[JobOutput]] = {}

    def show(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        log = self.runtime.log
        if kind.endswith("StateEntered"):
            name = event["stateEnteredEventDetails"]["name"]
            self._entered[name] = time.perf_counter()
            self._current = name
            self.order.append(name)
            log(f"▶ {name}")
        elif kind == "TaskScheduled" and self._current:
            key = _task_key(event.get("taskScheduledEventDetails") or {}, self.run_id)
            if key is not None:
                self._waiting.setdefault(self._current, []).append(key)
        elif kind.endswith("StateExited"):
            name = event["stateExitedEventDetails"]["name"]
            self._show_jobs(name)
            elapsed = time.perf_counter() - self._entered.get(name, time.perf_counter())
            self.seconds[name] = round(self.seconds.get(name, 0.0) + elapsed, 2)
            log(f"✓ {name} ({elapsed:.1f} s)")
            self._current = None
        elif kind in ("TaskFailed", "LambdaFunctionFailed"):
            if self._current:
                self._show_jobs(self._current)
            details = event.get("taskFailedEventDetails") or event.get("lambdaFunctionFailedEventDetails") or {}
            cause = str(details.get("cause"))
            log(f"✗ {details.get('error')}: {cause if self.runtime.verbose else cause[:300]}")

    def show_running_jobs(self) -> None:
        """New lines of the jobs of the state running now (a training job's epochs, as they come)."""
        if self._current:
            self._show_jobs(self._current)

    def _show_jobs(self, state: str) -> None:
        waiting = self._waiting.get(state, [])
        while waiting:
            output = self.runtime.logs.claim(waiting[0])
            if output is None:
                break
            waiting.pop(0)
            self._outputs.setdefault(state, []).append(output)
        for output in self._outputs.get(state, []):
            self.runtime._print_output(output)


def _task_key(details: dict[str, Any], run_id: str) -> JobKey | None:
    """The job a TaskScheduled event starts, named as the local compute names its output."""
    try:
        parameters = json.loads(details.get("parameters") or "{}")
    except json.JSONDecodeError:
        return None
    if not isinstance(parameters, dict):
        return None
    service = details.get("resourceType")
    if service == "lambda" and parameters.get("FunctionName"):
        name = str(parameters["FunctionName"]).split(":function:")[-1].split(":")[0]
        return JobKey("lambda", name, run_id)
    if service == "glue" and parameters.get("JobName"):
        return JobKey("glue", str(parameters["JobName"]), run_id)
    if service == "sagemaker":
        for field_name, kind in (("TrainingJobName", "training"), ("TransformJobName", "transform")):
            if parameters.get(field_name):
                return JobKey(kind, str(parameters[field_name]), run_id)
    return None


def _exists(bucket: str, key: str) -> bool:
    s3 = boto3.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        return False
    return True


def new_run_id(prefix: str) -> str:
    """`<prefix>-<UTC time>-<4 hex>`: an execution name that also fits SageMaker job names."""
    return f"{prefix}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-{os.urandom(2).hex()}"


def s3_created_event(bucket: str, key: str, size: int, put: dict[str, Any]) -> dict[str, Any]:
    """The S3 "Object Created" notification S3 sends for an object written with the `put` response."""
    return {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": bucket},
        "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": put["ETag"].strip('"'),
                   "versionId": put.get("VersionId")}}}]}  # fmt: skip


def _history_entry(report: RunReport, mode: str, profile: str | None, source: str) -> dict[str, Any]:
    return {
        "run_id": report.run_id, "status": report.status, "mode": mode, "profile": profile, "input": source,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(report.seconds, 1), "totals": report.totals,
        "gate": (report.gate or {}).get("decision"), "error": (report.error or {}).get("error"),
    }  # fmt: skip


def _final_state(described: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The state JSON at the end: the execution output, or the input of the last "Record the ..." state."""
    if described.get("output"):
        return json.loads(described["output"])
    for event in reversed(events):
        details = event.get("stateEnteredEventDetails") or {}
        if details.get("name", "").startswith("Record the"):
            return json.loads(details.get("input") or "{}")
    return {}


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


__all__ = ["ACCOUNT_ID", "REGION", "LocalRuntime", "RunFailedError", "RunReport"]
