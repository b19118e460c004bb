"""The workspace: what outlives one emulated account (a git-ignored folder, `.pulso/` or `$PULSO_HOME`).

    s3 -> snapshots/<n>           the buckets' objects as of the last save (a symlink to the current snapshot)
    snapshots/<n>/<bucket>/<key>  one saved state: the objects (code and embeddings are re-created at every start),
    snapshots/<n>/.index.json     the keys it holds, and
    snapshots/<n>/.registry.json  the model package group's packages, in version order
    registry.json -> s3/.registry.json
    history.jsonl                 one line per run event (started, finished, interrupted); the last line of a run wins
    runs/<run id>/logs/           every job's log of that run (the newest `$PULSO_KEEP_RUN_LOGS` runs, default 30)
    compute/                      scratch space of the running jobs (emptied at every start)
    .lock                         held by the one command that has the workspace's emulated account open

A save writes a new snapshot beside the current one (unchanged objects are hard links, not copies) and then
swaps the `s3` symlink in one atomic rename, so a crash at any point leaves the previous state or the new one,
never a mix. A command that opens the account holds `.lock` (an advisory `flock`, released by the kernel when
its process ends, however it ends), so a second command refuses at once instead of overwriting the first one's
work; read-only commands (`status`, `history`, `query`, `report`) read the current snapshot without the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import boto3

HOME_ENV = "PULSO_HOME"
KEEP_RUN_LOGS_ENV = "PULSO_KEEP_RUN_LOGS"
DEFAULT_KEEP_RUN_LOGS = 30
SKIPPED_PREFIXES = ("code/", "embeddings/")  # rebuilt from the source tree and the package at every start
INDEX_FILE = ".index.json"
REGISTRY_FILE = ".registry.json"
INTERRUPTED = "INTERRUPTED"
RUNNING = "RUNNING"
INTERRUPTED_ERROR = "interrupted: the command ended before the run did (killed or crashed); nothing of it was saved"
_LEGACY_MARKER_SUFFIX = ".etag"  # workspaces before snapshots kept an ETag file beside every object


class WorkspaceError(Exception):
    """The workspace cannot be used as asked (one line, for the user)."""


class WorkspaceBusyError(WorkspaceError):
    """Another command holds the workspace."""


def default_home() -> Path:
    """`$PULSO_HOME`; else the nearest `.pulso/` in this folder or a parent; else `.pulso/` here."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".pulso").is_dir():
            return folder / ".pulso"
    return here / ".pulso"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


