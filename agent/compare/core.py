"""Contributor vs agent -> flags, priority and verdict. Pure: no I/O, no model, no knowledge base.

Input: the contributor's :class:`~agent.models.Evaluation` and :class:`AgentFindings` (what the earlier stages
concluded). Output: a :class:`ComparisonResult`. The policy (flag types, severities, priority bands) is in
:mod:`agent.compare.policy`; each family of flags has its module (``factual``, ``ratings``, ``checks``).
"""

from __future__ import annotations

import logging

from agent.compare.checks import missed_completeness, missed_constraints, weak_comment_flags
from agent.compare.context import Context
from agent.compare.factual import false_flags, missed_errors
from agent.compare.policy import PRIORITY_BANDS, RANK, REVIEW_SEVERITIES
from agent.compare.ratings import misaligned_ratings, preference_flags
from agent.compare.schemas import AgentFindings, ComparisonResult, CompletenessFinding
from agent.errors import AuditError
from agent.guidelines import Guidelines
from agent.models import AgentRating, Claim, ConstraintCheck, Evaluation, Flag, Verdict

logger = logging.getLogger(__name__)


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
    ctx = Context(evaluation, findings, guidelines)
    scored: list[tuple[Flag, float]] = []
    scored += missed_errors(ctx)
    scored += false_flags(ctx)
    scored += misaligned_ratings(ctx)
    scored += preference_flags(ctx)
    scored += [(f, 0.5) for f in findings.rule_flags]
    scored += missed_constraints(ctx)
    scored += missed_completeness(ctx)
    scored += weak_comment_flags(ctx)
    scored.sort(key=lambda fd: (-RANK[fd[0].severity], -fd[0].confidence))
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
    worst = max((f.severity for f, _ in scored), key=RANK.__getitem__)
    lo, hi = PRIORITY_BANDS[worst]
    strength = max(f.confidence * (0.5 + 0.5 * min(max(d, 0.0), 1.0)) for f, d in scored if f.severity == worst)
    extra = min(1.0, (len(scored) - 1) / 5)
    return round(lo + (hi - lo) * (0.8 * strength + 0.2 * extra))
