"""Contributor vs agent -> flags, priority and verdict. Pure: no I/O, no model, no knowledge base.

Input: the contributor's :class:`~agent.models.Evaluation` and :class:`AgentFindings` (what the earlier stages
concluded: verified claims, constraint checks, the agent's ratings, the comment assessment, rule flags, missing
items). Output: a :class:`ComparisonResult` with flags of the fixed types, a 0-100 priority and a verdict.

Severity and priority policy (all constants below, in this one place):

- ``missed_error``: a contradicted claim that no factual_error/hallucination issue overlaps. **high** when the claim
  is central (kind in ``CENTRAL_KINDS``), else **medium**; **low** when the contributor did notice it (an issue of
  another type overlaps it, or the comment names the correction and factual_accuracy is at most 3). A sequel
  no table knows (kind ``absent_sequel``, an argument from absence) is never central: **medium** at most.
- ``false_flag``: a factual_error/hallucination issue whose quote overlaps only supported claims with evidence.
  **medium** when those claims cover at least ``FALSE_FLAG_MIN_COVERAGE`` of the quote, else **low**.
- ``rating_misaligned``: agent and contributor ``>= 2`` apart: **medium** at 2, **high** at 3 or more. When the
  agent's rating is the judge's view alone (``basis="model"``) with confidence below ``MODEL_RATING_TRUST`` it is
  advice, not evidence: flagged only ``JUDGE_ONLY_MIN_GAP`` or more apart, and then **low** (it never opens a review
  on its own; the rating and its rationale stay in the report either way). Side by side, on ``overall``: the
  preference goes against the contributor's own overall scores, against the evidence (the preferred response has
  more contradicted claims), or against the agent's overall scores by 2 or more (judge-only: the same rule).
- ``constraint_missed``: a broken constraint that no instruction_violation issue and no instruction_following
  score ``<= 3`` accounts for (``<= 4`` for a trivial overshoot). Length limits: **low** when at most
  ``TRIVIAL_MARGIN`` over, **high** when ``HIGH_MARGIN`` or more over, else **medium**; other kinds **medium**.
- ``incomplete_missed``: a missing item that no missing_information issue and no completeness ``<= 3`` accounts
  for: **medium**.
- ``weak_comment``: the comment assessment says weak: **medium**. ``rule_violation``: as :mod:`agent.rules` set it.

Verdict: ``needs_review`` when any flag is medium or high. Priority: the worst severity picks a band
(``PRIORITY_BANDS``: low 1-33, medium 34-66, high 67-100, none 0), so priority is monotonic in severity and
``needs_review`` is exactly ``priority >= 34``; inside the band, the agent's confidence and how far apart the two
are (the distance) place it, with a small push for each further flag.
"""

from __future__ import annotations

import logging

from pydantic import Field

from agent.errors import AuditError
from agent.guidelines import Guidelines
from agent.models import (
    ABSENT_SEQUEL,
    AgentRating,
    Claim,
    CommentAssessment,
    ConstraintCheck,
    ContributorIssue,
    Evaluation,
    Evidence,
    Flag,
    FlagSeverity,
    NonEmptyStr,
    Ratings,
    ResponseSide,
    Strict,
    Verdict,
)
from agent.spans import Span, coverage, find_spans, overlaps, token_overlap

logger = logging.getLogger(__name__)

__all__ = ["AgentFindings", "ComparisonResult", "CompletenessFinding", "compare", "priority_of"]

