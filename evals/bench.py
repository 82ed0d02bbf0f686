"""``make bench``: every benchmark in one run; a table on stdout and ``evals/results/bench-<date>.json``.

Each benchmark is a function returning a dict of figures; add one by appending ``(name, function)`` to
:data:`BENCHES`. ``--only NAME`` runs a subset; ``--quick`` shrinks the KB benchmarks (for a smoke run).
The machine (cores, load average) is recorded with the figures: on a shared machine they are lower bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from evals.bench_facts import bench_fact_index
from evals.bench_kb import bench_kb_build, bench_kb_query
from evals.bench_model import bench_local_model
from evals.bench_pipeline import bench_pipeline
from evals.retrieval_recall import bench_retrieval_recall

RESULTS = Path(__file__).resolve().parent / "results"

Bench = Callable[[], dict[str, Any]]
BENCHES: list[tuple[str, Bench]] = [
    ("kb_build", bench_kb_build),
    ("kb_query", bench_kb_query),
    ("retrieval_recall", bench_retrieval_recall),
    ("fact_index", bench_fact_index),
    ("pipeline", bench_pipeline),
    ("local_model", bench_local_model),
]
QUICK: dict[str, Bench] = {
    "kb_build": partial(bench_kb_build, sample=150),
    "kb_query": partial(bench_kb_query, sample=150, growth=2, queries=20),
}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "load_avg_1m": round(load[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """``{"a": {"b": 1}}`` -> ``[("a.b", 1)]`` for the table."""
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, sub in value.items():
            rows.extend(flatten(f"{prefix}.{key}" if prefix else str(key), sub))
        return rows
    return [(prefix, value)]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; print the table; write the JSON results."""
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=[name for name, _ in BENCHES], help="run only these")
    parser.add_argument("--quick", action="store_true", help="small KB benchmarks (smoke run)")
    parser.add_argument("--out", type=Path, help="results file (default evals/results/bench-<date>.json)")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine(), "started": datetime.now(UTC).isoformat(timespec="seconds")}
    for name, bench in BENCHES:
        if args.only and name not in args.only:
            continue
        fn = QUICK.get(name, bench) if args.quick else bench
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results[name] = {**fn(), "bench_s": round(time.perf_counter() - t0, 1)}
    rows = flatten("", {k: v for k, v in results.items() if k != "started"})
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    out = args.out or RESULTS / f"bench-{datetime.now(UTC).date().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
