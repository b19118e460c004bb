"""Command line: `python -m bench all` runs every benchmark, `python -m bench <name>` runs one."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bench import (
    etl,  # noqa: F401  (registers the "etl" benchmark)
    harness,
    model,  # noqa: F401  (registers the "model" benchmark)
    pipeline,  # noqa: F401  (registers the "pipeline" benchmark)
    topics,  # noqa: F401  (registers the "topics" benchmark)
)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the one argument (a benchmark name or `all`) and run; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    choices = ", ".join(["all", *harness.registered()])
    if len(args) != 1:
        print(f"usage: python -m bench NAME (one of: {choices})", file=sys.stderr)
        return 2
    name = args[0]
    if name == "all":
        return harness.run(harness.registered(), "make bench")
    if name not in harness.registered():
        print(f"bench: unknown benchmark {name!r} (choose one of: {choices})", file=sys.stderr)
        return 2
    return harness.run([name], f"make bench-{name}")


if __name__ == "__main__":
    raise SystemExit(main())
