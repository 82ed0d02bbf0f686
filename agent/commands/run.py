"""``audit run BATCH --out DIR``: pre-screen a batch of contributor evaluations; resumable.

Validates the batch first (rejects go to DIR/rejects.jsonl), audits the valid evaluations concurrently, appends
each report to DIR/reports.jsonl as it finishes, and writes the review queue, contributor performance and
report.html. Run the same command again after a crash, Ctrl-C or kill -9: finished evaluations are not audited
again; a record whose content changed is. Exit code 0 when every valid evaluation has a report, 1 when some failed
(see DIR/failed.jsonl; rerun with --retry-failed), are pending (--max-cost reached), or none was valid.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from agent.pipeline import Auditor, RunOptions, Tally, folder_lock, parse_shard, run_batch, shard_of
from agent.report import ReportFiles, build_report
from agent.results import REJECTS, BatchCounts, RunSummary, load_state, save_summary, write_jsonl
from agent.settings import Settings
from agent.validate import InputFormat, Reject, ValidationStream, ValidRecord

N = TypeVar("N", int, float)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``run`` subcommand."""
    p = subparsers.add_parser(
        "run",
        help="audit a batch (JSONL/CSV) into an output folder; resumable",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("batch", type=Path, help="a .jsonl file (one evaluation per line) or a .csv export")
    p.add_argument("--out", type=Path, required=True, help="output folder (created; reused to resume)")
    p.add_argument("--model", help="provider:model, e.g. openai:gpt-4o-mini (default: AUDIT_MODEL or local)")
    p.add_argument("--no-llm", action="store_true", help="exact checks only, no model calls")
    p.add_argument("--concurrency", type=_positive(int), default=4, help="evaluations audited at once (default 4)")
    p.add_argument("--shard", help="i/n: audit only shard i of n (split by evaluation_id; join with audit merge)")
    p.add_argument("--limit", type=_positive(int), help="only the first N records (of this shard)")
    p.add_argument("--retry-failed", action="store_true", help="audit again the evaluations in DIR/failed.jsonl")
    p.add_argument("--max-cost", type=_positive(float), help="stop taking new evaluations after spending this many USD")
    p.add_argument("--format", choices=["auto", "jsonl", "csv"], default="auto", help="default: by extension")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=handle)


def _positive(kind: Callable[[str], N]) -> Callable[[str], N]:
    """An argparse type: a number above zero, or a usage error naming the value."""

    def parse(text: str) -> N:
        try:
            value = kind(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from e
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r}: must be above 0")
        return value

    return parse


@dataclass(frozen=True)
class Scope:
    """Which part of the batch this run is responsible for."""

    shard: tuple[int, int] | None = None
    limit: int | None = None
    format: InputFormat | None = None

    def label(self) -> str | None:
        return f"{self.shard[0]}/{self.shard[1]}" if self.shard else None


def in_shard(key: str, scope: Scope) -> bool:
    return scope.shard is None or shard_of(key, scope.shard[1]) == scope.shard[0]


def read_batch(path: Path, settings: Settings, scope: Scope) -> tuple[list[ValidRecord], list[Reject]]:
    """The valid records and rejects of this run's part of the batch, in file order."""
    records: list[ValidRecord] = []
    rejects: list[Reject] = []
    for outcome in ValidationStream(path, settings, scope.format):
        if scope.limit is not None and len(records) + len(rejects) >= scope.limit:
            break
        if isinstance(outcome, Reject):
            if in_shard(outcome.evaluation_id or f"line:{outcome.line}", scope):
                rejects.append(outcome)
        elif in_shard(outcome.evaluation.evaluation_id, scope):
            records.append(outcome)
    return records, rejects


def execute(
    batch: Path,
    out_dir: Path,
    auditor: Auditor,
    settings: Settings,
    options: RunOptions,
    scope: Scope,
    model: str | None,
) -> tuple[RunSummary, ReportFiles]:
    """Validate, audit, summarise and write the report; on Ctrl-C the summary and report still get written."""
    started = datetime.now(UTC)
    records, rejects = read_batch(batch, settings, scope)
    with folder_lock(out_dir):
        write_jsonl(out_dir / REJECTS, rejects)
        tally = Tally()
        try:
            counts = asyncio.run(run_batch(records, auditor, out_dir, options, tally, lock=False)).counts
        except KeyboardInterrupt:
            tally.stopped = "interrupted"
            counts = BatchCounts.of(records, load_state(out_dir))
            _finish(batch, out_dir, scope, model, started, counts, tally, len(rejects))
            raise
        return _finish(batch, out_dir, scope, model, started, counts, tally, len(rejects))


