"""Training checkpoints as plain data: tensors, numbers, strings, lists and dicts, nothing else.

A checkpoint is read with `torch.load(weights_only=True)`, whose unpickler builds only those types, so a
crafted file can never run code when it is loaded: it is refused with a one-line `CheckpointError`.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import torch

CHECKPOINT_FILE = "checkpoint.pt"
FORMAT = 2  # 1: the pickled `_Progress` object of earlier releases (not loadable with weights_only=True)
_KEYS = frozenset(
    {"format", "fingerprint", "progress", "network", "dense_optimizer", "embedding_optimizer", "torch_rng"}
)


class CheckpointError(Exception):
    """A checkpoint file cannot be resumed from safely (not plain data, corrupt, or not a Pulso checkpoint)."""


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write `state` (plain data only) atomically: a job interrupted mid-write leaves the previous checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    torch.save({"format": FORMAT, **state}, temporary)
    temporary.replace(path)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """The checkpoint's state, loaded without unpickling anything but tensors and plain containers."""
    hint = "delete it to train from scratch"
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(
            f"{path}: refused: it holds Python objects besides tensors and plain data, and loading those "
            f"could run code (a crafted file, or a checkpoint of an older release); {hint}"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as error:
        raise CheckpointError(f"{path}: cannot be read ({type(error).__name__}); {hint}") from None
    if not isinstance(state, dict) or set(state) != _KEYS or state["format"] != FORMAT:
        raise CheckpointError(f"{path}: not a Pulso training checkpoint (format {FORMAT}); {hint}")
    return state
