"""The moto internals the emulator wraps still exist (a moto upgrade must fail here, not run nothing)."""

from __future__ import annotations

from importlib.metadata import version

from pulso_local import emulator
from tests.conftest import REPO_ROOT


def test_the_wrapped_moto_internals_exist() -> None:
    assert emulator.missing_internals() == []


def test_moto_is_the_pinned_version() -> None:
    pinned = next(
        line for line in (REPO_ROOT / "requirements.lock").read_text().splitlines() if line.startswith("moto==")
    )
    assert version("moto") == pinned.split("==")[1]
