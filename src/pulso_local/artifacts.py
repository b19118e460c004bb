"""The deployable artifacts, built the same way for Terraform and for the emulated account.

- `lambdas.zip`: the Lambda handlers, the shared package and the AWS SDK for Python pinned at the versions of
  requirements.lock (boto3, botocore and their dependencies, copied from the installed distributions). The
  python3.12 runtime's own boto3 depends on the Region and changes over time, and approve_topics needs S3
  conditional writes (`IfNoneMatch`); Lambda imports from the package before the runtime's libraries.
- `pulso_glue-<version>-py3-none-any.whl`: `glue_jobs/` and `pulso/` (with `pulso/config/pulso.json` and the
  reports' Jinja2 templates `glue_jobs/*/templates/*.j2`) as a wheel (PEP 427) without dependencies, which the
  Glue Python shell 3.9 jobs get in `--extra-py-files` (Glue installs it with pip; Python 3.9 shell jobs take no
  `.egg`). setuptools builds it from a small generated project.
- `markupsafe-<version>-py3-none-any.whl` and `jinja2-<version>-py3-none-any.whl`: the reports' template engine,
  which the 'analytics' library set lacks, as pure-Python wheels at the versions of requirements.lock, made from
  the installed distributions (no download, no build). They go in `--extra-py-files` before the Glue wheel
  (`glue_wheel_names()`): Python shell jobs cannot install a wheel from S3 with `--additional-python-modules`, and
  fetching from PyPI at job start would need internet. MarkupSafe's wheel leaves out its optional C speedups
  (built for this machine's Python, not Glue's 3.9): MarkupSafe then escapes in pure Python (`markupsafe._native`).
- `sourcedir.tar.gz`: the SageMaker training source directory: `train.py` at the top, `training/`,
  `inference/` and `pulso/` beside it.

Builds are reproducible (fixed timestamps and modes, sorted entries), so Terraform sees a change only when the
code changes; a process keeps each build for as long as its sources stay the same. `python -m
pulso_local.artifacts DIR` writes the files into DIR (`make artifacts`).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import importlib.metadata
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pulso.layout import LAMBDA_PACKAGE, TRAINING_SOURCE

SRC = Path(__file__).resolve().parents[1]
REPO_ROOT = SRC.parent
LOCK_FILE = REPO_ROOT / "requirements.lock"
_SUFFIXES = (".py", ".json", ".j2")  # sources, bundled configuration, report templates
_EPOCH = (1980, 1, 1, 0, 0, 0)
_SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold

LAMBDA_PACKAGES = ("lambdas", "pulso")
# boto3 and everything it needs at run time (extras such as botocore[crt] left out).
LAMBDA_SDK = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")
# Lambda quotas for a .zip deployment package: 50 MB zipped (direct upload), 250 MB unzipped with layers.
LAMBDA_ZIPPED_LIMIT = 50 * 1024 * 1024
LAMBDA_UNZIPPED_LIMIT = 262_144_000

GLUE_PACKAGES = ("glue_jobs", "pulso")
GLUE_DISTRIBUTION = "pulso_glue"
# Third-party libraries of the Glue jobs that the 'analytics' library set lacks, in install order (Jinja2 needs
# MarkupSafe): shipped as pure-Python wheels beside the Glue wheel.
GLUE_DEPENDENCIES = ("MarkupSafe", "Jinja2")
# Compiled modules a dependency may leave out because it falls back to pure Python without them.
_OPTIONAL_SPEEDUPS = {"markupsafe": ("markupsafe/_speedups.",)}
_EXTENSION_SUFFIXES = (".so", ".pyd", ".c", ".h")
_INSTALL_RECORDS = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}  # written by the installer, not shipped
_GLUE_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "Pulso's Glue job code and shared package, for AWS Glue Python shell 3.9 (--extra-py-files)."
requires-python = ">=3.9"
# No dependencies: the Glue 'analytics' library set provides them, and the wheels beside this one in
# --extra-py-files (MarkupSafe, Jinja2); pip must never fetch anything there.

[tool.setuptools.packages.find]
include = ["glue_jobs*", "pulso*"]

[tool.setuptools.package-data]
pulso = ["config/*.json"]
"glue_jobs.report" = ["templates/*.j2"]
"glue_jobs.discover" = ["templates/*.j2"]
"""


