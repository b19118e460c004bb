"""The topic discovery job must run where Glue runs it: Python shell 3.9 with the analytics library set
(scikit-learn 1.1.3, NumPy 1.22, no umap-learn, so the map falls back to PCA), on real curated twcs messages,
with the third-party wheels of `--extra-py-files` (Jinja2, MarkupSafe: the report templates) on the path."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bench.topics import curate

from pulso.config import effective_config
from pulso_local import artifacts
from tests.compat.test_publish_python39 import python39  # noqa: F401  (the Glue 3.9 interpreter fixture)
from tests.conftest import REPO_ROOT, TWCS_SAMPLE, require


def test_discovery_runs_on_the_glue_library_set_and_falls_back_to_pca(python39: str, tmp_path: Path) -> None:  # noqa: F811
    require(TWCS_SAMPLE.is_file(), f"the twcs sample is missing ({TWCS_SAMPLE})", "PULSO_REQUIRE_SHARED_DATA")
    curate(tmp_path)
    overlay = tmp_path / "overlay.json"
    overlay.write_text(json.dumps(effective_config({"topics": {"k_min": 5, "k_max": 7, "silhouette_sample": 800}})))
    argv = [python39, "-m", "glue_jobs.discover.job", "--run_id", "py39", "--transformed_root",
            str(tmp_path / "transformed"), "--outputs_root", str(tmp_path / "outputs"), "--models_root",
            str(tmp_path / "models"), "--request", '{"to_date": "2026-11-20", "days": 3}',
            "--config_uri", str(overlay), "--JOB_ID", "j_1"]  # fmt: skip
    dependencies = []
    for name in artifacts.GLUE_DEPENDENCIES:  # as Glue gets them: wheels in --extra-py-files, before the code
        wheel = tmp_path / artifacts.glue_dependency_wheel_name(name)
        wheel.write_bytes(artifacts.glue_dependency_wheel(name))
        dependencies.append(str(wheel))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*dependencies, str(REPO_ROOT / "src")])}
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "outputs" / "topics" / "run_id=py39" / "report.json").read_text())
    counts = report["messages"]
    assert counts["clustered"] > 2000
    assert (
        counts["unique"] == counts["clustered"] + counts["too_short"] + counts["not_embedded"] + counts["sampled_out"]
    )
    assert 5 <= report["k_selection"]["chosen"] <= 7
    assert report["projection"]["method"] == "pca"
    assert "umap-learn is not installed" in report["projection"]["note"]
    assert (tmp_path / "models" / "topic-discovery" / "run_id=py39" / "embedder.npz").is_file()
