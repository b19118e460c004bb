"""SageMaker PyTorch image URIs come from the SageMaker Python SDK's lookup, per region, at build time only.

Expected URIs are those of the SDK's own `sagemaker/core/image_uri_config/pytorch.json` (sagemaker-core 2.27.0):
registry account 763104351884 in us-east-1 and eu-west-1, 871362719292 in ap-east-1, 217643126080 in me-south-1;
tag `<version>-cpu-<python>` for CPU instance types.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from pulso.config import load_config
from pulso_local.definition import TEMPLATE, TemplateError, definition_values, render
from pulso_local.image_uris import ImageLookupError, framework_versions, main, resolve_images
from tests.conftest import REPO_ROOT

# pulso.json's framework settings pinned, so a framework bump in pulso.json does not change these expectations.
PINNED = {"pipeline": {"sagemaker": {"framework_version": "2.5.1", "py_version": "py311"}}}
EXPECTED = {
    "us-east-1": {
        "training_image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5.1-cpu-py311",
        "inference_image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311",
    },
    "ap-east-1": {
        "training_image": "871362719292.dkr.ecr.ap-east-1.amazonaws.com/pytorch-training:2.5.1-cpu-py311",
        "inference_image": "871362719292.dkr.ecr.ap-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311",
    },
    "me-south-1": {
        "training_image": "217643126080.dkr.ecr.me-south-1.amazonaws.com/pytorch-training:2.5.1-cpu-py311",
        "inference_image": "217643126080.dkr.ecr.me-south-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311",
    },
    "eu-west-1": {
        "training_image": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.5.1-cpu-py311",
        "inference_image": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311",
    },
}


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_images_are_the_sdk_uris_of_the_region(region: str) -> None:
    assert resolve_images(load_config(PINNED), region) == EXPECTED[region]


def test_the_registry_account_differs_between_regions() -> None:
    accounts = {region: images["training_image"].split(".", 1)[0] for region, images in EXPECTED.items()}
    assert accounts["us-east-1"] == accounts["eu-west-1"] != accounts["ap-east-1"] != accounts["me-south-1"]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-east-1"])
def test_the_configured_framework_resolves_to_the_sdk_registry_of_the_region(region: str) -> None:
    """Whatever version pulso.json names: the SDK's own registry table decides the account, CPU the tag."""
    sagemaker = load_config().pipeline.sagemaker
    table = json.loads(resources.files("sagemaker.core").joinpath("image_uri_config/pytorch.json").read_text())
    for key, scope in (("training_image", "training"), ("inference_image", "inference")):
        uri = resolve_images(load_config(), region)[key]
        account = table[scope]["versions"][sagemaker.framework_version]["registries"][region]
        assert uri == (
            f"{account}.dkr.ecr.{region}.amazonaws.com/pytorch-{scope}:"
            f"{sagemaker.framework_version}-cpu-{sagemaker.py_version}"
        )


@pytest.mark.parametrize(
    ("overlay", "region", "message"),
    [
        ({}, "moon-1", "no SageMaker PyTorch training image .* in moon-1: Unsupported region"),
        ({"pipeline": {"sagemaker": {"framework_version": "0.0.1"}}}, "us-east-1", "Unsupported pytorch version"),
        ({"pipeline": {"sagemaker": {"py_version": "py39"}}}, "us-east-1", "Unsupported Python version: py39"),
    ],
)
def test_what_the_sdk_does_not_know_is_a_clear_error(overlay: dict[str, Any], region: str, message: str) -> None:
    with pytest.raises(ImageLookupError, match=message):
        resolve_images(load_config(overlay), region)


