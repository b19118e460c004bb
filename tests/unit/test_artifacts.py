"""The deployable artifacts: reproducible, holding what each runtime imports, named and sized as AWS requires."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from pulso_local import artifacts
from tests.conftest import REPO_ROOT

# PEP 427: {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl, with the
# distribution name normalised to [A-Za-z0-9_]; ours is pure Python 3 with no build tag.
PEP427_PURE_PY3 = re.compile(r"(?P<name>[A-Za-z0-9_]+)-(?P<version>[A-Za-z0-9_.!+]+)-py3-none-any\.whl")
LAMBDA_HANDLERS = ("on_upload", "read_manifest", "quality_gate", "find_champion", "record_run", "approve_topics")


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}


def test_builds_are_reproducible() -> None:
    for build in artifacts.ARTIFACTS.values():
        first = build()
        artifacts.clear_caches()
        assert build() == first


def test_make_artifacts_writes_the_same_bytes_from_another_process(tmp_path: Path) -> None:
    """Another process, another working directory and another umask: the same bytes."""
    result = subprocess.run([sys.executable, "-m", "pulso_local.artifacts", str(tmp_path)], cwd=tmp_path,
                            capture_output=True, text=True, env=clean_env(), umask=0o077, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(artifacts.ARTIFACTS)
    for name, build in artifacts.ARTIFACTS.items():
        assert (tmp_path / name).read_bytes() == build(), name


def test_each_artifact_holds_what_its_runtime_imports() -> None:
    lambdas = set(zipfile.ZipFile(io.BytesIO(artifacts.lambda_zip())).namelist())
    expected = {"lambdas/on_upload.py", "lambdas/common.py", "pulso/config/pulso.json", "pulso/text/normaliser.py"}
    assert expected <= lambdas
    assert not any(name.startswith(("training/", "glue_jobs/")) or "__pycache__" in name for name in lambdas)
    glue = set(zipfile.ZipFile(io.BytesIO(artifacts.glue_wheel())).namelist())
    jobs = {f"glue_jobs/{job}/job.py" for job in ("etl", "publish", "report", "discover")}
    assert {*jobs, "pulso/__init__.py", "pulso/config/pulso.json"} <= glue
    templates = {
        path.relative_to(REPO_ROOT / "src").as_posix()
        for path in (REPO_ROOT / "src").glob("glue_jobs/*/templates/*.j2")
    }
    assert {
        "glue_jobs/report/templates/run_report.html.j2",
        "glue_jobs/discover/templates/topic_report.html.j2",
    } <= templates
    assert templates <= glue  # the reports' templates, which PackageLoader reads from the installed package
    assert not any(name.startswith(("lambdas/", "pulso_local/", "training/")) or "__pycache__" in name for name in glue)
    with tarfile.open(fileobj=io.BytesIO(artifacts.training_source_dir()), mode="r:gz") as archive:
        names = set(archive.getnames())
    assert {"train.py", "training/job.py", "inference/handler.py", "pulso/text/normaliser.py"} <= names


def test_the_glue_library_is_a_pure_python3_wheel_named_by_pep427() -> None:
    name = artifacts.glue_wheel_name()
    match = PEP427_PURE_PY3.fullmatch(name)
    assert match, name
    assert match["name"] == "pulso_glue"
    assert match["version"] == artifacts.project_version()
    wheel = zipfile.ZipFile(io.BytesIO(artifacts.glue_wheel()))
    dist_info = f"{match['name']}-{match['version']}.dist-info"
    metadata = wheel.read(f"{dist_info}/METADATA").decode()
    assert f"Version: {match['version']}" in metadata.splitlines()
    assert "Requires-Dist" not in metadata  # Glue's library set provides everything; pip must fetch nothing
    assert "Requires-Python: >=3.9" in metadata.splitlines()
    tags = wheel.read(f"{dist_info}/WHEEL").decode().splitlines()
    assert "Root-Is-Purelib: true" in tags
    assert "Tag: py3-none-any" in tags
    assert wheel.testzip() is None
    assert {info.date_time for info in wheel.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # File modes fixed whatever the checkout's umask (setuptools writes RECORD itself, always 0664).
    modes = {info.external_attr >> 16 & 0o777 for info in wheel.infolist() if info.filename != f"{dist_info}/RECORD"}
    assert modes == {0o644}


def test_terraform_deploys_the_wheel_make_artifacts_writes() -> None:
    dev = (REPO_ROOT / "terraform" / "environments" / "dev" / "main.tf").read_text()
    line = rf'shared_package_wheel_path\s*=\s*"\$\{{local\.artifacts\}}/{re.escape(artifacts.glue_wheel_name())}"'
    assert re.search(line, dev), line
    listed = re.search(r"dependency_wheel_paths\s*=\s*\[(?P<paths>[^\]]*)\]", dev)
    assert listed, "the dev root must pass dependency_wheel_paths"
    paths = re.findall(r'"\$\{local\.artifacts\}/([^"]+)"', listed["paths"])
    # The wheels make artifacts writes, in the order --extra-py-files installs them.
    assert [*paths, artifacts.glue_wheel_name()] == artifacts.glue_wheel_names()


def test_the_lambda_sdk_is_boto3_with_its_whole_runtime_closure_at_the_locked_versions() -> None:
    pins = artifacts.locked_versions(artifacts.LAMBDA_SDK)
    assert pins["boto3"] == importlib.metadata.version("boto3")
    names = {re.sub(r"[-_.]+", "-", name).lower() for name in artifacts.LAMBDA_SDK}
    for name in artifacts.LAMBDA_SDK:
        for requirement in importlib.metadata.requires(name) or ():
            if "extra ==" not in requirement:
                required = re.match(r"[A-Za-z0-9_.-]+", requirement)
                assert required, requirement
                assert re.sub(r"[-_.]+", "-", required[0]).lower() in names, (name, requirement)


def test_the_lambda_zip_imports_the_pinned_sdk_before_the_runtimes_own(tmp_path: Path) -> None:
    """Unzipped, the package alone (python -S: no site-packages, as /var/task comes first on Lambda) imports
    every handler and the locked boto3, whose botocore knows S3 conditional writes (PutObject IfNoneMatch)."""
    zipfile.ZipFile(io.BytesIO(artifacts.lambda_zip())).extractall(tmp_path)
    code = (
        "import importlib, json, sys\n"
        f"for handler in {LAMBDA_HANDLERS!r}:\n"
        "    importlib.import_module('lambdas.' + handler)\n"
        "import boto3, botocore, botocore.session, dateutil, jmespath, s3transfer, six, urllib3\n"
        "put = botocore.session.get_session().get_service_model('s3').operation_model('PutObject')\n"
        "modules = (boto3, botocore, dateutil, jmespath, s3transfer, six, urllib3)\n"
        "print(json.dumps({'boto3': boto3.__version__, 'botocore': botocore.__version__,\n"
        "                  'files': [module.__file__ for module in modules],\n"
        "                  'if_none_match': 'IfNoneMatch' in put.input_shape.members}))\n"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env=clean_env(), timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    pins = artifacts.locked_versions(("boto3", "botocore"))
    assert (found["boto3"], found["botocore"]) == (pins["boto3"], pins["botocore"])
    assert all(Path(file).is_relative_to(tmp_path) for file in found["files"]), found["files"]
    assert found["if_none_match"]


def test_the_lambda_zip_fits_a_direct_upload() -> None:
    package = artifacts.lambda_zip()
    unzipped = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(package)).infolist())
    assert len(package) < 50 * 1024 * 1024  # CodeSizeZipped: 50 MB for a direct upload
    assert unzipped < 262_144_000  # CodeSizeUnzipped: 250 MB with the layers (none here)


@pytest.mark.parametrize("name", artifacts.GLUE_DEPENDENCIES)
def test_the_glue_dependencies_are_pure_python3_wheels_at_the_locked_versions(name: str) -> None:
    """Jinja2 and MarkupSafe, which the analytics library set lacks, as wheels pip installs offline."""
    version = artifacts.locked_versions((name,))[name]
    wheel_name = artifacts.glue_dependency_wheel_name(name)
    match = PEP427_PURE_PY3.fullmatch(wheel_name)
    assert match, wheel_name
    assert (match["name"], match["version"]) == (name.lower(), version)
    data = artifacts.glue_dependency_wheel(name)
    assert artifacts.ARTIFACTS[wheel_name]() == data
    wheel = zipfile.ZipFile(io.BytesIO(data))
    assert wheel.testzip() is None
    dist_info = f"{match['name']}-{version}.dist-info"
    metadata = wheel.read(f"{dist_info}/METADATA").decode().splitlines()
    assert f"Version: {version}" in metadata
    tags = wheel.read(f"{dist_info}/WHEEL").decode().splitlines()
    assert "Root-Is-Purelib: true" in tags
    assert [tag for tag in tags if tag.startswith("Tag:")] == ["Tag: py3-none-any"]
    names = wheel.namelist()
    assert names[-1] == f"{dist_info}/RECORD"
    assert not [entry for entry in names if entry.endswith((".so", ".pyd", ".c", ".pyc"))]
    assert f"{name.lower()}/__init__.py" in names
    # RECORD lists every other file with its sha256 and size, as pip checks them.
    record = {}
    for line in wheel.read(f"{dist_info}/RECORD").decode().splitlines():
        path, digest, size = line.rsplit(",", 2)
        record[path] = (digest, size)
    assert record.pop(f"{dist_info}/RECORD") == ("", "")
    assert sorted(record) == sorted(names[:-1])
    for path, (digest, size) in record.items():
        content = wheel.read(path)
        expected = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        assert (digest, int(size)) == (f"sha256={expected}", len(content)), path
    assert {info.date_time for info in wheel.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 & 0o777 for info in wheel.infolist()} == {0o644}


def test_markupsafe_ships_its_pure_python_escaping_without_the_speedups() -> None:
    names = zipfile.ZipFile(io.BytesIO(artifacts.glue_dependency_wheel("MarkupSafe"))).namelist()
    assert "markupsafe/_native.py" in names
    assert not [entry for entry in names if entry.startswith("markupsafe/_speedups")]


def test_the_glue_jobs_get_the_dependencies_before_the_shared_code() -> None:
    assert artifacts.glue_wheel_names() == [
        *(artifacts.glue_dependency_wheel_name(name) for name in artifacts.GLUE_DEPENDENCIES),
        artifacts.glue_wheel_name(),
    ]
    assert [name.split("-")[0] for name in artifacts.glue_wheel_names()] == ["markupsafe", "jinja2", "pulso_glue"]
