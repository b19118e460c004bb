"""Message embeddings for topics, with NumPy only, so every job and Lambda can embed without scikit-learn.

Two kinds, chosen by `topics.embedding` (the discovery job fits one; an approved topic map keeps it):
- `glove_mean`: the mean of the pretrained word vectors of a message's content tokens (a fixed space; unknown
  words are skipped);
- `tfidf_svd`: sublinear TF-IDF over content tokens, L2-normalised, projected on truncated-SVD components (the
  discovery job fits them with scikit-learn; `transform` here reproduces scikit-learn's output).

Embeddings are L2-normalised rows, so a dot product is a cosine similarity. A message without a known token
gets a zero row and `embedded = False`. An embedder round-trips through `to_bytes`/`from_bytes` (an `.npz`
archive, no pickles).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Union

import numpy as np

GLOVE_MEAN, TFIDF_SVD = "glove_mean", "tfidf_svd"
_CHUNK = 20_000  # messages embedded at a time (bounds the memory of the scatter-add)


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _weighted_sum(
    token_lists: Sequence[Sequence[str]],
    index: dict[str, int],
    weight_of: Callable[[Sequence[str], dict[str, int]], list[tuple[int, float]]],
    basis: np.ndarray,
) -> np.ndarray:
    """Per message, the sum of `weight * basis[row]` over its known tokens (chunked scatter-add)."""
    result = np.zeros((len(token_lists), basis.shape[1]), dtype=np.float64)
    for start in range(0, len(token_lists), _CHUNK):
        rows: list[int] = []
        columns: list[int] = []
        weights: list[float] = []
        for offset, tokens in enumerate(token_lists[start : start + _CHUNK]):
            for column, weight in weight_of(tokens, index):
                rows.append(start + offset)
                columns.append(column)
                weights.append(weight)
        if rows:
            np.add.at(result, np.asarray(rows), basis[np.asarray(columns)] * np.asarray(weights)[:, None])
    return result


def _coverage(token_lists: Sequence[Sequence[str]], vocabulary: set[str]) -> float:
    total = sum(len(tokens) for tokens in token_lists)
    known = sum(1 for tokens in token_lists for token in tokens if token in vocabulary)
    return known / total if total else 0.0


@dataclass(frozen=True)
class GloveMeanEmbedder:
    """Mean of pretrained word vectors over the known content tokens."""

    words: tuple[str, ...]
    vectors: np.ndarray  # (len(words), dimension), float32
    source: str

    kind = GLOVE_MEAN

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, token_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(L2-normalised embeddings float32, embedded mask) for lists of content tokens."""
        index = {word: row for row, word in enumerate(self.words)}

        def weights(tokens: Sequence[str], lookup: dict[str, int]) -> list[tuple[int, float]]:
            known = [lookup[token] for token in tokens if token in lookup]
            return [(row, 1.0 / len(known)) for row in known]

        summed = _weighted_sum(token_lists, index, weights, self.vectors.astype(np.float64))
        return _normalise_rows(summed).astype(np.float32), np.linalg.norm(summed, axis=1) > 0

    def coverage(self, token_lists: Sequence[Sequence[str]]) -> float:
        """Share of content tokens that have a vector."""
        return _coverage(token_lists, set(self.words))


@dataclass(frozen=True)
class TfidfSvdEmbedder:
    """Sublinear TF-IDF (smooth idf, L2 norm) projected on truncated-SVD components."""

    terms: tuple[str, ...]
    idf: np.ndarray  # (len(terms),)
    components: np.ndarray  # (dimension, len(terms))
    source: str

    kind = TFIDF_SVD

    @property
    def dimension(self) -> int:
        return int(self.components.shape[0])

    def tfidf_weights(self, tokens: Sequence[str], index: dict[str, int]) -> list[tuple[int, float]]:
        """(term column, L2-normalised 1 + log(count) times idf) for a message's known terms."""
        counts: dict[int, int] = {}
        for token in tokens:
            column = index.get(token)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        weighted = [(column, (1.0 + np.log(count)) * float(self.idf[column])) for column, count in counts.items()]
        norm = float(np.sqrt(sum(weight * weight for _, weight in weighted)))
        return [(column, weight / norm) for column, weight in weighted] if norm > 0 else []

    def embed(self, token_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(L2-normalised embeddings float32, embedded mask) for lists of content tokens."""
        index = {term: column for column, term in enumerate(self.terms)}
        projected = _weighted_sum(token_lists, index, self.tfidf_weights, self.components.T.astype(np.float64))
        return _normalise_rows(projected).astype(np.float32), np.linalg.norm(projected, axis=1) > 0

    def coverage(self, token_lists: Sequence[Sequence[str]]) -> float:
        """Share of content tokens in the TF-IDF vocabulary."""
        return _coverage(token_lists, set(self.terms))


Embedder = Union[GloveMeanEmbedder, TfidfSvdEmbedder]


def to_bytes(embedder: Embedder) -> bytes:
    """The embedder as an .npz archive (strings as unicode arrays, no pickles)."""
    buffer = io.BytesIO()
    if isinstance(embedder, GloveMeanEmbedder):
        arrays = {"words": np.asarray(embedder.words, dtype=str), "vectors": embedder.vectors.astype(np.float32)}
    else:
        arrays = {
            "terms": np.asarray(embedder.terms, dtype=str),
            "idf": embedder.idf.astype(np.float64),
            "components": embedder.components.astype(np.float64),
        }
    np.savez_compressed(buffer, kind=np.asarray(embedder.kind), source=np.asarray(embedder.source), **arrays)
    return buffer.getvalue()


def from_bytes(data: bytes) -> Embedder:
    """An embedder written by `to_bytes`; ValueError for anything else."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            kind, source = str(archive["kind"]), str(archive["source"])
            if kind == GLOVE_MEAN:
                return GloveMeanEmbedder(tuple(archive["words"].tolist()), archive["vectors"], source)
            if kind == TFIDF_SVD:
                return TfidfSvdEmbedder(tuple(archive["terms"].tolist()), archive["idf"], archive["components"], source)
    except (OSError, KeyError, EOFError, ValueError) as error:  # np.load refuses pickles with a ValueError
        raise ValueError(f"not an embedder archive: {error}") from None
    raise ValueError(f"unknown embedder kind {kind!r} (known: {GLOVE_MEAN}, {TFIDF_SVD})")
