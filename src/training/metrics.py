"""Classification metrics. Macro-recall (the mean of per-class recalls) is the primary metric, as in TweetEval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def confusion_matrix(targets: np.ndarray, predictions: np.ndarray, classes: int) -> np.ndarray:
    """Rows: true class, columns: predicted class."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (targets, predictions), 1)
    return matrix


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def macro_recall(targets: np.ndarray, predictions: np.ndarray, classes: int) -> float:
    matrix = confusion_matrix(targets, predictions, classes)
    present = matrix.sum(axis=1) > 0
    recalls = np.diag(matrix)[present] / matrix.sum(axis=1)[present]
    return float(recalls.mean()) if present.any() else 0.0


def evaluate(targets: np.ndarray, predictions: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    """Macro-recall, macro-F1, accuracy, per-class precision/recall/F1/support, confusion matrix."""
    matrix = confusion_matrix(targets, predictions, len(names))
    per_class = {}
    for index, name in enumerate(names):
        true_positive = matrix[index, index]
        precision = _ratio(true_positive, matrix[:, index].sum())
        recall = _ratio(true_positive, matrix[index, :].sum())
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_class[name] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": int(matrix[index, :].sum()),
        }
    return {
        "macro_recall": round(macro_recall(targets, predictions, len(names)), 4),
        "macro_f1": round(float(np.mean([scores["f1"] for scores in per_class.values()])), 4),
        "accuracy": round(_ratio(np.trace(matrix), matrix.sum()), 4),
        "examples": int(matrix.sum()),
        "per_class": per_class,
        "labels": list(names),
        "confusion_matrix": matrix.tolist(),
    }
