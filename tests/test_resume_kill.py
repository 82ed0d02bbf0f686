"""Crash safety: a batch killed with SIGKILL at random points, resumed each time, ends exactly like a clean run.

Every child is a real process. Two kinds:

- ``cli``: the real ``audit run --no-llm`` (validation, the agent's exact checks, the runner, the report);
- ``rule``: the real runner with the deterministic test auditor, slowed down so that many kills fit in seconds.

Kill points are random (seeded): the test waits until a random number of further reports is on disk, then waits a
random extra moment, so kills land mid-write, between reports, and during the final compaction and report.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures_pipeline import canonical_reports, evaluation_record, write_batch

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "evals" / "datasets" / "sample_batch.jsonl"
SEED = 20241104


@dataclass(frozen=True)
class Child:
    kind: str
    records: int
    kills: int

    def command(self, batch: Path, out: Path) -> list[str]:
        if self.kind == "cli":
            return [sys.executable, "-m", "agent", "run", str(batch), "--out", str(out), "--no-llm", "--no-progress"]
        return [sys.executable, "-m", "tests.fixtures_pipeline", str(batch), str(out), "--delay", "0.03"]

    def batch(self, path: Path) -> Path:
        if self.kind == "rule":
            return write_batch(path, [evaluation_record(i) for i in range(1, self.records + 1)])
        base = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
        copies = math.ceil(self.records / len(base))
        records = [{**r, "evaluation_id": f"{r['evaluation_id']}-k{k}"} for k in range(copies) for r in base]
        return write_batch(path, records[: self.records])


CLI = Child("cli", records=320, kills=3)
RULE = Child("rule", records=120, kills=6)


def reports_on_disk(out: Path) -> int:
    path = out / "reports.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def ids_on_disk(out: Path) -> list[str]:
    """evaluation_ids of the complete lines of reports.jsonl (a torn tail is not a report)."""
    path = out / "reports.jsonl"
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")[:-1]
    return [json.loads(line)["evaluation_id"] for line in lines if line.strip()]


def run_to_end(child: Child, batch: Path, out: Path) -> subprocess.CompletedProcess[str]:
    cmd = child.command(batch, out)
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


def kill_at(child: Child, batch: Path, out: Path, rng: random.Random) -> int:
    """Start a run and SIGKILL it once a random number of further reports is on disk; reports on disk after."""
    start = reports_on_disk(out)
    target = start + rng.randint(1, max(1, (child.records - start) // 3))
    extra = rng.uniform(0.0, 0.05)
    proc = subprocess.Popen(child.command(batch, out), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while reports_on_disk(out) < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(extra)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return len(set(ids_on_disk(out)))


@pytest.mark.slow
@pytest.mark.parametrize("child", [CLI, RULE], ids=lambda c: c.kind)
def test_sigkill_at_random_points_then_resume_equals_a_clean_run(child: Child, tmp_path: Path) -> None:
    n = child.records
    batch = child.batch(tmp_path / "batch.jsonl")
    clean = tmp_path / "clean"
    done = run_to_end(child, batch, clean)
    assert done.returncode == 0, done.stderr
    expected = canonical_reports(clean / "reports.jsonl")
    assert len(expected) == n

    out = tmp_path / "killed"
    rng = random.Random(SEED)
    progress = [kill_at(child, batch, out, rng) for _ in range(child.kills)]
    assert progress == sorted(progress)  # nothing that reached the disk was lost
    assert sum(0 < d < n for d in progress) >= child.kills - 1, progress  # the kills did land mid-batch

    before = len(set(ids_on_disk(out)))
    final = run_to_end(child, batch, out)
    assert final.returncode == 0, final.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["audited"] == n and summary["read"] == n
    assert summary["audited_this_run"] == n - before  # nothing that finished was audited again
    assert canonical_reports(out / "reports.jsonl") == expected  # record for record, in the same order
    ids = ids_on_disk(out)
    assert len(ids) == len(set(ids)) == n  # nothing duplicated, nothing lost
    assert (out / "failed.jsonl").read_text() == ""
    assert (out / "report.html").stat().st_size > 0


@pytest.mark.slow
def test_ctrl_c_saves_what_finished_and_the_same_command_continues(tmp_path: Path) -> None:
    child = CLI
    batch = child.batch(tmp_path / "batch.jsonl")
    out = tmp_path / "out"
    # a shell's background job inherits SIGINT ignored; the child must get the default that a terminal gives
    proc = subprocess.Popen(
        child.command(batch, out),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 240
        while reports_on_disk(out) < 10 and time.monotonic() < deadline:
            time.sleep(0.002)
        assert proc.poll() is None, "the batch ended before the interrupt could be sent"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
        assert proc.stderr is not None and "interrupted" in proc.stderr.read().decode()
    finally:  # a failure here must not leak the pipe into a later test (an unraisable ResourceWarning there)
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        if proc.stderr is not None:
            proc.stderr.close()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stopped"] == "interrupted"
    assert 10 <= summary["audited"] < child.records and summary["pending"] == child.records - summary["audited"]
    assert summary["read"] == summary["audited"] + summary["rejected"] + summary["failed"] + summary["pending"]
    assert (out / "report.html").exists()  # the partial report is there to read
    done = summary["audited"]
    assert run_to_end(child, batch, out).returncode == 0
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["stopped"], summary["audited"], summary["resumed"]) == ("complete", child.records, done)
