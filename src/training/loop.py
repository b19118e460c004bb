"""The training loop: length-bucketed batches, token dropout, class weights, sparse embedding updates,
early stopping on validation macro-recall, weight averaging of the best epochs, resumable checkpoints.

Randomness is either derived from (seed, epoch) (batch order, token dropout) or saved in the checkpoint
(the torch generator behind dropout), so a run resumed from a checkpoint (managed spot training) ends
exactly where an uninterrupted run would. Checkpoints hold plain data only (`training.checkpoints`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional
from tqdm import tqdm

from inference.network import NUM_CLASSES, UNK_ID, SentimentNet, pad_batch
from training.checkpoints import CHECKPOINT_FILE, CheckpointError, load_checkpoint, save_checkpoint
from training.hyperparameters import Hyperparameters
from training.metrics import macro_recall
from training.progress import epoch_line, eta_seconds

_BUCKET_BATCHES = 50  # batches per length-sorted bucket


@dataclass
class EpochLog:
    epoch: int
    train_loss: float
    val_macro_recall: float
    val_accuracy: float
    seconds: float


@dataclass
class FitResult:
    state: dict[str, torch.Tensor]
    history: list[EpochLog]
    averaged_epochs: list[int]
    resumed_from_epoch: int
    stopped_early: bool
    seconds: float

    def history_dicts(self) -> list[dict[str, Any]]:
        return [asdict(entry) for entry in self.history]


@dataclass
class _Progress:
    """What a checkpoint holds besides weights and optimiser state."""

    epoch: int = 0
    history: list[EpochLog] = field(default_factory=list)
    top: list[tuple[float, int, dict[str, torch.Tensor]]] = field(default_factory=list)
    bad_epochs: int = 0
    best: float = -1.0

    def to_plain(self) -> dict[str, Any]:
        """Numbers, lists, dicts and tensors only: what `torch.load(weights_only=True)` accepts."""
        return {
            "epoch": self.epoch,
            "history": [asdict(entry) for entry in self.history],
            "top": [{"score": score, "epoch": epoch, "state": state} for score, epoch, state in self.top],
            "bad_epochs": self.bad_epochs,
            "best": self.best,
        }

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> _Progress:
        """The inverse of `to_plain` (KeyError, TypeError or ValueError for anything else)."""
        return cls(
            epoch=int(plain["epoch"]),
            history=[EpochLog(**entry) for entry in plain["history"]],
            top=[(float(item["score"]), int(item["epoch"]), dict(item["state"])) for item in plain["top"]],
            bad_epochs=int(plain["bad_epochs"]),
            best=float(plain["best"]),
        )


def class_weights(targets: np.ndarray, classes: int, mode: str) -> torch.Tensor | None:
    """'balanced': weight n / (classes * count) per class, so each class counts equally (0 for absent ones)."""
    if mode == "none":
        return None
    counts = np.bincount(targets, minlength=classes).astype(np.float64)
    weights = np.divide(len(targets), classes * counts, out=np.zeros_like(counts), where=counts > 0)
    return torch.tensor(weights, dtype=torch.float32)


def bucketed_batches(lengths: list[int], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar-length rows (less padding), in shuffled order."""
    order = rng.permutation(len(lengths))
    span = batch_size * _BUCKET_BATCHES
    batches = []
    for start in range(0, len(order), span):
        bucket = order[start : start + span]
        bucket = bucket[np.argsort([lengths[row] for row in bucket], kind="stable")]
        batches.extend(bucket[i : i + batch_size] for i in range(0, len(bucket), batch_size))
    return [batches[index] for index in rng.permutation(len(batches))]