class Workspace:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.objects = home / "s3"
        self.snapshots = home / "snapshots"
        self.registry_file = home / "registry.json"
        self.history_file = home / "history.jsonl"
        self.runs_dir = home / "runs"
        self.compute_dir = home / "compute"
        self.lock_file = home / ".lock"
        self._lock: IO[str] | None = None
        self._loaded_etags: dict[str, dict[str, str]] = {}

    # --- the lock ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, command: str) -> Iterator[None]:
        """Hold the workspace for `command`, or raise WorkspaceBusyError naming the command that holds it."""
        self.home.mkdir(parents=True, exist_ok=True)
        stream = self.lock_file.open("a+", encoding="utf-8")
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = _holder_text(stream.read())
            stream.close()
            raise WorkspaceBusyError(
                f"workspace {self.home} is in use by {holder}; wait for it to end, or set {HOME_ENV} to use another"
            ) from None
        stream.seek(0)
        stream.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        stream.write(json.dumps({"pid": os.getpid(), "command": command, "since": started}))
        stream.flush()
        self._lock = stream
        try:
            self.mark_interrupted_runs()
            yield
        finally:
            self._lock = None
            stream.seek(0)
            stream.truncate()
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
            stream.close()

    def is_busy(self) -> bool:
        """Whether a command holds the workspace now (a read-only look: nothing is taken)."""
        if not self.lock_file.is_file():
            return False
        with self.lock_file.open("r", encoding="utf-8") as stream:
            try:
                fcntl.flock(stream.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
        return False

    # --- S3 ---------------------------------------------------------------------------------------------

    def current_snapshot(self) -> Path | None:
        """The folder `s3` points at; a workspace from before snapshots is moved into one first."""
        if self.objects.is_symlink():
            return self.objects.resolve() if self.objects.exists() else None
        if self.objects.is_dir():  # an older workspace: its objects become snapshot 0
            self.snapshots.mkdir(parents=True, exist_ok=True)
            legacy = self.snapshots / "0"
            os.rename(self.objects, legacy)
            if self.registry_file.is_file() and not self.registry_file.is_symlink():
                shutil.copyfile(self.registry_file, legacy / REGISTRY_FILE)
            self._point_at(legacy)
            return legacy
        return None

    def object_files(self) -> dict[str, list[Path]]:
        """The saved objects' files by bucket (what the index lists; legacy ETag markers are not objects)."""
        snapshot = self.current_snapshot()
        if snapshot is None:
            return {}
        index = snapshot / INDEX_FILE
        if index.is_file():
            listed = json.loads(index.read_text(encoding="utf-8"))
            return {bucket: [snapshot / bucket / key for key in keys] for bucket, keys in listed.items()}
        return {
            folder.name: [path for path in sorted(folder.rglob("*"))
                          if path.is_file() and not path.name.endswith(_LEGACY_MARKER_SUFFIX)]
            for folder in sorted(snapshot.iterdir()) if folder.is_dir()
        }  # fmt: skip

    def load_objects(self, buckets: list[str]) -> int:
        """Upload the saved objects into the emulated account's buckets; the number of objects."""
        s3 = boto3.client("s3")
        files = self.object_files()
        count = 0
        snapshot = self.current_snapshot()
        for bucket in buckets:
            root = snapshot / bucket if snapshot is not None else self.objects / bucket
            for path in files.get(bucket, []):
                if path.is_file():
                    s3.upload_file(str(path), bucket, path.relative_to(root).as_posix())
                    count += 1
            self._loaded_etags[bucket] = {key: etag for key, etag, _ in _listing(s3, bucket)}
        return count

    def save(self, buckets: list[str], group: str) -> int:
        """Write the account's objects and model registry as a new snapshot and make it current in one rename;
        the number of objects downloaded (unchanged ones are hard-linked from the current snapshot)."""
        s3 = boto3.client("s3")
        current = self.current_snapshot()
        self.snapshots.mkdir(parents=True, exist_ok=True)
        target = self.snapshots / str(_next_number(self.snapshots))
        shutil.rmtree(target, ignore_errors=True)
        index: dict[str, list[str]] = {}
        downloaded: list[Path] = []
        for bucket in buckets:
            keys = index.setdefault(bucket, [])
            loaded = self._loaded_etags.get(bucket, {})
            for key, etag, _ in _listing(s3, bucket):
                path = target / bucket / key
                path.parent.mkdir(parents=True, exist_ok=True)
                previous = current / bucket / key if current is not None else None
                if previous is not None and loaded.get(key) == etag and previous.is_file():
                    os.link(previous, path)
                else:
                    s3.download_file(bucket, key, str(path))
                    downloaded.append(path)
                keys.append(key)
        (target / INDEX_FILE).write_text(json.dumps(index), encoding="utf-8")
        (target / REGISTRY_FILE).write_text(json.dumps(_registry(group), indent=2), encoding="utf-8")
        _sync_files([*downloaded, target / INDEX_FILE, target / REGISTRY_FILE])
        self._point_at(target)
        if not self.registry_file.is_symlink():
            link = self.home / ".registry.json.link"
            link.unlink(missing_ok=True)
            link.symlink_to(Path("s3") / REGISTRY_FILE)
            os.replace(link, self.registry_file)
        self._drop_old_snapshots(keep={target, current})
        return len(downloaded)

    def _point_at(self, snapshot: Path) -> None:
        link = self.home / ".s3.link"
        link.unlink(missing_ok=True)
        link.symlink_to(snapshot.relative_to(self.home))
        os.replace(link, self.objects)

    def _drop_old_snapshots(self, keep: set[Path | None]) -> None:
        """Remove every snapshot but the current and the previous one (a reader may still be in it)."""
        for folder in self.snapshots.iterdir():
            if folder.resolve() not in {path.resolve() for path in keep if path is not None}:
                shutil.rmtree(folder, ignore_errors=True)

    # --- model registry ---------------------------------------------------------------------------------

    def load_registry(self, group: str) -> int:
        """Re-create the saved model packages in version order, with their original creation times."""
        from pulso_local import emulator

        packages = self.registry()
        sagemaker = boto3.client("sagemaker")
        for package in sorted(packages, key=lambda item: item["version"] or 0):
            arn = sagemaker.create_model_package(
                ModelPackageGroupName=group,
                ModelPackageDescription=package["description"] or "restored",
                ModelApprovalStatus=package["approval_status"],
                InferenceSpecification=package["inference_specification"],
                CustomerMetadataProperties=package["metadata"] or {"restored": "true"},
            )["ModelPackageArn"]
            if package.get("created_at"):
                emulator.restore_model_package_time(arn, dt.datetime.fromisoformat(package["created_at"]))
        return len(packages)

    def registry(self) -> list[dict[str, Any]]:
        if not self.registry_file.is_file():
            return []
        return json.loads(self.registry_file.read_text(encoding="utf-8"))["packages"]

    # --- run history ------------------------------------------------------------------------------------

    def append_history(self, entry: dict[str, Any]) -> None:
        """Add one event of a run (one line, written with a single append)."""
        self.home.mkdir(parents=True, exist_ok=True)
        with self.history_file.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(entry) + "\n")
            stream.flush()
            os.fsync(stream.fileno())

    def history(self) -> list[dict[str, Any]]:
        """Every run, in the order they started, as its last event describes it (a torn last line is skipped).
        A run still RUNNING while no command holds the workspace was interrupted, and shows so."""
        if not self.history_file.is_file():
            return []
        runs: dict[str, dict[str, Any]] = {}
        for line in self.history_file.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("run_id"):
                runs[entry["run_id"]] = {**runs.get(entry["run_id"], {}), **entry}
        if self._lock is None and any(entry.get("status") == RUNNING for entry in runs.values()) and not self.is_busy():
            for entry in runs.values():
                if entry.get("status") == RUNNING:
                    entry.update(status=INTERRUPTED, error=INTERRUPTED_ERROR)
        return list(runs.values())

    def mark_interrupted_runs(self) -> list[str]:
        """Record every run still RUNNING as INTERRUPTED (called with the lock held: no run of ours is running)."""
        stale = [entry["run_id"] for entry in self.history() if entry.get("status") == RUNNING]
        for run_id in stale:
            self.append_history({
                "run_id": run_id, "status": INTERRUPTED,
                "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "error": INTERRUPTED_ERROR,
            })  # fmt: skip
        return stale

    # --- compute and logs -------------------------------------------------------------------------------

    def reset_compute_dir(self) -> Path:
        shutil.rmtree(self.compute_dir, ignore_errors=True)
        self.compute_dir.mkdir(parents=True)
        return self.compute_dir

    def run_logs_dir(self, run_id: str) -> Path:
        return self.runs_dir / run_id / "logs"

    def prune_run_logs(self, keep: int | None = None) -> list[str]:
        """Keep the logs of the newest `keep` runs (default `$PULSO_KEEP_RUN_LOGS`, else 30); the removed run ids."""
        keep = keep_run_logs() if keep is None else keep
        if not self.runs_dir.is_dir():
            return []
        folders = sorted((path for path in self.runs_dir.iterdir() if path.is_dir()), key=_modified)
        removed = folders[: max(len(folders) - keep, 0)]
        for folder in removed:
            shutil.rmtree(folder, ignore_errors=True)
        return [folder.name for folder in removed]


