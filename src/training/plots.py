"""PNG plots for people: the confusion matrix and the learning curves."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator


def confusion_matrix_png(matrix: Sequence[Sequence[int]], labels: Sequence[str], title: str, path: Path) -> Path:
    """Rows: true label, columns: predicted label; cells show counts and the share of the row."""
    figure, axes = plt.subplots(figsize=(5, 4.2), dpi=120)
    totals = [max(sum(row), 1) for row in matrix]
    shares = [[count / total for count in row] for row, total in zip(matrix, totals, strict=True)]
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    for row, values in enumerate(matrix):
        for column, count in enumerate(values):
            share = shares[row][column]
            axes.text(column, row, f"{count}\n{share:.0%}", ha="center", va="center",
                      color="white" if share > 0.6 else "black", fontsize=9)  # fmt: skip
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title)
    figure.colorbar(image, ax=axes, fraction=0.046, label="share of the true label")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def learning_curves_png(history: Sequence[dict[str, Any]], averaged_epochs: Sequence[int], path: Path) -> Path:
    """Training loss and validation macro-recall per epoch; the averaged epochs are marked."""
    epochs = [entry["epoch"] for entry in history]
    figure, loss_axes = plt.subplots(figsize=(6, 3.6), dpi=120)
    loss_axes.plot(epochs, [entry["train_loss"] for entry in history], "o-", color="tab:red", label="training loss")
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("training loss", color="tab:red")
    recall_axes = loss_axes.twinx()
    recall_axes.plot(epochs, [entry["val_macro_recall"] for entry in history], "s-", color="tab:blue",
                     label="validation macro-recall")  # fmt: skip
    for epoch in averaged_epochs:
        recall_axes.axvline(epoch, color="tab:blue", alpha=0.15, linewidth=6)
    recall_axes.set_ylabel("validation macro-recall", color="tab:blue")
    loss_axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    loss_axes.set_title("Learning curves (shaded: epochs averaged into the model)", fontsize=10)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
