"""Typed hyperparameters with defaults; SageMaker passes every value as a string.

A wrong value or an unknown name is a one-line error naming it (SageMaker's own `sagemaker_*` entries are
ignored). The defaults are the configuration measured in the README's performance section.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


class HyperparameterError(ValueError):
    """A hyperparameter is unknown or has an invalid value."""


@dataclass(frozen=True)
class Hyperparameters:
    epochs: int = 8
    batch_size: int = 64
    learning_rate: float = 0.002
    embedding_learning_rate: float = 0.001
    hidden_size: int = 128
    rnn: str = "lstm"
    dropout: float = 0.5
    token_dropout: float = 0.1
    class_weights: str = "balanced"
    patience: int = 3
    average_top_k: int = 3
    max_tokens: int = 60
    seed: int = 1
    glove_top_words: int = 50_000
    min_token_count: int = 1
    embeddings: str = "auto"
    embeddings_file: str = ""
    num_threads: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# name -> (lowest allowed, highest allowed) for numbers, or the allowed strings
_RULES: dict[str, tuple[float, float] | tuple[str, ...]] = {
    "epochs": (1, 1000),
    "batch_size": (1, 100_000),
    "learning_rate": (1e-7, 10.0),
    "embedding_learning_rate": (0.0, 10.0),
    "hidden_size": (1, 4096),
    "rnn": ("lstm", "gru"),
    "dropout": (0.0, 0.95),
    "token_dropout": (0.0, 0.95),
    "class_weights": ("balanced", "none"),
    "patience": (1, 1000),
    "average_top_k": (1, 100),
    "max_tokens": (1, 10_000),
    "seed": (0, 2**31 - 1),
    "glove_top_words": (0, 10_000_000),
    "min_token_count": (1, 1_000_000),
    "num_threads": (0, 1024),
}


def _convert(name: str, kind: type, raw: str) -> Any:
    text = raw.strip().strip('"')
    value: Any = text
    if kind in (int, float):
        try:
            number = float(text)
        except ValueError:
            raise HyperparameterError(f"hyperparameter {name} must be a number (got {raw!r})") from None
        if kind is int and not number.is_integer():
            raise HyperparameterError(f"hyperparameter {name} must be a whole number (got {raw!r})")
        value = int(number) if kind is int else number
    rule = _RULES.get(name)
    if rule and isinstance(rule[0], str) and value not in rule:
        raise HyperparameterError(f"hyperparameter {name} must be one of {', '.join(rule)} (got {raw!r})")
    if rule and not isinstance(rule[0], str) and not rule[0] <= value <= rule[1]:
        raise HyperparameterError(f"hyperparameter {name} must be between {rule[0]} and {rule[1]} (got {raw!r})")
    return value


def parse_hyperparameters(raw: Mapping[str, str]) -> Hyperparameters:
    """Hyperparameters from SageMaker's string values; unknown names and bad values raise HyperparameterError."""
    known = {field.name: field.type for field in fields(Hyperparameters)}
    kinds = {"int": int, "float": float, "str": str}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name.startswith("sagemaker_"):
            continue
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
            raise HyperparameterError(f"unknown hyperparameter {name!r}{hint}")
        values[name] = _convert(name, kinds[str(known[name])], str(value))
    return Hyperparameters(**values)
