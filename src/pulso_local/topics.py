"""Topics on this machine: `pulso topics discover | review | approve`.

- discover: starts the state machine in `discover` mode on the emulated account (as the weekly schedule does on
  AWS) and follows it;
- review: prints the newest (or a named) discovery run's clusters with their proposed names, each marked when
  its proposal is doubtful, and writes a draft approval JSON the analyst edits (`--out`; doubtful names empty);
- approve: turns the names the analyst chose (`--name ID=NAME`, or an edited file, with `--drop ID`) into an
  approval object under `topic-approvals/<run>/` in the models bucket and delivers the S3 event to the
  approve_topics Lambda, exactly as on AWS; prints whether the new map version was approved or why it was
  rejected. Proposals are never approved wholesale: with neither `--name` nor `--file` it refuses.

Every command printed for pasting quotes its values for a POSIX shell (`shlex`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from pulso.config import PulsoConfig
from pulso.layout import RUN_REPORT, RUN_REPORT_DATA
from pulso.topics.proposals import approve_command, draft_names, is_doubtful
from pulso_local.reports import ReportNotFoundError, find_run_file, outputs_dir

if TYPE_CHECKING:
    from pulso_local.runtime import LocalRuntime


class TopicsError(LookupError):
    """A discovery run or report that does not exist, or an approval that cannot be built."""


def topic_report_page(home: Path, config: PulsoConfig, run_id: str, name: str = RUN_REPORT) -> Path:
    """A discovery run's topic report in the workspace (`report.html`, or `report.json`: the data behind it)."""
    return outputs_dir(home, config) / config.layout.topic_report(run_id, name)


def find_report(home: Path, config: PulsoConfig, run_id: str | None = None) -> dict[str, Any]:
    """The report.json of `run_id`, or of the newest discovery run."""
    try:
        path = find_run_file(
            home, config, lambda run: config.layout.topic_report(run, RUN_REPORT_DATA), run_id,
            missing=f"no topic discovery run {run_id} in {home}",
            none_yet=f"no topic discovery run in {home} yet: run `pulso topics discover`",
        )  # fmt: skip
    except ReportNotFoundError as error:
        raise TopicsError(str(error)) from None
    return json.loads(path.read_text(encoding="utf-8"))


def review_text(report: dict[str, Any]) -> str:
    """The clusters for a terminal: size, proposed name, its confidence and why (doubtful ones marked `?`),
    signature, sentiment, two messages each; then how to approve chosen names."""
    current = report.get("current_map") or {}
    lines = [
        f"discovery run {report['run_id']} ({report['window']['from_date']}..{report['window']['to_date']}): "
        f"{report['k_selection']['chosen']} clusters over {report['messages']['clustered']:,} messages, "
        f"silhouette {report.get('silhouette')}, embedding {report['embedding']['kind']}",
        f"current approved map: version {current.get('version')} {current.get('categories') or ''}"
        if current.get("version")
        else "current approved map: none yet",
        "",
    ]
    for cluster in report["clusters"]:
        sentiment = cluster["sentiment"]
        known = sum(value for name, value in sentiment.items() if name != "unknown")
        negative = f"{sentiment.get('negative', 0) / known:.0%} negative" if known else "no predictions"
        mark = "?" if is_doubtful(cluster) else " "
        confidence = cluster.get("proposal_confidence")
        trust = f"confidence {confidence:.2f}" if isinstance(confidence, (int, float)) else "confidence unknown"
        lines.append(f"{mark}[{cluster['cluster']}] {cluster['proposed_name']!r}  {cluster['size']:,} messages "
                     f"({cluster['share']:.0%}), {negative}; {trust}{', DOUBTFUL' if mark == '?' else ''}")  # fmt: skip
        lines.append(f"    why: {cluster['proposal_reason']}")
        lines.append(f"    signature: {cluster['signature']}; terms: "
                     + ", ".join(item["term"] for item in cluster["top_terms"]))  # fmt: skip
        for message in cluster["representatives"][:2]:
            lines.append("    > " + " ".join(message["text"].split())[:110])
    doubtful = sum(1 for cluster in report["clusters"] if is_doubtful(cluster))
    run = shlex.quote(str(report["run_id"]))
    lines += [
        "",
        f"{doubtful} of {len(report['clusters'])} proposals are doubtful (marked ?): name those yourself.",
        "approve the names you choose (clusters not named are left out), e.g.:",
        "  " + approve_command(str(report["run_id"]), report["clusters"]),
        f"or edit a draft (doubtful names left empty): pulso topics review --run {run} --out draft.json, "
        f"then pulso topics approve --run {run} --file draft.json",
    ]
    return "\n".join(lines)


