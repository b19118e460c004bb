"""The publish job must run where Glue runs it (Python shell 3.9, pandas 1.4.2, pyarrow 7.0.0) and publish
exactly what it publishes under Python 3.11 with today's libraries: same counts, same Parquet schema and rows,
same error records.

`make test` builds `.venv-glue39` and passes its interpreter in `PULSO_GLUE39_PYTHON` (see
test_glue_python39.py); without the variable the test looks for `.venv-glue39` in the repository.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pulso.config import effective_config
from tests.conftest import REPO_ROOT, require

RUN_ID = "compat"
LABELS = ((-1, "negative"), (0, "neutral"), (1, "positive"))


@pytest.fixture(scope="module")
def python39() -> str:
    # `make test` passes the interpreter; a bare pytest run finds the one `make glue39` builds.
    interpreter = os.environ.get("PULSO_GLUE39_PYTHON") or str(REPO_ROOT / ".venv-glue39" / "bin" / "python")
    require(Path(interpreter).is_file(), f"the Glue Python 3.9 environment was not found ({interpreter})",
            "PULSO_REQUIRE_GLUE39")  # fmt: skip
    code = "import sys, pandas, pyarrow; print(sys.version_info[:2], pandas.__version__, pyarrow.__version__)"
    version = subprocess.run([interpreter, "-c", code], capture_output=True, text=True)
    assert version.stdout.strip() == "(3, 9) 1.4.2 7.0.0", version
    return interpreter


def prediction_line(rng: random.Random, index: int) -> str:
    weights = [rng.random() ** 3 for _ in LABELS]
    probabilities = [weight / sum(weights) for weight in weights]
    best = max(range(3), key=probabilities.__getitem__)
    record = {
        "message_id": f"id-{index}" if index % 97 else f"ñ-{index}-😀",
        "label": LABELS[best][0] if index % 89 else float(LABELS[best][0]),  # 1.0 is an integer too
        "label_name": LABELS[best][1],
        "p_negative": round(probabilities[0], 6),
        "p_neutral": round(probabilities[1], 6) if index % 83 else 0,
        "p_positive": probabilities[2],  # full precision must survive as is
        "confidence": round(probabilities[best], 6),
        "priority": 50 * (1 + probabilities[0] - probabilities[2]),
        "model_version": "pulso-dev-sentiment/7",
    }
    return json.dumps(record, ensure_ascii=index % 2 == 0)


def transform_output(folder: Path) -> Path:
    """Three `.out` objects of mostly predictions, with every kind of line that gives none."""
    rng = random.Random(20261122)
    folder.mkdir()
    index = 0
    for shard in range(3):
        lines: list[bytes] = []
        for _ in range(1700):
            index += 1
            lines.append(prediction_line(rng, index).encode("utf-8"))
            if index % 250 == 0:
                lines.append(
                    json.dumps({"message_id": f"e-{index}", "error": "empty text", "model_version": "v"}).encode()
                )
        lines += [
            b'{"message_id": "cut", "label": 1, "p_neg',
            b"",
            b'{"message_id": "bytes", "text": "ni\xf1o"}',
            b'"just a string"',
            b'{"message_id": "nan", "label": 0, "label_name": "neutral", "p_negative": NaN, "p_neutral": 1, '
            b'"p_positive": 0, "confidence": 1, "priority": 50, "model_version": "v"}',
            b'{"message_id": "big", "label": 1000, "label_name": "positive", "p_negative": 0, "p_neutral": 0, '
            b'"p_positive": 1, "confidence": 1, "priority": 0, "model_version": "v"}',
            b'{"message_id": 42, "label": 1, "label_name": "positive", "p_negative": 0, "p_neutral": 0, '
            b'"p_positive": 1, "confidence": 1, "priority": 0, "model_version": "v"}',
            b"[" * 100_000,  # deeper than the JSON parser recurses
        ]
        (folder / f"part-{shard:05d}.jsonl.out").write_bytes(b"\r\n".join(lines) + b"\n" * shard)
    return folder


def run_job(python: str, inputs: Path, output: Path) -> dict[str, Any]:
    overlay = output.parent / f"{output.name}-overlay.json"
    overlay.write_text(json.dumps(effective_config({"etl": {"chunk_rows": 1000}})))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    argv = [
        python, "-m", "glue_jobs.publish.job", "--predictions_input", str(inputs), "--output_root", str(output),
        "--run_id", RUN_ID, "--ingest_date", "2026-11-22", "--config_uri", str(overlay), "--JOB_ID", "j_1",
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=output.parent, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    summary = json.loads(Path(printed["summary"]).read_text())
    counts = [key for key in printed if key != "summary"]
    assert {key: printed[key] for key in counts} == {key: summary[key] for key in counts}
    return summary


def relative(summary: dict[str, Any], root: Path) -> dict[str, Any]:
    """The summary with the output root taken out of its URIs."""
    return json.loads(json.dumps(summary).replace(str(root), "<root>"))


def test_publish_job_gives_identical_results_on_the_glue_library_set(python39: str, tmp_path: Path) -> None:
    inputs = transform_output(tmp_path / "transform-output")
    old = run_job(python39, inputs, tmp_path / "py39")
    new = run_job(sys.executable, inputs, tmp_path / "py311")

    assert relative(old, tmp_path / "py39") == relative(new, tmp_path / "py311")
    # 3 x 1,700 predictions, 20 model error records, 7 bad lines and a blank one per object.
    assert (new["lines"], new["predictions"], new["errors"]) == (5141, 5100, 41)
    assert len(new["outputs"]["parts"]) == 6  # 1,000 rows each, the last 100

    for old_part, new_part in zip(old["outputs"]["parts"], new["outputs"]["parts"], strict=True):
        old_table, new_table = pq.read_table(old_part), pq.read_table(new_part)
        assert old_table.schema.remove_metadata() == new_table.schema.remove_metadata()
        assert str(new_table.schema.field("predicted_at").type) == "timestamp[us]"
        assert str(new_table.schema.field("label").type) == "int8"
        pd.testing.assert_frame_equal(
            old_table.to_pandas().drop(columns="predicted_at"), new_table.to_pandas().drop(columns="predicted_at")
        )  # the run clock aside
        for table in (old_table, new_table):
            assert table.column("predicted_at").null_count == 0
            assert len(table.column("predicted_at").unique()) == 1

    errors = [Path(run["outputs"]["errors"]).read_bytes() for run in (old, new)]
    assert errors[0] == errors[1]
    reasons = {json.loads(line)["error"] for line in errors[1].decode("utf-8").splitlines()}
    assert reasons == {
        "empty text",
        "not JSON",
        "a JSON str, not an object",
        "p_negative must be a finite number (got nan)",
        "label must be an integer in [-128, 127] (got 1000)",
        "message_id must be a string (got 42)",
    }