def test_the_lookup_needs_no_network() -> None:
    """Offline, no telemetry: a fresh interpreter whose sockets and SDK telemetry senders refuse resolves fine."""
    code = """
import socket
def refuse(*args, **kwargs):
    raise AssertionError(f"the image lookup used the network: {args!r}")
socket.getaddrinfo = socket.create_connection = socket.socket.connect = refuse
from sagemaker.core.telemetry import telemetry_logging
telemetry_logging._send_telemetry_request = telemetry_logging._send_telemetry_request_sync = refuse
from pulso.config import load_config
from pulso_local.image_uris import resolve_images
print(resolve_images(load_config(), "me-south-1")["inference_image"])
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("217643126080.dkr.ecr.me-south-1.amazonaws.com/pytorch-inference:")


def test_the_sdk_knows_the_configured_and_newer_cpu_versions() -> None:
    training = framework_versions("training", "ml.c5.2xlarge")
    inference = framework_versions("inference", "ml.c5.xlarge")
    assert ("2.5.1", "py311") in training
    assert ("2.5.1", "py311") in inference
    assert ("2.6.0", "py312") in set(training) & set(inference)  # the newest both scopes have (sagemaker-core 2.27.0)
    assert {py for _, py in training + inference} <= {"py311", "py312"}


def test_images_json_holds_exactly_the_two_uris(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build" / "images.json"
    assert main(["--region", "ap-east-1", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == resolve_images(load_config(), "ap-east-1")
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps({"pipeline": {"sagemaker": {"framework_version": "2.6.0", "py_version": "py312"}}}))
    assert main(["--region", "eu-west-1", "--overlay", str(overlay), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["training_image"].endswith("/pytorch-training:2.6.0-cpu-py312")
    assert main(["--region", "moon-1"]) == 1
    assert "Unsupported region: moon-1" in capsys.readouterr().err


def test_the_definition_uses_the_given_images() -> None:
    images = EXPECTED["ap-east-1"]
    values = definition_values(load_config(PINNED), account_id="123456789012", region="ap-east-1", kms_key_arn="k",
                               retry_interval_seconds=1, images=images)  # fmt: skip
    states = json.loads(render(TEMPLATE.read_text(), values))["States"]
    training = states["Train a candidate model"]["Parameters"]["AlgorithmSpecification"]
    assert training["TrainingImage"] == images["training_image"]
    container = states["Register the candidate model"]["Parameters"]["InferenceSpecification"]["Containers"][0]
    assert (container["Image"], container["FrameworkVersion"]) == (images["inference_image"], "2.5.1")
    with pytest.raises(TemplateError, match="images lacks inference_image"):
        definition_values(load_config(), account_id="1", region="r", kms_key_arn="k", retry_interval_seconds=1,
                          images={"training_image": images["training_image"], "inference_image": ""})  # fmt: skip


def test_the_sdk_is_a_build_tool_only() -> None:
    """Jobs, Lambda functions and the training code never import it; only pulso_local.image_uris does."""
    importers = sorted(
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "src").rglob("*.py")
        if re.search(r"^\s*(from|import) sagemaker\.core", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert importers == ["src/pulso_local/image_uris.py"]


@pytest.mark.parametrize(("tf_var_region", "expected"), [(None, "eu-west-1"), ("ap-east-1", "ap-east-1")])
def test_make_images_resolves_for_terraforms_region(tf_var_region: str | None, expected: str) -> None:
    """`make images` follows var.region (TF_VAR_region, else the dev root's default) and CONFIG_OVERLAY."""
    env = {key: value for key, value in os.environ.items() if key not in ("TF_VAR_region", "IMAGES_REGION")}
    if tf_var_region:
        env["TF_VAR_region"] = tf_var_region
    make = ["make", "-n", "--no-print-directory", "images"]
    result = subprocess.run(make, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert f"-m pulso_local.image_uris --region {expected} --out terraform/build/images.json" in result.stdout
    with_overlay = subprocess.run([*make, "CONFIG_OVERLAY=o.json"], cwd=REPO_ROOT, env=env, capture_output=True,
                                  text=True, timeout=60, check=True)  # fmt: skip
    assert f"--region {expected} --out terraform/build/images.json --overlay o.json" in with_overlay.stdout
