"""``audit check ONE.json``: audit one evaluation and print a readable report (or the AuditReport with --json)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from agent.compare.ratings import judge_only
from agent.errors import InputError
from agent.models import AuditReport
from agent.settings import Settings

_SEVERITY_MARK = {"high": "!!!", "medium": "!! ", "low": "!  "}


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="audit one evaluation (a JSON file) and print the report",
        description="Audit one contributor evaluation and print the agent's second opinion.",
    )
    p.add_argument("file", type=Path, help="one evaluation as JSON (a file, or - for stdin)")
    p.add_argument("--json", action="store_true", help="print the AuditReport as JSON")
    p.add_argument("--no-llm", action="store_true", help="exact checks only (no model needed)")
    p.add_argument("--model", help="model string (default: settings.model, i.e. AUDIT_MODEL or 'local')")
    p.set_defaults(func=run)


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from e


def run(args: argparse.Namespace, settings: Settings) -> int:
    from agent.audit import build_auditor
    from agent.validate import Reject, Validator

    text = _read(args.file)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{args.file}:{e.lineno}: not valid JSON: {e.msg}") from e
    if not isinstance(payload, dict):
        raise InputError(f"{args.file}: expected one JSON object (an evaluation)")
    outcome = Validator(settings).check(1, payload, text)
    if isinstance(outcome, Reject):
        reasons = "; ".join([f"{outcome.field}: {outcome.reason}", *(f"{p.field}: {p.reason}" for p in outcome.more)])
        raise InputError(f"{args.file}: not a valid evaluation: {reasons}")
    evaluation = outcome.evaluation
    auditor = build_auditor(settings, use_llm=not args.no_llm, model=args.model)
    try:
        report = asyncio.run(auditor.audit(evaluation))
    finally:
        auditor.close()
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(render_text(report))
    return 0


def render_text(report: AuditReport) -> str:
    """A readable, terminal-width rendering of one report."""
    wrap = textwrap.TextWrapper(width=100, subsequent_indent="      ")
    out = [
        f"{report.evaluation_id}  contributor {report.contributor_id}  project {report.project}",
        f"verdict: {report.verdict.upper()}   priority: {report.priority}/100",
        "",
        f"Flags ({len(report.flags)}):" if report.flags else "Flags: none",
    ]
    for f in report.flags:
        dim = f" [{f.dimension}]" if f.dimension else ""
        out.append(wrap.fill(f" {_SEVERITY_MARK[f.severity]} {f.type}{dim}: {f.message}"))
        for ev in f.evidence[:2]:
            out.append(wrap.fill(f"      evidence {ev.passage_id} ({ev.source}): {ev.quote[:160]}"))
    checked = [c for c in report.claims if c.status != "unverifiable"]
    out += ["", f"Claims: {len(report.claims)} ({len(checked)} settled)"]
    for c in report.claims:
        fix = f" -> evidence says: {c.correction}" if c.correction and c.status == "contradicted" else ""
        out.append(wrap.fill(f"  [{c.status:12}] ({c.method}) {c.text}{fix}"))
    if report.constraints:
        out += ["", "Constraints:"]
        for k in report.constraints:
            state = {True: "met", False: "BROKEN", None: "not measured"}[k.satisfied]
            out.append(wrap.fill(f"  [{state}] {k.constraint} {k.detail}".rstrip()))
    if report.agent_ratings:
        out += ["", "Agent ratings:"]
        for r in report.agent_ratings:
            side = f" ({r.response})" if r.response == "b" else ""
            basis = "judge's view alone: advice, no flag" if judge_only(r) else r.basis
            out.append(wrap.fill(f"  {r.dimension}{side}: {r.score}  [{basis}] {r.rationale}"))
    p = report.provenance
    out += ["", "Feedback draft:", textwrap.indent(report.feedback, "  "), ""]
    out.append(
        f"model: {p.model or 'none (exact checks only)'}; LLM calls {p.llm_calls}, cache hits {p.cache_hits}, "
        f"tokens {p.prompt_tokens}+{p.completion_tokens}; {p.seconds:.1f}s"
    )
    for s in p.checks_skipped:
        out.append(f"did not run: {s}")
    for t in p.truncated:
        out.append(f"truncated: {t}")
    return "\n".join(out)
