"""Terraform offline checks (`make tf-check`): fmt, init against the provider mirror, validate and the native
`terraform test` suites of every module and of the dev root.

They need the `terraform` binary and the hashicorp/aws provider mirror; a user's clone without them skips
with the reason, and CI (`PULSO_REQUIRE_TERRAFORM=1`) fails instead.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import REPO_ROOT, require_terraform


@pytest.mark.slow
def test_terraform_offline_checks_pass() -> None:
    require_terraform()
    result = subprocess.run(["make", "--no-print-directory", "tf-check"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=1200)  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
