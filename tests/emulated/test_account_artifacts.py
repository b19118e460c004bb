"""The emulated account installs the artifacts Terraform uploads (the Glue wheel)."""

from __future__ import annotations

import boto3
import pytest

from pulso.config import load_config
from pulso_local import artifacts
from pulso_local.account import create_account


@pytest.mark.slow
def test_the_emulated_account_installs_the_wheel_terraform_uploads(aws: None) -> None:
    account = create_account(load_config())
    glue, s3 = boto3.client("glue"), boto3.client("s3")
    jobs = glue.get_jobs()["Jobs"]
    assert len(jobs) == 4
    locations = {job["DefaultArguments"]["--extra-py-files"] for job in jobs}
    assert len(locations) == 1
    uris = locations.pop().split(",")
    assert [uri.rsplit("/", 1)[-1] for uri in uris] == artifacts.glue_wheel_names()
    builds = [*(artifacts.glue_dependency_wheel(name) for name in artifacts.GLUE_DEPENDENCIES), artifacts.glue_wheel()]
    for uri, build in zip(uris, builds, strict=True):
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        assert bucket == account.bucket("models")
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == build
