"""The sentiment network: GloVe-initialised embeddings, a bidirectional RNN, attention + max pooling.

Shared by training (which builds and fits it) and inference (which rebuilds it from `config.json`), so the
two can never disagree about the architecture.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

PAD_ID = 0
UNK_ID = 1
NUM_CLASSES = 3


@dataclass(frozen=True)
class NetworkConfig:
    """Everything needed to rebuild the network's shape."""

    vocabulary_size: int
    embedding_dim: int
    hidden_size: int = 128
    rnn: str = "lstm"  # lstm | gru
    dropout: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SentimentNet(nn.Module):
    """Token ids -> 3 logits (negative, neutral, positive)."""

    def __init__(self, config: NetworkConfig) -> None:
        super().__init__()
        self.config = config
        # Sparse gradients: an update touches only the rows of the tokens in the batch (SparseAdam).
        self.embedding = nn.Embedding(config.vocabulary_size, config.embedding_dim, padding_idx=PAD_ID, sparse=True)
        rnn_class = {"lstm": nn.LSTM, "gru": nn.GRU}[config.rnn]
        self.rnn = rnn_class(config.embedding_dim, config.hidden_size, batch_first=True, bidirectional=True)
        self.attention = nn.Linear(2 * config.hidden_size, 1)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(4 * config.hidden_size, NUM_CLASSES)

    def forward(self, token_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """`token_ids`: (batch, time) padded with PAD_ID; `lengths`: (batch,) true lengths (>= 1)."""
        embedded = self.dropout(self.embedding(token_ids))
        packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        states, _ = self.rnn(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=token_ids.shape[1])
        mask = token_ids != PAD_ID
        scores = self.attention(states).squeeze(-1).masked_fill(~mask, torch.finfo(states.dtype).min)
        weights = torch.softmax(scores, dim=1).unsqueeze(-1)
        attended = (weights * states).sum(dim=1)
        strongest = states.masked_fill(~mask.unsqueeze(-1), torch.finfo(states.dtype).min).max(dim=1).values
        return self.classifier(self.dropout(torch.cat([attended, strongest], dim=1)))


def pad_batch(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad id sequences into a tensor; empty sequences become a single <unk>."""
    sequences = [sequence or [UNK_ID] for sequence in sequences]
    lengths = torch.tensor([len(sequence) for sequence in sequences], dtype=torch.long)
    batch = torch.full((len(sequences), int(lengths.max())), PAD_ID, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        batch[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
    return batch, lengths
