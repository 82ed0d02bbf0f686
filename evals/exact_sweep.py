"""Every measure of the exact checks in one run, and what moved since the last: ``python -m evals.exact_sweep``.

A change to the exact checks is judged on all of these at once, with no model (about 10 minutes on 2 cores):

- the labelled datasets: the gold set's dev and held-out splits, the three blind sets' halves, the sample batch,
  HaluEval QA and general (``audit eval --ablation exact`` on each, without writing results files);
- the paraphrase tables (``evals/paraphrase.py``): our own wordings, and the blind wording sets;
- contradictions on the KB's own film lead paragraphs, text known to be true (``evals/true_text.py``).

``--out FILE`` keeps the measures as JSON; ``--compare OLD`` prints what moved against an earlier file: the
metrics of every measure, and, only for material that may be read (dev halves, the sample batch, our own
wordings, the lead paragraphs), which case, wording or line. Held-out and test halves give their metrics and
nothing else, so comparing never shows a case no one may read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from agent.errors import InputError

DATASETS = (  # (dataset, whether its cases may be read)
    ("gold-dev", True),
    ("gold-heldout", False),
    ("blind-dev", True),
    ("blind-test", False),
    ("blind-2", True),
    ("blind-3-dev", True),
    ("blind-3-test", False),
    ("sample", True),
    ("halueval-qa", False),
    ("halueval-general", False),
)
WORDING_SETS = (  # (name, wordings file or None for the built-in ones, part, whether its wordings may be read)
    ("paraphrase", None, "all", True),
    ("paraphrase-blind-dev", "wordings_blind.yaml", "dev", True),
    ("paraphrase-blind-test", "wordings_blind.yaml", "test", False),
    ("paraphrase-blind-2", "wordings_blind_2.yaml", "all", True),
)
# the metrics compared per dataset: flattened summary paths
_FLAG_TYPES = (
    "missed_error", "false_flag", "rating_misaligned", "rule_violation", "constraint_missed", "incomplete_missed",
    "weak_comment",
)  # fmt: skip


def measure_dataset(name: str, readable: bool, auditor: Any) -> dict[str, Any]:
    """Exact-checks metrics of one dataset; for a readable one also each case's flags and checked claims."""
    from evals.harness import load_dataset, score
    from evals.metrics import unit

    dataset = load_dataset(name)
    pairs = []
    cases: dict[str, str] = {}
    for case in dataset.cases:
        report = asyncio.run(auditor.audit(case.evaluation))
        pairs.append((case, report))
        if readable:
            flags = sorted(f"{t}{'/' + d if d else ''}" for t, d in {unit(f.type, f.dimension) for f in report.flags})
            claims = [f"{c.status} {c.kind}: {c.text}" for c in report.claims if c.status != "unverifiable"]
            cases[case.evaluation.evaluation_id] = "flags [" + ", ".join(flags) + "]; " + " | ".join(claims)
    result = score(dataset, pairs, 0)
    s = result.summary
    metrics: dict[str, float | int | None] = {"n": len(pairs), "verdict": _get(s, "verdict", "accuracy")}
    for t in _FLAG_TYPES:
        for k in ("tp", "fp", "fn"):
            metrics[f"{t}.{k}"] = _get(s, "flags", t, k)
    for status in ("contradicted", "supported"):
        metrics[f"claims.{status}"] = _get(s, "claims", status, "accuracy")
    for subset, scores in result.detection.items():
        for k in ("tp", "fp", "fn"):
            metrics[f"detection.{subset}.{k}"] = scores.get(k)
    return {"metrics": metrics, "cases": cases}


def measure_wordings(name: str, file: str | None, part: str, readable: bool) -> dict[str, Any]:
    """A paraphrase table: per shape (and, when readable, per wording) wrong values caught, right values read,
    false alarms."""
    from agent.kb.facts import default_index
    from evals.paraphrase import cases, load_wordings, measure

    here = Path(__file__).resolve().parent / "datasets"
    wordings = load_wordings(here / file, part) if file else None
    rows = measure(default_index(), cases(wordings=wordings))
    metrics: dict[str, float | int | None] = {}
    lines: dict[str, str] = {}
    for r in rows:
        for k in ("caught", "read", "false"):
            key = f"{r.shape}.{k}"
            metrics[key] = int(metrics.get(key) or 0) + getattr(r, k)
        if readable:
            lines[f"{r.shape} `{r.wording}`"] = f"caught {r.caught}, read {r.read}, false {r.false} of {r.n}"
    return {"metrics": metrics, "cases": lines}


