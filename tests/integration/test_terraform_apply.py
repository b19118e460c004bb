"""`terraform apply` of the dev environment against a moto server, then no drift, then `terraform destroy`.

The dev root is copied with what it reads (shared configuration, state machine, SQL, Glue scripts, artifacts, the
SageMaker image URIs resolved for its region) into a temporary tree, where a provider override file points every
endpoint at the local server. The one local-only setting is `enable_deny_policies = false`: moto enforces
conditional Deny bucket policies with the conditions ignored, so the TLS-only and deny-unencrypted statements would
refuse every request. Everything else is applied as it would be on AWS.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from pulso.config import load_config
from pulso_local.account import view_table_input
from pulso_local.image_uris import resolve_images
from pulso_local.query.catalog import view_body, views
from tests.conftest import REPO_ROOT, require_terraform
from tests.emulated_aws_server import RELIED_ON, asl_diagnostics, emulated_aws_server

REGION = "eu-west-1"
ENDPOINT_SERVICES = (
    "athena", "cloudwatch", "events", "glue", "iam", "kms", "lambda", "logs", "redshiftserverless", "s3",
    "sagemaker", "scheduler", "sfn", "sns", "sts",
)  # fmt: skip
EMULATOR_VARIABLES = ["-var", f"region={REGION}", "-var", "enable_deny_policies=false", "-var", "force_destroy=true"]
COPIED = ("terraform", "statemachine", "sql", "src/pulso/config", "src/glue_jobs")
IGNORED = shutil.ignore_patterns(".terraform", "terraform.tfstate*", "build", "__pycache__", "moto_override.tf")


def provider_override(endpoint: str) -> str:
    """An override file for the dev root's provider: fake credentials, account lookup, every endpoint local."""
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in ENDPOINT_SERVICES)
    return f"""provider "aws" {{
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false
  s3_use_path_style           = true
  max_retries                 = 1
  endpoints {{
{endpoints}
  }}
}}
"""


