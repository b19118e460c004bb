"""The workspace: what outlives one emulated account (a git-ignored folder, `.pulso/` or `$PULSO_HOME`).

    s3/<bucket>/<key>      the buckets' objects (code and embeddings are re-created from source each start)
    registry.json          the model package group's packages, in version order
    history.jsonl          one line per run: id, status, times, counts, gate decision

Loaded into the emulated account at start, written back at the end, also when a run fails.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import boto3

HOME_ENV = "PULSO_HOME"
SKIPPED_PREFIXES = ("code/", "embeddings/")  # rebuilt from the source tree and the package at every start


def default_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or Path.cwd() / ".pulso")


class Workspace:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.objects = home / "s3"
        self.registry_file = home / "registry.json"
        self.history_file = home / "history.jsonl"
        self.compute_dir = home / "compute"

    # --- S3 ---------------------------------------------------------------------------------------------

    def load_objects(self, buckets: list[str]) -> int:
        s3 = boto3.client("s3")
        count = 0
        for bucket in buckets:
            root = self.objects / bucket
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    s3.upload_file(str(path), bucket, path.relative_to(root).as_posix())
                    count += 1
        return count

    def save_objects(self, buckets: list[str]) -> int:
        """Mirror the buckets to disk (current versions); returns the number of files written."""
        s3 = boto3.client("s3")
        written = 0
        for bucket in buckets:
            root = self.objects / bucket
            present: set[Path] = set()
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for item in page.get("Contents", []):
                    key = item["Key"]
                    if key.startswith(SKIPPED_PREFIXES) or key.endswith("/"):
                        continue
                    target = root / key
                    present.add(target)
                    if target.is_file() and target.stat().st_size == item["Size"] and _same_etag(target, item["ETag"]):
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    s3.download_file(bucket, key, str(target))
                    _record_etag(target, item["ETag"])
                    written += 1
            if root.is_dir():
                for path in sorted(root.rglob("*"), reverse=True):
                    if path.is_file() and path not in present and not path.name.endswith(".etag"):
                        path.unlink()
                        path.with_name(path.name + ".etag").unlink(missing_ok=True)
        return written

    # --- model registry ---------------------------------------------------------------------------------

    def save_registry(self, group: str) -> None:
        sagemaker = boto3.client("sagemaker")
        packages = []
        listed = sagemaker.list_model_packages(
            ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Ascending"
        )
        for summary in listed.get("ModelPackageSummaryList", []):
            described = sagemaker.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
            packages.append({
                "version": described.get("ModelPackageVersion"),
                "description": described.get("ModelPackageDescription", ""),
                "approval_status": described["ModelApprovalStatus"],
                "inference_specification": described["InferenceSpecification"],
                "metadata": described.get("CustomerMetadataProperties", {}),
                "created_at": str(described.get("CreationTime", "")),
            })  # fmt: skip
        self.home.mkdir(parents=True, exist_ok=True)
        self.registry_file.write_text(json.dumps({"group": group, "packages": packages}, indent=2), encoding="utf-8")

    def load_registry(self, group: str) -> int:
        if not self.registry_file.is_file():
            return 0
        sagemaker = boto3.client("sagemaker")
        packages = json.loads(self.registry_file.read_text(encoding="utf-8"))["packages"]
        for package in sorted(packages, key=lambda item: item["version"] or 0):
            sagemaker.create_model_package(
                ModelPackageGroupName=group,
                ModelPackageDescription=package["description"] or "restored",
                ModelApprovalStatus=package["approval_status"],
                InferenceSpecification=package["inference_specification"],
                CustomerMetadataProperties=package["metadata"] or {"restored": "true"},
            )
        return len(packages)

    def registry(self) -> list[dict[str, Any]]:
        if not self.registry_file.is_file():
            return []
        return json.loads(self.registry_file.read_text(encoding="utf-8"))["packages"]

    # --- run history ------------------------------------------------------------------------------------

    def append_history(self, entry: dict[str, Any]) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        with self.history_file.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(entry) + "\n")

    def history(self) -> list[dict[str, Any]]:
        if not self.history_file.is_file():
            return []
        return [json.loads(line) for line in self.history_file.read_text(encoding="utf-8").splitlines() if line]

    def reset_compute_dir(self) -> Path:
        shutil.rmtree(self.compute_dir, ignore_errors=True)
        self.compute_dir.mkdir(parents=True)
        return self.compute_dir


def _same_etag(path: Path, etag: str) -> bool:
    marker = path.with_name(path.name + ".etag")
    return marker.is_file() and marker.read_text() == etag


def _record_etag(path: Path, etag: str) -> None:
    path.with_name(path.name + ".etag").write_text(etag)