def predict_probabilities(network: SentimentNet, sequences: list[list[int]], batch_size: int = 512) -> np.ndarray:
    """Class probabilities in input order (batches sorted by length internally)."""
    network.eval()
    order = np.argsort([len(sequence) for sequence in sequences], kind="stable")
    result = np.zeros((len(sequences), NUM_CLASSES), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch, lengths = pad_batch([sequences[row] for row in rows])
            result[rows] = torch.softmax(network(batch, lengths), dim=1).numpy()
    return result


class Trainer:
    """Fits a SentimentNet on encoded training data, selecting on validation macro-recall."""

    def __init__(
        self,
        network: SentimentNet,
        hyperparameters: Hyperparameters,
        train: tuple[list[list[int]], np.ndarray],
        validation: tuple[list[list[int]], np.ndarray],
        checkpoint_dir: Path,
        fingerprint: str,
        log: Callable[[str], None] = print,
    ) -> None:
        self.network = network
        self.hp = hyperparameters
        self.train_ids, self.train_targets = train
        self.val_ids, self.val_targets = validation
        self.checkpoint_path = checkpoint_dir / CHECKPOINT_FILE
        self.fingerprint = fingerprint
        self.log = log
        self.loss_weights = class_weights(self.train_targets, NUM_CLASSES, hyperparameters.class_weights)
        dense = [parameter for name, parameter in network.named_parameters() if not name.startswith("embedding.")]
        self.dense_optimizer = torch.optim.Adam(dense, lr=hyperparameters.learning_rate)
        self.embedding_optimizer = None
        if hyperparameters.embedding_learning_rate > 0:
            self.embedding_optimizer = torch.optim.SparseAdam(
                list(network.embedding.parameters()), lr=hyperparameters.embedding_learning_rate
            )
        else:
            network.embedding.weight.requires_grad_(False)

    # --- checkpoints ------------------------------------------------------------------------------------

    def _save_checkpoint(self, progress: _Progress) -> None:
        state = {
            "fingerprint": self.fingerprint,
            "progress": progress.to_plain(),
            "network": self.network.state_dict(),
            "dense_optimizer": self.dense_optimizer.state_dict(),
            "embedding_optimizer": self.embedding_optimizer.state_dict() if self.embedding_optimizer else None,
            "torch_rng": torch.get_rng_state(),
        }
        save_checkpoint(self.checkpoint_path, state)

    def _resume(self) -> _Progress:
        """The progress saved in the checkpoint, with weights, optimiser and generator states restored.

        Raises `CheckpointError` for a file that is not a plain-data Pulso checkpoint (nothing in it is run).
        """
        if not self.checkpoint_path.is_file():
            return _Progress()
        state = load_checkpoint(self.checkpoint_path)
        if state["fingerprint"] != self.fingerprint:
            self.log(f"ignoring {self.checkpoint_path}: it belongs to other data or hyperparameters")
            return _Progress()
        try:
            progress = _Progress.from_plain(state["progress"])
            self.network.load_state_dict(state["network"])
            self.dense_optimizer.load_state_dict(state["dense_optimizer"])
            if self.embedding_optimizer and state["embedding_optimizer"]:
                self.embedding_optimizer.load_state_dict(state["embedding_optimizer"])
            torch.set_rng_state(state["torch_rng"])
        except (KeyError, TypeError, ValueError, RuntimeError) as error:
            raise CheckpointError(
                f"{self.checkpoint_path}: its training state does not fit this run ({type(error).__name__}); "
                "delete it to train from scratch"
            ) from None
        self.log(f"resuming from checkpoint after epoch {progress.epoch}")
        return progress

    # --- training ---------------------------------------------------------------------------------------

    def _train_epoch(self, epoch: int) -> float:
        self.network.train()
        rng = np.random.default_rng([self.hp.seed, epoch])
        dropout_rng = torch.Generator().manual_seed(self.hp.seed * 100_003 + epoch)
        lengths = [len(sequence) for sequence in self.train_ids]
        total_loss = 0.0
        batches = bucketed_batches(lengths, self.hp.batch_size, rng)
        # A progress bar on a terminal; none in SageMaker's (non-TTY) logs, where the epoch lines say enough.
        for rows in tqdm(batches, desc=f"epoch {epoch}", unit="batch", leave=False, disable=None, file=sys.stderr):
            batch, batch_lengths = pad_batch([self.train_ids[row] for row in rows])
            if self.hp.token_dropout > 0:
                dropped = (torch.rand(batch.shape, generator=dropout_rng) < self.hp.token_dropout) & (batch > UNK_ID)
                batch = batch.masked_fill(dropped, UNK_ID)
            targets = torch.from_numpy(self.train_targets[rows])
            self.dense_optimizer.zero_grad()
            if self.embedding_optimizer:
                self.embedding_optimizer.zero_grad()
            loss = functional.cross_entropy(self.network(batch, batch_lengths), targets, weight=self.loss_weights)
            loss.backward()
            self.dense_optimizer.step()
            if self.embedding_optimizer:
                self.embedding_optimizer.step()
            total_loss += loss.item() * len(rows)
        return total_loss / max(len(self.train_ids), 1)

    def fit(self) -> FitResult:
        started = time.perf_counter()
        progress = self._resume()
        resumed_from = progress.epoch
        durations: list[float] = []
        for epoch in range(progress.epoch + 1, self.hp.epochs + 1):
            if progress.bad_epochs >= self.hp.patience:
                break  # early stopping: no validation improvement for `patience` epochs
            epoch_started = time.perf_counter()
            loss = self._train_epoch(epoch)
            predictions = predict_probabilities(self.network, self.val_ids).argmax(axis=1)
            score = macro_recall(self.val_targets, predictions, NUM_CLASSES)
            accuracy = float((predictions == self.val_targets).mean())
            entry = EpochLog(epoch, round(loss, 5), round(score, 5), round(accuracy, 5),
                             round(time.perf_counter() - epoch_started, 2))  # fmt: skip
            progress.history.append(entry)
            self._keep_if_top(progress, score, epoch)
            if score > progress.best:
                progress.best, progress.bad_epochs = score, 0
            else:
                progress.bad_epochs += 1
            progress.epoch = epoch
            self._save_checkpoint(progress)
            durations.append(time.perf_counter() - epoch_started)
            remaining = 0 if progress.bad_epochs >= self.hp.patience else self.hp.epochs - epoch
            self.log(
                epoch_line(
                    epoch=epoch, max_epochs=self.hp.epochs, train_loss=loss, val_macro_recall=score,
                    val_accuracy=accuracy, epoch_seconds=entry.seconds, elapsed_seconds=time.perf_counter() - started,
                    eta=eta_seconds(durations, remaining),
                )
            )  # fmt: skip
        averaged = sorted(epoch for _, epoch, _ in progress.top)
        return FitResult(
            state=_average([state for _, _, state in progress.top]),
            history=progress.history,
            averaged_epochs=averaged,
            resumed_from_epoch=resumed_from,
            stopped_early=progress.epoch < self.hp.epochs,
            seconds=time.perf_counter() - started,
        )

    def _keep_if_top(self, progress: _Progress, score: float, epoch: int) -> None:
        """Keep the weights of the `average_top_k` best epochs (by validation macro-recall)."""
        snapshot = {name: tensor.detach().clone() for name, tensor in self.network.state_dict().items()}
        progress.top.append((score, epoch, snapshot))
        progress.top.sort(key=lambda item: (-item[0], item[1]))
        del progress.top[self.hp.average_top_k :]


def _average(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of several weight sets (a single network, unlike an ensemble)."""
    return {name: torch.stack([state[name].float() for state in states]).mean(dim=0) for name in states[0]}
