"""The Glue jobs must run from the wheels alone, as Glue runs them: Python shell 3.9, the 'analytics' library set
preinstalled, the wheels of `--extra-py-files` (MarkupSafe, Jinja2, then the Glue wheel) installed with pip, the
job script fetched on its own and run with no PYTHONPATH, outside any checkout. The reports render there from the
packaged templates, with MarkupSafe's pure-Python escaping; they also render with the wheels put on `sys.path` as
they are (zip imports), should Glue do that instead of installing them.

The interpreter is a clean virtual environment made in tmp with the Python 3.9 of `.venv-glue39` (`make glue39`,
passed as PULSO_GLUE39_PYTHON; see test_publish_python39.py); the wheel is the one `make artifacts` writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

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


def write_wheels(folder: Path) -> list[Path]:
    """The wheels of `--extra-py-files`, in their order, as `make artifacts` writes them."""
    paths = []
    for name in artifacts.glue_wheel_names():
        path = folder / name
        path.write_bytes(artifacts.ARTIFACTS[name]())
        paths.append(path)
    return paths


# Renders both reports with hostile text and prints what the tests check (run under Python 3.9).
RENDER_REPORTS = """
import json, sys
import jinja2, markupsafe
from glue_jobs.report.html import ReportData, render_report
from glue_jobs.discover.topic_report import render_topic_report
hostile = "<script>alert(1)</script> & 'quotes'"
run = render_report(ReportData(run={"run_id": "r-1", "status": "FAILED"}, failure=hostile,
                                support_queue=[{"priority": 0.9, "label_name": "negative", "text": hostile}]))
topics = render_topic_report({"run_id": "t-1", "clusters": [{"cluster": 0, "size": 3, "proposed_name": hostile,
                              "representatives": [{"text": hostile, "distance": 0.1}]}]})
print(json.dumps({
    "python": sys.version_info[:2], "jinja2": jinja2.__version__,
    "files": [jinja2.__file__, markupsafe.__file__, sys.modules["glue_jobs.report.html"].__file__],
    "speedups": "markupsafe._speedups" in sys.modules,
    "run_sections": run.count("<section "), "topic_sections": topics.count("<section "),
    "raw_script": "<script" in run + topics, "escaped": run.count("&lt;script&gt;") + topics.count("&lt;script&gt;"),
}))
"""


@pytest.fixture(scope="module")
def glue_python(python39: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:  # noqa: F811
    """A clean Python 3.9 environment with the analytics library set visible and the wheel installed: its
    interpreter and its site-packages."""
    root = tmp_path_factory.mktemp("glue-python-shell")
    wheels = write_wheels(root)
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
                     "--disable-pip-version-check", *map(str, wheels)], root)  # fmt: skip
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


def check_rendered(found: dict[str, Any]) -> None:
    assert found["python"] == [3, 9]
    assert found["jinja2"] == artifacts.locked_versions(("Jinja2",))["Jinja2"]
    assert found["speedups"] is False  # MarkupSafe escapes in pure Python on Glue
    assert (found["run_sections"], found["topic_sections"]) == (6, 6)  # the header is not a <section>
    assert found["raw_script"] is False
    assert found["escaped"] >= 4  # failure cause, queue message, proposed name, representative


def test_the_reports_render_from_the_installed_wheels(glue_python: tuple[Path, Path], tmp_path: Path) -> None:
    python, own = glue_python
    result = run([str(python), "-c", RENDER_REPORTS], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    assert all(Path(file).is_relative_to(own) for file in found["files"]), found["files"]
    check_rendered(found)


def test_the_reports_render_from_the_wheels_on_the_path_as_zips(python39: str, tmp_path: Path) -> None:  # noqa: F811
    """Should Glue put the `--extra-py-files` wheels on sys.path as they are: zip imports, templates read from the
    zip by PackageLoader."""
    wheels = write_wheels(tmp_path)
    code = f"import sys\nsys.path[:0] = {[str(path) for path in wheels]!r}\n" + RENDER_REPORTS
    result = run([python39, "-c", code], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    # jinja2, markupsafe and glue_jobs.report.html, each imported from inside its wheel
    expected = [wheels[1], wheels[0], wheels[2]]
    assert [file.startswith(f"{path}/") for file, path in zip(found["files"], expected, strict=True)] == [True] * 3, (
        found
    )
    check_rendered(found)
