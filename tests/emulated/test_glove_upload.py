"""GloVe Twitter extraction and its upload to (emulated) S3."""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_training_parts import WORDS, glove_text
from training.glove_twitter import extract_dimension
from training.glove_twitter import main as glove_twitter_main


def test_glove_twitter_extraction_and_upload(tmp_path: Path, boto3_session: Any) -> None:
    archive = tmp_path / "glove.twitter.27B.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("glove.twitter.27B.25d.txt", "a " + " ".join(["0.1"] * 25) + "\n")
        zipped.writestr("glove.twitter.27B.3d.txt", glove_text())
    extracted, vectors = extract_dimension(archive, 3, tmp_path / "out" / "glove3.txt.gz")
    assert vectors == len(WORDS)  # the truncated line is left out
    assert gzip.decompress(extracted.read_bytes()).decode().splitlines()[0].startswith("<user> 0.10 1.10")
    with pytest.raises(ValueError, match=re.escape("has no glove.twitter.27B.50d.txt")):
        extract_dimension(archive, 50, tmp_path / "x.gz")

    boto3_session.client("s3").create_bucket(Bucket="models")
    assert glove_twitter_main(["--dimension", "25", "--bucket", "models", "--zip", str(archive),
                               "--workdir", str(tmp_path / "work")]) == 0  # fmt: skip
    listed = boto3_session.client("s3").list_objects_v2(Bucket="models")["Contents"]
    assert [item["Key"] for item in listed] == ["embeddings/glove.twitter.27B.25d.txt.gz"]
