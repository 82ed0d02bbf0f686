"""Benchmark of the batch runner: evaluations per second for 1,000 evaluations, and peak memory.

Two figures, each from a fresh process (so peak RSS belongs to that run alone):

- ``no_llm``: ``audit run --no-llm`` end to end (validation, exact checks, fsynced reports, queue, report.html);
- ``replay``: the same batch with every audit served from the first run's reports, like model calls served from
  the cache: what the pipeline itself costs (validation, scheduling, fsync per report, compaction, report).

Run ``python -m evals.bench_pipeline`` (``make bench`` calls :func:`bench_pipeline`).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.models import AuditReport, Evaluation

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "evals" / "datasets" / "sample_batch.jsonl"


def make_batch(path: Path, n: int) -> Path:
    """``n`` evaluations: the sample batch repeated, each copy with its own evaluation_id."""
    base = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = []
    for k in range(math.ceil(n / len(base))):
        for record in base:
            lines.append(json.dumps({**record, "evaluation_id": f"{record['evaluation_id']}-r{k:03d}"}))
    path.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    return path


class ReplayAuditor:
    """Serves each audit from an earlier run's reports.jsonl (the model-call cache stand-in for the bench)."""

    def __init__(self, reports: Path) -> None:
        self.reports: dict[str, AuditReport] = {}
        for line in reports.read_text(encoding="utf-8").splitlines():
            report = AuditReport.model_validate_json(line)
            self.reports[report.evaluation_id] = report

    async def audit(self, evaluation: Evaluation) -> AuditReport:
        return self.reports[evaluation.evaluation_id]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _child(mode: str, batch: Path, out: Path, source: Path | None, concurrency: int) -> dict[str, Any]:
    """One measured run in this process."""
    from agent.commands.run import Scope, execute, make_auditor
    from agent.pipeline import Auditor, RunOptions
    from agent.settings import Settings

    settings = Settings()
    t0 = time.perf_counter()
    auditor: Auditor = (
        make_auditor(settings, use_llm=False, model=None) if mode == "no_llm" else ReplayAuditor(source or out)
    )
    setup_s = time.perf_counter() - t0
    rss_before = _peak_rss_mb()
    t1 = time.perf_counter()
    options = RunOptions(concurrency=concurrency, progress=False)
    summary, files = execute(batch, out, auditor, settings, options, Scope(), None)
    run_s = time.perf_counter() - t1
    return {
        "mode": mode,
        "evaluations": summary.audited,
        "failed": summary.failed,
        "needs_review": summary.needs_review,
        "setup_s": round(setup_s, 2),
        "run_s": round(run_s, 2),
        "evaluations_per_s": round(summary.audited / run_s, 1) if run_s else None,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "rss_after_setup_mb": round(rss_before, 1),
        "report_html_kb": round(files.html.stat().st_size / 1024),
    }


def bench_pipeline(n: int = 1000, concurrency: int = 8) -> dict[str, Any]:
    """Both runs of the module docstring, each in its own process; returns their figures."""
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        root = Path(tmp)
        batch = make_batch(root / "batch.jsonl", n)
        results = {}
        for mode, out, source in (
            ("no_llm", root / "no_llm", None),
            ("replay", root / "replay", root / "no_llm" / "reports.jsonl"),
        ):
            cmd = [sys.executable, "-m", "evals.bench_pipeline", "--child", mode, str(batch), str(out)]
            cmd += ["--concurrency", str(concurrency)] + (["--source", str(source)] if source else [])
            done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"bench child {mode} failed: {done.stderr[-2000:]}")
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return {"batch": n, "concurrency": concurrency, **results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--child", choices=["no_llm", "replay"])
    p.add_argument("batch", type=Path, nargs="?")
    p.add_argument("out", type=Path, nargs="?")
    p.add_argument("--source", type=Path)
    p.add_argument("-n", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=8)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.batch, args.out, args.source, args.concurrency)))
    else:
        print(json.dumps(bench_pipeline(args.n, args.concurrency), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
