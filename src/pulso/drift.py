"""Drift: how the messages a model predicts differ from the data it was trained on.

A profile summarises a set of messages: how many, the label mix (given labels for training data, predicted
labels for a run), mean tokens per message (the shared normaliser's tokens, as the model sees them), the
out-of-vocabulary rate against the model's vocabulary, and the language mix (the ETL's `lang`; none is
"unknown"). Training writes the reference profile into evaluation.json (`data_profile`); every run that predicts
builds the current profile and compares the two against the thresholds of `pipeline.drift` in the configuration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

UNKNOWN_LANGUAGE = "unknown"
OK, WARNING = "ok", "warning"


@dataclass(frozen=True)
class DataProfile:
    """Summary statistics of a set of messages."""

    messages: int
    label_mix: dict[str, float]
    mean_tokens: float
    oov_rate: float | None
    language_mix: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DataProfile:
        oov = data.get("oov_rate")
        return cls(
            messages=int(data["messages"]),
            label_mix={str(k): float(v) for k, v in dict(data["label_mix"]).items()},
            mean_tokens=float(data["mean_tokens"]),
            oov_rate=None if oov is None else float(oov),
            language_mix={str(k): float(v) for k, v in dict(data["language_mix"]).items()},
        )


@dataclass(frozen=True)
class DriftThresholds:
    """Largest tolerated difference per check (configuration `pipeline.drift`)."""

    label_mix: float
    oov_rate_increase: float
    mean_tokens_change: float
    language_mix: float


def _shares(values: Iterable[str], names: Sequence[str] = ()) -> dict[str, float]:
    counts = Counter(values)
    total = sum(counts.values())
    keys = list(names) + sorted(key for key in counts if key not in names)
    return {key: round(counts.get(key, 0) / total, 4) if total else 0.0 for key in keys}


def oov_rate(token_lists: Iterable[Sequence[str]], vocabulary: Container[str]) -> float | None:
    """Share of tokens not in `vocabulary`; None when there are no tokens."""
    total = unknown = 0
    for tokens in token_lists:
        total += len(tokens)
        unknown += sum(1 for token in tokens if token not in vocabulary)
    return round(unknown / total, 4) if total else None


def build_profile(
    token_lists: Sequence[Sequence[str]],
    labels: Iterable[str],
    languages: Iterable[str | None],
    label_names: Sequence[str],
    oov: float | None,
) -> DataProfile:
    """The profile of one set of messages: `labels` are label names (given or predicted), one per message."""
    messages = len(token_lists)
    return DataProfile(
        messages=messages,
        label_mix=_shares(labels, label_names),
        mean_tokens=round(sum(len(tokens) for tokens in token_lists) / messages, 3) if messages else 0.0,
        oov_rate=oov,
        language_mix=_shares(language or UNKNOWN_LANGUAGE for language in languages),
    )


def total_variation(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    """Total variation distance between two share vectors: half the sum of absolute differences (0..1)."""
    keys = set(first) | set(second)
    return round(0.5 * sum(abs(first.get(key, 0.0) - second.get(key, 0.0)) for key in keys), 4)


def _check(name: str, description: str, value: float | None, threshold: float) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "value": value,
        "threshold": threshold,
        "breached": value is not None and value > threshold,
    }


def compare(
    current: DataProfile, reference: DataProfile, thresholds: DriftThresholds, model_version: str | None
) -> dict[str, Any]:
    """The drift report of a run: each check's value against its threshold, and both profiles."""
    oov_increase = (
        None
        if current.oov_rate is None or reference.oov_rate is None
        else round(current.oov_rate - reference.oov_rate, 4)
    )
    tokens_change = (
        round(abs(current.mean_tokens - reference.mean_tokens) / reference.mean_tokens, 4)
        if reference.mean_tokens
        else None
    )
    checks = [
        _check(
            "label_mix",
            "total variation distance between the predicted label mix and the training label mix",
            total_variation(current.label_mix, reference.label_mix),
            thresholds.label_mix,
        ),
        _check(
            "oov_rate",
            "increase of the out-of-vocabulary token rate over the model's held-out data",
            oov_increase,
            thresholds.oov_rate_increase,
        ),
        _check(
            "mean_tokens",
            "relative change of the mean number of tokens per message",
            tokens_change,
            thresholds.mean_tokens_change,
        ),
        _check(
            "language_mix",
            "total variation distance between the language mix and the training language mix",
            total_variation(current.language_mix, reference.language_mix),
            thresholds.language_mix,
        ),
    ]
    return {
        "status": WARNING if any(check["breached"] for check in checks) else OK,
        "model_version": model_version,
        "checks": checks,
        "current": current.to_dict(),
        "reference": reference.to_dict(),
    }


def warnings(drift: Mapping[str, Any]) -> list[str]:
    """One line per breached check, e.g. `label_mix 0.2100 > 0.1500`."""
    return [
        f"{check['name']} {check['value']:.4f} > {check['threshold']:.4f}"
        for check in drift.get("checks", [])
        if check.get("breached")
    ]