# ---- policy ---------------------------------------------------------------------------------------------------
CENTRAL_KINDS = frozenset({"year", "director", "award", "existence", "cast"})
FACTUAL_ISSUES = frozenset({"factual_error", "hallucination"})
FALSE_FLAG_MIN_COVERAGE = 0.5  # share of the contributor's quote the supported claims must cover
TOKEN_MATCH_MIN = 0.6  # a claim without a span matches a quote when this share of its tokens is in the quote
MODEL_RATING_TRUST = 0.7  # a judge-only rating below this confidence is advice: low, and only when far apart
JUDGE_ONLY_MIN_GAP = 3  # ... this far apart (on gold-dev, 17 of 25 judge-only flags 2 apart were wrong)
TRIVIAL_MARGIN = 0.10  # a length limit overshot by at most 10% is a trivial slip
HIGH_MARGIN = 0.50  # ... by 50% or more, a serious one
ACCOUNTED_SCORE = 3  # a dimension score at or below this shows the contributor saw the problem
CONFIDENCE_EXACT = 0.95  # claims and constraints settled by code against the fact index
CONFIDENCE_MODEL = 0.70  # claims and constraints settled by the model
CONFIDENCE_COMMENT = 0.60  # comment heuristics
PRIORITY_BANDS: dict[FlagSeverity, tuple[int, int]] = {"low": (1, 33), "medium": (34, 66), "high": (67, 100)}
REVIEW_SEVERITIES: frozenset[FlagSeverity] = frozenset({"medium", "high"})
_RANK: dict[FlagSeverity, int] = {"low": 0, "medium": 1, "high": 2}
_BY_RANK: tuple[FlagSeverity, ...] = ("low", "medium", "high")


class CompletenessFinding(Strict):
    """Something the prompt asked for that a response leaves out."""

    item: NonEmptyStr
    response: ResponseSide = "a"
    evidence: str = Field(default="", description="Why the agent thinks it is missing (the prompt's words).")
    confidence: float = Field(default=0.6, ge=0.0, le=1.0)


class AgentFindings(Strict):
    """What the agent concluded about one evaluation, before comparing it with the contributor."""

    claims: list[Claim] = Field(default_factory=list, description="Verified claims of both responses.")
    constraints: list[ConstraintCheck] = Field(default_factory=list)
    agent_ratings: list[AgentRating] = Field(default_factory=list)
    comment_assessment: CommentAssessment | None = None
    rule_flags: list[Flag] = Field(default_factory=list)
    completeness: list[CompletenessFinding] = Field(default_factory=list)


class ComparisonResult(Strict):
    """Flags (most severe first), priority and verdict for one evaluation."""

    flags: list[Flag]
    priority: int = Field(ge=0, le=100)
    verdict: Verdict


def compare(evaluation: Evaluation, findings: AgentFindings, guidelines: Guidelines) -> ComparisonResult:
    """Compare the contributor's evaluation with the agent's findings.

    Args:
        evaluation: The contributor's evaluation.
        findings: The agent's findings for it.
        guidelines: The project's guidelines (rating scale).

    Returns:
        The flags, the priority (0-100) and the verdict.

    Raises:
        AuditError: An agent rating lies outside the guideline scale (the ratings stage must keep to it).
    """
    _check_sides(evaluation, findings)
    ctx = _Context(evaluation, findings, guidelines)
    scored: list[tuple[Flag, float]] = []
    scored += _missed_errors(ctx)
    scored += _false_flags(ctx)
    scored += _misaligned_ratings(ctx)
    scored += _preference(ctx)
    scored += [(f, 0.5) for f in findings.rule_flags]
    scored += _missed_constraints(ctx)
    scored += _missed_completeness(ctx)
    scored += _weak_comment(ctx)
    scored.sort(key=lambda fd: (-_RANK[fd[0].severity], -fd[0].confidence))
    flags = [f for f, _ in scored]
    verdict: Verdict = "needs_review" if any(f.severity in REVIEW_SEVERITIES for f in flags) else "pass"
    priority = priority_of(scored)
    logger.debug("compare %s: %d flag(s), priority %d, %s", evaluation.evaluation_id, len(flags), priority, verdict)
    return ComparisonResult(flags=flags, priority=priority, verdict=verdict)


def _check_sides(evaluation: Evaluation, findings: AgentFindings) -> None:
    if evaluation.response_b is not None:
        return
    records: list[Claim | ConstraintCheck | AgentRating | CompletenessFinding] = [
        *findings.claims,
        *findings.constraints,
        *findings.agent_ratings,
        *findings.completeness,
    ]
    for record in records:
        if record.response == "b":
            raise AuditError(
                f"evaluation {evaluation.evaluation_id}: the agent's findings include a {type(record).__name__} for "
                "response B, but the evaluation has only one response; the stage that produced it mixed up records"
            )


