"""`data/make_samples.py` and its phrase banks still write the committed sample files, byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

DATA = REPO_ROOT / "data"
BANKS = sorted((DATA / "sample_banks").glob("*.json"))
SAMPLES = ("sample_labelled.csv", "sample_unlabelled.jsonl")


def test_the_generator_rewrites_the_committed_samples(tmp_path: Path) -> None:
    """Editing a bank or the generator changes the samples: regenerate them (`make samples`) in the same change."""
    result = subprocess.run([sys.executable, str(DATA / "make_samples.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in SAMPLES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs: run `make samples`"


def _empty_entries(value: object, where: str) -> list[str]:
    """Paths of the blank strings and empty lists or objects inside `value`."""
    if isinstance(value, str):
        return [] if value.strip() else [where]
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        found = [] if value else [where]
        for key, item in items:
            found += _empty_entries(key, f"{where} key") if isinstance(key, str) else []
            found += _empty_entries(item, f"{where}/{key}")
        return found
    return []


def test_there_are_bank_files() -> None:
    assert {path.stem for path in BANKS} >= {"brands", "slots", "core_sentences", "wrappers", "noise", "hard_messages"}


@pytest.mark.parametrize("path", BANKS, ids=lambda path: path.name)
def test_every_bank_parses_and_has_no_empty_entries(path: Path) -> None:
    bank = json.loads(path.read_text(encoding="utf-8"))
    assert _empty_entries(bank, path.name) == []
