"""The Glue units must run where Glue runs them: Python shell 3.9 with the older 'analytics' libraries.

`make test` builds `.venv-glue39` (Python 3.9 + requirements-glue-py39.lock: pandas 1.4.2, pyarrow 7.0.0,
awswrangler 2.15.1) and passes its interpreter in `PULSO_GLUE39_PYTHON`. The job then runs there on real and
adversarial input and must produce exactly what it produces under Python 3.11 with today's libraries.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pulso.config import effective_config
from tests.conftest import REPO_ROOT, require

GLUE_UNITS = [REPO_ROOT / "src" / "pulso", REPO_ROOT / "src" / "glue_jobs"]


@pytest.fixture(scope="module")
def python39() -> str:
    interpreter = os.environ.get("PULSO_GLUE39_PYTHON", "")
    present = bool(interpreter) and Path(interpreter).is_file()
    require(present, f"the Glue Python 3.9 environment was not found ({interpreter or 'PULSO_GLUE39_PYTHON unset'})",
            "PULSO_REQUIRE_GLUE39")  # fmt: skip
    version = subprocess.run(
        [interpreter, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "(3, 9)", version
    return interpreter


def test_glue_units_compile_under_python39(python39: str) -> None:
    files = [str(path) for root in GLUE_UNITS for path in sorted(root.rglob("*.py"))]
    code = "import sys\nfor path in sys.argv[1:]:\n    compile(open(path, encoding='utf-8').read(), path, 'exec')"
    result = subprocess.run([python39, "-c", code, *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(files) >= 15


def run_job(python: str, input_dir: Path, output: Path, profile: str) -> dict[str, Any]:
    overlay = output.parent / f"{output.name}-overlay.json"
    etl = {"workers": 2, "parallel_min_bytes": 0, "chunk_rows": 2000}
    overlay.write_text(json.dumps(effective_config({"etl": etl})))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    argv = [
        python, "-m", "glue_jobs.etl.job", "--input", str(input_dir), "--profile", profile, "--run_mode", "predict",
        "--output_root", str(output), "--run_id", "compat", "--ingest_date", "2026-11-22",
        "--config_uri", str(overlay), "--JOB_ID", "j_1",
    ]  # fmt: skip
    result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=output.parent, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((output / "manifests" / "run_id=compat" / "manifest.json").read_text())


def table(prefix: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.concat([pd.read_parquet(path) for path in sorted(Path(prefix).glob("*.parquet"))], ignore_index=True)
    frame = frame.drop(columns=list(drop))
    return frame.sort_values(["source_object", frame.columns[3]]).reset_index(drop=True)


@pytest.mark.slow
def test_etl_job_gives_identical_results_on_the_glue_library_set(
    python39: str, twcs_sample: Path, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(twcs_sample, inputs / "twcs.csv.gz")  # a temporary copy, outside the repository
    adversarial = (
        b"tweet_id,author_id,inbound,created_at,text\n"
        b'1,a,True,Tue Oct 31 22:10:47 +0000 2017,"multi\nline, quoted ""text"""\n'
        b"2,b,True,Tue Oct 31 22:10:47 +0000 2017,bare\rcarriage\n"
        b"3,c,True,not a date,bad timestamp\n"
        b"4,d,True,Tue Oct 31 22:10:47 +0000 2017,caf\xe9\n"
        b"5,e,True,Tue Oct 31 22:10:47 +0000 2017,nul\x00byte\n"
        b"6,f,True\n"
        b"7,g,True,Tue Oct 31 22:10:47 +0000 2017,\\ud83d\\ude02 &amp; \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd #SoooGood\n"
    )
    (inputs / "adversarial.csv.gz").write_bytes(gzip.compress(adversarial))

    old = run_job(python39, inputs, tmp_path / "py39", "twcs")
    new = run_job(sys.executable, inputs, tmp_path / "py311", "twcs")

    assert old["runtime"]["python"].startswith("3.9")
    assert old["runtime"]["pandas"] == "1.4.2"
    assert old["totals"] == new["totals"]
    assert [obj["error"] for obj in old["objects"]] == [obj["error"] for obj in new["objects"]]
    pd.testing.assert_frame_equal(table(old["outputs"]["messages"]), table(new["outputs"]["messages"]))
    pd.testing.assert_frame_equal(
        table(old["outputs"]["quarantine"], drop=("quarantined_at",)),
        table(new["outputs"]["quarantine"], drop=("quarantined_at",)),
    )
    shards = [[Path(uri).read_text("utf-8") for uri in run["outputs"]["transform_input_shards"]] for run in (old, new)]
    assert shards[0] == shards[1]
    assert old["totals"]["quarantine_reasons"]["bad_timestamp"] == 1
    assert old["totals"]["quarantine_reasons"]["encoding_error"] == 2
    assert old["totals"]["quarantine_reasons"]["unparseable_row"] == 1
