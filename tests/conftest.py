"""Fixtures shared by the whole suite.

Real data lives beside the repository in `../shared/data` (never copied in). Tests that need it skip with
a clear reason where it is absent (a user's clone) and fail instead when `PULSO_REQUIRE_SHARED_DATA=1`,
which `.ci/run` sets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PULSO_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
TWEETEVAL_DIR = SHARED_DATA / "tweeteval_sentiment"
TWCS_SAMPLE = SHARED_DATA / "twcs" / "twcs_first5000_monalisapatra26.csv.gz"
REGION = "us-east-1"


def require(condition: bool, reason: str, required_by: str) -> None:
    """Skip when `condition` is false, or fail when the environment variable `required_by` is set to 1."""
    if condition:
        return
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason} ({required_by}=1 requires it)")
    pytest.skip(f"{reason} (set {required_by}=1 to make this a failure)")


def terraform_provider_mirror() -> str:
    """The provider mirror folder the Makefile discovers (`make tf-mirror`), empty when there is none."""
    result = subprocess.run(["make", "-s", "--no-print-directory", "tf-mirror"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=300)  # fmt: skip
    return result.stdout.strip()


def require_terraform() -> str:
    """Skip (or fail under `PULSO_REQUIRE_TERRAFORM=1`) without terraform and its provider mirror; the mirror."""
    require(shutil.which("terraform") is not None, "terraform is not on the PATH", "PULSO_REQUIRE_TERRAFORM")
    mirror = terraform_provider_mirror()
    require(bool(mirror), "the hashicorp/aws provider mirror was not found", "PULSO_REQUIRE_TERRAFORM")
    return mirror


@pytest.fixture(scope="session")
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"shared data not found at {SHARED_DATA}", "PULSO_REQUIRE_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture(scope="session")
def tweeteval_dir(shared_data: Path) -> Path:
    require(TWEETEVAL_DIR.is_dir(), f"TweetEval not found at {TWEETEVAL_DIR}", "PULSO_REQUIRE_SHARED_DATA")
    return TWEETEVAL_DIR


@pytest.fixture(scope="session")
def twcs_sample(shared_data: Path) -> Path:
    require(TWCS_SAMPLE.is_file(), f"twcs sample not found at {TWCS_SAMPLE}", "PULSO_REQUIRE_SHARED_DATA")
    return TWCS_SAMPLE


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, so nothing can ever reach a real AWS account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[None]:
    """An emulated AWS account (moto, in process)."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def boto3_session(aws: None):
    import boto3

    return boto3.Session(region_name=REGION)


@pytest.fixture
def buckets(boto3_session) -> dict[str, str]:
    """Raw and transformed buckets as Terraform makes them: private, SSE-KMS by default with a CMK."""
    kms = boto3_session.client("kms")
    key_id = kms.create_key(Description="pulso test key")["KeyMetadata"]["KeyId"]
    s3 = boto3_session.client("s3")
    names = {"raw": "pulso-test-raw", "transformed": "pulso-test-transformed", "kms_key_id": key_id}
    for purpose in ("raw", "transformed"):
        s3.create_bucket(Bucket=names[purpose])
        s3.put_bucket_encryption(
            Bucket=names[purpose],
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id},
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
        s3.put_public_access_block(
            Bucket=names[purpose],
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    return names


def create_runs_table(boto3_session, bucket: str) -> None:
    """The Glue database and `runs` table Terraform creates (record_run registers the runs' partitions)."""
    from pulso.config import load_config
    from pulso_local.account import glue_table_input

    config = load_config()
    database = config.resource_name("glue_database")
    runs = config.table("runs")
    glue = boto3_session.client("glue")
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput=glue_table_input(runs, f"s3://{bucket}/{runs.prefix}"))
