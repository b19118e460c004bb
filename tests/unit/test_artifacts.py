"""The deployable artifacts: reproducible, and holding what each runtime imports."""

from __future__ import annotations

import io
import tarfile
import zipfile

from pulso_local import artifacts


def test_builds_are_reproducible() -> None:
    for build in artifacts.ARTIFACTS.values():
        assert build() == build()


def test_each_artifact_holds_what_its_runtime_imports() -> None:
    lambdas = set(zipfile.ZipFile(io.BytesIO(artifacts.lambda_zip())).namelist())
    expected = {"lambdas/on_upload.py", "lambdas/common.py", "pulso/config/pulso.json", "pulso/text/normaliser.py"}
    assert expected <= lambdas
    assert not any(name.startswith(("training/", "glue_jobs/")) or "__pycache__" in name for name in lambdas)
    glue = set(zipfile.ZipFile(io.BytesIO(artifacts.glue_packages_zip())).namelist())
    assert {"glue_jobs/etl_job.py", "glue_jobs/publish_job.py", "pulso/config/pulso.json"} <= glue
    with tarfile.open(fileobj=io.BytesIO(artifacts.training_source_dir()), mode="r:gz") as archive:
        names = set(archive.getnames())
    assert {"train.py", "training/job.py", "inference/handler.py", "pulso/text/normaliser.py"} <= names
