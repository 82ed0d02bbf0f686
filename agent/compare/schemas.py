"""What the comparison takes in (the agent's findings) and gives back (flags, priority, verdict)."""

from __future__ import annotations

from pydantic import Field

from agent.models import (
    AgentRating,
    Claim,
    CommentAssessment,
    ConstraintCheck,
    Flag,
    NonEmptyStr,
    ResponseSide,
    Strict,
    Verdict,
)


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
