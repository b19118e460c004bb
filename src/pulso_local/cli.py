"""`pulso`: run the pipeline on this machine against the emulated AWS account, and look at what it made.

    pulso run [--input FILE_OR_DIR] [--profile NAME] [--mode auto|train_and_predict|predict] [--json]
    pulso ingest FILE [--profile NAME] [--mode ...]   upload to incoming/ and let on_upload start the run
    pulso start --request JSON | --request-file FILE [--name RUN_ID] [--json]
                                                       start an execution with exactly that input, as
                                                       `aws stepfunctions start-execution --input` does
    pulso status | pulso history | pulso models
    pulso query [NAME_OR_SQL] [--list] [--where COL=VALUE] [--format table|csv|json] [--out FILE] [--target local|aws]
    pulso report [RUN_ID] [--open]                     print (or open) the path of the newest run report
    pulso topics discover [--days N] [--to-date D]     cluster recent messages into topics (discover mode)
    pulso topics review [--run R] [--out FILE] [--open] the clusters and their proposed names
    pulso topics approve [--run R] [--name ID=NAME]... [--drop ID]... [--file FILE] [--by WHO]

The workspace is `.pulso/` in the current directory, or `$PULSO_HOME`. Progress goes to stderr; with
`--json`, stdout gets one JSON object. The exit code is 1 when the run fails, 2 for a usage error.
`query` runs a named query of sql/ (by name) or Athena SQL: on the workspace with DuckDB, or on Athena.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pulso.config import load_config
from pulso.errors import ConfigError
from pulso.requests import run_id_problem
from pulso_local.definition import REPO_ROOT
from pulso_local.workspace import Workspace, default_home

DEFAULT_INPUT = REPO_ROOT / "data" / "sample_labelled.csv"
DEFAULT_PROFILE = "tweets"
MODES = ("auto", "train_and_predict", "predict")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulso", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the whole pipeline locally on a file or folder")
    run.add_argument(
        "--input", type=Path, default=DEFAULT_INPUT, help=f"file or folder (default: {DEFAULT_INPUT.name})"
    )
    ingest = commands.add_parser("ingest", help="upload a file to the raw bucket; the on_upload Lambda starts the run")
    ingest.add_argument("input", type=Path)
    for command in (run, ingest):
        command.add_argument("--profile", default=DEFAULT_PROFILE, help="source profile (default: tweets)")
        command.add_argument("--mode", choices=MODES, default="auto",
                             help="auto: train when the input has enough labelled rows, else predict")  # fmt: skip
        command.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    start = commands.add_parser("start", help="start an execution with exactly this input (as start-execution)")
    request = start.add_mutually_exclusive_group(required=True)
    request.add_argument("--request", metavar="JSON", help='the execution input, e.g. \'{"mode": "discover"}\'')
    request.add_argument("--request-file", type=Path, metavar="FILE", help="a file holding the execution input")
    start.add_argument("--name", metavar="RUN_ID", help="the execution name (default: run-<time>-<random>)")
    start.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    commands.add_parser("status", help="the last run and the current champion model")
    commands.add_parser("history", help="every run in this workspace")
    commands.add_parser("models", help="model registry versions and their metrics")
    _add_query_parser(commands)
    report = commands.add_parser("report", help="the path of the newest run report (or RUN_ID's); --open opens it")
    report.add_argument("run_id", nargs="?", metavar="RUN_ID", help="a run id (default: the newest report)")
    report.add_argument("--open", action="store_true", help="open the report in the default web browser")
    _add_topics_parser(commands)
    return parser


def _add_topics_parser(commands: Any) -> None:
    topics = commands.add_parser("topics", help="discover topics, review the clusters, approve a category map")
    actions = topics.add_subparsers(dest="action", required=True)
    discover = actions.add_parser("discover", help="cluster the recent curated messages (state machine, discover mode)")
    discover.add_argument("--days", type=int, help="window of ingest dates (default: topics.lookback_days)")
    discover.add_argument("--to-date", help="last ingest date of the window, YYYY-MM-DD (default: today, UTC)")
    review = actions.add_parser("review", help="the newest discovery run's clusters and proposed names")
    review.add_argument("--out", type=Path, help="also write a draft approval JSON to edit and pass to approve")
    review.add_argument("--open", action="store_true", help="open the cluster report in the default web browser")
    approve = actions.add_parser("approve", help="approve names for the clusters: a new topic map version")
    approve.add_argument("--name", action="append", default=[], metavar="ID=NAME", help="name cluster ID (repeat)")
    approve.add_argument("--drop", action="append", default=[], metavar="ID", help="leave cluster ID out (repeat)")
    approve.add_argument("--file", type=Path, help="an approval JSON (e.g. the edited draft of review --out)")
    approve.add_argument("--by", help="who approves (default: $PULSO_ANALYST or the login name)")
    for command in (review, approve):
        command.add_argument("--run", help="discovery run id (default: the newest)")


def _add_query_parser(commands: Any) -> None:
    from pulso_local.query import FORMATS, TARGETS

    query = commands.add_parser("query", help="run a named query of sql/ or Athena SQL, locally (DuckDB) or on Athena")
    query.add_argument("query", nargs="?", metavar="NAME_OR_SQL",
                       help="a named query (see --list) or Athena SQL; none: list the named queries")  # fmt: skip
    query.add_argument("--list", action="store_true", help="list the named queries with their descriptions")
    query.add_argument("--format", choices=FORMATS, default="table", help="output on stdout (default: table)")
    query.add_argument("--out", type=Path, help="write the result to FILE.csv, FILE.json or FILE.parquet instead")
    query.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                       help="keep rows whose COLUMN equals VALUE, e.g. --where topic=Billing (repeat)")  # fmt: skip
    query.add_argument("--target", choices=TARGETS, default="local",
                       help="local: DuckDB over the workspace (default); aws: Athena, deployed workgroup")  # fmt: skip


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _state_mode(mode: str) -> str:
    # The state machine trains only when the manifest reports enough labelled rows, so `auto` is
    # train_and_predict: it predicts with the champion when the input cannot train a model.
    return "train_and_predict" if mode == "auto" else mode


def _run(args: argparse.Namespace) -> int:
    from pulso_local.runtime import LocalRuntime

    if not args.input.exists():
        _say(f"pulso: input {args.input} does not exist")
        return 2
    load_config().profile(args.profile)  # an unknown profile is a usage error, before anything starts
    home = default_home()
    # Jobs and Lambdas log to stdout, as on AWS; here stdout is kept for --json, so their lines go to stderr.
    with contextlib.redirect_stdout(sys.stderr), LocalRuntime.open(home, _say) as runtime:
        if args.command == "ingest":
            executions = runtime.ingest(args.input, args.profile, _state_mode(args.mode))
            reports = [runtime.follow(arn) for arn in executions]
        else:
            reports = [runtime.run(args.input, args.profile, _state_mode(args.mode))]
    return _print_reports(reports, home, as_json=args.json)


def _read_request(args: argparse.Namespace) -> Any:
    """The execution input of `pulso start`; invalid JSON is refused before anything starts, as StartExecution
    refuses it (InvalidExecutionInput)."""
    if args.request_file is not None:
        try:
            text = args.request_file.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot read --request-file {args.request_file}: {error.strerror}") from None
    else:
        text = args.request
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"the request is not valid JSON: {error.msg} at line {error.lineno}") from None


def _start(args: argparse.Namespace) -> int:
    from pulso_local.runtime import LocalRuntime

    request = _read_request(args)
    problem = run_id_problem(args.name) if args.name is not None else None
    if problem:
        raise ConfigError(f"--name: {problem}")
    home = default_home()
    with contextlib.redirect_stdout(sys.stderr), LocalRuntime.open(home, _say) as runtime:
        reports = [runtime.start_request(request, args.name)]
    return _print_reports(reports, home, as_json=args.json)


def _print_reports(reports: Sequence[Any], home: Path, *, as_json: bool) -> int:
    """Each run's notification, slowest states and outcome on stderr (one JSON object each with --json)."""
    for report in reports:
        _say("")
        if report.notification:
            _say(report.notification)
        slowest = sorted(report.state_seconds.items(), key=lambda item: -item[1])[:5]
        _say("time per state: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
        outcome = f"run {report.run_id}: {report.status} in {report.seconds:.1f} s"
        if report.error:
            outcome += f" ({report.error.get('error')}: {report.error.get('cause')})"
        _say(f"{outcome}; workspace {home}")
        if as_json:
            print(json.dumps(report.to_json()))
    return 0 if reports and all(report.status == "SUCCEEDED" for report in reports) else 1


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(column), *(len(cell[index]) for cell in cells)) for index, column in enumerate(columns)]
    lines = ["  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _models(workspace: Workspace) -> list[dict[str, Any]]:
    return [
        {"version": package["version"], "status": package["approval_status"],
         "test_macro_recall": package["metadata"].get("test_macro_recall", ""),
         "training_job": package["metadata"].get("training_job_name", ""), "created": package["created_at"][:19]}
        for package in workspace.registry()
    ]  # fmt: skip


def _show(args: argparse.Namespace) -> int:
    workspace = Workspace(default_home())
    history = workspace.history()
    if args.command == "history":
        columns = ("run_id", "status", "mode", "profile", "seconds", "gate", "error", "input")
        rows = [{**entry, **{"curated": entry.get("totals", {}).get("curated")}} for entry in history]
        print(_table(rows, columns) if rows else f"no runs yet in {workspace.home}")
    elif args.command == "models":
        rows = _models(workspace)
        print(_table(rows, list(rows[0])) if rows else f"no models yet in {workspace.home}")
    else:
        if not history:
            print(f"no runs yet in {workspace.home}: try `pulso run`")
            return 0
        last = history[-1]
        approved = [row for row in _models(workspace) if row["status"] == "Approved"]
        champion = approved[-1] if approved else None
        totals = last["totals"]
        print(f"last run: {last['run_id']} {last['status']} ({last['mode']}, {last['seconds']} s, totals {totals})")
        print(f"champion: version {champion['version']} (test macro-recall {champion['test_macro_recall']})"
              if champion else "champion: none")  # fmt: skip
    return 0


def _query(args: argparse.Namespace) -> int:
    from pulso_local.query import EngineError, QueryError, named_queries
    from pulso_local.query.output import file_format, render, write
    from pulso_local.query.runner import run_query

    if args.list or not (args.query or "").strip():
        queries = named_queries()
        width = max((len(name) for name in queries), default=0)
        print("\n".join(f"{name.ljust(width)}  {named.description}" for name, named in queries.items()))
        return 0
    try:
        if args.out is not None:
            file_format(args.out)  # an unknown extension is a usage error, before the query runs
        filters = dict(item.partition("=")[::2] for item in args.where)
        if any(not item.partition("=")[1] for item in args.where):
            raise QueryError("--where takes COLUMN=VALUE")
        result = run_query(args.query, target=args.target, home=default_home(), filters=filters)
        if args.out is None:
            sys.stdout.write(render(result, args.format))
        else:
            write(result, args.out)
            _say(f"pulso: {result.num_rows} rows written to {args.out}")
    except QueryError as error:
        _say(f"pulso: {error}")
        return 2
    except EngineError as error:
        _say(f"pulso: {error}")
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    from pulso_local.reports import ReportNotFoundError, find_report

    try:
        path = find_report(default_home(), load_config(), args.run_id)
    except ReportNotFoundError as error:
        _say(f"pulso report: {error}")
        return 2
    print(path)
    if args.open:
        _open_in_browser(path, "pulso report")
    return 0


def _open_in_browser(path: Path, program: str) -> None:
    import webbrowser

    if not webbrowser.open(path.resolve().as_uri()):
        _say(f"{program}: no web browser found; open {path}")


def _topics_discover(args: argparse.Namespace, home: Path) -> int:
    from pulso_local import topics
    from pulso_local.runtime import LocalRuntime

    with contextlib.redirect_stdout(sys.stderr), LocalRuntime.open(home, _say) as runtime:
        report = runtime.discover(topics.discovery_request(args.days, args.to_date))
    if report.notification:
        _say(report.notification)
    _say(f"discovery {report.run_id}: {report.status} in {report.seconds:.1f} s")
    if report.outputs.get("topics_report"):
        print(report.outputs["topics_report"])
    return 0 if report.status == "SUCCEEDED" else 1


def _topics_review(args: argparse.Namespace, home: Path, report: dict[str, Any]) -> int:
    from pulso_local import topics

    print(topics.review_text(report))
    if args.out:
        draft = topics.draft_approval(report, topics.default_analyst())
        args.out.write_text(json.dumps(draft, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _say(f"draft approval written to {args.out}: edit the names, then `pulso topics approve --file`")
    if args.open:
        page = topics.topic_reports_dir(home, load_config()) / f"run_id={report['run_id']}" / "report.html"
        _open_in_browser(page, "pulso topics")
    return 0


def _topics_approve(args: argparse.Namespace, home: Path, report: dict[str, Any]) -> int:
    from pulso_local import topics
    from pulso_local.runtime import LocalRuntime

    approval = topics.build_approval(report, approved_by=args.by or topics.default_analyst(),
                                     names=args.name, drop=args.drop, file=args.file)  # fmt: skip
    with contextlib.redirect_stdout(sys.stderr), LocalRuntime.open(home, _say) as runtime:
        outcome = topics.submit_approval(runtime, approval, _say)
    if outcome["status"] == "approved":
        print(f"topic map version {outcome['version']} approved: {', '.join(outcome['categories'])}")
        return 0
    print(f"approval rejected: {outcome['reason']}")
    return 1


def _topics(args: argparse.Namespace) -> int:
    from pulso_local import topics

    home = default_home()
    try:
        if args.action == "discover":
            return _topics_discover(args, home)
        report = topics.find_report(home, load_config(), args.run)
        return (_topics_review if args.action == "review" else _topics_approve)(args, home, report)
    except topics.TopicsError as error:
        _say(f"pulso topics: {error}")
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("run", "ingest"):
            return _run(args)
        if args.command == "start":
            return _start(args)
        if args.command == "query":
            return _query(args)
        if args.command == "report":
            return _report(args)
        if args.command == "topics":
            return _topics(args)
        return _show(args)
    except ConfigError as error:
        _say(f"pulso: {error}")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
