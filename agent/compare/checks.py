"""Flags from the other checks: ``constraint_missed``, ``incomplete_missed`` and ``weak_comment``."""

from __future__ import annotations

from agent.compare.context import Context, confidence_of, make_flag, short
from agent.compare.policy import ACCOUNTED_SCORE, CONFIDENCE_COMMENT, HIGH_MARGIN, TRIVIAL_MARGIN
from agent.models import ConstraintCheck, ContributorIssue, Evidence, Flag, FlagSeverity
from agent.spans import token_overlap

_CONSTRAINT_WORDS: dict[str, tuple[str, ...]] = {
    "word_limit": ("word", "long", "length", "limit", "exceed", "verbose", "concise"),
    "sentence_limit": ("sentence", "long", "length", "limit", "exceed"),
    "list_count": ("item", "list", "count", "number", "only", "instead", "asked", "extra", "too many", "too few"),
    "format": ("format", "bullet", "table", "json", "numbered", "list", "paragraph", "word"),
    "year_range": ("year", "decade", "range", "period", "before", "after", "between", "outside", "released"),
    "spoiler": ("spoil", "season"),
}


def missed_constraints(ctx: Context) -> list[tuple[Flag, float]]:
    out: list[tuple[Flag, float]] = []
    broken = [c for c in ctx.f.constraints if c.satisfied is False]
    for check in broken:
        score = ctx.ratings(check.response).get("instruction_following")
        trivial = check.margin is not None and check.margin <= TRIVIAL_MARGIN
        if score is not None and score <= ACCOUNTED_SCORE + (1 if trivial else 0):
            continue
        violations = [i for i in ctx.ev.issues if i.response == check.response and i.type == "instruction_violation"]
        alone = sum(1 for c in broken if c.response == check.response) == 1
        if violations and (alone or any(_mentions(i, check) for i in violations)):
            continue
        severity: FlagSeverity = "medium"
        if check.kind in ("word_limit", "sentence_limit") and check.margin is not None:
            severity = "low" if trivial else ("high" if check.margin >= HIGH_MARGIN else "medium")
        message = (
            f"{ctx.label(check.response)}breaks the prompt's \u201c{check.constraint}\u201d ({check.detail}); "
            f"not flagged, and instruction_following is {score if score is not None else 'unrated'}."
        )
        side = check.response
        evidence = [
            Evidence(passage_id="task.prompt", source="prompt", quote=check.constraint),
            Evidence(passage_id=f"response_{side}", source=f"measured on response {side.upper()}", quote=check.detail),
        ]
        distance = max(0.25, ctx.norm(score)) if score is not None else 1.0
        out.append((make_flag("constraint_missed", severity, message, evidence, confidence_of(check.method)), distance))
    return out


def _mentions(issue: ContributorIssue, check: ConstraintCheck) -> bool:
    said = f"{issue.quote} {issue.note}".lower()
    return any(w in said for w in _CONSTRAINT_WORDS.get(check.kind, ())) or check.constraint.lower() in said


def missed_completeness(ctx: Context) -> list[tuple[Flag, float]]:
    out: list[tuple[Flag, float]] = []
    for finding in ctx.f.completeness:
        side = finding.response
        score = ctx.ratings(side).get("completeness")
        if score is not None and score <= ACCOUNTED_SCORE:
            continue
        missing = [i for i in ctx.ev.issues if i.response == side and i.type == "missing_information"]
        alone = sum(1 for f in ctx.f.completeness if f.response == side) == 1
        if missing and (alone or any(token_overlap(finding.item, f"{i.quote} {i.note}") >= 0.5 for i in missing)):
            continue
        message = (
            f"{ctx.label(side)}leaves out {finding.item}; not flagged, and completeness is "
            f"{score if score is not None else 'unrated'}."
        )
        evidence = (
            [Evidence(passage_id="task.prompt", source="prompt", quote=finding.evidence)] if finding.evidence else []
        )
        distance = max(0.25, ctx.norm(score)) if score is not None else 1.0
        out.append((make_flag("incomplete_missed", "medium", message, evidence, finding.confidence), distance))
    return out


def weak_comment_flags(ctx: Context) -> list[tuple[Flag, float]]:
    a = ctx.f.comment_assessment
    if a is None or not a.weak:
        return []
    message = "The comment is weak: " + "; ".join(a.reasons or ["no reason recorded"]) + "."
    evidence = [Evidence(passage_id="comment", source="contributor comment", quote=short(ctx.ev.comment, 300))]
    return [(make_flag("weak_comment", "medium", message, evidence, CONFIDENCE_COMMENT), 0.5)]
