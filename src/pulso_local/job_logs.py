"""The local jobs' output: a log file per job under its run, and the lines the follower prints under the job's state.

On AWS each job writes to its own CloudWatch log stream; here the jobs share one process (Glue scripts and Lambda
handlers) or are its children (training, Batch Transform). Each job's output is kept apart as a `JobOutput`,
named as the state machine's task names it, `JobKey(kind, name, run_id)`: the job or function name and the
execution it runs for. It is written to `runs/<run id>/logs/<kind>-<name>.log` as it comes (a killed run keeps
its logs) and handed to the follower, which prints it under the state that scheduled the task.

In-process jobs print to `sys.stdout`/`sys.stderr` and log with `logging`: `ThreadRoutedStream` replaces both
streams while the account is open and sends what a thread writes to the output that thread's job has open, and
everything else (the follower's own lines) to the real stream.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, TextIO

MAX_LINE_CHARS = 160
COMMAND_PREFIX = "$ "  # a job's first line: how it was started (arguments, key ARNs), for the log and --verbose
_URI_OR_ARN = re.compile(r"^(s3://|arn:|/|https?://)")
_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<level>[A-Z]+) (?P<logger>[\w.]+): ")
_QUIET_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")  # their INFO lines only in the log file


class JobKey(NamedTuple):
    """A job as a task names it: kind (glue, lambda, training, transform), job or function name, run id."""

    kind: str
    name: str
    run_id: str | None


@dataclass
class JobOutput:
    """One job's lines, in order, and the log file they are also written to."""

    key: JobKey
    log_path: Path | None
    lines: list[str] = field(default_factory=list)
    shown: int = 0
    _file: IO[str] | None = None

    def write(self, line: str) -> None:
        self.lines.append(line)
        if self._file is not None:
            self._file.write(line + "\n")
            self._file.flush()

    def unshown(self) -> list[str]:
        lines, self.shown = self.lines[self.shown :], len(self.lines)
        return lines


class JobLogs:
    """Every job's output of one open account, by key, in the order the jobs started."""

    def __init__(self, logs_dir: Callable[[str], Path]) -> None:
        self._logs_dir = logs_dir
        self._lock = threading.Lock()
        self._outputs: dict[JobKey, deque[JobOutput]] = defaultdict(deque)
        self._active = threading.local()

    @contextlib.contextmanager
    def job(self, key: JobKey) -> Iterator[JobOutput]:
        """Collect what the job of `key` writes while the block runs (its thread's prints and logging, or the
        lines given to `JobOutput.write`)."""
        path = self._logs_dir(key.run_id) / f"{key.kind}-{key.name}.log" if key.run_id else None
        output = JobOutput(key, path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            output._file = path.open("a", encoding="utf-8")
        with self._lock:
            self._outputs[key].append(output)
        previous = getattr(self._active, "output", None)
        self._active.output = output
        try:
            yield output
        finally:
            self._active.output = previous
            if output._file is not None:
                output._file.close()

    def active(self) -> JobOutput | None:
        """The output the calling thread's job has open."""
        return getattr(self._active, "output", None)

    def claim(self, key: JobKey) -> JobOutput | None:
        """The oldest output of `key` not yet claimed (None until that job has started)."""
        with self._lock:
            queue = self._outputs.get(key)
            return queue.popleft() if queue else None


class ThreadRoutedStream(io.TextIOBase):
    """A text stream that sends each thread's writes to its job's output, or to `fallback` outside any job."""

    def __init__(self, logs: JobLogs, fallback: TextIO) -> None:
        self._logs = logs
        self._fallback = fallback
        self._partial = threading.local()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        output = self._logs.active()
        if output is None:
            return self._fallback.write(text)
        pending = getattr(self._partial, "text", "") + text
        *lines, rest = pending.split("\n")
        for line in lines:
            output.write(line.rstrip("\r"))
        self._partial.text = rest
        return len(text)

    def flush(self) -> None:
        self._fallback.flush()


@contextlib.contextmanager
def routed_std_streams(logs: JobLogs) -> Iterator[None]:
    """Route `sys.stdout` and `sys.stderr` through `ThreadRoutedStream` for the block."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ThreadRoutedStream(logs, saved[0]), ThreadRoutedStream(logs, saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def readable(line: str) -> str | None:
    """A job's line as the step list shows it: JSON log records as their message and short fields, logging
    prefixes dropped, long lines cut; None for lines kept only in the log (the job's argument line)."""
    prefix = _LOG_PREFIX.match(line)
    if prefix and prefix["level"] in ("INFO", "DEBUG") and prefix["logger"].startswith(_QUIET_LOGGERS):
        return None
    if prefix and prefix["level"] in ("INFO", "DEBUG"):
        line = line[prefix.end() :]
    line = line.rstrip()
    if not line.strip() or line.startswith(COMMAND_PREFIX):
        return None
    if line.startswith("{"):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            line = _record_text(record)
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"


def _record_text(record: dict[str, Any]) -> str:
    """`message: key value, …` of a JSON log record, without URIs, ARNs and nested values."""
    message = str(record.get("message") or "")
    fields = [
        f"{key} {_short(value)}" for key, value in record.items() if key not in ("message", "run_id") and _shown(value)
    ]
    return f"{message}: {', '.join(fields)}" if fields and message else message or ", ".join(fields)


def _shown(value: Any) -> bool:
    if isinstance(value, bool | int | float):
        return True
    if isinstance(value, str):
        return len(value) <= 80 and not _URI_OR_ARN.match(value)
    if isinstance(value, dict):
        return bool(value) and all(_is_number(item) for item in value.values())
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{key}={item}" for key, item in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