def keep_run_logs() -> int:
    """How many runs' logs a workspace keeps (`$PULSO_KEEP_RUN_LOGS`, a whole number >= 1)."""
    text = os.environ.get(KEEP_RUN_LOGS_ENV, "").strip()
    if not text:
        return DEFAULT_KEEP_RUN_LOGS
    if not text.isdigit() or int(text) < 1:
        raise WorkspaceError(f"{KEEP_RUN_LOGS_ENV} must be a whole number of runs >= 1, not {text!r}")
    return int(text)


def _registry(group: str) -> dict[str, Any]:
    sagemaker = boto3.client("sagemaker")
    packages = []
    listed = sagemaker.list_model_packages(ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Ascending")
    for summary in listed.get("ModelPackageSummaryList", []):
        described = sagemaker.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
        created = described.get("CreationTime")
        packages.append({
            "version": described.get("ModelPackageVersion"),
            "description": described.get("ModelPackageDescription", ""),
            "approval_status": described["ModelApprovalStatus"],
            "inference_specification": described["InferenceSpecification"],
            "metadata": described.get("CustomerMetadataProperties", {}),
            "created_at": created.isoformat() if isinstance(created, dt.datetime) else str(created or ""),
        })  # fmt: skip
    return {"group": group, "packages": packages}


def _listing(s3: Any, bucket: str) -> Iterator[tuple[str, str, int]]:
    """(key, ETag, size) of every saved object of `bucket` (not the prefixes rebuilt at every start)."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            if not key.startswith(SKIPPED_PREFIXES) and not key.endswith("/"):
                yield key, item["ETag"], item["Size"]


def _modified(path: Path) -> float:
    return path.stat().st_mtime


def _next_number(snapshots: Path) -> int:
    numbers = [int(path.name) for path in snapshots.iterdir() if path.name.isdigit()]
    return max(numbers, default=0) + 1


def _sync_files(paths: list[Path]) -> None:
    """Flush a new snapshot's new files to disk before it becomes current (a power cut then loses nothing saved)."""
    for path in paths:
        with path.open("rb") as stream:
            os.fsync(stream.fileno())


def _holder_text(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"`pulso {holder['command']}` (pid {holder['pid']}, since {holder['since']})"
    except (json.JSONDecodeError, KeyError, TypeError):
        return "another pulso command"
