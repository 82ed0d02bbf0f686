"""Guideline rules applied to the contributor's own ratings, issues and comment -> ``rule_violation`` flags.

The rules come from ``prompts/guidelines/<project>.yaml`` (see :mod:`agent.guidelines`); each kind has one checker
here. Rules are checked per response: in side-by-side tasks, the issues flagged on response B are held against
``ratings_b``. No model is needed; every flag cites the guideline clause and the contributor's own words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from agent.comment import CommentSignals, comment_signals
from agent.guidelines import (
    CapWhenIssue,
    CommentRequiredBelow,
    CommentSpecific,
    Guidelines,
    IssueRequiresLowerScore,
    OverallConsistent,
    Rule,
)
from agent.models import ContributorIssue, Evaluation, Evidence, Flag, FlagSeverity, Ratings, ResponseSide

logger = logging.getLogger(__name__)

__all__ = ["apply_rules"]


def apply_rules(evaluation: Evaluation, guidelines: Guidelines) -> list[Flag]:
    """Check every rule of the project's guidelines against the contributor's evaluation.

    Args:
        evaluation: The contributor's evaluation.
        guidelines: The guidelines of ``evaluation.project``.

    Returns:
        One ``rule_violation`` :class:`Flag` per broken rule and response, with ``rule_id`` set and the guideline
        clause and the contributor's own quote as evidence. Empty when every rule holds.
    """
    signals = comment_signals(evaluation)
    flags: list[Flag] = []
    for rule in guidelines.rules:
        checker = _CHECKERS[type(rule)]
        for side, ratings in _sides(evaluation):
            flags += checker(rule, evaluation, side, ratings, signals, guidelines)
        if isinstance(rule, CommentRequiredBelow | CommentSpecific):
            flags = _one_comment_flag_per_rule(flags, rule.id)
    logger.debug("rules on %s: %d violation(s)", evaluation.evaluation_id, len(flags))
    return flags


def _sides(evaluation: Evaluation) -> list[tuple[ResponseSide, Ratings]]:
    out: list[tuple[ResponseSide, Ratings]] = [("a", evaluation.ratings)]
    if evaluation.ratings_b is not None:
        out.append(("b", evaluation.ratings_b))
    return out


def _clause(rule: Rule, guidelines: Guidelines) -> Evidence:
    return Evidence(
        passage_id=f"rule:{rule.id}",
        source=f"prompts/guidelines/{guidelines.project}.yaml (version {guidelines.version})",
        quote=rule.description,
    )


def _side_label(evaluation: Evaluation, side: ResponseSide) -> str:
    return f" (response {side.upper()})" if evaluation.response_b is not None else ""


def _cap_checker(
    rule: Rule, evaluation: Evaluation, side: ResponseSide, ratings: Ratings, _s: CommentSignals, g: Guidelines
) -> list[Flag]:
    """cap_when_issue and issue_requires_lower_score: a flagged issue caps a dimension's score."""
    assert isinstance(rule, CapWhenIssue | IssueRequiresLowerScore)
    severity_wanted = rule.severity if isinstance(rule, CapWhenIssue) else None
    issues = [
        i
        for i in evaluation.issues
        if i.response == side
        and i.type in rule.issue_types
        and (severity_wanted is None or i.severity == severity_wanted)
    ]
    score = ratings.get(rule.dimension)
    if not issues or score is None or score <= rule.max_score:
        return []
    excess = score - rule.max_score
    severity: FlagSeverity
    if excess >= 2:
        severity = "high"
    elif isinstance(rule, IssueRequiresLowerScore) and all(i.severity == "minor" for i in issues):
        severity = "low"
    else:
        severity = "medium"
    first = issues[0]
    message = (
        f"Flagged {_describe(first)}{_side_label(evaluation, side)} but rated {rule.dimension} {score}; "
        f"the guideline allows at most {rule.max_score}."
    )
    return [_flag(rule, g, severity, message, rule.dimension, [_issue_evidence(evaluation, first)])]


def _describe(issue: ContributorIssue) -> str:
    return f"a {issue.severity} {issue.type.replace('_', ' ')} (\u201c{_short(issue.quote)}\u201d)"


def _issue_evidence(evaluation: Evaluation, issue: ContributorIssue) -> Evidence:
    index = evaluation.issues.index(issue)
    return Evidence(passage_id=f"issue:{index}", source="contributor issues", quote=issue.quote)


