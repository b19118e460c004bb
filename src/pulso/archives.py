"""JSON files read out of a model's .tar.gz stream (model.tar.gz, output.tar.gz) without unpacking the rest."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import IO, Any


def json_members(fileobj: IO[bytes], names: Iterable[str]) -> dict[str, Any]:
    """The parsed JSON members called `names` (paths inside the archive), streamed: reading stops once all are
    found, so small files packed before the weights cost little. Absent members are absent from the result."""
    wanted = set(names)
    found: dict[str, Any] = {}
    with tarfile.open(fileobj=fileobj, mode="r|gz") as archive:
        for member in archive:
            name = PurePosixPath(member.name).as_posix()
            if name in wanted and member.isfile():
                found[name] = json.load(archive.extractfile(member))  # type: ignore[arg-type]
                if len(found) == len(wanted):
                    break
    return found
