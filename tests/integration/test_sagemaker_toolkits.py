"""The SageMaker containers' own contracts, checked with the containers' own toolkits.

- Training: the `train` command of the SageMaker PyTorch training container (`sagemaker-training`, with the
  container's `SAGEMAKER_TRAINING_MODULE=sagemaker_pytorch_container.training:main`) runs in a `/opt/ml` tree
  moved to a temporary folder (`SAGEMAKER_BASE_DIR`). The toolkit reads hyperparameters.json (values JSON-encoded
  as Pulso's state machine sends them), inputdataconfig.json and resourceconfig.json, downloads the submitted
  source directory (`sagemaker_submit_directory`, an s3:// URI, from an emulated S3 on 127.0.0.1), sets the
  `SM_*` environment and runs `sagemaker_program` itself. Nothing of Pulso's emulation takes part.
- Inference: the model.tar.gz that training wrote is unpacked as the PyTorch inference container does, and one
  TorchServe worker (`tests/sagemaker_serving_worker.py`) drives the container's `HandlerService` with Batch
  Transform's requests (SplitType=Line, BatchStrategy=MultiRecord, application/jsonlines in and out). The
  toolkit picks the handler functions from `code/` by SAGEMAKER_PROGRAM; the answers must equal those of Pulso's
  local transform container on the same input, byte for byte.
- Framework version skew (the images run an older torch than development): model.pt holds only what every torch
  since 1.13 loads with `weights_only=True`, and the container code uses only torch APIs the configured framework
  image has (`test_model_weights_load_on_any_torch_2`, `test_container_code_uses_only_torch_apis_...`).

The toolkits are pinned in requirements.lock; without them these tests skip (fail under PULSO_REQUIRE_TOOLKITS=1).
"""

from __future__ import annotations

import ast
import collections
import contextlib
import csv
import gzip
import importlib.util
import json
import os
import pickle
import pickletools
import re
import socket
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from glue_jobs.etl.job import run_job
from inference import handler
from inference.network import NetworkConfig, SentimentNet
from inference.predictor import WEIGHTS_FILE
from inference.vocabulary import Vocabulary
from pulso.config import load_config
from pulso.embeddings import KUMO_PACKAGE, load_embeddings
from pulso.text import normalise
from pulso_local.artifacts import training_source_dir
from pulso_local.compute import final_metrics
from pulso_local.transform_container import requests, split
from tests.conftest import REPO_ROOT, require
from tests.emulated_aws_server import reset_moto
from training.loop import _average
from training.model_package import pack_model, unpack_model, write_model_dir

TOOLKITS = ("sagemaker_training", "sagemaker_pytorch_container", "sagemaker_inference",
            "sagemaker_pytorch_serving_container")  # fmt: skip
REQUIRED_BY = "PULSO_REQUIRE_TOOLKITS"
TRAIN_COMMAND = Path(sys.executable).with_name("train")  # the training container's entry point (console script)
WORKER = REPO_ROOT / "tests" / "sagemaker_serving_worker.py"
TRANSFORM_CONTAINER = REPO_ROOT / "src" / "pulso_local" / "transform_container.py"
JOB_NAME = "pulso-toolkit-train"
BUCKET = "pulso-toolkit-models"
SOURCE_KEY = "code/training/sourcedir.tar.gz"
REGION = "us-east-1"
JSON_LINES = "application/jsonlines"
# What the state machine passes (statemachine/pipeline.asl.json.tftpl, pulso_local.definition): SageMaker's own
# entries JSON-encoded, Pulso's as plain strings; `rnn`/`embeddings` JSON-encoded the way the SageMaker SDK does.
HYPERPARAMETERS = {
    "sagemaker_program": json.dumps("train.py"),
    "sagemaker_submit_directory": json.dumps(f"s3://{BUCKET}/{SOURCE_KEY}"),
    "sagemaker_region": json.dumps(REGION),
    "epochs": "2",
    "hidden_size": "16",
    "batch_size": "64",
    "glove_top_words": "2000",
    "rnn": json.dumps("lstm"),
    "embeddings": json.dumps("channel"),
}
# Batch Transform as the pipeline configures it (pulso.json pipeline.sagemaker, the state machine).
TRANSFORM = {"split_type": "Line", "batch_strategy": "MultiRecord", "max_payload_mb": 6, "assemble_with": "Line",
             "content_type": JSON_LINES, "accept": JSON_LINES}  # fmt: skip


