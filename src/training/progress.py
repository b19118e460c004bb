"""The training progress line: one per epoch, readable in non-terminal logs (SageMaker, CloudWatch).

It starts with the `epoch=N train_loss=... val_macro_recall=... val_accuracy=...` fields that the configured
MetricDefinitions (`training.metric_definitions` in pulso.json) read, then adds where the run stands:
`progress=N/MAX elapsed=... eta=...`.
"""

from __future__ import annotations

from collections.abc import Sequence


def eta_seconds(epoch_seconds: Sequence[float], remaining_epochs: int) -> float:
    """Seconds the remaining epochs should take, at the mean duration of the epochs run so far."""
    if remaining_epochs <= 0 or not epoch_seconds:
        return 0.0
    return sum(epoch_seconds) / len(epoch_seconds) * remaining_epochs


def duration(seconds: float) -> str:
    """`42s`, `3m07s`, `2h05m`: a duration short enough for a log line."""
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def epoch_line(
    *,
    epoch: int,
    max_epochs: int,
    train_loss: float,
    val_macro_recall: float,
    val_accuracy: float,
    epoch_seconds: float,
    elapsed_seconds: float,
    eta: float,
) -> str:
    """The line printed after an epoch; `eta` is 0 when no epoch remains (the last one, or early stopping)."""
    return (
        f"epoch={epoch} train_loss={train_loss:.5f} val_macro_recall={val_macro_recall:.5f} "
        f"val_accuracy={val_accuracy:.5f} seconds={epoch_seconds:.1f} "
        f"progress={epoch}/{max_epochs} elapsed={elapsed_seconds:.1f}s eta={duration(eta)}"
    )