def priority_of(scored: list[tuple[Flag, float]]) -> int:
    """Priority 0-100 from (flag, distance 0-1) pairs; see the module doc for the policy."""
    if not scored:
        return 0
    worst = max((f.severity for f, _ in scored), key=_RANK.__getitem__)
    lo, hi = PRIORITY_BANDS[worst]
    strength = max(f.confidence * (0.5 + 0.5 * min(max(d, 0.0), 1.0)) for f, d in scored if f.severity == worst)
    extra = min(1.0, (len(scored) - 1) / 5)
    return round(lo + (hi - lo) * (0.8 * strength + 0.2 * extra))


# ---- context --------------------------------------------------------------------------------------------------


class _Context:
    def __init__(self, evaluation: Evaluation, findings: AgentFindings, guidelines: Guidelines) -> None:
        self.ev = evaluation
        self.f = findings
        self.g = guidelines
        self.span = guidelines.scale.max - guidelines.scale.min
        self._issue_spans = [find_spans(i.quote, self.text(i.response)) for i in evaluation.issues]
        self._claim_spans = [self._locate(c) for c in findings.claims]

    def text(self, side: ResponseSide) -> str:
        return self.ev.response_for(side).text

    def ratings(self, side: ResponseSide) -> Ratings:
        return self.ev.ratings if side == "a" else (self.ev.ratings_b or {})

    def label(self, side: ResponseSide) -> str:
        return f"response {side.upper()}: " if self.ev.response_b is not None else ""

    def norm(self, score: int) -> float:
        return (score - self.g.scale.min) / self.span

    def _locate(self, claim: Claim) -> Span | None:
        text = self.text(claim.response)
        if claim.span is not None and 0 <= claim.span[0] < claim.span[1] <= len(text):
            return claim.span
        found = find_spans(claim.text, text)
        return found[0] if found else None

    def issue_claims(self, index: int) -> list[Claim]:
        """The claims a contributor issue is about: overlapping spans, or shared tokens when a claim has no span."""
        issue = self.ev.issues[index]
        text = self.text(issue.response)
        out: list[Claim] = []
        for claim, cspan in zip(self.f.claims, self._claim_spans, strict=True):
            if claim.response != issue.response:
                continue
            if cspan is not None:
                if any(overlaps(cspan, s, text) for s in self._issue_spans[index]):
                    out.append(claim)
            elif token_overlap(claim.text, issue.quote) >= TOKEN_MATCH_MIN:
                out.append(claim)
        return out

    def claim_span(self, claim: Claim) -> Span | None:
        return self._claim_spans[self.f.claims.index(claim)]

    def issue_spans(self, index: int) -> list[Span]:
        return self._issue_spans[index]


def _confidence(method: str) -> float:
    return CONFIDENCE_EXACT if method == "exact" else CONFIDENCE_MODEL


def _flag(
    type_: str, severity: FlagSeverity, message: str, evidence: list[Evidence], confidence: float, **kw: str | None
) -> Flag:
    return Flag.model_validate(
        {"type": type_, "severity": severity, "message": message, "evidence": evidence, "confidence": confidence}
        | {k: v for k, v in kw.items() if v is not None}
    )


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---- factual: missed errors and false flags ---------------------------------------------------------------------


def _missed_errors(ctx: _Context) -> list[tuple[Flag, float]]:
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
        message = f"{ctx.label(claim.response)}\u201c{_short(claim.text)}\u201d {what}; {why}."
        score = ctx.ratings(claim.response).get("factual_accuracy")
        distance = max(0.25, ctx.norm(score)) if score is not None else 1.0
        out.append((_flag("missed_error", severity, message, claim.evidence, _confidence(claim.method)), distance))
    return out


def _missed_error_severity(ctx: _Context, claim: Claim, issues: list[ContributorIssue]) -> tuple[FlagSeverity, str]:
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