@pytest.fixture(scope="module")
def toolkits() -> None:
    """Skip (or fail under PULSO_REQUIRE_TOOLKITS=1) without the SageMaker toolkits."""
    missing = [name for name in TOOLKITS if importlib.util.find_spec(name) is None]
    require(not missing, f"SageMaker toolkits not installed: {', '.join(missing)}", REQUIRED_BY)
    require(TRAIN_COMMAND.is_file(), f"{TRAIN_COMMAND} (sagemaker-training's entry point) not found", REQUIRED_BY)


# --- data ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def etl_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples through the real ETL job: curated messages (labelled) and transform input."""
    root = tmp_path_factory.mktemp("etl")
    for sample, run_id, mode in (
        ("sample_labelled.csv", "labelled", []),
        ("sample_unlabelled.jsonl", "daily", ["--run_mode", "predict"]),
    ):
        arguments = ["--input", str(REPO_ROOT / "data" / sample), "--profile", "tweets", "--output_root",
                     str(root / run_id), "--run_id", run_id, *mode]  # fmt: skip
        assert run_job(arguments)["status"] == "SUCCEEDED"
    return root


@pytest.fixture(scope="module")
def small_glove(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A GloVe text file for the embeddings channel: real GloVe 6B 50d vectors (the kumo package) of the sample's
    tokens and the 2,000 most frequent words."""
    with (REPO_ROOT / "data" / "sample_labelled.csv").open(encoding="utf-8", newline="") as stream:
        wanted = {token for row in csv.DictReader(stream) for token in normalise(row["text"] or "").split()}
    vectors = load_embeddings(KUMO_PACKAGE, wanted, 2000)
    path = tmp_path_factory.mktemp("glove") / "glove.sample.50d.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for word, row in zip(vectors.words, vectors.vectors, strict=True):
            stream.write(word + " " + " ".join(f"{value:.5f}" for value in row) + "\n")
    return path


# --- the training container ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def emulated_s3_with_source_dir() -> Iterator[str]:
    """A moto server on 127.0.0.1 holding the submitted source directory; yields its endpoint."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing")  # fmt: skip
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=SOURCE_KEY, Body=training_source_dir())
        yield endpoint
    finally:
        reset_moto(endpoint)  # moto's backends are global to the process: leave no bucket to other tests
        server.stop()


