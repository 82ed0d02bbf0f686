"""Labels that follow mechanically from a contributor's record: broken guideline rules and explained rating gaps."""

from __future__ import annotations

from agent.guidelines import (
    CapWhenIssue,
    CommentRequiredBelow,
    CommentSpecific,
    Guidelines,
    IssueRequiresLowerScore,
    OverallConsistent,
)
from agent.models import ContributorIssue
from evals.gold_schema import GoldFlag

# Dimensions whose rating gap an expected flag already explains (then rating_misaligned is acceptable, not required).
EXPLAINS = {
    "missed_error": {"factual_accuracy", "helpfulness", "overall"},
    "false_flag": {"factual_accuracy", "helpfulness", "overall"},
    "constraint_missed": {"instruction_following", "helpfulness", "overall"},
    "incomplete_missed": {"completeness", "helpfulness", "overall"},
}


def rule_breaks(
    g: Guidelines,
    ratings: dict[str, int],
    issues: list[ContributorIssue],
    comment: str,
    *,
    comment_empty: bool = False,
) -> list[GoldFlag]:
    """The guideline rules the contributor's own ratings, issues and comment break, as expected flags.

    Word counts are measured; what a comment *says* is the labeller's call: ``comment_empty`` marks a comment that
    names no specific content, strength, limitation or problem (generic praise, long-but-empty text, vague doubt),
    which breaks ``comment_specific`` at any length and ``comment_required_below`` when a score is low.
    """
    words = len(comment.split())
    out: list[GoldFlag] = []
    for rule in g.rules:
        dim: str | None = None
        if isinstance(rule, CapWhenIssue):
            hit = any(i.type in rule.issue_types and rule.severity in (None, i.severity) for i in issues)
            broken, dim = hit and ratings[rule.dimension] > rule.max_score, rule.dimension
        elif isinstance(rule, IssueRequiresLowerScore):
            hit = any(i.type in rule.issue_types for i in issues)
            broken, dim = hit and ratings[rule.dimension] > rule.max_score, rule.dimension
        elif isinstance(rule, CommentRequiredBelow):
            low = [d for d in (rule.dimensions or list(ratings)) if ratings[d] <= rule.threshold]
            broken = bool(low) and (words < rule.min_words or comment_empty)
        elif isinstance(rule, CommentSpecific):
            broken = words < rule.min_words or comment_empty
        elif isinstance(rule, OverallConsistent):
            others = [v for d, v in ratings.items() if d != rule.dimension]
            broken, dim = all(abs(ratings[rule.dimension] - v) > rule.max_gap for v in others), rule.dimension
        else:  # pragma: no cover - a new rule kind must be labelled here first
            raise TypeError(f"unknown rule kind {type(rule).__name__}")
        if broken:
            out.append(
                GoldFlag(type="rule_violation", dimension=dim, about=f"breaks rule {rule.id}: {rule.description}")
            )
    return out