def _finish(
    batch: Path,
    out_dir: Path,
    scope: Scope,
    model: str | None,
    started: datetime,
    counts: BatchCounts,
    tally: Tally,
    rejected: int,
) -> tuple[RunSummary, ReportFiles]:
    finished = datetime.now(UTC)
    summary = RunSummary(
        batch=str(batch),
        out_dir=str(out_dir),
        started_at=started,
        finished_at=finished,
        shard=scope.label(),
        limit=scope.limit,
        model=model,
        rejected=rejected,
        read=counts.audited + counts.failed + counts.pending + rejected,
        seconds=round((finished - started).total_seconds(), 3),
        stopped=tally.stopped,
        audited_this_run=tally.audited_now,
        resumed=tally.resumed,
        **asdict(counts),
    )
    save_summary(out_dir, summary)
    return summary, build_report(out_dir, summary=summary)


def print_outcome(summary: RunSummary, files: ReportFiles) -> None:
    """What the run did and where the outputs are, on stdout."""
    s = summary
    pending = f" + pending {s.pending}" if s.pending else ""
    print(f"read {s.read} = audited {s.audited} + rejected {s.rejected} + failed {s.failed}{pending}")
    print(f"audited now {s.audited_this_run}, already done {s.resumed}; needs review {s.needs_review}")
    cached = f" (+ {s.cache_hits} answered from the cache)" if s.cache_hits else ""
    print(
        f"model calls {s.llm_calls}{cached}, tokens {s.prompt_tokens + s.completion_tokens:,}, "
        f"cost ${s.cost_usd:.4f}, {s.seconds:.1f} s"
    )
    out = Path(s.out_dir)
    print(f"outputs in {out}/:")
    for label, path in (
        ("report", files.html),
        ("review queue", files.queue_csv),
        ("contributors", files.contributors_csv),
        ("reports", out / "reports.jsonl"),
        ("summary", out / "summary.json"),
    ):
        print(f"  {label:<13} {path}")
    if s.rejected:
        print(f"  {'rejects':<13} {out / REJECTS}  ({s.rejected} input records did not validate)")
    if s.failed:
        print(f"  {'failed':<13} {out / 'failed.jsonl'}  (rerun with --retry-failed)")
    if s.stopped == "max_cost":
        print(
            f"stopped at --max-cost; {s.pending} evaluations pending: run the same command to continue", file=sys.stderr
        )


def make_auditor(settings: Settings, *, use_llm: bool, model: str | None) -> Auditor:
    """The agent (imported here so that ``audit report`` and ``audit merge`` never load models or the KB)."""
    from agent.audit import build_auditor

    return build_auditor(settings, use_llm=use_llm, model=model)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the batch; print the accounting and where the outputs are."""
    scope = Scope(
        shard=parse_shard(args.shard) if args.shard else None,
        limit=args.limit,
        format=None if args.format == "auto" else args.format,
    )
    options = RunOptions(
        concurrency=args.concurrency,
        retry_failed=args.retry_failed,
        max_cost_usd=args.max_cost,
        progress=not args.no_progress,
    )
    model = None if args.no_llm else (args.model or settings.model)
    auditor = make_auditor(settings, use_llm=not args.no_llm, model=args.model)
    try:
        summary, files = execute(args.batch, args.out, auditor, settings, options, scope, model)
    finally:
        close = getattr(auditor, "close", None)
        if callable(close):
            close()
    print_outcome(summary, files)
    if summary.audited == 0 and summary.pending == 0:
        what = "no lines" if summary.read == 0 else f"only rejects (see {args.out / REJECTS})"
        print(f"audit: error: {args.batch}: {what}; nothing to audit", file=sys.stderr)
        return 1
    return 0 if summary.failed == 0 and summary.pending == 0 else 1
