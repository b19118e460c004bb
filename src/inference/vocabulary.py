"""Token <-> id mapping shared by training and inference; tokens come from the shared normaliser."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from inference.network import PAD_ID, UNK_ID

PAD = "<pad>"
UNK = "<unk>"


class Vocabulary:
    """Ids 0 and 1 are <pad> and <unk>; the rest follow the order given."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens: list[str] = [PAD, UNK]
        self.ids: dict[str, int] = {PAD: PAD_ID, UNK: UNK_ID}
        for token in tokens:
            if token not in self.ids:
                self.ids[token] = len(self.tokens)
                self.tokens.append(token)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.ids

    def encode(self, tokens: Sequence[str], max_tokens: int) -> list[int]:
        """Ids of the first `max_tokens` tokens, unknown ones as <unk>."""
        get = self.ids.get
        return [get(token, UNK_ID) for token in tokens[:max_tokens]]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.tokens, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        tokens = json.loads(path.read_text(encoding="utf-8"))
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(f"{path}: not a Pulso vocabulary (it must start with {PAD}, {UNK})")
        return cls(tokens[2:])
