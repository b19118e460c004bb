"""Training checkpoints hold plain data: a crafted one is refused without running anything, a genuine one
resumes to exactly the state of an uninterrupted run; and the one progress line per epoch."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from inference.network import NetworkConfig, SentimentNet
from pulso.config import load_config
from training.checkpoints import CHECKPOINT_FILE, CheckpointError, load_checkpoint
from training.hyperparameters import Hyperparameters
from training.loop import FitResult, Trainer
from training.progress import duration, epoch_line, eta_seconds

FINGERPRINT = "data-and-hyperparameters"


def write_marker(path: str) -> None:
    """What the crafted checkpoint makes the unpickler call."""
    Path(path).write_text("code ran", encoding="utf-8")


class Exploit:
    """Unpickled, calls `write_marker`: the classic code-execution payload of a pickle."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return write_marker, (self.marker,)


def data(rows: int, seed: int) -> tuple[list[list[int]], np.ndarray]:
    rng = np.random.default_rng(seed)
    sequences = [rng.integers(2, 30, size=int(rng.integers(1, 8))).tolist() for _ in range(rows)]
    return sequences, rng.integers(0, 3, size=rows)


def fit(checkpoints: Path, epochs: int, lines: list[str] | None = None) -> FitResult:
    torch.manual_seed(0)  # the same initial weights and dropout generator for every run
    network = SentimentNet(NetworkConfig(vocabulary_size=30, embedding_dim=4, hidden_size=4))
    hyperparameters = Hyperparameters(epochs=epochs, batch_size=8, patience=10, average_top_k=2, seed=3)
    trainer = Trainer(
        network, hyperparameters, data(48, 1), data(16, 2), checkpoints, FINGERPRINT,
        log=(lines.append if lines is not None else lambda _: None),
    )  # fmt: skip
    return trainer.fit()


def crafted_checkpoint(path: Path, marker: Path) -> None:
    """A checkpoint with every expected key, whose progress entry runs code when unpickled."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {"format": 2, "fingerprint": FINGERPRINT, "progress": Exploit(marker), "network": {},
         "dense_optimizer": {}, "embedding_optimizer": None, "torch_rng": torch.get_rng_state()},
        path,
    )  # fmt: skip


def test_a_crafted_checkpoint_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    crafted_checkpoint(tmp_path / "checkpoints" / CHECKPOINT_FILE, marker)
    torch.load(tmp_path / "checkpoints" / CHECKPOINT_FILE, weights_only=False)  # the payload is live:
    assert marker.read_text() == "code ran"
    marker.unlink()

    with pytest.raises(CheckpointError) as refused:
        fit(tmp_path / "checkpoints", epochs=2)
    message = str(refused.value)
    assert "refused" in message
    assert "could run code" in message
    assert "delete it to train from scratch" in message
    assert "\n" not in message
    assert not marker.exists()


def test_a_plain_pickle_payload_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / CHECKPOINT_FILE
    marker = tmp_path / "marker"
    path.write_bytes(pickle.dumps({"progress": Exploit(marker)}, protocol=2))
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(path)
    assert not marker.exists()


def test_corrupt_or_foreign_checkpoints_are_one_line_errors(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CheckpointError, match=r"cannot be read \(\w+\); delete it"):
        load_checkpoint(corrupt)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    with pytest.raises(CheckpointError, match="not a Pulso training checkpoint"):
        load_checkpoint(foreign)


def test_a_genuine_checkpoint_resumes_to_the_uninterrupted_state(tmp_path: Path) -> None:
    uninterrupted = fit(tmp_path / "whole", epochs=4)
    fit(tmp_path / "interrupted", epochs=2)  # "interrupted" after epoch 2, its checkpoint saved
    lines: list[str] = []
    resumed = fit(tmp_path / "interrupted", epochs=4, lines=lines)

    assert resumed.resumed_from_epoch == 2
    assert "resuming from checkpoint after epoch 2" in lines
    assert resumed.averaged_epochs == uninterrupted.averaged_epochs
    assert set(resumed.state) == set(uninterrupted.state)
    for name, tensor in uninterrupted.state.items():
        assert torch.equal(resumed.state[name], tensor), name
    without_time = [(e.epoch, e.train_loss, e.val_macro_recall, e.val_accuracy) for e in uninterrupted.history]
    assert [(e.epoch, e.train_loss, e.val_macro_recall, e.val_accuracy) for e in resumed.history] == without_time
    checkpoint = load_checkpoint(tmp_path / "interrupted" / CHECKPOINT_FILE)  # weights_only=True accepts it
    assert checkpoint["progress"]["epoch"] == 4


def test_the_loop_prints_one_progress_line_per_epoch(tmp_path: Path) -> None:
    lines: list[str] = []
    fit(tmp_path, epochs=3, lines=lines)
    epoch_lines = [line for line in lines if line.startswith("epoch=")]
    assert len(epoch_lines) == len(lines) == 3
    for number, line in enumerate(epoch_lines, start=1):
        assert re.fullmatch(
            rf"epoch={number} train_loss=[0-9.]+ val_macro_recall=[0-9.]+ val_accuracy=[0-9.]+ seconds=[0-9.]+ "
            rf"progress={number}/3 elapsed=[0-9.]+s eta=\w+",
            line,
        ), line
    assert epoch_lines[-1].endswith("eta=0s")


# --- the progress line, as a pure function -----------------------------------------------------------------


def line(**changes: float) -> str:
    values = {"epoch": 3, "max_epochs": 10, "train_loss": 0.512341, "val_macro_recall": 0.61, "val_accuracy": 0.6,
              "epoch_seconds": 12.34, "elapsed_seconds": 37.04, "eta": 86.4} | changes  # fmt: skip
    return epoch_line(**values)  # type: ignore[arg-type]


def test_the_epoch_line_shows_epoch_of_max_loss_metric_elapsed_and_eta() -> None:
    assert line() == (
        "epoch=3 train_loss=0.51234 val_macro_recall=0.61000 val_accuracy=0.60000 seconds=12.3 "
        "progress=3/10 elapsed=37.0s eta=1m26s"
    )
    assert line(epoch=10, eta=0).endswith("progress=10/10 elapsed=37.0s eta=0s")


def test_the_epoch_line_feeds_the_configured_metric_definitions() -> None:
    definitions = {d["Name"]: d["Regex"] for d in load_config().training.metric_definitions}
    epoch_metrics = {name: regex for name, regex in definitions.items() if regex.startswith("epoch=")}
    assert set(epoch_metrics) == {"train:loss", "validation:macro_recall", "validation:accuracy"}
    found = {name: re.search(regex, line()) for name, regex in epoch_metrics.items()}
    assert {name: float(match.group(1)) for name, match in found.items() if match} == {
        "train:loss": 0.51234,
        "validation:macro_recall": 0.61,
        "validation:accuracy": 0.6,
    }


def test_eta_is_the_mean_epoch_time_times_the_epochs_left() -> None:
    assert eta_seconds([10.0, 20.0], remaining_epochs=3) == 45.0
    assert eta_seconds([10.0], remaining_epochs=0) == 0.0
    assert eta_seconds([], remaining_epochs=5) == 0.0


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.4, "0s"), (59.4, "59s"), (60, "1m00s"), (3599, "59m59s"), (7500, "2h05m")]
)
def test_durations_are_short(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown
