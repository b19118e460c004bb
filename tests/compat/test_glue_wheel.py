"""The Glue jobs must run from the wheel alone, as Glue runs them: Python shell 3.9, the 'analytics' library set
preinstalled, the wheel from `--extra-py-files` installed with pip, the job script fetched on its own and run
with no PYTHONPATH, outside any checkout.

The interpreter is a clean virtual environment made in tmp with the Python 3.9 of `.venv-glue39` (`make glue39`,
passed as PULSO_GLUE39_PYTHON; see test_publish_python39.py); the wheel is the one `make artifacts` writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from glue_jobs.etl import job as etl_job
from pulso_local import artifacts
from tests.compat.test_publish_python39 import python39  # noqa: F401  (the Glue 3.9 interpreter fixture)
from tests.conftest import REPO_ROOT

JOB_MODULES = ("glue_jobs.etl.job", "glue_jobs.publish.job", "glue_jobs.report.job", "glue_jobs.discover.job")
SAMPLE = REPO_ROOT / "data" / "sample_labelled.csv"


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `argv` as Glue would: no PYTHONPATH (nor a configuration overlay from the environment)."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "PULSO_CONFIG")}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def site_packages(python: str | Path, cwd: Path) -> Path:
    result = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture(scope="module")
def glue_python(python39: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:  # noqa: F811
    """A clean Python 3.9 environment with the analytics library set visible and the wheel installed: its
    interpreter and its site-packages."""
    root = tmp_path_factory.mktemp("glue-python-shell")
    wheel = root / artifacts.glue_wheel_name()
    wheel.write_bytes(artifacts.glue_wheel())
    venv = root / "venv"
    created = run([python39, "-m", "venv", str(venv)], root)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    clean = run([str(python), "-c", "import pandas"], root)
    assert clean.returncode != 0, "the new environment must not see any library yet"
    # Glue preinstalls the analytics library set in the interpreter's site-packages. A .pth file that appends
    # .venv-glue39's site-packages to sys.path gives the same imports (after this environment's own packages,
    # where pip puts the wheel) in milliseconds, where installing the set again would take minutes.
    own = site_packages(python, root)
    (own / "glue-analytics-library-set.pth").write_text(f"{site_packages(python39, root)}\n")
    installed = run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--no-cache-dir",
                     "--disable-pip-version-check", str(wheel)], root)  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python, own


def test_every_job_module_and_the_bundled_configuration_import_from_the_wheel(
    glue_python: tuple[Path, Path], tmp_path: Path
) -> None:
    python, own = glue_python
    code = (
        "import importlib, json, sys\n"
        "from pulso.config import load_config\n"
        f"modules = [importlib.import_module(name) for name in {JOB_MODULES!r}]\n"
        "config = load_config()\n"
        "print(json.dumps({'files': [module.__file__ for module in modules] + [sys.modules['pulso.config'].__file__],\n"
        "                  'project': config.project, 'python': sys.version_info[:2]}))\n"
    )
    result = run([str(python), "-c", code], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    assert found["python"] == [3, 9]
    assert all(Path(file).is_relative_to(own) for file in found["files"]), found["files"]
    assert found["project"] == json.loads((REPO_ROOT / "src/pulso/config/pulso.json").read_text())["project"]


def test_the_etl_job_script_runs_end_to_end_from_the_wheel(glue_python: tuple[Path, Path], tmp_path: Path) -> None:
    """The script as Glue fetches it (alone in a folder), on a local file: the same totals as from the source."""
    python, _ = glue_python
    script = tmp_path / "script" / "etl_job.py"
    script.parent.mkdir()
    shutil.copy(REPO_ROOT / "src" / "glue_jobs" / "etl" / "job.py", script)
    inputs = tmp_path / "inputs" / SAMPLE.name
    inputs.parent.mkdir()
    shutil.copy(SAMPLE, inputs)
    # The run-mode argument as the job names it (--mode is reserved by Glue and being renamed --run_mode).
    mode = next(
        name for name, argument in etl_job.ARGUMENTS.items() if argument.choices and "predict" in argument.choices
    )
    args = ["--input", str(inputs), "--profile", "tweets", f"--{mode}", "predict", "--run_id", "wheel",
            "--ingest_date", "2026-11-22", "--JOB_ID", "j_1", "--JOB_RUN_ID", "jr_1"]  # fmt: skip

    result = run([str(python), str(script), *args, "--output_root", str(tmp_path / "glue")], tmp_path)

    assert result.returncode == 0, result.stderr[-3000:]
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    manifest = json.loads(Path(printed["manifest"]).read_text())
    assert manifest["status"] == "SUCCEEDED"
    assert manifest["runtime"]["python"].startswith("3.9.")
    assert manifest["runtime"]["pandas"] == "1.4.2"
    source = etl_job.run_job([*args, "--output_root", str(tmp_path / "source")])
    assert manifest["totals"] == source["totals"]
    assert manifest["totals"]["curated"] > 1000
    messages = pd.concat(
        pd.read_parquet(path) for path in sorted(Path(manifest["outputs"]["messages"]).glob("*.parquet"))
    )
    assert len(messages) == manifest["totals"]["curated"]
    shards = [Path(uri).read_text("utf-8").splitlines() for uri in manifest["outputs"]["transform_input_shards"]]
    assert sum(len(lines) for lines in shards) == manifest["outputs"]["transform_input_records"] > 0