def _files(package: str) -> Iterator[Path]:
    for path in sorted((SRC / package).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in _SUFFIXES:
            yield path


def _sources(packages: tuple[str, ...]) -> list[tuple[str, Path]]:
    return [(path.relative_to(SRC).as_posix(), path) for package in packages for path in _files(package)]


def _digest(packages: tuple[str, ...]) -> str:
    """A hash of the packages' file names and contents: the key under which a process keeps a build."""
    digest = hashlib.sha256()
    for name, path in _sources(packages):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _zip(entries: Iterable[tuple[str, Path]]) -> bytes:
    return _zip_members((name, path.read_bytes()) for name, path in sorted(entries))


def _zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of (name, content) in the given order, with a fixed date and mode."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def project_version() -> str:
    """The project's version (pyproject.toml), which the Glue wheel carries."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(names: Iterable[str], lock_file: Path = LOCK_FILE) -> dict[str, str]:
    """The versions `lock_file` pins for `names` (PEP 503 names); a name it does not pin is an error."""
    pins = {}
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        name, separator, version = line.split("#")[0].strip().partition("==")
        if separator:
            pins[_normalised(name)] = version.strip()
    missing = [name for name in names if _normalised(name) not in pins]
    if missing:
        raise RuntimeError(f"{lock_file} pins no version of {', '.join(missing)}")
    return {name: pins[_normalised(name)] for name in names}


def _distribution_files(name: str, version: str) -> list[tuple[str, Path]]:
    """The files of the installed distribution `name`, which must be at `version`: its packages and its
    .dist-info (licence, metadata) without the installer's records, scripts or byte code."""
    distribution = importlib.metadata.distribution(name)
    if distribution.version != version:
        raise RuntimeError(f"{name} {distribution.version} is installed, requirements.lock pins {version} (make setup)")
    entries = []
    for file in distribution.files or ():
        parts = file.parts
        if ".." in parts or "__pycache__" in parts or file.suffix == ".pyc":
            continue
        if parts[0].endswith(".dist-info") and file.name in _INSTALL_RECORDS:
            continue
        entries.append((file.as_posix(), Path(str(distribution.locate_file(file)))))
    if not entries:
        raise RuntimeError(f"the installed distribution {name} lists no files")
    return entries


def lambda_zip() -> bytes:
    """The Lambda deployment package: handlers, shared package and the pinned SDK at the top level."""
    return _lambda_zip(_digest(LAMBDA_PACKAGES))


@functools.lru_cache(maxsize=2)
def _lambda_zip(sources_digest: str) -> bytes:
    entries = _sources(LAMBDA_PACKAGES)
    for name, version in locked_versions(LAMBDA_SDK).items():
        entries += _distribution_files(name, version)
    names = [name for name, _ in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RuntimeError(f"two sources for {duplicates[:5]} in lambdas.zip")
    package = _zip(entries)
    unzipped = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(package)).infolist())
    if len(package) >= LAMBDA_ZIPPED_LIMIT or unzipped >= LAMBDA_UNZIPPED_LIMIT:
        raise RuntimeError(f"lambdas.zip is over Lambda's limits: {len(package)} bytes zipped, {unzipped} unzipped")
    return package


def glue_wheel_name() -> str:
    """The wheel's PEP 427 file name, which is also its S3 key's last part (pip refuses any other name)."""
    return f"{GLUE_DISTRIBUTION}-{project_version()}-py3-none-any.whl"


def glue_wheel() -> bytes:
    """The Glue jobs' library: `glue_jobs` and `pulso` as a pure-Python wheel (see the module docstring)."""
    return _glue_wheel(_digest(GLUE_PACKAGES), project_version())


