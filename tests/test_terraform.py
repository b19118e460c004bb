"""Terraform offline checks (`make tf-check`): fmt, init against the provider mirror, validate and the native
`terraform test` suites of every module and of the dev root.

They need the `terraform` binary and the hashicorp/aws provider mirror; a user's clone without them skips
with the reason, and CI (`PULSO_REQUIRE_TERRAFORM=1`) fails instead.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT, require


def _provider_mirror() -> str:
    """The mirror folder the Makefile discovers (`make tf-mirror`), empty when there is none."""
    result = subprocess.run(["make", "-s", "--no-print-directory", "tf-mirror"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=300)  # fmt: skip
    return result.stdout.strip()


@pytest.mark.slow
def test_terraform_offline_checks_pass() -> None:
    require(shutil.which("terraform") is not None, "terraform is not on the PATH", "PULSO_REQUIRE_TERRAFORM")
    require(bool(_provider_mirror()), "the hashicorp/aws provider mirror was not found", "PULSO_REQUIRE_TERRAFORM")
    result = subprocess.run(["make", "--no-print-directory", "tf-check"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=1200)  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
