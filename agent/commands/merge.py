"""``audit merge DIR... --out DIR``: join the output folders of shards (``audit run --shard i/n``) into one.

The merged folder holds the union of inputs, reports, failures and rejects (one current line per evaluation),
a combined summary.json, and the review queue, contributor performance and report.html over everything.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from agent.errors import InputError
from agent.pipeline import folder_lock
from agent.report import build_report
from agent.results import (
    EVALUATIONS,
    FAILED,
    REJECTS,
    REPORTS,
    BatchCounts,
    RunState,
    RunSummary,
    load_state,
    load_summary,
    merge_states,
    save_summary,
    write_jsonl,
)
from agent.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``merge`` subcommand."""
    p = subparsers.add_parser(
        "merge",
        help="join shard output folders into one (queue, contributors, report over all)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dirs", type=Path, nargs="+", help="folders written by `audit run --shard i/n`")
    p.add_argument("--out", type=Path, required=True, help="the merged folder (not one of the inputs)")
    p.set_defaults(func=handle)


def merge_folders(dirs: list[Path], out_dir: Path) -> tuple[RunState, RunSummary]:
    """Write the merged folder; return its state and summary."""
    for d in dirs:
        if not (d / REPORTS).exists() and not (d / EVALUATIONS).exists():
            raise InputError(f"{d}: not an `audit run` output folder (no {REPORTS}); check the path")
        if d.resolve() == out_dir.resolve():
            raise InputError(f"--out {out_dir} is also an input; merge into a new folder")
    states = [(d, load_state(d)) for d in dirs]
    summaries = [s for d in dirs if (s := load_summary(d)) is not None]
    merged = merge_states(states)
    with folder_lock(out_dir):
        write_jsonl(out_dir / EVALUATIONS, merged.inputs.values())
        write_jsonl(out_dir / REPORTS, merged.compacted_reports())
        write_jsonl(out_dir / FAILED, merged.current_failures())
        write_jsonl(out_dir / REJECTS, merged.rejects)
        summary = merged_summary(merged, summaries, out_dir)
        save_summary(out_dir, summary)
    return merged, summary


def merged_summary(state: RunState, parts: list[RunSummary], out_dir: Path) -> RunSummary:
    """Counts over the merged folder; times and batch names from the shards' summaries."""
    counts = BatchCounts.of(state.inputs.values(), state)
    if not parts:
        raise InputError("none of the folders has a summary.json; run `audit run` in each first")
    this_run = sum(p.audited_this_run for p in parts)
    return RunSummary(
        batch=", ".join(dict.fromkeys(p.batch for p in parts)),
        out_dir=str(out_dir),
        started_at=min(p.started_at for p in parts),
        finished_at=max(p.finished_at for p in parts),
        stopped="complete" if all(p.stopped == "complete" for p in parts) else "interrupted",
        shard=", ".join(p.shard for p in parts if p.shard) or None,
        model=", ".join(dict.fromkeys(p.model for p in parts if p.model)) or None,
        read=counts.audited + counts.failed + counts.pending + len(state.rejects),
        rejected=len(state.rejects),
        audited_this_run=min(this_run, counts.audited),
        resumed=max(0, counts.audited - this_run),
        seconds=round(sum(p.seconds for p in parts), 3),
        **asdict(counts),
    )


def missing_shards(parts: list[RunSummary]) -> list[str]:
    """Shards ``i/n`` of the same ``n`` that none of the folders holds."""
    seen: dict[int, set[int]] = {}
    for p in parts:
        if p.shard:
            i, n = (int(x) for x in p.shard.split("/"))
            seen.setdefault(n, set()).add(i)
    return [f"{i}/{n}" for n, have in seen.items() for i in range(1, n + 1) if i not in have]


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Merge the folders and write the report; print the accounting and where the outputs are."""
    dirs: list[Path] = args.dirs
    state, summary = merge_folders(dirs, args.out)
    files = build_report(args.out, state=state, summary=summary)
    missing = missing_shards([s for d in dirs if (s := load_summary(d)) is not None])
    if missing:
        print(f"warning: shard(s) {', '.join(missing)} not among the folders merged", file=sys.stderr)
    s = summary
    print(
        f"merged {len(dirs)} folders: audited {s.audited} + rejected {s.rejected} + failed {s.failed}"
        f"{f' + pending {s.pending}' if s.pending else ''} = {s.read}; needs review {s.needs_review}"
    )
    print(f"outputs in {args.out}/:")
    print(f"  report        {files.html}")
    print(f"  review queue  {files.queue_csv}")
    print(f"  contributors  {files.contributors_csv}")
    return 0 if s.failed == 0 and s.pending == 0 else 1