def _false_flags(ctx: _Context) -> list[tuple[Flag, float]]:
    out: list[tuple[Flag, float]] = []
    for i, issue in enumerate(ctx.ev.issues):
        if issue.type not in FACTUAL_ISSUES:
            continue
        claims = ctx.issue_claims(i)
        if not claims or any(c.status != "supported" or not c.evidence for c in claims):
            continue  # nothing checked there, or something there is wrong or unverifiable: not a false flag
        text = ctx.text(issue.response)
        spans = [s for s in (ctx.claim_span(c) for c in claims) if s is not None]
        quote_spans = ctx.issue_spans(i) or [(0, 0)]
        covered = max(coverage(q, spans, text) for q in quote_spans) if spans else 1.0
        severity: FlagSeverity = "medium" if covered >= FALSE_FLAG_MIN_COVERAGE else "low"
        message = (
            f"{ctx.label(issue.response)}flagged \u201c{_short(issue.quote)}\u201d as {issue.type.replace('_', ' ')}, "
            f"but the evidence supports it"
            + ("" if severity == "medium" else " (the checked claims cover only part of the quote)")
            + "."
        )
        evidence = [e for c in claims for e in c.evidence]
        score = ctx.ratings(issue.response).get("factual_accuracy")
        distance = max(0.25, 1 - ctx.norm(score)) if score is not None else 1.0
        confidence = min(_confidence(c.method) for c in claims)
        out.append((_flag("false_flag", severity, message, evidence, confidence), distance))
    return out


# ---- ratings and preference ---------------------------------------------------------------------------------------


def _misaligned_ratings(ctx: _Context) -> list[tuple[Flag, float]]:
    out: list[tuple[Flag, float]] = []
    for r in ctx.f.agent_ratings:
        if not ctx.g.scale.min <= r.score <= ctx.g.scale.max:
            raise AuditError(
                f"evaluation {ctx.ev.evaluation_id}: agent rating {r.dimension}={r.score} is outside the "
                f"{ctx.g.project} scale {ctx.g.scale.min}-{ctx.g.scale.max}; the ratings stage must keep to it"
            )
        theirs = ctx.ratings(r.response).get(r.dimension)
        if theirs is None or abs(theirs - r.score) < 2:
            continue
        gap = abs(theirs - r.score)
        rank = 1 if gap == 2 else 2
        if _judge_only(r):
            if gap < JUDGE_ONLY_MIN_GAP:
                continue
            rank = 0
        message = (
            f"{ctx.label(r.response)}contributor rated {r.dimension} {theirs}, the agent {r.score}: "
            f"{_short(r.rationale, 240) or 'no rationale given'}"
        )
        evidence = _rating_evidence(ctx, r)
        flag = _flag("rating_misaligned", _BY_RANK[rank], message, evidence, r.confidence, dimension=r.dimension)
        out.append((flag, gap / ctx.span))
    return out


def _judge_only(r: AgentRating) -> bool:
    """The rating rests on the judge model's view alone, at a confidence too low to open a review."""
    return r.basis == "model" and r.confidence < MODEL_RATING_TRUST


def _rating_evidence(ctx: _Context, r: AgentRating) -> list[Evidence]:
    if r.dimension not in ("factual_accuracy", "overall"):
        return []
    return [e for c in ctx.f.claims if c.response == r.response and c.status == "contradicted" for e in c.evidence][:3]


