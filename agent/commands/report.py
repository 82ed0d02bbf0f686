"""``audit report DIR``: rebuild report.html, review_queue.csv/.jsonl and contributors.csv from DIR/reports.jsonl.

No model call and no knowledge base: only the files of the run folder are read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.errors import InputError
from agent.report import build_report
from agent.results import REPORTS
from agent.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    p = subparsers.add_parser(
        "report",
        help="rebuild the HTML report and CSVs of a run folder (no model calls)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", type=Path, help="a folder written by `audit run` or `audit merge`")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild the outputs; print where they are."""
    out_dir: Path = args.dir
    if not (out_dir / REPORTS).exists():
        raise InputError(f"{out_dir}: no {REPORTS} here; give the --out folder of an `audit run`")
    files = build_report(out_dir)
    print(f"{files.audited} evaluations, {files.queued} in the review queue, {files.contributors} contributors")
    print(f"  report        {files.html}")
    print(f"  review queue  {files.queue_csv}")
    print(f"  contributors  {files.contributors_csv}")
    return 0
