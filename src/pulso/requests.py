"""The execution input of the pipeline (what `aws stepfunctions start-execution --input` and `pulso start` send).

The state machine's "Check the request" Choice state is the authority on AWS; `request_problem` says in one
line why it would reject a request, for the run record, the notification and the CLI. A test runs both over
the same requests and checks they agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

DISCOVER = "discover"
RUN_MODES = ("train_and_predict", "predict")
MODES = (*RUN_MODES, DISCOVER)
# The execution name is the run id, and SageMaker job names are `<run id>-predict-<retry>` and the like:
# SageMaker names match [a-zA-Z0-9](-*[a-zA-Z0-9])* and have at most 63 characters, so a run id has at most 53.
RUN_ID_MAX_CHARS = 53
_RUN_ID = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*")


def run_id_problem(run_id: str) -> str | None:
    """Why `run_id` cannot name a run (its SageMaker job names would be refused), or None."""
    if len(run_id) > RUN_ID_MAX_CHARS or not _RUN_ID.fullmatch(run_id):
        return (
            f"a run id (the execution name) must be 1-{RUN_ID_MAX_CHARS} letters, digits and inner hyphens: "
            "SageMaker job names are derived from it"
        )
    return None


def request_problem(request: Any, profiles: Iterable[str]) -> str | None:
    """Why the pipeline rejects `request` (one line, no input values beyond field names), or None."""
    if not isinstance(request, dict):
        return f"the execution input must be a JSON object (got {type(request).__name__})"
    mode = request.get("mode")
    if "mode" not in request:
        return f"the request has no mode (one of {', '.join(MODES)})"
    if not isinstance(mode, str) or mode not in MODES:
        return f"mode must be one of {', '.join(MODES)}"
    if mode == DISCOVER:
        return None
    for field in ("input", "profile"):
        if field not in request:
            return f"a {mode} request needs {field}"
        if not isinstance(request[field], str):
            return f"{field} must be a string"
    if not request["input"].startswith("s3://"):
        return "input must be an s3:// URI"
    known = sorted(profiles)
    if request["profile"] not in known:
        return f"unknown profile (known profiles: {', '.join(known)})"
    return None
