"""Local compute behind the emulated account, following the AWS job contracts.

- Glue: the job's script (by its ScriptLocation file name) runs in process through its console entry point
  (`main`, what Glue runs), with Glue-style `--name value` arguments: a one-line `SystemExit` fails the run
  with that line as its error, as it fails a Glue job run.
- SageMaker training: channels are downloaded from emulated S3 into a SageMaker directory tree, the
  submitted source directory (`sagemaker_submit_directory`) is unpacked and `sagemaker_program` runs in a
  subprocess with the `SM_*` environment; checkpoints sync with `CheckpointConfig.S3Uri`; `model.tar.gz` and
  `output.tar.gz` go to `<S3OutputPath>/<job>/output/`; final metrics are read from the log with the job's
  MetricDefinitions (the last value of each, as SageMaker reports them).
- SageMaker Batch Transform: the model archive is unpacked and a container process (`transform_container.py`)
  serves each input object through the handler in the archive's `code/`, honouring SplitType, BatchStrategy,
  MaxPayloadInMB and AssembleWith; `<object>.out` files go to the output path.
- Lambda: the handler (`module.function`, from the `lambdas` package) is called with the event and the
  function's environment variables.

Each job's output goes to its own `JobOutput` (`pulso_local.job_logs`): a log file under its run and the lines
the follower prints under the job's state.

Every job sees only what its AWS counterpart would: the local runtime's `PULSO_CONFIG` (the user's overlay) and
`PULSO_CONFIG_URI` are removed from the environment of every job (`JOB_HIDDEN_ENV`), so the configuration
reaches a job only through the URI its definition carries (Lambda Environment, Glue DefaultArguments, training
Environment), as on AWS. The training process cannot reach the in-process emulated S3: its `PULSO_CONFIG_URI`
object is downloaded beside the channels and the variable points at that copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import boto3

from glue_jobs import entry_module
from pulso.config import CONFIG_URI_ENV, OVERLAY_ENV
from pulso.layout import TRAINING_SOURCE, split_s3_uri, sse_kms
from pulso_local.emulator import JobFailedError, current_execution_name
from pulso_local.job_logs import JobKey, JobLogs, JobOutput
from training.sagemaker_env import channel_dir, write_hyperparameters

TRANSFORM_CONTAINER = Path(__file__).with_name("transform_container.py")
_ENVIRONMENT_LOCK = threading.Lock()
JOB_HIDDEN_ENV = (OVERLAY_ENV, CONFIG_URI_ENV)


def job_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The process environment as a job sees it: without `JOB_HIDDEN_ENV`, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if key not in JOB_HIDDEN_ENV}
    env.update(extra or {})
    return env


class EmulatedCompute:
    """Runs Glue jobs, SageMaker jobs and Lambda handlers for the emulated account."""

    def __init__(
        self,
        work_dir: Path,
        region: str = "us-east-1",
        logs: JobLogs | None = None,
    ) -> None:
        self.work_dir = work_dir
        self.region = region
        self.logs = logs or JobLogs(lambda run_id: work_dir / "logs" / run_id)

    def _job(self, kind: str, name: str) -> contextlib.AbstractContextManager[JobOutput]:
        """The output of a job of `kind` named `name`, for the execution this thread runs."""
        return self.logs.job(JobKey(kind, name, current_execution_name()))

    # --- S3 helpers ------------------------------------------------------------------------------------

    def _s3(self) -> Any:
        return boto3.client("s3", region_name=self.region)

    def download_prefix(self, uri: str, destination: Path) -> int:
        """Every object under an S3 prefix (or one object) into `destination`, keeping relative paths."""
        bucket, prefix = split_s3_uri(uri)
        s3 = self._s3()
        count = 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                relative = item["Key"][len(prefix) :].lstrip("/") or Path(item["Key"]).name
                if item["Key"].endswith("/"):
                    continue
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, item["Key"], str(target))
                count += 1
        return count

    def download_and_unpack(self, uri: str, archive: Path, destination: Path) -> None:
        """Download a .tar.gz object to `archive` and extract it into `destination`."""
        bucket, key = split_s3_uri(uri)
        self._s3().download_file(bucket, key, str(archive))
        destination.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(destination, filter="data")

    def upload_file(self, path: Path, uri: str, kms_key_id: str | None = None) -> None:
        bucket, key = split_s3_uri(uri)
        extra = sse_kms(kms_key_id) or None
        self._s3().upload_file(str(path), bucket, key, ExtraArgs=extra)

    # --- Glue --------------------------------------------------------------------------------------------

    def run_glue_job(self, job_name: str, script_location: str, arguments: dict[str, str]) -> None:
        script = script_location.rsplit("/", 1)[-1]
        module_name = entry_module(script)
        if module_name is None:
            raise ValueError(f"Glue job {job_name}: no local implementation of script {script_location!r}")
        argv = [item for name, value in arguments.items() for item in (name, str(value))]
        with self._job("glue", job_name) as output, _ENVIRONMENT_LOCK, patched_environment({}, unset=JOB_HIDDEN_ENV):
            output.write(f"$ {script} {' '.join(argv)}")
            try:
                importlib.import_module(module_name).main(argv)
            except SystemExit as end:
                if end.code not in (None, 0):
                    output.write(str(end.code))
                    raise JobFailedError(str(end.code)) from None

    # --- SageMaker training ------------------------------------------------------------------------------

    def run_training_job(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["TrainingJobName"]
        root = self.work_dir / "training" / name
        shutil.rmtree(root, ignore_errors=True)
        hyperparameters = {key: str(value) for key, value in (request.get("HyperParameters") or {}).items()}
        write_hyperparameters(root, hyperparameters)
        env = job_environment(
            {"PULSO_SM_ROOT": str(root), "TRAINING_JOB_NAME": name, "SM_NUM_CPUS": str(os.cpu_count() or 1)}
        )
        for channel in request.get("InputDataConfig") or []:
            source = channel["DataSource"]["S3DataSource"]["S3Uri"]
            target = channel_dir(root, channel["ChannelName"])
            target.mkdir(parents=True, exist_ok=True)
            if self.download_prefix(source, target) == 0:
                raise JobFailedError(f"ClientError: no objects under the {channel['ChannelName']} channel {source}")
            env[f"SM_CHANNEL_{channel['ChannelName'].upper()}"] = str(target)
        env.update({key: str(value) for key, value in (request.get("Environment") or {}).items()})
        if env.get(CONFIG_URI_ENV, "").startswith("s3://"):
            bucket, key = split_s3_uri(env[CONFIG_URI_ENV])
            self._s3().download_file(bucket, key, str(root / "pulso-config.json"))
            env[CONFIG_URI_ENV] = str(root / "pulso-config.json")
        checkpoint_uri = (request.get("CheckpointConfig") or {}).get("S3Uri")
        if checkpoint_uri:
            self.download_prefix(checkpoint_uri, root / "checkpoints")
        program, source_dir = self._unpack_source(hyperparameters, root / "code")
        with self._job("training", name) as log:
            log.write(f"$ {program}" + (f" (log: {log.log_path})" if log.log_path else ""))
            returncode = self._stream([sys.executable, str(source_dir / program)], env, source_dir, log)
        if checkpoint_uri and (root / "checkpoints").is_dir():
            for path in sorted((root / "checkpoints").rglob("*")):
                if path.is_file():
                    self.upload_file(
                        path, checkpoint_uri.rstrip("/") + "/" + str(path.relative_to(root / "checkpoints"))
                    )
        if returncode != 0:
            failure = root / "output" / "failure"
            reason = failure.read_text().strip() if failure.is_file() else _tail(log.lines)
            raise JobFailedError(f"AlgorithmError: {reason}")
        output = request["OutputDataConfig"]["S3OutputPath"].rstrip("/") + f"/{name}/output/"
        kms = request["OutputDataConfig"].get("KmsKeyId")
        self.upload_file(_tar_gz(root / "model", root / "model.tar.gz"), output + "model.tar.gz", kms)
        if (root / "output" / "data").is_dir():
            self.upload_file(_tar_gz(root / "output" / "data", root / "output.tar.gz"), output + "output.tar.gz", kms)
        definitions = (request.get("AlgorithmSpecification") or {}).get("MetricDefinitions") or []
        return {"final_metrics": final_metrics("\n".join(log.lines), definitions)}

    def _unpack_source(self, hyperparameters: dict[str, str], destination: Path) -> tuple[str, Path]:
        program = json.loads(hyperparameters.get("sagemaker_program", '"train.py"'))
        submit = json.loads(hyperparameters.get("sagemaker_submit_directory", '""'))
        if not submit:
            raise JobFailedError("ClientError: hyperparameter sagemaker_submit_directory is not set")
        self.download_and_unpack(submit, destination.parent / TRAINING_SOURCE, destination)
        if not (destination / program).is_file():
            raise JobFailedError(f"ClientError: {program} is not in {submit}")
        return program, destination

    @staticmethod
    def _stream(command: list[str], env: dict[str, str], cwd: Path, output: JobOutput) -> int:
        """Run a process, giving its output line by line to the job's output (and so its log file)."""
        with subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                output.write(line.rstrip("\n"))
            return process.wait()

    # --- SageMaker Batch Transform -----------------------------------------------------------------------

    def run_transform_job(self, request: dict[str, Any], model: dict[str, Any]) -> None:
        name = request["TransformJobName"]
        root = self.work_dir / "transform" / name
        shutil.rmtree(root, ignore_errors=True)
        container = model.get("PrimaryContainer") or {}
        model_dir = root / "model"
        root.mkdir(parents=True)
        self.download_and_unpack(container["ModelDataUrl"], root / "model.tar.gz", model_dir)
        input_uri = request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]
        inputs = root / "input"
        if self.download_prefix(input_uri, inputs) == 0:
            raise JobFailedError(f"ClientError: no input objects under {input_uri}")
        settings = {
            "split_type": request["TransformInput"].get("SplitType", "None"),
            "batch_strategy": request.get("BatchStrategy", "MultiRecord"),
            "max_payload_mb": int(request.get("MaxPayloadInMB") or 6),
            "assemble_with": request["TransformOutput"].get("AssembleWith", "None"),
            "content_type": request["TransformInput"].get("ContentType", "application/jsonlines"),
            "accept": request["TransformOutput"].get("Accept", "application/jsonlines"),
        }
        env = job_environment({**(container.get("Environment") or {}), **(request.get("Environment") or {})})
        command = [
            sys.executable,
            str(TRANSFORM_CONTAINER),
            str(model_dir),
            str(inputs),
            str(root / "output"),
            json.dumps(settings),
        ]
        with self._job("transform", name) as output:
            output.write(f"{len(list(inputs.rglob('*')))} input objects")
            if self._stream(command, env, root, output) != 0:
                raise JobFailedError(f"ClientError: the model container failed: {_tail(output.lines)}")
        output_uri = request["TransformOutput"]["S3OutputPath"].rstrip("/") + "/"
        kms = request["TransformOutput"].get("KmsKeyId")
        for path in sorted((root / "output").rglob("*.out")):
            self.upload_file(path, output_uri + str(path.relative_to(root / "output")), kms)

    # --- Lambda ------------------------------------------------------------------------------------------

    def invoke_lambda(self, function_name: str, handler: str, environment: dict[str, str], event: Any) -> Any:
        module_name, _, function = handler.rpartition(".")
        module = importlib.import_module(module_name)
        cached_config = importlib.import_module("lambdas.common").config
        with (
            self._job("lambda", function_name) as output,
            _ENVIRONMENT_LOCK,
            patched_environment(environment, unset=JOB_HIDDEN_ENV),
        ):
            output.write(f"$ invoke {handler}")
            cached_config.cache_clear()  # every local invocation is a cold start: it reads the configuration anew
            try:
                return getattr(module, function)(event, _LambdaContext(function_name))
            finally:
                cached_config.cache_clear()