def measure_true_text() -> dict[str, Any]:
    """Contradictions on every film lead paragraph of the KB (each one a false alarm or a disagreement of tables)."""
    from agent.kb.facts import default_index
    from evals.true_text import contradictions

    _, claims, found = contradictions(default_index())
    lines = {f"{film_id}\t{c.kind}\t{c.text}": f"-> {c.correction}" for film_id, c in found}
    return {"metrics": {"claims": claims, "contradicted": len(lines)}, "cases": lines}


def sweep(only: Iterable[str] | None = None, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Every measure (or those named in ``only``), keyed by name."""
    from agent.audit import build_auditor
    from agent.settings import load_settings

    wanted = set(only) if only is not None else None
    names = [d for d, _ in DATASETS] + [w[0] for w in WORDING_SETS] + ["true-text"]
    if wanted is not None and not wanted <= set(names):
        raise InputError(f"unknown measure(s) {', '.join(sorted(wanted - set(names)))}; choose from {', '.join(names)}")
    out: dict[str, Any] = {}
    auditor = build_auditor(load_settings(), use_llm=False, ablation="exact")
    try:
        for name, readable in DATASETS:
            if wanted is None or name in wanted:
                started = time.monotonic()
                out[name] = measure_dataset(name, readable, auditor)
                progress(f"{name}: {time.monotonic() - started:.0f} s")
    finally:
        auditor.close()
    for name, file, part, readable in WORDING_SETS:
        if wanted is None or name in wanted:
            started = time.monotonic()
            out[name] = measure_wordings(name, file, part, readable)
            progress(f"{name}: {time.monotonic() - started:.0f} s")
    if wanted is None or "true-text" in wanted:
        started = time.monotonic()
        out["true-text"] = measure_true_text()
        progress(f"true-text: {time.monotonic() - started:.0f} s")
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What moved, measure by measure: changed metrics, then (readable material only) changed cases or lines."""
    lines: list[str] = []
    for name in new:
        if name not in old:
            lines.append(f"{name}: new measure")
            continue
        before, after = old[name]["metrics"], new[name]["metrics"]
        moved = [f"{k} {before.get(k)} -> {v}" for k, v in after.items() if before.get(k) != v]
        cases_before, cases_after = old[name].get("cases", {}), new[name].get("cases", {})
        changed = sorted(k for k in set(cases_before) | set(cases_after) if cases_before.get(k) != cases_after.get(k))
        lines.append(
            f"{name}: "
            + ("; ".join(moved) if moved else "unchanged")
            + (f" ({len(changed)} changed)" if changed else "")
        )
        for key in changed:
            lines.append(f"  - {key}: {cases_before.get(key, '(absent)')}")
            lines.append(f"  + {key}: {cases_after.get(key, '(absent)')}")
    return lines


def load(path: Path) -> dict[str, Any]:
    """An earlier ``--out`` file.

    Raises:
        InputError: unreadable, not JSON, or not measures (``{name: {"metrics": {...}, "cases": {...}}}``).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: cannot read an earlier sweep: {e}") from e
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("metrics"), dict) and isinstance(v.get("cases", {}), dict)
        for v in data.values()
    ):
        raise InputError(f"{path}: not a file written by `python -m evals.exact_sweep --out`")
    return data


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.exact_sweep", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="write the measures to this JSON file")
    ap.add_argument("--compare", type=Path, metavar="OLD", help="print what moved against an earlier --out file")
    ap.add_argument("--only", nargs="+", metavar="MEASURE", help="only these measures (default: all)")
    args = ap.parse_args(argv)
    try:
        old = load(args.compare) if args.compare else None
        new = sweep(args.only, progress=lambda line: print(line, file=sys.stderr))
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(new, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {args.out}", file=sys.stderr)
    if old is not None:
        print("\n".join(compare(old, new)))
    else:
        for name, measured in new.items():
            print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in measured["metrics"].items() if v is not None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