def opt_ml_tree(root: Path, hyperparameters: dict[str, str], channels: dict[str, list[Path]]) -> None:
    """/opt/ml as SageMaker lays it out before starting the container (input/config, input/data/<channel>)."""
    config = root / "input" / "config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(json.dumps(hyperparameters), encoding="utf-8")
    channel_config = {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}
    (config / "inputdataconfig.json").write_text(json.dumps(dict.fromkeys(channels, channel_config)), encoding="utf-8")
    group = {"instance_group_name": "homogeneousCluster", "instance_type": "ml.c5.2xlarge", "hosts": ["algo-1"]}
    resources = {"current_host": "algo-1", "current_instance_type": "ml.c5.2xlarge",
                 "current_group_name": "homogeneousCluster", "hosts": ["algo-1"], "instance_groups": [group],
                 "network_interface_name": "eth0"}  # fmt: skip
    (config / "resourceconfig.json").write_text(json.dumps(resources), encoding="utf-8")
    for name, sources in channels.items():
        target = root / "input" / "data" / name
        target.mkdir(parents=True)
        for source in sources:
            if source.is_dir():
                for path in sorted(source.rglob("*.parquet")):
                    (target / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
                    (target / path.relative_to(source)).write_bytes(path.read_bytes())
            else:
                (target / source.name).write_bytes(source.read_bytes())
    for folder in ("model", "output", "checkpoints"):
        (root / folder).mkdir()


def container_environment(root: Path, endpoint: str) -> dict[str, str]:
    """The training container's environment: its image's variables, what the platform sets, and nothing of
    Pulso's own (no PULSO_SM_ROOT, no SM_*: those must come from the toolkit)."""
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith(("SM_", "SAGEMAKER_", "PULSO_", "AWS_", "TRAINING_JOB"))}  # fmt: skip
    return {
        **inherited,
        "SAGEMAKER_BASE_DIR": str(root),  # the toolkit's root, /opt/ml in the container
        "SAGEMAKER_TRAINING_MODULE": "sagemaker_pytorch_container.training:main",  # the PyTorch image's ENV
        "TRAINING_JOB_NAME": JOB_NAME,  # set by SageMaker in every training container
        "TRAINING_JOB_ARN": f"arn:aws:sagemaker:{REGION}:123456789012:training-job/{JOB_NAME}",
        "SM_STUDIO_LOCAL_MODE": "True",  # the toolkit's switch to skip the wait for `algo-1` in DNS (no cluster here)
        "PULSO_CHECKPOINT_DIR": str(root / "checkpoints"),  # CheckpointConfig.LocalPath (/opt/ml/checkpoints)
        "S3_ENDPOINT_URL": endpoint,  # the toolkit's own setting for another S3 endpoint
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def run_training_container(
    root: Path, hyperparameters: dict[str, str], channels: dict[str, list[Path]]
) -> subprocess.CompletedProcess[str]:
    """Lay out /opt/ml at `root` and run the training container's `train` command in it."""
    opt_ml_tree(root, hyperparameters, channels)
    with emulated_s3_with_source_dir() as endpoint:
        return subprocess.run([str(TRAIN_COMMAND)], env=container_environment(root, endpoint), cwd=root,
                              capture_output=True, text=True, timeout=900)  # fmt: skip


@pytest.fixture(scope="module")
def trained(
    toolkits: None, etl_output: Path, small_glove: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """One training job run by the SageMaker training toolkit; the /opt/ml root and the job's log."""
    root = tmp_path_factory.mktemp("opt_ml")
    channels = {"train": [etl_output / "labelled" / "messages"], "embeddings": [small_glove]}
    result = run_training_container(root, HYPERPARAMETERS, channels)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    return root, log


@pytest.mark.slow
def test_the_training_toolkit_runs_train_py_from_the_submitted_source_dir(trained: tuple[Path, str]) -> None:
    """The toolkit finds train.py in the S3 source directory, and the job honours every path and name it sets."""
    root, log = trained
    # The toolkit downloaded sourcedir.tar.gz from S3 into /opt/ml/code and ran sagemaker_program from it.
    for name in ("train.py", "training/job.py", "inference/handler.py", "pulso/text/normaliser.py"):
        assert (root / "code" / name).is_file(), name
    assert re.search(r"python[\d.]* (-- )?train\.py --batch_size 64 --embeddings channel --epochs 2 ", log), log[-3000:]
    assert (root / "output" / "success").is_file()  # the toolkit's report of a successful job
    assert not (root / "output" / "failure").exists()

    evaluation = json.loads((root / "model" / "evaluation.json").read_text())
    assert evaluation["model_id"] == JOB_NAME  # TRAINING_JOB_NAME
    assert evaluation["data"] == {"train": 1200, "validation": 162, "test": 128}  # the train channel (SM_CHANNEL_TRAIN)
    assert evaluation["embedding"]["source"] == str(root / "input" / "data" / "embeddings" / "glove.sample.50d.txt.gz")
    assert evaluation["embedding"]["dimension"] == 50
    hyperparameters = evaluation["hyperparameters"]
    assert (hyperparameters["epochs"], hyperparameters["hidden_size"], hyperparameters["rnn"]) == (2, 16, "lstm")
    assert evaluation["training"]["threads"] >= 1  # SM_NUM_CPUS
    assert (root / "checkpoints" / "checkpoint.pt").is_file()
    for name in ("evaluation.json", "confusion_matrix_test.png", "learning_curves.png"):  # SM_OUTPUT_DATA_DIR
        assert (root / "output" / "data" / name).is_file(), name

    # SageMaker reads the metrics from the job's log with the configured MetricDefinitions.
    definitions = load_config().training.metric_definitions
    found = {metric["MetricName"]: metric["Value"] for metric in final_metrics(log, definitions)}
    assert set(found) == {definition["Name"] for definition in definitions}, "a MetricDefinition matches no line"
    assert found["final:test_macro_recall"] == evaluation["metrics"]["test"]["macro_recall"]
    assert found["final:validation_macro_recall"] == evaluation["metrics"]["validation"]["macro_recall"]
    assert len(re.findall(r"^epoch=\d+ ", log, flags=re.MULTILINE)) == evaluation["training"]["epochs_run"]


@pytest.mark.slow
def test_model_tar_gz_holds_what_the_inference_container_loads(trained: tuple[Path, str], tmp_path: Path) -> None:
    """model.tar.gz (SM_MODEL_DIR packed) has the weights at the top and the handler package in code/."""
    root, _ = trained
    archive = pack_model(root / "model", tmp_path / "model.tar.gz")  # SageMaker packs SM_MODEL_DIR like this
    with tarfile.open(archive) as tar:
        members = {member.name for member in tar.getmembers() if member.isfile()}
    for name in ("model.pt", "vocab.json", "config.json", "evaluation.json", "code/requirements.txt",
                 "code/inference/__init__.py", "code/inference/handler.py", "code/inference/predictor.py",
                 "code/inference/network.py", "code/pulso/text/normaliser.py"):  # fmt: skip
        assert name in members, name
    # SAGEMAKER_PROGRAM=inference.py -> the toolkit imports module `inference` from code/: our package is it.
    assert "code/inference.py" not in members  # it would be shadowed by the package of the same name
    # At start the container runs `pip install -r code/requirements.txt`: it must have nothing to install.
    requirements = (root / "model" / "code" / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if line.strip() and not line.startswith("#")] == []


@pytest.mark.slow
def test_a_failed_job_keeps_pulsos_failure_reason(toolkits: None, etl_output: Path, tmp_path: Path) -> None:
    """The toolkit writes /opt/ml/output/failure only if the job has not: SageMaker's FailureReason stays ours."""
    result = run_training_container(
        tmp_path, {**HYPERPARAMETERS, "epochs": "ten"}, {"train": [etl_output / "labelled" / "messages"]}
    )
    assert result.returncode != 0
    failure = (tmp_path / "output" / "failure").read_text()
    assert failure == "HyperparameterError: hyperparameter epochs must be a number (got 'ten')\n"
    assert not (tmp_path / "output" / "success").exists()


# --- the inference container ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def transform_inputs(etl_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ETL job's transform input, plus an object with lines the handler must answer with error records."""
    folder = tmp_path_factory.mktemp("transform_input")
    for path in sorted((etl_output / "daily" / "transform-input").rglob("*.jsonl")):
        (folder / path.name).write_bytes(path.read_bytes())
    odd = ['{"message_id": "x1", "text": "@SkyloomAir lost my bag AGAIN \\ud83d\\ude21"}', "not json at all",
           '{"message_id": "x2", "text": ""}', '{"message_id": "x3"}', "[1, 2]", '{"message_id": "x4", "text": 7}',
           '{"message_id": "x5", "text": "Gracias, todo perfecto \\u00a1genial!"}']  # fmt: skip
    (folder / "zz-odd.jsonl").write_text("\n".join(odd) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def served(trained: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/opt/ml of the inference container: model.tar.gz unpacked into /opt/ml/model."""
    root, _ = trained
    serve_root = tmp_path_factory.mktemp("serve_opt_ml")
    archive = pack_model(root / "model", serve_root / "model.tar.gz")
    unpack_model(archive, serve_root / "model")
    return serve_root


def batch_transform_requests(body: bytes) -> list[bytes]:
    """The request bodies Batch Transform sends for one object (SplitType=Line, MultiRecord, MaxPayloadInMB)."""
    return list(
        requests(split(body, TRANSFORM["split_type"]), TRANSFORM["batch_strategy"], TRANSFORM["max_payload_mb"] << 20)
    )


@pytest.mark.slow
def test_the_inference_toolkit_serves_batch_transform_requests_like_the_local_container(
    served: Path, transform_inputs: Path, tmp_path: Path
) -> None:
    """The container's HandlerService, on Batch Transform's requests, answers exactly as the local container."""
    model_dir = served / "model"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SAGEMAKER_", "PULSO_"))}
    environment.update({
        "SAGEMAKER_BASE_DIR": str(served),  # /opt/ml in the container
        # The Model's environment, as the state machine creates it ("Create the model").
        "SAGEMAKER_PROGRAM": "inference.py",
        "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
        "PULSO_MODEL_VERSION": "pulso-dev-sentiment/7",
        # torchserve._set_python_path: the code directory first on the worker's PYTHONPATH.
        "PYTHONPATH": str(model_dir / "code"),
    })  # fmt: skip
    # Container start: `pip install -r code/requirements.txt` (model_server._install_requirements); offline here.
    install = [sys.executable, "-m", "pip", "install", "--no-index", "--dry-run", "--disable-pip-version-check",
               "-r", str(model_dir / "code" / "requirements.txt")]  # fmt: skip
    pip = subprocess.run(install, capture_output=True, text=True, timeout=120)
    assert pip.returncode == 0, pip.stderr

    objects = sorted(transform_inputs.iterdir())
    batches = [(path.name, batch_transform_requests(path.read_bytes())) for path in objects]
    headers = {"Content-Type": TRANSFORM["content_type"], "Accept": TRANSFORM["accept"]}
    sent = [{"headers": headers, "body": body.decode("utf-8")} for _, bodies in batches for body in bodies]
    (tmp_path / "requests.json").write_text(json.dumps(sent), encoding="utf-8")
    command = [sys.executable, str(WORKER), str(tmp_path / "requests.json"), str(tmp_path / "result.json")]
    worker = subprocess.run(command, env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-4000:]
    result = json.loads((tmp_path / "result.json").read_text())

    # The toolkit chose our functions, imported from the model archive's code/ (not from the repository).
    code = str(model_dir / "code")
    for name in ("model_fn", "input_fn", "predict_fn", "output_fn"):
        assert result["chosen"][name]["name"] == f"inference.handler.{name}", result["chosen"]
        assert result["chosen"][name]["file"].startswith(code), result["chosen"][name]
    assert (
        result["chosen"]["transform_fn"]["name"] == "sagemaker_inference.transformer.Transformer._default_transform_fn"
    )
    assert result["modules"]["inference"].startswith(code)
    assert result["modules"]["pulso"].startswith(code)
    assert result["model_type"] == "SentimentPredictor"
    responses = result["responses"]
    assert {(response["status"], response["content_type"]) for response in responses} == {(200, JSON_LINES)}

    # AssembleWith=Line: the responses of an object, joined line by line, make its .out file.
    local_out = tmp_path / "local_out"
    command = [sys.executable, str(TRANSFORM_CONTAINER), str(model_dir), str(transform_inputs), str(local_out),
               json.dumps(TRANSFORM)]  # fmt: skip
    local = subprocess.run(command, env={**environment, "PYTHONPATH": ""}, capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stderr[-4000:]
    position = 0
    for name, bodies in batches:
        answers = responses[position : position + len(bodies)]
        position += len(bodies)
        assembled = "".join(
            answer["body"] if answer["body"].endswith("\n") else answer["body"] + "\n" for answer in answers
        )
        assert assembled == (local_out / f"{name}.out").read_text(encoding="utf-8"), name
        lines = [json.loads(line) for line in assembled.splitlines()]
        assert len(lines) == len(split((transform_inputs / name).read_bytes(), "Line"))
        assert {line["model_version"] for line in lines} == {"pulso-dev-sentiment/7"}
    odd = [json.loads(line) for line in (local_out / "zz-odd.jsonl.out").read_text().splitlines()]
    assert [("error" in line) for line in odd] == [False, True, True, True, True, True, False]
    daily = [json.loads(line) for line in (local_out / f"{objects[0].name}.out").read_text().splitlines()]
    assert len(daily) == 300
    assert all("label" in line for line in daily)


def test_input_fn_reads_the_body_as_torchserve_hands_it_over() -> None:
    """TorchServe passes an application/jsonlines body as a bytearray (ts/protocol/otf_message_handler.py)."""
    body = '{"message_id": "a", "text": "caf\u00e9 ok"}\nnot json\n'.encode()
    expected = handler.input_fn(body.decode(), JSON_LINES)
    for form in (body, bytearray(body), memoryview(body)):
        assert handler.input_fn(form, JSON_LINES) == expected
    assert expected[0] == {"message_id": "a", "text": "caf\u00e9 ok"}
    assert expected[1]["_error"].startswith("record 2: not JSON")


# --- weights across torch versions -----------------------------------------------------------------------------

# Opcodes of the first `weights_only` unpickler (torch 1.13, torch/_weights_only_unpickler.py), a subset of what
# every later version accepts.
WEIGHTS_ONLY_OPCODES = {"PROTO", "STOP", "GLOBAL", "NEWOBJ", "REDUCE", "BUILD", "APPEND", "APPENDS", "SETITEM",
                        "SETITEMS", "MARK", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "NONE", "NEWFALSE", "NEWTRUE",
                        "EMPTY_TUPLE", "EMPTY_LIST", "EMPTY_DICT", "EMPTY_SET", "BINPERSID", "BININT", "BININT1",
                        "BININT2", "BINGET", "LONG_BINGET", "BINPUT", "LONG_BINPUT", "BINUNICODE", "SHORT_BINSTRING",
                        "LONG1"}  # fmt: skip
STORAGE_DTYPES = {"FloatStorage": np.float32, "LongStorage": np.int64}
# Records of the zip container (torch.save since 1.6); loaders read data.pkl, data/<key> and version, and
# ignore the rest (byteorder: 2.1+, .data/serialization_id: 2.3+, .format_version / .storage_alignment: 2.6+).
ZIP_RECORDS = re.compile(r"(data\.pkl|data/\d+|version|byteorder|\.data/version|\.data/serialization_id|"
                         r"\.format_version|\.storage_alignment)")  # fmt: skip


class _WeightsReader(pickle.Unpickler):
    """Reads model.pt with the standard library and NumPy alone, knowing three globals: if this reads it, so does
    any torch that knows them (all since torch.save's zip format in 1.6; `weights_only` allows them since 1.13)."""

    def __init__(self, archive: zipfile.ZipFile, prefix: str) -> None:
        super().__init__(archive.open(f"{prefix}/data.pkl"))
        self.archive, self.prefix = archive, prefix
        self.globals_used: set[str] = set()

    def find_class(self, module: str, name: str) -> Any:
        self.globals_used.add(f"{module}.{name}")
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_DTYPES:
            return STORAGE_DTYPES[name]
        raise pickle.UnpicklingError(f"model.pt needs global {module}.{name}")

    def persistent_load(self, pid: Any) -> np.ndarray:
        kind, dtype, key, location, _numel = pid
        assert (kind, location) == ("storage", "cpu"), pid
        return np.frombuffer(self.archive.read(f"{self.prefix}/data/{key}"), dtype=np.dtype(dtype).newbyteorder("<"))


def _rebuild_tensor_v2(storage: np.ndarray, offset: int, size: tuple[int, ...], stride: tuple[int, ...],
                       requires_grad: bool, hooks: Any, metadata: Any = None) -> np.ndarray:  # fmt: skip
    strides = tuple(step * storage.itemsize for step in stride)
    return np.lib.stride_tricks.as_strided(storage[offset:], shape=size, strides=strides).copy()


def test_model_weights_load_on_any_torch_2(tmp_path: Path) -> None:
    """model.pt as training writes it (the averaged state of training.loop, saved by write_model_dir) uses only
    what torch 2.x's `weights_only=True` loader accepts: pickle protocol 2, the 1.13 opcode set, three globals,
    file-format version 3, little-endian float32/int64 storages."""
    config = NetworkConfig(vocabulary_size=12, embedding_dim=6, hidden_size=4, rnn="lstm", dropout=0.1)
    network = SentimentNet(config)
    state = _average([network.state_dict(), SentimentNet(config).state_dict()])
    write_model_dir(
        tmp_path, state, config, Vocabulary(["a", "b"]), {"model_id": "m", "max_tokens": 5, "labels": []}, {}
    )
    path = tmp_path / WEIGHTS_FILE

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        prefix = names[0].split("/")[0]
        records = {name[len(prefix) + 1 :] for name in names}
        assert all(ZIP_RECORDS.fullmatch(record) for record in records), records
        version = archive.read(f"{prefix}/version" if f"{prefix}/version" in names else f"{prefix}/.data/version")
        assert int(version) == 3  # kMinProducedFileFormatVersion; readers accept 1..kMaxSupportedFileFormatVersion
        if "byteorder" in records:
            assert archive.read(f"{prefix}/byteorder") == b"little"
        pickled = archive.read(f"{prefix}/data.pkl")
        opcodes = {opcode.name for opcode, _, _ in pickletools.genops(pickled)}
        assert opcodes <= WEIGHTS_ONLY_OPCODES, opcodes - WEIGHTS_ONLY_OPCODES
        assert pickled[:2] == b"\x80\x02"  # protocol 2 (torch.serialization.DEFAULT_PROTOCOL)
        reader = _WeightsReader(archive, prefix)
        decoded = reader.load()
    assert reader.globals_used <= {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage"}
    loaded = torch.load(path, map_location="cpu", weights_only=True)
    assert set(decoded) == set(loaded) == set(network.state_dict())
    for name, tensor in loaded.items():
        assert tensor.dtype == torch.float32
        assert not tensor.requires_grad
        np.testing.assert_array_equal(decoded[name], tensor.numpy())
    SentimentNet(config).load_state_dict(loaded)  # strict: every parameter, nothing else


# The torch APIs that code running in the containers (src/inference, src/training) may use, with the release that
# brought each (for the keyword: the release that added it). Using anything else fails the test below, to be checked
# against the framework image before it is added here.
_SINCE_1_0 = ("torch.Tensor", "torch.tensor", "torch.long", "torch.float32", "torch.softmax", "torch.cat",
              "torch.stack", "torch.full", "torch.empty", "torch.finfo", "torch.from_numpy", "torch.manual_seed",
              "torch.get_rng_state", "torch.set_rng_state", "torch.rand", "torch.Generator", "torch.no_grad",
              "torch.save", "torch.load", "torch.set_num_threads", "torch.get_num_threads", "torch.optim.Adam",
              "torch.optim.SparseAdam", "torch.nn", "torch.nn.Module", "torch.nn.Linear", "torch.nn.LSTM",
              "torch.nn.GRU", "torch.nn.Embedding", "torch.nn.Dropout", "torch.nn.functional",
              "torch.nn.functional.cross_entropy", "torch.nn.utils.rnn.pad_packed_sequence")  # fmt: skip
TORCH_API_SINCE = {
    **dict.fromkeys(_SINCE_1_0, (1, 0)),
    "torch.nn.utils.rnn.pack_padded_sequence": (1, 1),  # enforce_sorted=
    "torch.inference_mode": (1, 9),
    "torch.load(weights_only=)": (1, 13),
}


def _torch_names(path: Path) -> set[str]:
    """Dotted torch names a module uses (through `import torch`, `from torch import nn`, ...), and keywords of
    torch.load."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({alias.asname or alias.name: alias.name for alias in node.names if alias.name == "torch"})
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("torch"):
            aliases.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})

    def dotted(node: ast.expr) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in aliases:
            return ".".join([aliases[node.id], *reversed(parts)])
        return None

    inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names = {name for node in ast.walk(tree) if isinstance(node, (ast.Attribute, ast.Name)) and id(node) not in inner
             and (name := dotted(node))}  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and dotted(node.func) == "torch.load":
            names.update(f"torch.load({keyword.arg}=)" for keyword in node.keywords if keyword.arg == "weights_only")
    return names


def test_container_code_uses_only_torch_apis_older_than_the_framework_image() -> None:
    """The code that runs in the SageMaker containers uses torch APIs that the configured framework image has."""
    config = json.loads((REPO_ROOT / "src" / "pulso" / "config" / "pulso.json").read_text(encoding="utf-8"))
    image = tuple(int(part) for part in config["pipeline"]["sagemaker"]["framework_version"].split(".")[:2])
    used: dict[str, set[str]] = {}
    for package in ("inference", "training"):
        for path in sorted((REPO_ROOT / "src" / package).glob("*.py")):
            for name in _torch_names(path):
                used.setdefault(name, set()).add(f"{package}/{path.name}")
    assert "torch.load(weights_only=)" in used  # the check sees keywords
    unknown = {name: sorted(files) for name, files in used.items() if name not in TORCH_API_SINCE}
    assert not unknown, f"torch APIs not vetted against the framework image: {unknown}"
    too_new = {name: TORCH_API_SINCE[name] for name in used if TORCH_API_SINCE[name] > image}
    assert not too_new, f"newer than the framework image {image}: {too_new}"
