"""The batch runner: audits many evaluations concurrently, resumably, isolating the ones that fail.

Each finished report is appended to ``DIR/reports.jsonl`` and counted only once it is fsynced (one fsync, in a
worker thread, covers every report written meanwhile), so a crash, Ctrl-C or ``kill -9`` loses at most the
evaluations that were in flight; running the same command again skips every evaluation whose ``evaluation_id`` +
content hash already has a report (or a recorded failure, unless ``retry_failed``) and audits the rest. A record
whose content changed is audited again; the new report wins.

The runner takes any object with ``async audit(evaluation) -> AuditReport``; it knows nothing of models or the KB.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError
from tqdm import tqdm

from agent.errors import AuditError, ConfigError, InputError
from agent.models import AuditReport, Evaluation
from agent.results import (
    FAILED,
    REPORTS,
    BatchCounts,
    FailedEvaluation,
    JsonlAppender,
    RunState,
    StopReason,
    compact,
    load_state,
    save_inputs,
)
from agent.validate import ValidRecord

logger = logging.getLogger(__name__)


class Auditor(Protocol):
    """What the runner needs from the agent."""

    async def audit(self, evaluation: Evaluation) -> AuditReport: ...


@dataclass(frozen=True)
class RunOptions:
    """How to run a batch.

    Attributes:
        concurrency: evaluations audited at the same time (the model's own rate limiting sits below this).
        retry_failed: audit again the evaluations recorded in failed.jsonl.
        max_cost_usd: stop taking new evaluations once the run has spent this much (resumable later).
        progress: show the progress bar on stderr.
    """

    concurrency: int = 4
    retry_failed: bool = False
    max_cost_usd: float | None = None
    progress: bool = True


@dataclass
class Tally:
    """Live counts of one run; the caller keeps it, so it is still there after Ctrl-C."""

    resumed: int = 0
    audited_now: int = 0
    failed_now: int = 0
    spent_usd: float = 0.0
    stopped: StopReason = "complete"


@dataclass
class BatchOutcome:
    """The folder's state after the run, the run's tally, and what became of the records passed in."""

    # repr=False: asyncio formats the finished task's result when the loop shuts down; a batch's state is large
    state: RunState = field(repr=False)
    tally: Tally = field(default_factory=Tally)
    counts: BatchCounts = field(default_factory=BatchCounts)


# ----------------------------------------------------------------------------------------------------------------
# Sharding


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` (1 <= i <= n) -> ``(i, n)``; a clear error otherwise."""
    try:
        left, right = text.split("/")
        index, count = int(left), int(right)
    except ValueError as e:
        raise InputError(f"--shard {text!r}: expected i/n, e.g. --shard 2/4 for the second of four shards") from e
    if count < 1 or not 1 <= index <= count:
        raise InputError(f"--shard {text!r}: need 1 <= i <= n, e.g. --shard 1/{max(count, 2)}")
    return index, count


def shard_of(key: str, count: int) -> int:
    """The 1-based shard a key falls in: stable across machines and Python runs (not ``hash()``)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


# ----------------------------------------------------------------------------------------------------------------
# The run


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """One run per output folder at a time; the kernel drops the lock if the process dies."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / ".lock", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise ConfigError(f"{out_dir}: another `audit run` is writing to this folder; wait for it") from e
        yield
    finally:
        os.close(fd)


def plan(records: Sequence[ValidRecord], state: RunState, *, retry_failed: bool) -> tuple[list[ValidRecord], int]:
    """Which records still need an audit, and how many already have a current report."""
    todo: list[ValidRecord] = []
    resumed = 0
    for record in records:
        if state.report_for(record) is not None:
            resumed += 1
        elif state.failure_for(record) is None or retry_failed:
            todo.append(record)
    return todo, resumed


class _Progress:
    """The live progress line on stderr: done/total, rate, ETA, flagged, tokens and cost so far."""

    def __init__(self, total: int, done: int, enabled: bool) -> None:
        self.flagged = 0
        self.failed = 0
        self.tokens = 0
        self.cost = 0.0
        self._bar = tqdm(
            total=total, initial=done, desc="auditing", unit="eval", disable=not enabled, mininterval=0.5, leave=True
        )

    def update(self, report: AuditReport | None) -> None:
        if report is None:
            self.failed += 1
        else:
            self.flagged += report.verdict == "needs_review"
            self.tokens += report.provenance.prompt_tokens + report.provenance.completion_tokens
            self.cost += report.provenance.cost_usd
        self._bar.set_postfix_str(
            f"flagged={self.flagged} failed={self.failed} tokens={self.tokens:,} cost=${self.cost:.4f}", refresh=False
        )
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


class _GroupCommit:
    """fsync in a worker thread, one fsync for every record written while the previous one ran.

    A record counts as finished only once :meth:`commit` returns, i.e. once it is on disk; meanwhile the event
    loop goes on auditing (the exact checks are CPU work, an fsync is a few milliseconds of waiting).
    """

    def __init__(self, files: Sequence[JsonlAppender]) -> None:
        self.files = files
        self.written = 0
        self.synced = 0
        self._task: asyncio.Task[None] | None = None

    async def commit(self) -> None:
        """Wait until everything written so far, this record included, is on disk."""
        self.written += 1
        ticket = self.written
        while self.synced < ticket:
            if self._task is None:
                self._task = asyncio.create_task(self._sync())
            await asyncio.shield(self._task)

    async def _sync(self) -> None:
        upto = self.written
        try:
            await asyncio.to_thread(self._sync_all)
        finally:
            self._task = None
        self.synced = max(self.synced, upto)

    def _sync_all(self) -> None:
        for f in self.files:
            f.sync()


class _Runner:
    def __init__(self, auditor: Auditor, out_dir: Path, state: RunState, options: RunOptions, tally: Tally) -> None:
        self.auditor = auditor
        self.state = state
        self.options = options
        self.reports = JsonlAppender(out_dir / REPORTS)
        self.failures = JsonlAppender(out_dir / FAILED)
        self.durable = _GroupCommit([self.reports, self.failures])
        self.tally = tally

    async def worker(self, queue: asyncio.Queue[ValidRecord], progress: _Progress) -> None:
        while True:
            try:
                record = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if self.options.max_cost_usd is not None and self.tally.spent_usd >= self.options.max_cost_usd:
                self.tally.stopped = "max_cost"
                return
            report = await self.audit_one(record)
            progress.update(report)
            # an auditor with nothing to wait for (--no-llm) never suspends: yield so Ctrl-C and the other
            # workers get their turn
            await asyncio.sleep(0)

    async def audit_one(self, record: ValidRecord) -> AuditReport | None:
        """Audit one record and put the result on disk; None when it failed (recorded in failed.jsonl)."""
        evaluation = record.evaluation
        started = time.perf_counter()
        try:
            report = await self.auditor.audit(evaluation)
            if report.evaluation_id != evaluation.evaluation_id:
                raise AuditError(f"the agent returned a report for {report.evaluation_id!r}")
        except (AuditError, ValidationError) as e:
            failure = failure_of(record, e)
            self.failures.write(failure)
            self.state.failed[failure.evaluation_id] = failure  # in the file now: compaction must keep it
            await self.durable.commit()
            self.tally.failed_now += 1
            logger.warning("evaluation %s (line %d) failed: %s", failure.evaluation_id, record.line, failure.reason)
            return None
        if report.provenance.input_hash != record.content_hash:
            # the runner decides which version of the record this report belongs to
            provenance = report.provenance.model_copy(update={"input_hash": record.content_hash})
            report = report.model_copy(update={"provenance": provenance})
        self.reports.write(report)
        self.state.reports[evaluation.evaluation_id] = report  # in the file now: compaction must keep it
        await self.durable.commit()
        self.tally.audited_now += 1
        self.tally.spent_usd += report.provenance.cost_usd
        logger.debug("audited %s in %.2fs", evaluation.evaluation_id, time.perf_counter() - started)
        return report

    def close(self) -> None:
        self.reports.close()
        self.failures.close()


def failure_of(record: ValidRecord, error: Exception) -> FailedEvaluation:
    """The failed.jsonl record of an evaluation the agent could not audit."""
    reason = str(error).strip() or type(error).__name__
    if isinstance(error, ValidationError):
        reason = f"the agent produced an invalid report: {error.errors()[0]['msg']}"
    return FailedEvaluation(
        evaluation_id=record.evaluation.evaluation_id,
        input_hash=record.content_hash,
        line=record.line,
        error=type(error).__name__,
        reason=reason,
        attempts=getattr(error, "attempts", None),
        failed_at=datetime.now(UTC),
    )


async def run_batch(
    records: Sequence[ValidRecord],
    auditor: Auditor,
    out_dir: Path,
    options: RunOptions | None = None,
    tally: Tally | None = None,
    *,
    lock: bool = True,
) -> BatchOutcome:
    """Audit every record that has no current report in ``out_dir``; see the module docstring.

    Args:
        records: the valid records of this run (already sharded and limited), in input order.
        auditor: the agent.
        out_dir: the run folder; created if missing.
        options: concurrency, retry and cost bounds.
        tally: live counts, updated as evaluations finish (pass one to read it after an interruption).
        lock: take the folder lock; False when the caller already holds it (see :func:`folder_lock`).

    Returns:
        The outcome for ``records``; the folder's files are compacted (one line per evaluation) on return.
    """
    options = options or RunOptions()
    tally = tally if tally is not None else Tally()
    if options.concurrency < 1:
        raise ConfigError(f"--concurrency {options.concurrency}: must be at least 1")
    with folder_lock(out_dir) if lock else nullcontext():
        state = load_state(out_dir, repair=True)
        save_inputs(out_dir, state, records)
        todo, tally.resumed = plan(records, state, retry_failed=options.retry_failed)
        logger.info("%d records: %d already audited, %d to audit", len(records), tally.resumed, len(todo))
        runner = _Runner(auditor, out_dir, state, options, tally)
        progress = _Progress(total=len(records), done=len(records) - len(todo), enabled=options.progress)
        queue: asyncio.Queue[ValidRecord] = asyncio.Queue()
        for record in todo:
            queue.put_nowait(record)
        try:
            async with asyncio.TaskGroup() as group:  # a bug in one worker cancels the others
                for _ in range(min(options.concurrency, len(todo))):
                    group.create_task(runner.worker(queue, progress))
        except asyncio.CancelledError:
            tally.stopped = "interrupted"
            raise
        finally:
            progress.close()
            runner.close()
            compact(out_dir, state)
        return BatchOutcome(state=state, tally=tally, counts=BatchCounts.of(records, state))