@contextlib.contextmanager
def patched_environment(values: dict[str, str], unset: Iterable[str] = ()) -> Iterator[None]:
    """Set environment variables (after removing those in `unset`) for the block, then restore what was there."""
    saved = {key: os.environ.get(key) for key in (*unset, *values)}
    for key in unset:
        os.environ.pop(key, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _LambdaContext:
    """The attributes of the Lambda context object that handlers may read."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.aws_request_id = f"local-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"
        self.memory_limit_in_mb = 512

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 900_000


def final_metrics(log: str, definitions: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The last value of each MetricDefinition found in the log, in SageMaker's FinalMetricDataList shape."""
    now = dt.datetime.now(dt.UTC).isoformat()
    metrics = []
    for definition in definitions:
        values = re.findall(definition["Regex"], log, flags=re.MULTILINE)
        if values:
            metrics.append({"MetricName": definition["Name"], "Value": float(values[-1]), "Timestamp": now})
    return metrics


def _tar_gz(folder: Path, archive: Path) -> Path:
    """Pack a folder as SageMaker packs SM_MODEL_DIR (what training.model_package.pack_model does, without
    importing torch into the runtime)."""
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return archive


def _tail(lines: list[str], count: int = 5) -> str:
    kept = [line for line in lines if line.strip()][-count:]
    return " | ".join(kept) if kept else "no log"
