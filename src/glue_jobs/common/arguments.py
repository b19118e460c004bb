"""Glue-style job arguments: `--name value` pairs (or `--name=value`); arguments the job does not know
(Glue adds `--JOB_ID`, `--JOB_RUN_ID`, `--job-bookmark-option`, `--TempDir`...) are tolerated."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pulso.errors import AccountingError, ConfigError, InputError

Result = TypeVar("Result")


@dataclass(frozen=True)
class Argument:
    help: str
    required: bool = False
    default: str | None = None
    choices: tuple[str, ...] | None = None


def parse_glue_arguments(argv: Sequence[str], spec: Mapping[str, Argument]) -> dict[str, str | None]:
    """Values for the arguments in `spec`; a missing required one or a bad choice is a one-line ConfigError."""
    given: dict[str, str] = {}
    index = 0
    while index < len(argv):
        token = argv[index]
        index += 1
        if not token.startswith("--"):
            continue
        name, has_value, value = token[2:].partition("=")
        if not has_value:
            if index < len(argv) and not argv[index].startswith("--"):
                value = argv[index]
                index += 1
            else:
                value = "true"
        given[name] = value
    values: dict[str, str | None] = {}
    for name, argument in spec.items():
        value = given.get(name, argument.default)
        if value is None and argument.required:
            raise ConfigError(f"missing job argument --{name} ({argument.help})")
        if value is not None and argument.choices and value not in argument.choices:
            raise ConfigError(f"job argument --{name} must be one of {', '.join(argument.choices)} (got {value!r})")
        values[name] = value
    return values


def usage(spec: Mapping[str, Argument]) -> str:
    lines = ["arguments (Glue style, --name value):"]
    for name, argument in spec.items():
        flag = "required" if argument.required else f"default: {argument.default}"
        lines.append(f"  --{name:<16} {argument.help} ({flag})")
    return "\n".join(lines)


def job_main(
    program: str,
    doc: str,
    spec: Mapping[str, Argument],
    run: Callable[[Sequence[str]], Result],
    argv: Sequence[str] | None,
) -> Result:
    """The console entry of a Glue job: `--help`, logging, and a one-line exit (which Glue shows as the run's
    error) for a bad configuration, unreadable input or lost rows."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--help" in args or "-h" in args:
        print(doc.strip() + "\n\n" + usage(spec))
        raise SystemExit(0)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return run(args)
    except ConfigError as error:
        raise SystemExit(f"{program}: configuration error: {error}") from None
    except (InputError, AccountingError) as error:
        raise SystemExit(f"{program}: {error}") from None
