"""The inference handler and the batch predictor, on a small model written in the real model layout."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

import inference
from inference.network import NetworkConfig, SentimentNet
from inference.predictor import MODEL_VERSION_ENV, SentimentPredictor, priority_score
from inference.vocabulary import Vocabulary
from pulso.config import load_config
from training.model_package import pack_model, unpack_model, write_model_dir

LABELS = [{"value": label.value, "name": label.name} for label in load_config().labels.classes]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small untrained network in the exact layout the training job writes."""
    torch.manual_seed(0)
    vocabulary = Vocabulary(["<user>", "i", "love", "hate", "this", "!", "<repeat>", "😡", "¡", "qué"])
    config = NetworkConfig(vocabulary_size=len(vocabulary), embedding_dim=8, hidden_size=4)
    network = SentimentNet(config)
    root = tmp_path_factory.mktemp("model")
    model_config = {"model_id": "test-model-1", "max_tokens": 60, "labels": LABELS}
    write_model_dir(root, network.state_dict(), config, vocabulary, model_config, {"metrics": {}})
    return root


@pytest.fixture(scope="module")
def predictor(model_dir: Path) -> SentimentPredictor:
    return inference.model_fn(str(model_dir))


def jsonl(*records: object) -> str:
    return "".join((record if isinstance(record, str) else json.dumps(record)) + "\n" for record in records)


def test_one_output_line_per_input_line_in_order(predictor: SentimentPredictor) -> None:
    body = jsonl(
        {"message_id": "a", "text": "I love this!!!"},
        "{not json",
        {"message_id": "c"},
        {"message_id": "d", "text": "   "},
        [1, 2],
        {"message_id": "f", "text": "¡Qué mal servicio! 😡"},
        {"message_id": 7, "text": 42},
        {"message_id": "h", "text": "\u200b"},
    )
    records = inference.input_fn(body.encode(), "application/jsonlines")
    output = inference.output_fn(inference.predict_fn(records, predictor), "application/jsonlines")
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == 8
    assert [line.get("message_id") for line in lines] == ["a", None, "c", "d", None, "f", 7, "h"]
    errors = [line.get("error") for line in lines]
    assert errors[0] is None
    assert errors[5] is None
    assert errors[1].startswith("record 2: not JSON")
    assert errors[2] == "missing text"
    assert errors[3] == "empty text"
    assert errors[4] == "record 5: a JSON list, not an object"
    assert errors[6] == "text must be a string, got int"
    assert errors[7] == "nothing is left of the text after normalisation"
    assert all(line["model_version"] == "test-model-1" for line in lines)


def test_prediction_fields_are_consistent(predictor: SentimentPredictor) -> None:
    (prediction,) = predictor.predict([{"message_id": "x", "text": "@user I hate this"}])
    probabilities = [prediction["p_negative"], prediction["p_neutral"], prediction["p_positive"]]
    assert abs(sum(probabilities) - 1) < 1e-4
    assert prediction["confidence"] == max(probabilities)
    assert prediction["label"] == [-1, 0, 1][probabilities.index(max(probabilities))]
    assert prediction["label_name"] == ["negative", "neutral", "positive"][probabilities.index(max(probabilities))]
    assert prediction["priority"] == priority_score(prediction["p_negative"], prediction["p_positive"])
    assert set(prediction) == {
        "message_id", "label", "label_name", "p_negative", "p_neutral", "p_positive", "confidence", "priority",
        "model_version",
    }  # fmt: skip


def test_priority_puts_confident_negatives_first() -> None:
    assert priority_score(1.0, 0.0) == 100.0
    assert priority_score(0.0, 0.0) == 50.0
    assert priority_score(0.0, 1.0) == 0.0
    assert priority_score(0.9, 0.05) > priority_score(0.6, 0.05) > priority_score(0.6, 0.35)


def test_batches_give_the_same_answers_as_single_messages(predictor: SentimentPredictor) -> None:
    texts = ["i love this", "i hate this !!!", "qué", "@user @user love love love", "x"]
    batch = predictor.predict([{"message_id": str(i), "text": text} for i, text in enumerate(texts)])
    singles = [predictor.predict([{"message_id": str(i), "text": text}])[0] for i, text in enumerate(texts)]
    for together, alone in zip(batch, singles, strict=True):
        assert together["label"] == alone["label"]
        assert together["p_negative"] == pytest.approx(alone["p_negative"], abs=1e-5)


def test_content_types(predictor: SentimentPredictor) -> None:
    single = inference.input_fn(json.dumps({"message_id": "a", "text": "love"}), "application/json")
    many = inference.input_fn(json.dumps([{"message_id": "a", "text": "love"}, "oops"]), "application/json")
    assert [record.get("message_id") for record in single] == ["a"]
    assert len(many) == 2
    as_json = json.loads(inference.output_fn(predictor.predict(many), "application/json"))
    assert as_json[1]["error"] == "record 2: a JSON str, not an object"
    with pytest.raises(ValueError, match="unsupported content type 'text/csv'"):
        inference.input_fn("a,b", "text/csv")
    with pytest.raises(ValueError, match="unsupported accept type"):
        inference.output_fn([], "text/html")


def test_model_version_comes_from_the_registry_when_set(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_VERSION_ENV, "pulso-dev-sentiment/3")
    (prediction,) = SentimentPredictor.load(model_dir).predict([{"message_id": "a", "text": "love"}])
    assert prediction["model_version"] == "pulso-dev-sentiment/3"


def test_model_tar_gz_is_self_contained(model_dir: Path, tmp_path: Path) -> None:
    """Unpacked as the PyTorch container does, code/ alone provides the handler, the network and the
    normaliser: the container imports `inference` (SAGEMAKER_PROGRAM=inference.py) from code/."""
    archive = pack_model(model_dir, tmp_path / "model.tar.gz")
    unpacked = unpack_model(archive, tmp_path / "opt" / "ml" / "model")
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(unpacked / "code")!r})
        import inference, pulso
        assert inference.__file__.startswith({str(unpacked)!r}), inference.__file__
        assert pulso.__file__.startswith({str(unpacked)!r}), pulso.__file__
        model = inference.model_fn({str(unpacked)!r})
        body = '{{"message_id": "m1", "text": "I LOVE this"}}\\nbroken\\n'
        records = inference.input_fn(body, "application/jsonlines")
        print(inference.output_fn(inference.predict_fn(records, model), "application/jsonlines"))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert lines[0]["message_id"] == "m1"
    assert lines[0]["label"] in (-1, 0, 1)
    assert "error" in lines[1]