def _comment_below_checker(
    rule: Rule, evaluation: Evaluation, side: ResponseSide, ratings: Ratings, s: CommentSignals, g: Guidelines
) -> list[Flag]:
    """comment_required_below: a low score needs a comment that names the problem."""
    assert isinstance(rule, CommentRequiredBelow)
    dims = rule.dimensions or list(ratings)
    low = {d: ratings[d] for d in dims if d in ratings and ratings[d] <= rule.threshold}
    if not low:
        return []
    scores = ", ".join(f"{d} {v}" for d, v in sorted(low.items()))
    where = _side_label(evaluation, side)
    if s.words < rule.min_words:
        message = f"Scored {scores}{where} but the comment has {s.words} words; it must name the problem."
        return [_flag(rule, g, "medium", message, None, [_comment_evidence(evaluation)])]
    if not s.names_limitation:
        message = f"Scored {scores}{where} but the comment names no problem or limitation."
        return [_flag(rule, g, "low", message, None, [_comment_evidence(evaluation)])]
    return []


def _comment_specific_checker(
    rule: Rule, evaluation: Evaluation, side: ResponseSide, _r: Ratings, s: CommentSignals, g: Guidelines
) -> list[Flag]:
    """comment_specific: the comment names a strength or limitation and points at specific content."""
    assert isinstance(rule, CommentSpecific)
    if side == "b":
        return []  # one comment per evaluation
    if s.words < rule.min_words:
        message = f"The comment has {s.words} words; at least {rule.min_words} are needed to justify the ratings."
        return [_flag(rule, g, "medium", message, None, [_comment_evidence(evaluation)])]
    missing = []
    if not (s.names_strength or s.names_limitation):
        missing.append("names no strength or limitation")
    if not s.specific:
        missing.append("points at no specific content of the response")
    if not missing:
        return []
    message = "The comment " + " and ".join(missing) + "."
    return [_flag(rule, g, "low", message, None, [_comment_evidence(evaluation)])]


def _overall_checker(
    rule: Rule, evaluation: Evaluation, side: ResponseSide, ratings: Ratings, _s: CommentSignals, g: Guidelines
) -> list[Flag]:
    """overall_consistent: overall may not be further than ``max_gap`` from every other dimension."""
    assert isinstance(rule, OverallConsistent)
    overall = ratings.get(rule.dimension)
    others = [v for d, v in ratings.items() if d != rule.dimension]
    if overall is None or not others:
        return []
    lo, hi = min(others), max(others)
    gap = max(lo - overall, overall - hi, 0)
    if gap <= rule.max_gap:
        return []
    severity: FlagSeverity = "high" if gap - rule.max_gap >= 2 else "medium"
    message = (
        f"Rated {rule.dimension} {overall}{_side_label(evaluation, side)} while the other dimensions range "
        f"{lo}-{hi}; it may be at most {rule.max_gap} away from them."
    )
    return [_flag(rule, g, severity, message, rule.dimension, [])]


def _comment_evidence(evaluation: Evaluation) -> Evidence:
    return Evidence(passage_id="comment", source="contributor comment", quote=_short(evaluation.comment, 300))


def _flag(
    rule: Rule, g: Guidelines, severity: FlagSeverity, message: str, dimension: str | None, evidence: list[Evidence]
) -> Flag:
    return Flag(
        type="rule_violation",
        dimension=dimension,
        severity=severity,
        message=f"{message} Rule {rule.id}: {rule.description}",
        evidence=[_clause(rule, g), *evidence],
        confidence=1.0,
        rule_id=rule.id,
    )


def _one_comment_flag_per_rule(flags: list[Flag], rule_id: str) -> list[Flag]:
    """A comment rule broken on both sides is one problem with one comment: keep the most severe flag."""
    mine = [f for f in flags if f.rule_id == rule_id]
    if len(mine) <= 1:
        return flags
    order = {"low": 0, "medium": 1, "high": 2}
    keep = max(mine, key=lambda f: order[f.severity])
    return [f for f in flags if f.rule_id != rule_id or f is keep]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


_Checker = Callable[[Rule, Evaluation, ResponseSide, Ratings, CommentSignals, Guidelines], list[Flag]]
_CHECKERS: dict[type, _Checker] = {
    CapWhenIssue: _cap_checker,
    IssueRequiresLowerScore: _cap_checker,
    CommentRequiredBelow: _comment_below_checker,
    CommentSpecific: _comment_specific_checker,
    OverallConsistent: _overall_checker,
}
