"""The model's vocabulary and its initial embedding matrix.

Vocabulary: training tokens seen at least `min_token_count` times (most frequent first), then the most
frequent pretrained words, so frequent words that training never saw still get a meaningful vector.
Rows with a pretrained vector start from it; the others (special tokens such as <user>, emoji, slang) start
random with the pretrained vectors' spread; <pad> is zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from inference.network import PAD_ID
from inference.vocabulary import Vocabulary
from pulso.embeddings import Embeddings


def build_vocabulary(train_tokens: Sequence[Sequence[str]], min_token_count: int, embeddings: Embeddings) -> Vocabulary:
    counts = Counter(token for tokens in train_tokens for token in tokens)
    frequent = [token for token, count in counts.most_common() if count >= min_token_count]
    return Vocabulary([*frequent, *embeddings.words])


def embedding_matrix(vocabulary: Vocabulary, embeddings: Embeddings, seed: int) -> tuple[np.ndarray, int]:
    """The initial matrix and how many vocabulary rows got a pretrained vector."""
    rng = np.random.default_rng(seed)
    spread = float(embeddings.vectors.std())
    matrix = rng.normal(0.0, spread, (len(vocabulary), embeddings.dimension)).astype(np.float32)
    matrix[PAD_ID] = 0.0
    pretrained = embeddings.index()
    hits = 0
    for token, row in vocabulary.ids.items():
        source_row = pretrained.get(token)
        if source_row is not None:
            matrix[row] = embeddings.vectors[source_row]
            hits += 1
    return matrix, hits


def coverage(token_lists: Sequence[Sequence[str]], words_with_vectors: set[str]) -> dict[str, float]:
    """Share of token occurrences, and of distinct tokens, that have a pretrained vector."""
    counts = Counter(token for tokens in token_lists for token in tokens)
    total = sum(counts.values())
    covered = sum(count for token, count in counts.items() if token in words_with_vectors)
    types_covered = sum(1 for token in counts if token in words_with_vectors)
    return {
        "tokens": round(covered / total, 4) if total else 0.0,
        "types": round(types_covered / len(counts), 4) if counts else 0.0,
        "token_count": total,
        "type_count": len(counts),
    }
