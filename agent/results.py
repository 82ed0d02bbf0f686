"""The output folder of a batch run: crash-safe JSONL files and the state they add up to.

Layout of ``DIR``:

- ``evaluations.jsonl``: every valid input record the folder has seen (latest version per ``evaluation_id``),
  so the report can be rebuilt without the original batch file;
- ``reports.jsonl``: one :class:`~agent.models.AuditReport` per line, appended (flushed and fsynced) as each
  evaluation finishes; keyed by ``evaluation_id`` + ``provenance.input_hash``; the last line for a key wins;
- ``failed.jsonl``: one :class:`FailedEvaluation` per line, same keying;
- ``rejects.jsonl``: the input records that did not validate (written by the run command);
- ``summary.json``: the counts of the last run (:class:`RunSummary`).

A ``kill -9`` can leave a torn last line; :func:`read_jsonl` detects it and cuts it off (it was never
acknowledged, so the evaluation is simply audited again). A bad line anywhere else is not ours to guess about and
fails with the file and line number.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from agent.errors import InputError
from agent.models import AuditReport, Strict
from agent.validate import ValidRecord

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

EVALUATIONS = "evaluations.jsonl"
REPORTS = "reports.jsonl"
FAILED = "failed.jsonl"
REJECTS = "rejects.jsonl"
SUMMARY = "summary.json"


class FailedEvaluation(Strict):
    """An evaluation the agent could not audit, and why; ``audit run --retry-failed`` runs it again."""

    evaluation_id: str
    input_hash: str
    line: int = 0
    error: str = Field(description="The error class, e.g. LLMError.")
    reason: str
    attempts: int | None = None
    failed_at: datetime


StopReason = Literal["complete", "interrupted", "max_cost"]


class RunSummary(Strict):
    """What one run read and what became of it: ``read = audited + rejected + failed + pending``."""

    batch: str
    out_dir: str
    started_at: datetime
    finished_at: datetime
    stopped: StopReason
    shard: str | None = None
    limit: int | None = None
    model: str | None = None
    read: int
    audited: int
    rejected: int
    failed: int
    pending: int = Field(description="Valid records not audited yet (interrupted or --max-cost); run again.")
    needs_review: int
    audited_this_run: int
    resumed: int = Field(description="Audited by an earlier run of the same folder, not re-audited.")
    llm_calls: int
    cache_hits: int = Field(default=0, description="Model answers served from the cache (no call made).")
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    seconds: float


# ----------------------------------------------------------------------------------------------------------------
# JSONL files


def read_jsonl(path: Path, model: type[M], *, repair: bool = False) -> list[M]:
    """Every record of a JSONL file we wrote, in file order.

    Args:
        path: the file; a missing file is empty.
        model: the pydantic model of one line.
        repair: cut a torn last line off the file (after a crash) instead of just ignoring it.

    Raises:
        InputError: a complete line (not the last, unterminated one) is not a valid record.
    """
    if not path.exists():
        return []
    data = path.read_bytes()
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    records: list[M] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            records.append(model.model_validate_json(raw))
        except ValidationError as e:
            raise InputError(
                f"{path}:{number}: not a valid {model.__name__} record ({e.errors()[0]['msg']}); this file is "
                "written by `audit run`: restore it, or delete that line to have the evaluation audited again"
            ) from e
    if tail.strip():
        try:
            records.append(model.model_validate_json(tail))
        except ValidationError:
            logger.warning("%s: ignoring a torn last line (%d bytes) left by an interrupted run", path, len(tail))
            if repair:
                with path.open("r+b") as f:
                    f.truncate(len(data) - len(tail))
                    os.fsync(f.fileno())
        else:
            if repair:  # complete record, only the newline was lost
                with path.open("ab") as f:
                    f.write(b"\n")
                    os.fsync(f.fileno())
    return records


def read_json_lines_raw(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL file whose schema belongs to another stage (rejects), as plain objects."""
    if not path.exists():
        return []
    out: list[dict[str, Any]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{number}: not valid JSON ({e.msg}); restore or regenerate the file") from e
        out.append(value if isinstance(value, dict) else {"value": value})
    return out


class JsonlAppender:
    """Appends records to a JSONL file; :meth:`sync` puts them on disk (safe to call from another thread)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()  # a sync running in a thread and close() never overlap

    def write(self, record: BaseModel) -> None:
        """Write one record as one line, in a single ``write`` so a crash tears at most that line."""
        data = record.model_dump_json().encode("utf-8") + b"\n"
        written = os.write(self._fd, data)
        while written < len(data):  # regular files write everything at once; be exact anyway
            written += os.write(self._fd, data[written:])

    def sync(self) -> None:
        """fsync everything written so far (a no-op once closed)."""
        with self._lock:
            if self._fd >= 0:
                os.fsync(self._fd)

    def append(self, record: BaseModel) -> None:
        """Write and fsync one record."""
        self.write(record)
        self.sync()

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.fsync(self._fd)
                os.close(self._fd)
                self._fd = -1


def write_atomic(path: Path, text: str) -> None:
    """Replace a file in one step: a crash leaves either the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_jsonl(path: Path, records: Iterable[BaseModel | dict[str, Any]]) -> None:
    """Rewrite a JSONL file atomically."""
    lines = [r.model_dump_json() if isinstance(r, BaseModel) else json.dumps(r, ensure_ascii=False) for r in records]
    write_atomic(path, "".join(line + "\n" for line in lines))


# ----------------------------------------------------------------------------------------------------------------
# The state of a folder


@dataclass
class RunState:
    """What a run folder holds, reduced to the latest record per evaluation."""

    inputs: dict[str, ValidRecord] = field(default_factory=dict)
    reports: dict[str, AuditReport] = field(default_factory=dict)
    failed: dict[str, FailedEvaluation] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def report_for(self, record: ValidRecord) -> AuditReport | None:
        """The report of this version of the record, if one finished."""
        report = self.reports.get(record.evaluation.evaluation_id)
        return report if report is not None and report.provenance.input_hash == record.content_hash else None

    def failure_for(self, record: ValidRecord) -> FailedEvaluation | None:
        """The failure of this version of the record, unless a report for it finished later."""
        failure = self.failed.get(record.evaluation.evaluation_id)
        if failure is None or failure.input_hash != record.content_hash or self.report_for(record) is not None:
            return None
        return failure

    def audited(self) -> list[tuple[ValidRecord, AuditReport]]:
        """Each input with its current report, in input order; stale reports (input since changed) are left out."""
        pairs = []
        for record in self.inputs.values():
            report = self.report_for(record)
            if report is not None:
                pairs.append((record, report))
        return pairs

    def current_failures(self) -> list[FailedEvaluation]:
        out = []
        for record in self.inputs.values():
            failure = self.failure_for(record)
            if failure is not None:
                out.append(failure)
        return out

    def compacted_reports(self) -> list[AuditReport]:
        """The reports to keep: current ones in input order, then reports of evaluations with no saved input."""
        current = [report for _, report in self.audited()]
        orphans = [r for eid, r in self.reports.items() if eid not in self.inputs]
        return current + orphans


@dataclass
class BatchCounts:
    """What became of a run's records, from the folder's state: each is audited, failed or pending."""

    audited: int = 0
    failed: int = 0
    pending: int = 0
    needs_review: int = 0
    llm_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    @classmethod
    def of(cls, records: Iterable[ValidRecord], state: RunState) -> BatchCounts:
        counts = cls()
        for record in records:
            report = state.report_for(record)
            if report is not None:
                counts.audited += 1
                counts.needs_review += report.verdict == "needs_review"
                counts.llm_calls += report.provenance.llm_calls
                counts.cache_hits += report.provenance.cache_hits
                counts.prompt_tokens += report.provenance.prompt_tokens
                counts.completion_tokens += report.provenance.completion_tokens
                counts.cost_usd += report.provenance.cost_usd
            elif state.failure_for(record) is not None:
                counts.failed += 1
            else:
                counts.pending += 1
        counts.cost_usd = round(counts.cost_usd, 6)
        return counts


def load_state(out_dir: Path, *, repair: bool = False) -> RunState:
    """Read a run folder; ``repair`` cuts torn last lines off (only the process that owns the folder should)."""
    state = RunState()
    for rec in read_jsonl(out_dir / EVALUATIONS, ValidRecord, repair=repair):
        state.inputs[rec.evaluation.evaluation_id] = rec
    for report in read_jsonl(out_dir / REPORTS, AuditReport, repair=repair):
        state.reports[report.evaluation_id] = report
    for failure in read_jsonl(out_dir / FAILED, FailedEvaluation, repair=repair):
        state.failed[failure.evaluation_id] = failure
    state.rejects = read_json_lines_raw(out_dir / REJECTS)
    return state


def save_inputs(out_dir: Path, state: RunState, records: Sequence[ValidRecord]) -> None:
    """Add this run's records to the folder's inputs (a changed record replaces the old version in place)."""
    for rec in records:
        state.inputs[rec.evaluation.evaluation_id] = rec
    write_jsonl(out_dir / EVALUATIONS, state.inputs.values())


def compact(out_dir: Path, state: RunState) -> None:
    """Rewrite reports.jsonl and failed.jsonl with one current line per evaluation (no duplicates, input order)."""
    write_jsonl(out_dir / REPORTS, state.compacted_reports())
    write_jsonl(out_dir / FAILED, state.current_failures())


def load_summary(out_dir: Path) -> RunSummary | None:
    """The summary of the last run in this folder, if there is one."""
    path = out_dir / SUMMARY
    if not path.exists():
        return None
    try:
        return RunSummary.model_validate_json(path.read_bytes())
    except ValidationError as e:
        raise InputError(f"{path}: not a valid run summary ({e.errors()[0]['msg']}); delete it and run again") from e


def save_summary(out_dir: Path, summary: RunSummary) -> None:
    write_atomic(out_dir / SUMMARY, summary.model_dump_json(indent=2) + "\n")


def merge_states(states: Sequence[tuple[Path, RunState]]) -> RunState:
    """Join run folders (e.g. shards) in batch order: for each evaluation the latest input wins, with its results.

    "Latest" is the input with the later report or failure; a record that appears with different content in two
    folders is logged, since the shards of one batch never overlap.
    """
    merged = RunState()
    stamp: dict[str, tuple[int, int]] = {}
    for index, (folder, state) in enumerate(states):
        for eid, record in state.inputs.items():
            previous = merged.inputs.get(eid)
            if previous is not None and previous.content_hash != record.content_hash:
                logger.warning("%s: %s differs from an earlier folder's version; keeping the later one", folder, eid)
            rank = (1 if state.report_for(record) or state.failure_for(record) else 0, index)
            if previous is None or rank >= stamp[eid]:
                merged.inputs[eid], stamp[eid] = record, rank
                merged.reports.pop(eid, None)
                merged.failed.pop(eid, None)
                if (report := state.report_for(record)) is not None:
                    merged.reports[eid] = report
                elif (failure := state.failure_for(record)) is not None:
                    merged.failed[eid] = failure
        for eid, report in state.reports.items():
            if eid not in state.inputs and eid not in merged.inputs:
                merged.reports[eid] = report
        seen = {json.dumps(r, sort_keys=True) for r in merged.rejects}
        merged.rejects += [r for r in state.rejects if json.dumps(r, sort_keys=True) not in seen]
    # shards of one batch interleave: put the records back in batch order (stable for equal lines)
    merged.inputs = dict(sorted(merged.inputs.items(), key=lambda item: item[1].line))
    merged.rejects.sort(key=lambda r: r.get("line", 0) if isinstance(r.get("line"), int) else 0)
    return merged
