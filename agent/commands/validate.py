"""``audit validate FILE``: check a batch against the input contract; nothing is lost.

Prints ``read N = valid V + rejected R`` and writes every reject (line, evaluation_id, field, reason, raw line)
as JSONL to ``FILE.rejects.jsonl`` (or ``--rejects``); with no rejects, no rejects file is left. Exit code 0 when
every record is valid, 1 when any line was rejected or the file holds no evaluations, 3 when the file cannot be
read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from agent.errors import InputError
from agent.settings import Settings
from agent.validate import Reject, ValidationStream

SHOW_REJECTS = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand."""
    p = subparsers.add_parser(
        "validate",
        help="check a JSONL/CSV batch against the input contract; write the rejects",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help="a .jsonl file (one evaluation per line) or a .csv export")
    p.add_argument("--rejects", type=Path, help="where to write the rejects (default: FILE.rejects.jsonl)")
    p.add_argument("--format", choices=["auto", "jsonl", "csv"], default="auto", help="default: by extension")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Validate ``args.file``; write the rejects; print the summary."""
    path: Path = args.file
    rejects_path: Path = args.rejects or path.with_name(path.name + ".rejects.jsonl")
    stream = ValidationStream(path, settings, None if args.format == "auto" else args.format)
    shown: list[Reject] = []
    with _RejectsFile(rejects_path) as rejects:
        for outcome in stream:
            if isinstance(outcome, Reject):
                rejects.write(outcome)
                if len(shown) < SHOW_REJECTS:
                    shown.append(outcome)
    counts = stream.counts
    if args.json:
        summary = {
            "file": str(path),
            "format": stream.format,
            "read": counts.read,
            "valid": counts.valid,
            "rejected": counts.rejected,
            "blank_lines_skipped": counts.blank,
            "rejects_file": str(rejects_path) if counts.rejected else None,
        }
        print(json.dumps(summary))
    else:
        print(counts.summary())
        for r in shown:
            print(f"  line {r.line}: {r.field}: {r.reason}", file=sys.stderr)
        if counts.rejected > len(shown):
            print(f"  ... {counts.rejected - len(shown)} more", file=sys.stderr)
        if counts.rejected:
            print(f"rejects written to {rejects_path}", file=sys.stderr)
        if counts.blank:
            print(f"skipped {counts.blank} blank line(s)", file=sys.stderr)
    if counts.read == 0:
        print(f"audit: error: {path}: no evaluations in the file (empty, or only blank lines)", file=sys.stderr)
        return 1
    return 1 if counts.rejected else 0


class _RejectsFile:
    """The rejects JSONL, opened on the first reject; with none, a stale file from an earlier run is removed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: TextIO | None = None

    def __enter__(self) -> _RejectsFile:
        return self

    def write(self, reject: Reject) -> None:
        if self._out is None:
            try:
                self._out = self.path.open("w", encoding="utf-8")
            except OSError as e:
                raise InputError(
                    f"{self.path}: cannot write the rejects file ({e.strerror}); pass --rejects PATH"
                ) from e
        self._out.write(reject.model_dump_json(exclude={"more"} if not reject.more else None) + "\n")

    def __exit__(self, *exc: object) -> None:
        if self._out is not None:
            self._out.close()
        elif exc[0] is None and self.path.is_file():
            self.path.unlink()
