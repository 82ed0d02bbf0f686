"""Crash safety: a batch killed with SIGKILL at random points, resumed each time, ends exactly like a clean run.

The child is a real process running the real runner. Kill points are chosen at random (seeded) by the number of
reports already on disk plus a random extra delay, so kills land before the first report, mid-batch, and during
the final compaction and report writing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures_pipeline import canonical_reports, evaluation_record, write_batch

REPO = Path(__file__).resolve().parent.parent
N = 120
KILLS = 6
SEED = 20241104


def child(batch: Path, out: Path) -> list[str]:
    """The command of one batch run (the runner with the deterministic test auditor)."""
    return [sys.executable, "-m", "tests.fixtures_pipeline", str(batch), str(out), "--delay", "0.03"]


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


def run_to_end(batch: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(child(batch, out), cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def kill_at(batch: Path, out: Path, rng: random.Random) -> int:
    """Start a run and SIGKILL it once a random number of further reports is on disk; reports on disk after."""
    start = reports_on_disk(out)
    target = start + rng.randint(0, max(0, (N - start) // 3))
    extra = rng.uniform(0.0, 0.05)
    proc = subprocess.Popen(child(batch, out), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while reports_on_disk(out) < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(extra)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.stderr is not None
    proc.stderr.close()
    return len(set(ids_on_disk(out)))


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_equals_a_clean_run(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch.jsonl", [evaluation_record(i) for i in range(1, N + 1)])
    clean = tmp_path / "clean"
    assert run_to_end(batch, clean).returncode == 0
    expected = canonical_reports(clean / "reports.jsonl")
    assert len(expected) == N

    out = tmp_path / "killed"
    rng = random.Random(SEED)
    progress = []
    for _ in range(KILLS):
        progress.append(kill_at(batch, out, rng))
    assert progress == sorted(progress)  # nothing that reached the disk was lost
    assert sum(0 < done < N for done in progress) >= 3, progress  # the kills did land mid-batch

    before = len(set(ids_on_disk(out)))
    final = run_to_end(batch, out)
    assert final.returncode == 0, final.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["audited"] == N and summary["read"] == N
    assert summary["audited_this_run"] == N - before  # nothing that finished was audited again
    got = canonical_reports(out / "reports.jsonl")
    assert got == expected  # record for record, in the same order
    ids = ids_on_disk(out)
    assert len(ids) == len(set(ids)) == N  # nothing duplicated, nothing lost
    assert (out / "failed.jsonl").read_text() == ""
    assert (out / "report.html").stat().st_size > 0


def test_ctrl_c_saves_what_finished_and_the_same_command_continues(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch.jsonl", [evaluation_record(i) for i in range(1, N + 1)])
    out = tmp_path / "out"
    proc = subprocess.Popen(child(batch, out), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while reports_on_disk(out) < 10 and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stopped"] == "interrupted"
    assert 10 <= summary["audited"] < N and summary["pending"] == N - summary["audited"]
    assert summary["read"] == summary["audited"] + summary["rejected"] + summary["failed"] + summary["pending"]
    assert (out / "report.html").exists()  # the partial report is there to read
    done = summary["audited"]
    assert run_to_end(batch, out).returncode == 0
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["stopped"], summary["audited"], summary["resumed"]) == ("complete", N, done)
