"""An argparse parser whose errors guide: one line, "did you mean" for commands and options, and the usage of
the subcommand that was given the wrong option (argparse itself reports unknown options at the top level)."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

USAGE_ERROR = 2
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """` (did you mean X?)` for the closest of `choices`, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


class GuidingParser(argparse.ArgumentParser):
    """`argparse.ArgumentParser` with one-line errors that suggest the closest command or option."""

    def error(self, message: str) -> NoReturn:
        match = _INVALID_CHOICE.search(message)
        if match:
            choices = [choice.strip().strip("'") for choice in match.group(2).split(",")]
            message = f"{message.split(':')[0]}: unknown {match.group(1)!r}{did_you_mean(match.group(1), choices)}"
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: {message}\n")

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            subparser = self._deepest_subparser(parsed)
            options = [option for action in subparser._actions for option in action.option_strings]
            unknown = extras[0]
            hint = did_you_mean(unknown.split("=")[0], options) if unknown.startswith("-") else ""
            subparser.error(f"unrecognized argument {unknown!r}{hint}")
        return parsed

    def _deepest_subparser(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the (sub)command the arguments chose: its usage is the one that helps."""
        parser: argparse.ArgumentParser = self
        while True:
            actions = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
            if not actions:
                return parser
            chosen = getattr(parsed, actions[0].dest, None)
            if chosen not in actions[0].choices:
                return parser
            parser = actions[0].choices[chosen]
