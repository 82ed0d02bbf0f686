"""Writes the auditor's outputs of a run folder: report.html, review_queue.csv/.jsonl, contributors.csv.

Reads only the folder's files (no model, no knowledge base), so ``audit report DIR`` can rebuild them any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.models import AuditReport
from agent.report.contributors import contributor_stats, contributors_csv
from agent.report.html import ReportData, render
from agent.report.queue import build_queue, queue_csv, queue_jsonl
from agent.results import RunState, RunSummary, load_state, load_summary, write_atomic
from agent.validate import ValidRecord

HTML = "report.html"
QUEUE_CSV = "review_queue.csv"
QUEUE_JSONL = "review_queue.jsonl"
CONTRIBUTORS_CSV = "contributors.csv"


@dataclass(frozen=True)
class ReportFiles:
    """Where the outputs went, and what they hold."""

    html: Path
    queue_csv: Path
    queue_jsonl: Path
    contributors_csv: Path
    audited: int
    queued: int
    contributors: int


def build_report(out_dir: Path, state: RunState | None = None, summary: RunSummary | None = None) -> ReportFiles:
    """Write every output of ``out_dir`` from its reports (``state`` when the caller already holds it)."""
    state = state if state is not None else load_state(out_dir)
    summary = summary if summary is not None else load_summary(out_dir)
    pairs: list[tuple[ValidRecord | None, AuditReport]] = list(state.audited())
    pairs += [(None, r) for eid, r in state.reports.items() if eid not in state.inputs]
    pending = [rec for rec in state.inputs.values() if state.report_for(rec) is None and state.failure_for(rec) is None]
    queue = build_queue(pairs)
    stats = contributor_stats(pairs)
    data = ReportData(
        pairs=pairs,
        queue=queue,
        contributors=stats,
        failures=state.current_failures(),
        rejects=state.rejects,
        pending=pending,
        summary=summary,
        title=f"Audit report: {out_dir.resolve().name}",
    )
    files = ReportFiles(
        html=out_dir / HTML,
        queue_csv=out_dir / QUEUE_CSV,
        queue_jsonl=out_dir / QUEUE_JSONL,
        contributors_csv=out_dir / CONTRIBUTORS_CSV,
        audited=len(pairs),
        queued=len(queue),
        contributors=len(stats),
    )
    write_atomic(files.queue_csv, queue_csv(queue))
    write_atomic(files.queue_jsonl, queue_jsonl(queue))
    write_atomic(files.contributors_csv, contributors_csv(stats))
    write_atomic(files.html, render(data))
    return files