def _preference(ctx: _Context) -> list[tuple[Flag, float]]:
    """Side by side: the preference must agree with the contributor's own ratings and with the evidence."""
    pref = ctx.ev.preference
    if pref is None or ctx.ev.ratings_b is None:
        return []
    out: list[tuple[Flag, float]] = []
    own = {"a": _overall(ctx.ev.ratings), "b": _overall(ctx.ev.ratings_b)}
    agent = {r.response: r for r in ctx.f.agent_ratings if r.dimension == "overall"}
    bad = {s: [c for c in ctx.f.claims if c.response == s and c.status == "contradicted"] for s in ("a", "b")}
    if pref == "tie":
        if abs(own["a"] - own["b"]) >= 2:
            msg = f"preferred neither, yet rated overall A {own['a']:g} and B {own['b']:g}."
            out.append((_flag("rating_misaligned", "medium", msg, [], 1.0, dimension="overall"), 0.5))
        worse = "a" if len(bad["a"]) > len(bad["b"]) else "b"
        if len(bad[worse]) > len(bad["b" if worse == "a" else "a"]):
            msg = f"preferred neither, yet response {worse.upper()} has more contradicted claims."
            out.append(
                (
                    _flag(
                        "rating_misaligned", "low", msg, _ev(bad[worse]), _claims_conf(bad[worse]), dimension="overall"
                    ),
                    0.5,
                )
            )
        return out
    other = "b" if pref == "a" else "a"
    gap = own[other] - own[pref]
    if gap > 0:
        msg = f"preferred {pref.upper()} but rated overall {own[pref]:g} for it and {own[other]:g} for {other.upper()}."
        sev: FlagSeverity = "high" if gap >= 2 else "medium"
        out.append((_flag("rating_misaligned", sev, msg, [], 1.0, dimension="overall"), gap / ctx.span))
    more = len(bad[pref]) - len(bad[other])
    if more > 0:
        central = any(c.kind in CENTRAL_KINDS for c in bad[pref]) and not bad[other]
        sev = "high" if more >= 2 or central else "medium"
        msg = (
            f"preferred {pref.upper()}, which has {len(bad[pref])} contradicted claim(s) against "
            f"{len(bad[other])} in {other.upper()}."
        )
        out.append(
            (_flag("rating_misaligned", sev, msg, _ev(bad[pref]), _claims_conf(bad[pref]), dimension="overall"), 1.0)
        )
    if pref in agent and other in agent:
        a_pref, a_other = agent[pref], agent[other]
        judge_only = _judge_only(a_pref) or _judge_only(a_other)
        if a_other.score - a_pref.score >= (JUDGE_ONLY_MIN_GAP if judge_only else 2):
            msg = (
                f"preferred {pref.upper()}, but the agent rates overall {pref.upper()} {a_pref.score} and "
                f"{other.upper()} {a_other.score}: {_short(a_other.rationale, 200)}"
            )
            conf = min(a_pref.confidence, a_other.confidence)
            sev = "low" if judge_only else "medium"
            out.append((_flag("rating_misaligned", sev, msg, [], conf, dimension="overall"), 0.75))
    return out


def _overall(ratings: Ratings) -> float:
    if "overall" in ratings:
        return float(ratings["overall"])
    return sum(ratings.values()) / len(ratings) if ratings else 0.0


def _ev(claims: list[Claim]) -> list[Evidence]:
    return [e for c in claims for e in c.evidence][:4]


def _claims_conf(claims: list[Claim]) -> float:
    return max((_confidence(c.method) for c in claims), default=1.0)


# ---- constraints, completeness, comment ---------------------------------------------------------------------------

_CONSTRAINT_WORDS: dict[str, tuple[str, ...]] = {
    "word_limit": ("word", "long", "length", "limit", "exceed", "verbose", "concise"),
    "sentence_limit": ("sentence", "long", "length", "limit", "exceed"),
    "list_count": ("item", "list", "count", "number", "only", "instead", "asked", "extra", "too many", "too few"),
    "format": ("format", "bullet", "table", "json", "numbered", "list", "paragraph", "word"),
    "year_range": ("year", "decade", "range", "period", "before", "after", "between", "outside", "released"),
    "spoiler": ("spoil", "season"),
}


def _missed_constraints(ctx: _Context) -> list[tuple[Flag, float]]:
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
        out.append((_flag("constraint_missed", severity, message, evidence, _confidence(check.method)), distance))
    return out


def _mentions(issue: ContributorIssue, check: ConstraintCheck) -> bool:
    said = f"{issue.quote} {issue.note}".lower()
    return any(w in said for w in _CONSTRAINT_WORDS.get(check.kind, ())) or check.constraint.lower() in said


def _missed_completeness(ctx: _Context) -> list[tuple[Flag, float]]:
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
        out.append((_flag("incomplete_missed", "medium", message, evidence, finding.confidence), distance))
    return out


def _weak_comment(ctx: _Context) -> list[tuple[Flag, float]]:
    a = ctx.f.comment_assessment
    if a is None or not a.weak:
        return []
    message = "The comment is weak: " + "; ".join(a.reasons or ["no reason recorded"]) + "."
    evidence = [Evidence(passage_id="comment", source="contributor comment", quote=_short(ctx.ev.comment, 300))]
    return [(_flag("weak_comment", "medium", message, evidence, CONFIDENCE_COMMENT), 0.5)]