@functools.lru_cache(maxsize=2)
def _glue_wheel(sources_digest: str, version: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="pulso-glue-wheel-") as tmp:
        project, out = Path(tmp) / "project", Path(tmp) / "dist"
        for name, path in _sources(GLUE_PACKAGES):
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            target.chmod(0o644)  # the wheel keeps file modes: fix them, whatever the checkout's umask
        (project / "pyproject.toml").write_text(_GLUE_PYPROJECT.format(name=GLUE_DISTRIBUTION, version=version))
        # setuptools' PEP 517 backend (what `pip wheel` runs), in a child process with a fixed clock and umask:
        # the entries are sorted and dated SOURCE_DATE_EPOCH, the generated metadata files are 0644.
        code = "import sys, setuptools.build_meta as backend; print(backend.build_wheel(sys.argv[1]))"
        result = subprocess.run(
            [sys.executable, "-c", code, str(out)], cwd=project, capture_output=True, text=True, check=False,
            env={**os.environ, "SOURCE_DATE_EPOCH": _SOURCE_DATE_EPOCH}, umask=0o022, timeout=300,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"building the Glue wheel failed:\n{result.stderr[-3000:]}")
        built = result.stdout.strip().splitlines()[-1]
        expected = f"{GLUE_DISTRIBUTION}-{version}-py3-none-any.whl"
        if built != expected:
            raise RuntimeError(f"setuptools built {built}, not {expected}")
        return (out / built).read_bytes()


def _wheel_stem(name: str) -> str:
    """A distribution name as a wheel file name writes it: runs of -_. as one _, lower case."""
    return re.sub(r"[-_.]+", "_", name).lower()


def glue_dependency_wheel_name(name: str) -> str:
    """The PEP 427 file name of the pure-Python wheel of `name` (one of GLUE_DEPENDENCIES) at its locked version."""
    return f"{_wheel_stem(name)}-{locked_versions((name,))[name]}-py3-none-any.whl"


def glue_wheel_names() -> list[str]:
    """The wheels the Glue jobs get in `--extra-py-files`, in install order: the dependencies, then the Glue wheel."""
    return [glue_dependency_wheel_name(name) for name in GLUE_DEPENDENCIES] + [glue_wheel_name()]


def glue_dependency_wheel(name: str) -> bytes:
    """The pure-Python wheel of the installed distribution `name` (one of GLUE_DEPENDENCIES) at its locked version."""
    return _glue_dependency_wheel(name, locked_versions((name,))[name])


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@functools.lru_cache(maxsize=4)
def _glue_dependency_wheel(name: str, version: str) -> bytes:
    """The installed files (packages, licence, metadata) as a wheel tagged py3-none-any, with a new WHEEL and RECORD;
    compiled modules are left out where the distribution works without them, any other is an error."""
    optional = _OPTIONAL_SPEEDUPS.get(_normalised(name), ())
    members: dict[str, bytes] = {}
    dist_info = ""
    for member, path in _distribution_files(name, version):
        if optional and member.startswith(optional):
            continue  # the speedups' binary, source and stub
        if member.endswith(_EXTENSION_SUFFIXES):
            raise RuntimeError(f"{name} {version} has the compiled module {member}: it cannot ship as pure Python")
        if member.split("/")[0].endswith(".dist-info"):
            dist_info = member.split("/")[0]
            if member == f"{dist_info}/WHEEL":
                continue
        members[member] = path.read_bytes()
    if not dist_info:
        raise RuntimeError(f"the installed distribution {name} has no .dist-info")
    members[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: pulso_local.artifacts (from the installed distribution)\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = [f"{member},{_record_hash(data)},{len(data)}" for member, data in sorted(members.items())]
    record.append(f"{dist_info}/RECORD,,")
    entries = [*sorted(members.items()), (f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode())]
    return _zip_members(entries)


def training_source_dir() -> bytes:
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as archive:
        entries = [(SRC / "training" / "train.py", "train.py")]
        entries += [(path, name) for name, path in _sources(("training", "inference", "pulso"))]
        for path, name in entries:
            info = tarfile.TarInfo(name)
            data = path.read_bytes()
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(tar_bytes.getvalue(), mtime=0)


def clear_caches() -> None:
    """Forget the builds this process keeps (a test that checks a fresh build gives the same bytes)."""
    _lambda_zip.cache_clear()
    _glue_wheel.cache_clear()
    _glue_dependency_wheel.cache_clear()


ARTIFACTS = {LAMBDA_PACKAGE: lambda_zip, glue_wheel_name(): glue_wheel, TRAINING_SOURCE: training_source_dir}
ARTIFACTS.update(
    {glue_dependency_wheel_name(name): functools.partial(glue_dependency_wheel, name) for name in GLUE_DEPENDENCIES}
)


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in ARTIFACTS.items():
        path = directory / name
        path.write_bytes(build())
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "terraform/build")):
        print(written_path)
