"""Batch prediction: raw messages in, one prediction (or error record) per message out, in order.

The same `SentimentPredictor.predict` serves the SageMaker handler, the local runtime and any Python caller.
Texts are normalised with the shared normaliser, so serving sees exactly the tokens training saw.

Support priority (0-100, higher = answer first): `priority = 50 * (1 + p_negative - p_positive)`, i.e. the
expected sentiment mapped onto 0..100 and reversed. A confidently negative message scores near 100, a
neutral one 50, a confidently positive one near 0; among negative predictions the more confident and the less
ambiguous (low p_positive) come first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from inference.network import NetworkConfig, SentimentNet, pad_batch
from inference.vocabulary import Vocabulary
from pulso.text import normalise

WEIGHTS_FILE = "model.pt"
VOCABULARY_FILE = "vocab.json"
CONFIG_FILE = "config.json"
MODEL_VERSION_ENV = "PULSO_MODEL_VERSION"
THREADS_ENV = "PULSO_INFERENCE_THREADS"
ERROR_KEY = "_error"  # set by input parsing on records that could not be read


def priority_score(p_negative: float, p_positive: float) -> float:
    """Support priority in [0, 100]: 100 = certainly negative, 50 = neutral, 0 = certainly positive."""
    return round(50.0 * (1.0 + p_negative - p_positive), 2)


@dataclass(frozen=True)
class LabelClass:
    value: int
    name: str


class SentimentPredictor:
    """A trained model ready to predict: network, vocabulary, labels and version."""

    def __init__(
        self,
        network: SentimentNet,
        vocabulary: Vocabulary,
        labels: Sequence[LabelClass],
        max_tokens: int,
        model_version: str,
        batch_size: int = 256,
    ) -> None:
        self.network = network.eval()
        self.vocabulary = vocabulary
        self.labels = list(labels)
        self.max_tokens = max_tokens
        self.model_version = model_version
        self.batch_size = batch_size

    @classmethod
    def load(cls, model_dir: str | os.PathLike[str]) -> SentimentPredictor:
        """Load from a model directory (the unpacked model.tar.gz)."""
        root = Path(model_dir)
        config = json.loads((root / CONFIG_FILE).read_text(encoding="utf-8"))
        network = SentimentNet(NetworkConfig(**config["network"]))
        network.load_state_dict(torch.load(root / WEIGHTS_FILE, map_location="cpu", weights_only=True))
        network.eval()
        threads = int(os.environ.get(THREADS_ENV, "0") or 0)
        if threads > 0:
            torch.set_num_threads(threads)
        return cls(
            network=network,
            vocabulary=Vocabulary.load(root / VOCABULARY_FILE),
            labels=[LabelClass(label["value"], label["name"]) for label in config["labels"]],
            max_tokens=int(config["max_tokens"]),
            model_version=os.environ.get(MODEL_VERSION_ENV) or str(config["model_id"]),
        )

    def probabilities(self, token_ids: Sequence[list[int]]) -> torch.Tensor:
        """Class probabilities for encoded messages, batched by similar length (less padding)."""
        order = sorted(range(len(token_ids)), key=lambda index: len(token_ids[index]))
        result = torch.empty((len(token_ids), len(self.labels)))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                batch, lengths = pad_batch([token_ids[row] for row in rows])
                result[rows] = torch.softmax(self.network(batch, lengths), dim=1)
        return result

    def predict(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """One output per input record, in order: a prediction, or an error record for a bad input."""
        outputs: list[dict[str, Any] | None] = [None] * len(records)
        pending: list[tuple[int, Any]] = []
        encoded: list[list[int]] = []
        for index, record in enumerate(records):
            message_id = record.get("message_id")
            problem = record.get(ERROR_KEY) or _text_problem(record.get("text"))
            tokens = [] if problem else normalise(record["text"]).split()
            if not problem and not tokens:
                problem = "nothing is left of the text after normalisation"
            if problem:
                outputs[index] = {"message_id": message_id, "error": problem, "model_version": self.model_version}
                continue
            pending.append((index, message_id))
            encoded.append(self.vocabulary.encode(tokens, self.max_tokens))
        if encoded:
            probabilities = self.probabilities(encoded).tolist()
            for (index, message_id), probs in zip(pending, probabilities, strict=True):
                outputs[index] = self._prediction(message_id, probs)
        return [output for output in outputs if output is not None]

    def _prediction(self, message_id: Any, probs: list[float]) -> dict[str, Any]:
        best = max(range(len(probs)), key=probs.__getitem__)
        by_name = {label.name: probability for label, probability in zip(self.labels, probs, strict=True)}
        return {
            "message_id": message_id,
            "label": self.labels[best].value,
            "label_name": self.labels[best].name,
            "p_negative": round(by_name["negative"], 6),
            "p_neutral": round(by_name["neutral"], 6),
            "p_positive": round(by_name["positive"], 6),
            "confidence": round(probs[best], 6),
            "priority": priority_score(by_name["negative"], by_name["positive"]),
            "model_version": self.model_version,
        }


def _text_problem(text: object) -> str | None:
    if text is None:
        return "missing text"
    if not isinstance(text, str):
        return f"text must be a string, got {type(text).__name__}"
    if not text.strip():
        return "empty text"
    return None