def copy_dev_root(destination: Path) -> Path:
    """Copy the dev root and everything it reads by relative path; build the artifacts there. Its folder."""
    for relative in COPIED:
        shutil.copytree(REPO_ROOT / relative, destination / relative, ignore=IGNORED)
    build = destination / "terraform" / "build"
    subprocess.run([sys.executable, "-m", "pulso_local.artifacts", str(build)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    images = [sys.executable, "-m", "pulso_local.image_uris", "--region", REGION, "--out", str(build / "images.json")]
    subprocess.run(images, check=True, capture_output=True, timeout=300)
    return destination / "terraform" / "environments" / "dev"


class Terraform:
    """Runs terraform in one folder with the mirror-only CLI configuration; every failure shows its output."""

    def __init__(self, folder: Path, mirror: str) -> None:
        cli_config = folder / "terraform-cli.tfrc"
        cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
        self.folder = folder
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }

    def run(self, *arguments: str, expected: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        command, *rest = arguments
        result = subprocess.run(["terraform", command, "-no-color", *rest], cwd=self.folder,
                                env=self.env, capture_output=True, text=True, timeout=900)  # fmt: skip
        assert result.returncode in expected, f"terraform {arguments[0]}:\n{(result.stdout + result.stderr)[-6000:]}"
        return result

    def output(self, name: str) -> Any:
        return json.loads(self.run("output", "-json", name).stdout)


@pytest.fixture
def emulated_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with emulated_aws_server() as endpoint:
        yield endpoint


def test_the_patched_moto_internals_exist() -> None:
    missing = [f"{cls.__name__}.{name}" for cls, names in RELIED_ON.items() for name in names if not hasattr(cls, name)]
    assert missing == []


def test_definition_validation_reports_what_is_missing() -> None:
    assert asl_diagnostics('{"StartAt": "A", "States": {}}') == []
    assert [d["message"] for d in asl_diagnostics('{"StartAt": "A"}')] == ["States is required"]
    assert asl_diagnostics("{not json")[0]["code"] == "INVALID_JSON_DESCRIPTION"


@pytest.mark.slow
def test_dev_environment_applies_to_emulated_aws_without_drift(emulated_account: str, tmp_path: Path) -> None:
    mirror = require_terraform()
    dev_root = copy_dev_root(tmp_path)
    (dev_root / "moto_override.tf").write_text(provider_override(emulated_account))
    terraform = Terraform(dev_root, mirror)

    terraform.run("init", "-backend=false")
    terraform.run("apply", "-auto-approve", *EMULATOR_VARIABLES)
    _assert_deployed(emulated_account, terraform)

    plan = terraform.run("plan", "-detailed-exitcode", *EMULATOR_VARIABLES, expected=(0, 2))
    assert plan.returncode == 0, f"the second plan wants changes (drift):\n{plan.stdout[-6000:]}"

    terraform.run("destroy", "-auto-approve", *EMULATOR_VARIABLES)
    session = boto3.session.Session(region_name=REGION)
    assert session.client("s3", endpoint_url=emulated_account).list_buckets()["Buckets"] == []
    assert session.client("stepfunctions", endpoint_url=emulated_account).list_state_machines()["stateMachines"] == []
    assert session.client("glue", endpoint_url=emulated_account).get_databases()["DatabaseList"] == []


def presto_view(original_text: str) -> dict[str, Any]:
    """The view definition inside `/* Presto View: <base64 JSON> */`."""
    assert original_text.startswith("/* Presto View: "), original_text[:40]
    assert original_text.endswith(" */"), original_text[-40:]
    return json.loads(base64.b64decode(original_text[len("/* Presto View: ") : -len(" */")]))


def _assert_deployed(endpoint: str, terraform: Terraform) -> None:
    """What the apply created, read back through the AWS APIs: names and schemas from the shared configuration."""
    config = load_config()
    session = boto3.session.Session(region_name=REGION)

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint)

    account_id = client("sts").get_caller_identity()["Account"]

    def name(key: str) -> str:
        return config.resource_name(key, account_id=account_id)

    s3 = client("s3")
    buckets = terraform.output("buckets")
    assert buckets == {purpose: name(f"buckets.{purpose}") for purpose in config.resources["buckets"]}
    for bucket in buckets.values():
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        assert rule["BucketKeyEnabled"] is True
        blocks = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(blocks.values())
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

    state_machine_arn = terraform.output("state_machine_arn")
    described_machine = client("stepfunctions").describe_state_machine(stateMachineArn=state_machine_arn)
    assert described_machine["name"] == name("state_machine")
    training = json.loads(described_machine["definition"])["States"]["Train a candidate model"]["Parameters"]
    assert training["AlgorithmSpecification"]["TrainingImage"] == resolve_images(config, REGION)["training_image"]

    glue = client("glue")
    for table in config.tables.values():
        described = glue.get_table(DatabaseName=name("glue_database"), Name=table.name)["Table"]
        assert [column["Name"] for column in described["StorageDescriptor"]["Columns"]] == list(table.column_names)
        assert [column["Name"] for column in described["PartitionKeys"]] == list(table.partition_names)
    for view in config.views.values():  # the Athena view Terraform writes is the one the emulated account writes
        described = glue.get_table(DatabaseName=name("glue_database"), Name=view.name)["Table"]
        expected = view_table_input(
            view, config.table(view.over), view_body(views()[view.name].sql), name("glue_database")
        )
        assert described["TableType"] == expected["TableType"] == "VIRTUAL_VIEW"
        assert described["Parameters"] == expected["Parameters"]
        assert presto_view(described["ViewOriginalText"]) == presto_view(expected["ViewOriginalText"])
        assert [(c["Name"], c["Type"]) for c in described["StorageDescriptor"]["Columns"]] == [
            (c["Name"], c["Type"]) for c in expected["StorageDescriptor"]["Columns"]
        ]

    group = name("model_package_group")
    described_group = client("sagemaker").describe_model_package_group(ModelPackageGroupName=group)
    assert described_group["ModelPackageGroupName"] == group
