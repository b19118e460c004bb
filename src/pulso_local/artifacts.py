"""The deployable artifacts, built the same way for Terraform and for the emulated account.

- `lambdas.zip`: the Lambda handlers and the shared package (boto3 comes with the runtime);
- `glue_packages.zip`: `glue_jobs/` and `pulso/`, which the Glue job scripts import (`--extra-py-files`);
- `sourcedir.tar.gz`: the SageMaker training source directory: `train.py` at the top, `training/`,
  `inference/` and `pulso/` beside it.

Builds are reproducible (fixed timestamps, sorted entries), so Terraform sees a change only when the code
changes. `python -m pulso_local.artifacts DIR` writes the three files into DIR (`make artifacts`).
"""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1]
_SUFFIXES = (".py", ".json")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _files(package: str) -> Iterator[Path]:
    for path in sorted((SRC / package).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in _SUFFIXES:
            yield path


def _zip(packages: tuple[str, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for package in packages:
            for path in _files(package):
                info = zipfile.ZipInfo(str(path.relative_to(SRC)), date_time=_EPOCH)
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def lambda_zip() -> bytes:
    return _zip(("lambdas", "pulso"))


def glue_packages_zip() -> bytes:
    return _zip(("glue_jobs", "pulso"))


def training_source_dir() -> bytes:
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as archive:
        entries = [(SRC / "training" / "train.py", "train.py")]
        entries += [
            (path, str(path.relative_to(SRC)))
            for package in ("training", "inference", "pulso")
            for path in _files(package)
        ]
        for path, name in entries:
            info = tarfile.TarInfo(name)
            data = path.read_bytes()
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(tar_bytes.getvalue(), mtime=0)


ARTIFACTS = {"lambdas.zip": lambda_zip, "glue_packages.zip": glue_packages_zip, "sourcedir.tar.gz": training_source_dir}


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
