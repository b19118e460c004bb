"""The Makefile's promises: `make clean` removes caches, never the workspace (runs, model registry)."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def _recipe(target: str) -> str:
    text = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*?\n((?:\t.*\n)+)", text, flags=re.MULTILINE)
    assert match, f"no recipe for {target}"
    return match.group(1)


def test_clean_keeps_the_workspace() -> None:
    """The defect: `make clean` deleted `.pulso` (the model registry and the run history) while its help said
    "caches and local outputs"."""
    assert ".pulso" not in _recipe("clean")


def test_deleting_the_workspace_is_its_own_confirmed_target() -> None:
    recipe = _recipe("clean-workspace")
    assert "pulso workspace delete" in recipe
    assert "--yes" not in recipe, "the user confirms"


def test_setup_says_how_to_get_pulso_on_the_path() -> None:
    assert "source .venv/bin/activate" in _recipe("setup")
