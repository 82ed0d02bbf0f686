"""Factual flags: ``missed_error`` (a contradicted claim nobody flagged) and ``false_flag`` (a flagged claim that
the evidence supports)."""

from __future__ import annotations

import re

from agent.compare.context import Context, confidence_of, make_flag, short
from agent.compare.policy import ACCOUNTED_SCORE, CENTRAL_KINDS, FACTUAL_ISSUES, FALSE_FLAG_MIN_COVERAGE
from agent.models import ABSENT_SEQUEL, Claim, ContributorIssue, Flag, FlagSeverity
from agent.spans import coverage


def missed_errors(ctx: Context) -> list[tuple[Flag, float]]:
    out: list[tuple[Flag, float]] = []
    covering: dict[int, list[ContributorIssue]] = {}
    for i, issue in enumerate(ctx.ev.issues):
        for claim in ctx.issue_claims(i):
            covering.setdefault(id(claim), []).append(issue)
    for claim in ctx.f.claims:
        if claim.status != "contradicted":
            continue
        issues = covering.get(id(claim), [])
        if any(i.type in FACTUAL_ISSUES for i in issues):
            continue
        severity, why = _missed_error_severity(ctx, claim, issues)
        if claim.kind == ABSENT_SEQUEL:  # absence of evidence: say so, and what could make it a false alarm
            what = f"names a sequel no table has ({claim.correction}); invented unless a direct-to-video release"
        else:
            what = "is contradicted" + (f" (the evidence gives {claim.correction})" if claim.correction else "")
        message = f"{ctx.label(claim.response)}\u201c{short(claim.text)}\u201d {what}; {why}."
        score = ctx.ratings(claim.response).get("factual_accuracy")
        distance = max(0.25, ctx.norm(score)) if score is not None else 1.0
        out.append(
            (make_flag("missed_error", severity, message, claim.evidence, confidence_of(claim.method)), distance)
        )
    return out


def _missed_error_severity(ctx: Context, claim: Claim, issues: list[ContributorIssue]) -> tuple[FlagSeverity, str]:
    if issues:
        return "low", f"the contributor flagged it as {issues[0].type.replace('_', ' ')}, not as a factual error"
    score = ctx.ratings(claim.response).get("factual_accuracy")
    noticed = claim.correction and claim.correction.lower() in ctx.ev.comment.lower()
    if noticed and score is not None and score <= ACCOUNTED_SCORE:
        return "low", "the comment names the correction, but no issue was flagged"
    if claim.kind in CENTRAL_KINDS:
        article = "an" if str(claim.kind)[:1] in "aeiou" else "a"
        return "high", f"the contributor did not flag it ({article} {claim.kind} error)"
    return "medium", "the contributor did not flag it"


def false_flags(ctx: Context) -> list[tuple[Flag, float]]:
    out: list[tuple[Flag, float]] = []
    for i, issue in enumerate(ctx.ev.issues):
        if issue.type not in FACTUAL_ISSUES:
            continue
        claims = ctx.issue_claims(i)
        if not claims or any(c.status != "supported" or not c.evidence for c in claims):
            continue  # nothing checked there, or something there is wrong or unverifiable: not a false flag
        if _disputes_no_year(issue, claims):
            continue  # only years were confirmed, and the note does not dispute a year: it is about something else
        text = ctx.text(issue.response)
        spans = [s for s in (ctx.claim_span(c) for c in claims) if s is not None]
        quote_spans = ctx.issue_spans(i) or [(0, 0)]
        covered = max(coverage(q, spans, text) for q in quote_spans) if spans else 1.0
        severity: FlagSeverity = "medium" if covered >= FALSE_FLAG_MIN_COVERAGE else "low"
        message = (
            f"{ctx.label(issue.response)}flagged \u201c{short(issue.quote)}\u201d as {issue.type.replace('_', ' ')}, "
            f"but the evidence supports it"
            + ("" if severity == "medium" else " (the checked claims cover only part of the quote)")
            + "."
        )
        evidence = [e for c in claims for e in c.evidence]
        score = ctx.ratings(issue.response).get("factual_accuracy")
        distance = max(0.25, 1 - ctx.norm(score)) if score is not None else 1.0
        confidence = min(confidence_of(c.method) for c in claims)
        out.append((make_flag("false_flag", severity, message, evidence, confidence), distance))
    return out


_YEAR = re.compile(r"\b(?:18|19|20)\d\d\b")


def _disputes_no_year(issue: ContributorIssue, claims: list[Claim]) -> bool:
    """Every confirmed claim is a year, and the contributor's note repeats years the response states and no other:
    the note grants the years, so the flag is about what the checks did not read ("Lazenby made only one film.
    Diamonds Are Forever (1971) is Connery's return" on "On Her Majesty's Secret Service (1969) and Diamonds Are
    Forever (1971)"), and the years being right does not make it a false flag. A note that names no year is not
    read this way: measured, those flags were mostly right to call false flags (a true cast credit quoted with its
    film's year)."""
    if any(c.kind != "year" for c in claims):
        return False
    stated = {y for c in claims for y in _YEAR.findall(c.text)}
    in_note = set(_YEAR.findall(issue.note))
    return bool(in_note) and in_note <= stated
