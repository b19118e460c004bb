"""Code-quality gates that belong to `make test`: ruff clean, and generated files up to date."""

from __future__ import annotations

import ast
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pulso.text._unicode_tables import UNICODE_VERSION
from tests.conftest import REPO_ROOT

RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(command: list[str]) -> None:
    result = subprocess.run([str(RUFF), *command], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unicode_tables_are_generated_from_this_unicode_version() -> None:
    if unicodedata.unidata_version != UNICODE_VERSION:
        pytest.skip(
            f"tables were generated with Unicode {UNICODE_VERSION}, this Python has {unicodedata.unidata_version}"
        )
    script = REPO_ROOT / "tools" / "gen_unicode_tables.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# What a test in tests/unit may not touch: `make test-fast` runs them without the emulated account, Terraform or a
# browser (tests/emulated and tests/integration hold those).
_NOT_IN_UNIT_TESTS = ("moto", "mock_aws", "boto3_session", "aws_credentials", "(aws:", "emulated_account",
                      "require_terraform", "require_chromium", "pulso_local.emulator", "start_account")  # fmt: skip


def test_unit_tests_need_no_emulator_terraform_or_browser() -> None:
    offenders = {
        path.relative_to(REPO_ROOT).as_posix(): [token for token in _NOT_IN_UNIT_TESTS if token in text]
        for path in sorted((REPO_ROOT / "tests" / "unit").glob("*.py"))
        if any(token in (text := path.read_text(encoding="utf-8")) for token in _NOT_IN_UNIT_TESTS)
    }
    assert not offenders, f"move these tests to tests/emulated or tests/integration: {offenders}"


# What spells an S3 key: a partition folder, a per-run object name, or a layout prefix looked up by name.
_KEY_FRAGMENTS = ("run_id=", "ingest_date=")
_KEY_NAMES = {"manifest.json", "summary.json", "report.html", "report.json", "errors.jsonl", "latest.json",
              "sourcedir.tar.gz", "lambdas.zip", "map.json", "embedder.npz", "clusters.json"}  # fmt: skip


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip


def s3_key_spellings(path: Path) -> list[str]:
    """Where a module spells an S3 key itself instead of asking pulso.layout (strings other than docstrings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if any(fragment in node.value for fragment in _KEY_FRAGMENTS) or node.value in _KEY_NAMES:
                found.append(f"{node.lineno}: {node.value[:40]!r}")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "layout":
            found.append(f"{node.lineno}: layout[...]")
    return found


# Still to move to pulso.layout (issue 15, with the definition handing them their paths); nothing may join them.
_NOT_YET_ON_THE_LAYOUT = {"src/glue_jobs/report/job.py", "src/lambdas/record_run.py"}


def test_no_module_but_the_layout_spells_an_s3_key() -> None:
    offenders = {
        path.relative_to(REPO_ROOT).as_posix(): found
        for path in sorted((REPO_ROOT / "src").rglob("*.py"))
        if path != REPO_ROOT / "src" / "pulso" / "layout.py" and (found := s3_key_spellings(path))
    }
    assert set(offenders) <= _NOT_YET_ON_THE_LAYOUT, f"use pulso.layout instead: {offenders}"
