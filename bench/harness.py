"""A tiny benchmark registry: register with `@benchmark(name)`, run with `run(names, command)`.

A benchmark returns a flat `dict[str, float | int]`. The harness adds `cores`, `date` and `command`,
writes `bench/results/<name>.json` and prints a table. A benchmark whose data is missing raises
`BenchmarkSkippedError`; that is a failure only when PULSO_REQUIRE_SHARED_DATA=1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Result = dict[str, float | int]
BenchmarkFunction = Callable[[], Result]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REQUIRE_DATA_ENV = "PULSO_REQUIRE_SHARED_DATA"

_REGISTRY: dict[str, BenchmarkFunction] = {}


class BenchmarkSkippedError(Exception):
    """The benchmark cannot run (e.g. its shared data set is missing); the message says why."""


def benchmark(name: str) -> Callable[[BenchmarkFunction], BenchmarkFunction]:
    """Register the decorated function as the benchmark `name`."""

    def register(function: BenchmarkFunction) -> BenchmarkFunction:
        if name in _REGISTRY:
            raise ValueError(f"benchmark {name!r} is registered twice")
        _REGISTRY[name] = function
        return function

    return register


def registered() -> list[str]:
    """Names of the registered benchmarks, in registration order."""
    return list(_REGISTRY)


def _format_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:,.4f}"


def print_table(name: str, result: dict[str, object]) -> None:
    """Print one benchmark's result as aligned `name  key  value` rows."""
    rows = [(name, key, _format_value(value)) for key, value in sorted(result.items())]
    widths = [max(len(row[column]) for row in [("name", "key", "value"), *rows]) for column in range(3)]
    header = ("name", "key", "value")
    print(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]:>{widths[2]}}")
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}")


def write_result(name: str, result: dict[str, object]) -> Path:
    """Write `bench/results/<name>.json` (indent 2, sorted keys)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def run_one(name: str, command: str) -> bool:
    """Run one benchmark, write and print its result; False when it was skipped."""
    try:
        measured = _REGISTRY[name]()
    except BenchmarkSkippedError as skipped:
        print(f"{name}: skipped: {skipped}")
        return False
    result: dict[str, object] = {
        **measured,
        "cores": os.cpu_count() or 0,
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "command": command,
    }
    path = write_result(name, result)
    print_table(name, result)
    print(f"wrote {path}")
    return True


def run(names: Sequence[str], command: str) -> int:
    """Run the named benchmarks in order; return the process exit code."""
    unknown = [name for name in names if name not in _REGISTRY]
    if unknown:
        raise KeyError(f"unknown benchmark(s): {', '.join(unknown)}")
    skipped = 0
    for index, name in enumerate(names):
        if index:
            print()
        skipped += not run_one(name, command)
        sys.stdout.flush()
    if skipped and os.environ.get(REQUIRE_DATA_ENV) == "1":
        print(f"{skipped} benchmark(s) skipped and {REQUIRE_DATA_ENV}=1", file=sys.stderr)
        return 1
    return 0