def draft_approval(report: dict[str, Any], approved_by: str) -> dict[str, Any]:
    """An approval for the analyst to edit: confident proposals filled in, doubtful ones "" (to fill in, or
    null to leave the cluster out), clusters without a proposal null."""
    return {
        "discovery_run_id": report["run_id"],
        "approved_by": approved_by,
        "names": draft_names(report["clusters"]),
    }


def draft_written(path: Path, draft: dict[str, Any]) -> str:
    """What to do with a draft written to `path`, with a command ready to paste."""
    empty = sorted((cluster for cluster, name in draft["names"].items() if name == ""), key=_cluster_order)
    todo = f"fill in the empty names of clusters {', '.join(empty)} (or null to leave one out), " if empty else ""
    command = shlex.join(["pulso", "topics", "approve", "--run", str(draft["discovery_run_id"]), "--file", str(path)])
    return f"draft approval written to {path}: {todo}edit the names, then {command}"


def _cluster_order(cluster: str) -> tuple[int, str]:
    return (int(cluster), "") if cluster.isdigit() else (1 << 30, cluster)


def build_approval(
    report: dict[str, Any],
    *,
    approved_by: str | None,
    names: Sequence[str] = (),
    drop: Sequence[str] = (),
    file: Path | None = None,
) -> dict[str, Any]:
    """The approval document: the file, or the `--name ID=NAME` choices, with `--drop ID` applied.

    Proposals are never approved wholesale: with neither names nor a file, or with a name left empty (a
    doubtful proposal of the draft), it raises `TopicsError` saying what to do.
    """
    if file is None and not names:
        command = shlex.join(["pulso", "topics", "review", "--run", str(report["run_id"]), "--out", "draft.json"])
        raise TopicsError(
            "nothing to approve: choose the names with --name ID=NAME (repeat; clusters not named are left out) "
            f"or --file FILE (a draft to edit: {command})"
        )
    if file is not None:
        try:
            approval = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise TopicsError(f"cannot read the approval file {file}: {error}") from None
        if not isinstance(approval, dict):
            raise TopicsError(f"{file}: an approval is a JSON object")
    else:
        approval = {"discovery_run_id": report["run_id"], "approved_by": approved_by or "", "names": {}}
    approval["discovery_run_id"] = report["run_id"]
    if approved_by:
        approval["approved_by"] = approved_by
    approval.setdefault("names", {})
    for item in names:
        cluster, separator, name = item.partition("=")
        if not separator:
            raise TopicsError(f"--name takes ID=NAME (got {item!r})")
        approval["names"][cluster.strip()] = name.strip()
    for cluster in drop:
        approval["names"][cluster.strip()] = None
    if isinstance(approval["names"], dict):
        empty = [str(key) for key, value in approval["names"].items() if isinstance(value, str) and not value.strip()]
        if empty:
            raise TopicsError(
                f"cluster(s) {', '.join(empty)} have no name yet (doubtful proposals are left empty in the draft): "
                "fill in a name, or null to leave the cluster out"
            )
    return approval


def default_analyst() -> str:
    return os.environ.get("PULSO_ANALYST") or getpass.getuser()


def submit_approval(
    runtime: LocalRuntime, approval: dict[str, Any], say: Callable[[str], None], now: dt.datetime | None = None
) -> dict[str, Any]:
    """Put the approval into the models bucket and deliver the S3 event to approve_topics; the outcome."""
    from pulso_local.runtime import RunFailedError, s3_created_event

    config = runtime.config
    bucket = runtime.account.bucket("models")
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S-%f")
    key = f"{config.layout.topic_approvals(approval['discovery_run_id'])}approval-{stamp}.json"
    body = json.dumps(approval, indent=2, ensure_ascii=False).encode("utf-8")
    put = boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
    say(f"approval written to s3://{bucket}/{key}")
    try:
        result = runtime.invoke("approve_topics", s3_created_event(bucket, key, len(body), put))
    except RunFailedError as error:
        raise TopicsError(str(error)) from None
    return result["outcomes"][0]


def discovery_request(days: int | None, to_date: str | None) -> dict[str, Any]:
    request: dict[str, Any] = {"mode": "discover"}
    if days is not None:
        request["days"] = days
    if to_date is not None:
        request["to_date"] = to_date
    return request
