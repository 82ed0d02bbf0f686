"""The ``audit`` command line. Each subcommand lives in ``agent/commands/<name>.py``.

This is the only place that turns the project's errors into exit codes and one-line messages.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

import agent.commands
from agent import __version__
from agent.errors import AuditError
from agent.settings import load_settings

logger = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand module under ``agent.commands`` registered."""
    parser = argparse.ArgumentParser(
        prog="audit",
        description="Audit agent for AI-data-annotation quality review in entertainment media.",
    )
    parser.add_argument("--version", action="version", version=f"audit {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(agent.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"agent.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``audit`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except AuditError as e:
        print(f"audit: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("audit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
