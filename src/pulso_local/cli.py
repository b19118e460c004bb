"""`pulso`: run the pipeline on this machine against the emulated AWS account, and look at what it made.

    pulso run [--input FILE_OR_DIR] [--profile NAME] [--mode auto|train_and_predict|predict] [--json] [--verbose]
    pulso ingest FILE [--profile NAME] [--mode ...]   upload to incoming/ and let on_upload start the run
    pulso start --request JSON | --request-file FILE [--name RUN_ID] [--json]
                                                       start an execution with exactly that input, as
                                                       `aws stepfunctions start-execution --input` does
    pulso status | pulso history | pulso models [--json]
    pulso workspace [info | delete [--yes]]            where the workspace is and what it holds; delete it
    pulso query [NAME_OR_SQL] [--list] [--where COL=VALUE] [--format table|csv|json] [--out FILE] [--target local|aws]
    pulso report [RUN_ID] [--open]                     print (or open) the path of the newest run report
    pulso topics discover [--days N] [--to-date D]     cluster recent messages into topics (discover mode)
    pulso topics review [--run R] [--out FILE] [--open] the clusters and their proposed names
    pulso topics approve [--run R] (--name ID=NAME... | --file FILE) [--drop ID]... [--by WHO]   names are required

The workspace is `$PULSO_HOME`, else the nearest `.pulso/` in the current folder or a parent, else `.pulso/`
here; commands say which one they use. Progress goes to stderr; with `--json`, stdout gets one JSON object.
The exit code is 1 when the run fails, 2 for a usage error, 3 when another command holds the workspace.
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
from pulso_local.cli_parser import GuidingParser
from pulso_local.definition import REPO_ROOT
from pulso_local.workspace import Workspace, WorkspaceBusyError, WorkspaceError, default_home

DEFAULT_INPUT = REPO_ROOT / "data" / "sample_labelled.csv"
DEFAULT_PROFILE = "tweets"
MODES = ("auto", "train_and_predict", "predict")
BUSY = 3  # exit code: another command holds the workspace
VERBOSE_HELP = "every job line as it was written (raw JSON, arguments) and the notification e-mail"


def _parser() -> argparse.ArgumentParser:
    parser = GuidingParser(prog="pulso", description=__doc__.split("\n\n")[0])
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
        command.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    start = commands.add_parser("start", help="start an execution with exactly this input (as start-execution)")
    request = start.add_mutually_exclusive_group(required=True)
    request.add_argument("--request", metavar="JSON", help='the execution input, e.g. \'{"mode": "discover"}\'')
    request.add_argument("--request-file", type=Path, metavar="FILE", help="a file holding the execution input")
    start.add_argument("--name", metavar="RUN_ID", help="the execution name (default: run-<time>-<random>)")
    start.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    start.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)
    for name, text in (("status", "the last run and the current champion model"), ("history", "every run in this "
                       "workspace"), ("models", "model registry versions and their metrics")):  # fmt: skip
        commands.add_parser(name, help=text).add_argument("--json", action="store_true", help="print JSON on stdout")
    workspace = commands.add_parser("workspace", help="where the workspace is and what it holds; delete it")
    workspace.add_argument("action", nargs="?", choices=("info", "delete"), default="info")
    workspace.add_argument("--yes", action="store_true", help="delete without asking (scripts)")
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
    review = actions.add_parser("review", help="the newest discovery run's clusters and proposed names (doubtful: ?)")
    review.add_argument("--out", type=Path,
                        help="also write a draft approval JSON to edit, doubtful names left empty")  # fmt: skip
    review.add_argument("--open", action="store_true", help="open the cluster report in the default web browser")
    approve = actions.add_parser("approve", help="approve the names you choose: a new topic map version "
                                 "(--name or --file is required; clusters not named are left out)")  # fmt: skip
    approve.add_argument("--name", action="append", default=[], metavar="ID=NAME",
                         help="approve cluster ID under NAME (repeat)")  # fmt: skip
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


def input_problem(path: Path, command: str) -> str | None:
    """Why `path` cannot be the input of `pulso run` or `pulso ingest` (checked before the account starts)."""
    if not path.exists():
        return f"input {path} does not exist"
    if path.is_dir():
        if command == "ingest":
            return f"ingest takes one file and {path} is a folder; to run a folder, use `pulso run --input {path}`"
        if not any(item.is_file() for item in path.rglob("*")):
            return f"input folder {path} holds no files"
    elif not path.is_file():
        return f"input {path} is not a regular file"
    return None


def _run(args: argparse.Namespace) -> int:
    from pulso_local.runtime import LocalRuntime

    problem = input_problem(args.input, args.command)
    if problem:
        _say(f"pulso: {problem}")
        return 2
    load_config().profile(args.profile)  # an unknown profile is a usage error, before anything starts
    home = _announce_home()
    mode = _state_mode(args.mode)
    # Jobs and Lambdas log to stdout, as on AWS; here stdout is kept for --json, so their lines go to stderr.
    with (
        contextlib.redirect_stdout(sys.stderr),
        LocalRuntime.open(home, _say, command=args.command, verbose=args.verbose) as runtime,
    ):
        if args.command == "ingest":
            executions = runtime.ingest(args.input, args.profile, mode)
            reports = [runtime.follow_started(arn, mode, args.profile, str(args.input)) for arn in executions]
        else:
            reports = [runtime.run(args.input, args.profile, mode)]
    return _print_reports(reports, as_json=args.json, verbose=args.verbose)


def _announce_home() -> Path:
    """The workspace this command uses, said on stderr (it may not be the one in the current folder)."""
    home = default_home()
    _say(f"workspace: {home}")
    return home


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
    home = _announce_home()
    with (
        contextlib.redirect_stdout(sys.stderr),
        LocalRuntime.open(home, _say, command="start", verbose=args.verbose) as runtime,
    ):
        reports = [runtime.start_request(request, args.name)]
    return _print_reports(reports, as_json=args.json, verbose=args.verbose)


def _print_reports(reports: Sequence[Any], *, as_json: bool, verbose: bool = False) -> int:
    """Each run's outcome in a few lines and the commands that make sense next, on stderr (the notification
    e-mail too with --verbose); one JSON object each on stdout with --json."""
    from pulso_local.run_summary import summary_lines

    for report in reports:
        _say("")
        if verbose and report.notification:
            _say(report.notification + "\n")
        for line in summary_lines(report):
            _say(line)
        if as_json:
            print(json.dumps(report.to_json()))
    return 0 if reports and all(report.status == "SUCCEEDED" for report in reports) else 1


def _show(args: argparse.Namespace) -> int:
    from pulso_local import views

    workspace = Workspace(default_home())
    view = {"history": views.history_view, "models": views.models_view, "status": views.status_view}[args.command]
    data, text = view(workspace)
    print(json.dumps(data, indent=2) if args.json else text)
    return 0


def _workspace(args: argparse.Namespace) -> int:
    from pulso_local import views

    workspace = Workspace(default_home())
    if args.action == "info":
        print(views.workspace_text(workspace))
        return 0
    if not workspace.home.exists():
        _say(f"pulso workspace: nothing to delete: {workspace.home} does not exist")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            _say(f"pulso workspace: deleting {workspace.home} (runs, models, predictions) needs --yes")
            return 2
        answer = input(f"delete the workspace {workspace.home} with its runs, models and predictions? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            _say("pulso workspace: kept")
            return 1
    with workspace.locked("workspace delete"):
        views.delete_workspace(workspace)
    _say(f"pulso workspace: deleted {workspace.home}")
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
        result = run_query(args.query, target=args.target, home=default_home(), filters=filters,
                           notify=lambda note: _say(f"pulso: {note}"))  # fmt: skip
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

    with contextlib.redirect_stdout(sys.stderr), LocalRuntime.open(home, _say, command="topics discover") as runtime:
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
        _say(topics.draft_written(args.out, draft))
    if args.open:
        page = topics.topic_report_page(home, load_config(), report["run_id"])
        _open_in_browser(page, "pulso topics")
    return 0


def _topics_approve(args: argparse.Namespace, home: Path, report: dict[str, Any]) -> int:
    from pulso_local import topics
    from pulso_local.runtime import LocalRuntime

    approval = topics.build_approval(report, approved_by=args.by or topics.default_analyst(),
                                     names=args.name, drop=args.drop, file=args.file)  # fmt: skip
    with contextlib.redirect_stdout(sys.stderr), LocalRuntime.open(home, _say, command="topics approve") as runtime:
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
        if args.command == "workspace":
            return _workspace(args)
        return _show(args)
    except ConfigError as error:
        _say(f"pulso: {error}")
        return 2
    except WorkspaceBusyError as error:
        _say(f"pulso: {error}")
        return BUSY
    except WorkspaceError as error:
        _say(f"pulso: {error}")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
