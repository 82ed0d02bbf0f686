"""Hand-written cases written blind: dev material for the exact checks and the agent, with a test half kept unread.

The files ``evals/datasets/handwritten_blind_*.yaml`` use the hand-written gold format (``evals/gold_handwritten.py``,
``evals/datasets/gold/README.md``). They were written by helpers who read none of the agent's code, none of the gold
cases and none of the exact-check wordings, from ``../shared/data`` and the franchise notes only. Ids are
``bh-NNNN``: odd numbers are the dev half (read, and tuned on after the first measurement), even numbers the test
half, which no one working on the agent reads (``audit eval --dataset blind-test`` prints aggregates only).

A second set, ``evals/datasets/handwritten_blind2_*.yaml`` (ids ``bh-0101`` on, dataset ``blind-2``), was written
the same way by two more helpers, measured once before anyone read it (the first-read figures in the README), and
is dev material after that: every case of it has split ``dev``.

A third set, ``evals/datasets/handwritten_blind3_*.yaml`` (ids ``bh-0201`` on, datasets ``blind-3-dev`` and
``blind-3-test``), was written the same way on 2026-11-30 and is split like the first: odd ids dev, even ids a test
half no one working on the agent reads. Both halves were measured once before anyone read either.

Check a file while writing it: ``python -m evals.gold_blind --check FILE`` (format, ids, quotes verbatim). Read
what the exact checks miss on the dev half: ``python -m evals.gold_blind --misses`` (it refuses the test half;
``--ablation full`` for the whole pipeline with the embedded model).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path
from typing import Literal

from agent.errors import InputError
from agent.models import Claim
from evals.gold_handwritten import build_handwritten
from evals.gold_schema import GoldCase, Split

BLIND_DIR = Path(__file__).resolve().parent / "datasets"
BLIND_GLOB = "handwritten_blind_*.yaml"
BLIND2_GLOB = "handwritten_blind2_*.yaml"  # the second set: all dev, after its first-read measurement
BLIND3_GLOB = "handwritten_blind3_*.yaml"  # the third set: halves by id, like the first
_ID = re.compile(r"bh-(\d{4})")


def part_of(evaluation_id: str) -> Split:
    """``dev`` for odd-numbered ids, ``heldout`` (the blind test half) for even ones."""
    m = _ID.fullmatch(evaluation_id)
    if not m:
        raise InputError(f"{evaluation_id!r}: blind case ids are bh-NNNN")
    return "dev" if int(m.group(1)) % 2 else "heldout"


def problems(case: GoldCase) -> list[str]:
    """What is wrong with one case beyond its schema: quotes that are not verbatim spans of their response."""
    ev, gold = case.evaluation, case.gold
    texts = {"a": ev.response.text, "b": ev.response_b.text if ev.response_b else ""}
    found: list[str] = []
    for p in gold.planted_errors:
        if p.quote not in texts[p.response]:
            found.append(f"planted quote not in response {p.response}: {p.quote!r}")
    for c in gold.claims:
        if c.quote not in texts[c.response]:
            found.append(f"claim quote not in response {c.response}: {c.quote!r}")
    if gold.planted_errors and not any(f.type == "missed_error" for f in gold.expected_flags):
        caught = all(any(p.quote in i.quote or i.quote in p.quote for i in ev.issues) for p in gold.planted_errors)
        if not caught:
            found.append("a planted error the contributor did not quote, and no expected missed_error flag")
    return found


def load_blind2(directory: Path = BLIND_DIR) -> list[GoldCase]:
    """Every case of the second blind set, each with split ``dev`` (the set was measured once before it was read).

    Raises:
        InputError: as :func:`load_blind`, or the set has no file.
    """
    paths = sorted(directory.glob(BLIND2_GLOB))
    if not paths:
        raise InputError(f"no second blind set: no {BLIND2_GLOB} under {directory}")
    cases = load_blind(paths=paths)
    return [c.model_copy(update={"gold": c.gold.model_copy(update={"split": "dev"})}) for c in cases]


def load_blind3(part: Split | None = None, directory: Path = BLIND_DIR) -> list[GoldCase]:
    """The third blind set (optionally one half: odd ids ``dev``, even ids ``heldout``, as :func:`part_of`).

    Raises:
        InputError: as :func:`load_blind`, or the set has no file.
    """
    paths = sorted(directory.glob(BLIND3_GLOB))
    if not paths:
        raise InputError(f"no third blind set: no {BLIND3_GLOB} under {directory}")
    return load_blind(part, paths=paths)


def load_blind(part: Split | None = None, paths: list[Path] | None = None) -> list[GoldCase]:
    """Every blind case (optionally one half), with ``split`` set by :func:`part_of`.

    Raises:
        InputError: a file is unreadable or invalid, an id repeats or is malformed, or a quote is not verbatim.
    """
    cases: list[GoldCase] = []
    seen: set[str] = set()
    for path in paths or sorted(BLIND_DIR.glob(BLIND_GLOB)):
        for case in build_handwritten(path):
            eid = case.evaluation.evaluation_id
            if eid in seen:
                raise InputError(f"{path}: evaluation_id {eid!r} repeats")
            seen.add(eid)
            bad = problems(case)
            if bad:
                raise InputError(f"{path}: {eid}: " + "; ".join(bad))
            split = part_of(eid)
            if part is None or split == part:
                cases.append(case.model_copy(update={"gold": case.gold.model_copy(update={"split": split})}))
    if not cases and paths is None:
        raise InputError(f"no blind cases: no {BLIND_GLOB} under {BLIND_DIR}")
    return cases


def misses(cases: list[GoldCase], ablation: Literal["exact", "full"] = "exact") -> list[str]:
    """Dev cases whose audit differs from the gold flags: the difference, the claims read, the notes.

    ``ablation`` "exact" (no model) or "full" (the embedded model; its calls are cached, so a rerun is quick).
    """
    from agent.audit import build_auditor
    from agent.settings import load_settings
    from evals.metrics import unit

    if any(c.gold.split != "dev" for c in cases):
        raise InputError("--misses reads the dev half only; the test half stays unread")
    auditor = build_auditor(load_settings(), use_llm=ablation != "exact", ablation=ablation)
    lines: list[str] = []
    try:
        for case in cases:
            report = asyncio.run(auditor.audit(case.evaluation))
            expected = {unit(f.type, f.dimension) for f in case.gold.expected_flags}
            fine = expected | {unit(f.type, f.dimension) for f in case.gold.acceptable_flags}
            raised = {unit(f.type, f.dimension) for f in report.flags}
            missing, extra = sorted(expected - raised), sorted(raised - fine)
            if not missing and not extra:
                continue
            lines.append(f"{case.evaluation.evaluation_id} [{case.gold.category}] missing {missing} extra {extra}")
            lines += [f"  planted: {p.quote!r} (true: {p.correct})" for p in case.gold.planted_errors]
            lines += [_claim_line(c) for c in report.claims if c.status != "unverifiable" or c.method == "model"]
            lines += [f"  contributor {i.type}: {i.quote!r}" for i in case.evaluation.issues]
    finally:
        auditor.close()
    return lines


def _claim_line(c: Claim) -> str:
    line = f"  agent {c.method} {c.status}: {c.text!r}"
    if c.method == "model":
        line += f" evidence {[e.passage_id for e in c.evidence]}"
        if c.correction:
            line += f" correction {c.correction!r}"
    return line


def main(argv: list[str] | None = None) -> int:
    """CLI: ``--check FILE...`` validates files and prints counts only (never a case's content); ``--misses``."""
    ap = argparse.ArgumentParser(prog="python -m evals.gold_blind", description=main.__doc__)
    how = ap.add_mutually_exclusive_group(required=True)
    how.add_argument("--check", nargs="+", type=Path, metavar="FILE")
    how.add_argument("--misses", action="store_true", help="dev half: where the audit differs from gold")
    ap.add_argument(
        "--set", type=int, choices=(1, 2, 3), default=1, help="with --misses: blind set 1 or 3 (dev half), or 2"
    )
    ap.add_argument("--ablation", choices=("exact", "full"), default="exact", help="with --misses (default exact)")
    args = ap.parse_args(argv)
    try:
        if args.misses:
            material = load_blind("dev") if args.set == 1 else load_blind2() if args.set == 2 else load_blind3("dev")
            found = misses(material, args.ablation)
            print("\n".join(found) if found else f"no differences on blind set {args.set}'s dev material")
            return 0
        cases = load_blind(paths=args.check)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    dev = sum(c.gold.split == "dev" for c in cases)
    cats: dict[str, int] = {}
    for c in cases:
        cats[c.gold.category] = cats.get(c.gold.category, 0) + 1
    planted = sum(len(c.gold.planted_errors) for c in cases)
    print(f"{len(cases)} cases valid ({dev} dev, {len(cases) - dev} test), {planted} planted errors; categories {cats}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
