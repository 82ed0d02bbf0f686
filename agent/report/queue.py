"""The review queue: the evaluations an auditor should open, most urgent first."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable

from pydantic import Field

from agent.models import FLAG_TYPES, AuditReport, Flag, Strict
from agent.validate import ValidRecord

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}


class QueueItem(Strict):
    """One row of the review queue."""

    rank: int = Field(ge=1)
    priority: int = Field(ge=0, le=100)
    evaluation_id: str
    contributor_id: str
    project: str
    line: int
    top_severity: str
    flag_count: int
    flag_summary: str = Field(description="e.g. 'missed_error x2 (high); weak_comment (low)'.")
    top_flag: str = Field(description="The message of the most severe flag.")
    prompt: str = Field(description="The start of the task prompt, to recognise the item.")


def top_flags(flags: Iterable[Flag]) -> list[Flag]:
    """Flags ordered most severe first, then most confident, then by the fixed flag-type order."""
    return sorted(flags, key=lambda f: (-SEVERITY_RANK[f.severity], -f.confidence, FLAG_TYPES.index(f.type)))


def flag_summary(flags: Iterable[Flag]) -> str:
    """A one-line summary of a report's flags by type, each with its worst severity."""
    counts: Counter[str] = Counter()
    worst: dict[str, str] = {}
    for flag in flags:
        counts[flag.type] += 1
        if SEVERITY_RANK[flag.severity] > SEVERITY_RANK.get(worst.get(flag.type, ""), 0):
            worst[flag.type] = flag.severity
    parts = []
    for kind in FLAG_TYPES:
        if counts[kind]:
            times = f" x{counts[kind]}" if counts[kind] > 1 else ""
            parts.append(f"{kind}{times} ({worst[kind]})")
    return "; ".join(parts)


def queue_order(report: AuditReport) -> tuple[int, int, int, str]:
    """Sort key: priority, then worst severity, then number of flags (all descending), then id."""
    worst = max((SEVERITY_RANK[f.severity] for f in report.flags), default=0)
    return (-report.priority, -worst, -len(report.flags), report.evaluation_id)


def build_queue(pairs: Iterable[tuple[ValidRecord | None, AuditReport]]) -> list[QueueItem]:
    """The ``needs_review`` reports, highest priority first."""
    flagged = [(rec, rep) for rec, rep in pairs if rep.verdict == "needs_review"]
    flagged.sort(key=lambda pair: queue_order(pair[1]))
    items = []
    for rank, (record, report) in enumerate(flagged, start=1):
        ordered = top_flags(report.flags)
        prompt = record.evaluation.task.prompt if record else ""
        items.append(
            QueueItem(
                rank=rank,
                priority=report.priority,
                evaluation_id=report.evaluation_id,
                contributor_id=report.contributor_id,
                project=report.project,
                line=record.line if record else 0,
                top_severity=ordered[0].severity if ordered else "",
                flag_count=len(report.flags),
                flag_summary=flag_summary(report.flags),
                top_flag=ordered[0].message if ordered else "",
                prompt=" ".join(prompt.split())[:160],
            )
        )
    return items


def csv_safe(value: object) -> object:
    """Untrusted text that a spreadsheet would run as a formula (=, +, -, @) gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(fieldnames: list[str], rows: Iterable[dict[str, object]]) -> str:
    """CSV text with a header row, every cell spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return buffer.getvalue()


def queue_csv(items: Iterable[QueueItem]) -> str:
    """The queue as CSV text (header row first)."""
    return csv_text(list(QueueItem.model_fields), (item.model_dump() for item in items))


def queue_jsonl(items: Iterable[QueueItem]) -> str:
    """The queue as JSONL text."""
    return "".join(item.model_dump_json() + "\n" for item in items)
