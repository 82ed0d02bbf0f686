"""Schemas for every record that crosses a stage boundary.

Input contract: one :class:`Evaluation` per JSONL line (a contributor's evaluation of one AI answer, or of two
answers side by side). Output contract: one :class:`AuditReport` per evaluation.

Checks that need the project's guidelines (rating dimensions and scale, known project) live in
``agent.validate``; everything that can be checked from the record alone is checked here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

# --------------------------------------------------------------------------------------------------------------
# Shared vocabulary

IssueType = Literal["factual_error", "hallucination", "missing_information", "instruction_violation", "other"]
IssueSeverity = Literal["minor", "major"]
ResponseSide = Literal["a", "b"]
Preference = Literal["a", "b", "tie"]

FlagType = Literal[
    "missed_error",  # the response has a factual error the contributor did not flag
    "false_flag",  # the contributor flagged something the evidence supports
    "rating_misaligned",  # the contributor's score on a dimension is >= 2 away from the agent's
    "rule_violation",  # the contributor's own ratings/issues/comment break a guideline rule
    "constraint_missed",  # the response breaks an explicit prompt constraint, unaccounted for
    "incomplete_missed",  # the response leaves out what the prompt asked for, unnoticed
    "weak_comment",  # the comment is generic, unspecific, or inconsistent with the ratings
]
FLAG_TYPES: tuple[FlagType, ...] = (
    "missed_error",
    "false_flag",
    "rating_misaligned",
    "rule_violation",
    "constraint_missed",
    "incomplete_missed",
    "weak_comment",
)
FlagSeverity = Literal["low", "medium", "high"]
ClaimStatus = Literal["supported", "contradicted", "unverifiable"]
# Claim.kind of a numbered sequel no table knows: contradicted by absence of evidence, not by a record.
ABSENT_SEQUEL = "absent_sequel"
Verdict = Literal["pass", "needs_review"]

NonEmptyStr = Annotated[str, Field(min_length=1)]
Identifier = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class Strict(BaseModel):
    """Base for every contract model: unknown fields are an error, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


# --------------------------------------------------------------------------------------------------------------
# Input contract


class Task(Strict):
    """What the user asked the model, with any constraints in it (limits, counts, spoilers, period, format)."""

    prompt: NonEmptyStr
    category: str | None = None


class ModelResponse(Strict):
    """One AI-generated answer being rated."""

    text: NonEmptyStr
    model: NonEmptyStr


class ContributorIssue(Strict):
    """One problem the contributor flagged in a response."""

    type: IssueType
    quote: NonEmptyStr = Field(description="A verbatim span of the response the issue is about.")
    note: str = ""
    severity: IssueSeverity
    response: ResponseSide = Field(default="a", description="Which response the quote is from (side-by-side).")


Ratings = dict[Identifier, int]


class Evaluation(Strict):
    """One contributor evaluation: the input record of the audit."""

    evaluation_id: Identifier
    contributor_id: Identifier
    project: Identifier
    submitted_at: AwareDatetime  # a time without its zone is ambiguous across annotation sites
    task: Task
    response: ModelResponse
    response_b: ModelResponse | None = None
    preference: Preference | None = None
    ratings: Ratings
    ratings_b: Ratings | None = None
    issues: list[ContributorIssue] = Field(default_factory=list)
    comment: str

    @model_validator(mode="after")
    def _side_by_side_is_complete(self) -> Evaluation:
        has_b = self.response_b is not None
        if has_b != (self.preference is not None):
            raise ValueError("a side-by-side evaluation needs both response_b and preference (or neither)")
        if (self.ratings_b is not None) and not has_b:
            raise ValueError("ratings_b is only allowed with response_b")
        return self

    @model_validator(mode="after")
    def _quotes_occur_in_response(self) -> Evaluation:
        for i, issue in enumerate(self.issues):
            target = self.response if issue.response == "a" else self.response_b
            if target is None:
                raise ValueError(f"issues[{i}].response is 'b' but the evaluation has no response_b")
            if issue.quote not in target.text and _normalise_ws(issue.quote) not in _normalise_ws(target.text):
                side = "response" if issue.response == "a" else "response_b"
                raise ValueError(f"issues[{i}].quote does not occur in {side}.text: {issue.quote[:80]!r}")
        return self

    def response_for(self, side: ResponseSide) -> ModelResponse:
        """The response on one side; ``b`` only exists for side-by-side tasks."""
        if side == "b":
            if self.response_b is None:
                raise ValueError(f"evaluation {self.evaluation_id} has no response_b")
            return self.response_b
        return self.response


def _normalise_ws(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------------------------
# Output contract


class Evidence(Strict):
    """One piece of evidence: a KB passage or fact-index record, quoted."""

    passage_id: NonEmptyStr
    source: NonEmptyStr = Field(description="Where the fact comes from, e.g. 'oscars.tsv' or a Wikipedia URL.")
    quote: str


class Claim(Strict):
    """One atomic factual claim from a response, with its verification."""

    text: NonEmptyStr
    status: ClaimStatus
    evidence: list[Evidence] = Field(default_factory=list)
    response: ResponseSide = "a"
    span: tuple[int, int] | None = Field(default=None, description="Character offsets in the response text.")
    method: Literal["exact", "model"] = "exact"
    correction: str | None = Field(default=None, description="The value the evidence gives, when contradicted.")
    kind: str | None = Field(default=None, description="e.g. year, director, cast, award, existence, order.")

    @model_validator(mode="after")
    def _contradiction_needs_evidence(self) -> Claim:
        if self.status == "contradicted" and not self.evidence:
            raise ValueError("a contradicted claim must cite contradicting evidence")
        return self


class ConstraintCheck(Strict):
    """One explicit constraint of the prompt and whether the response meets it."""

    constraint: NonEmptyStr
    kind: str = Field(description="word_limit, sentence_limit, list_count, format, year_range, spoiler, other")
    satisfied: bool | None = Field(description="None when code could not measure it.")
    detail: str = ""
    response: ResponseSide = "a"
    method: Literal["exact", "model"] = "exact"
    margin: float | None = Field(
        default=None,
        ge=0.0,
        description="How far past a numeric limit the response is, relative to it (0.05 = 5% over); None if n/a.",
    )


class Flag(Strict):
    """A disagreement between contributor and agent, for a human auditor."""

    type: FlagType
    dimension: str | None = None
    severity: FlagSeverity
    message: NonEmptyStr
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    rule_id: str | None = None


class AgentRating(Strict):
    """The agent's own score on one rubric dimension, with its rationale."""

    dimension: NonEmptyStr
    score: int = Field(ge=0, le=100)
    rationale: str
    response: ResponseSide = "a"
    basis: Literal["evidence", "model"] = Field(
        default="model",
        description="evidence: set by verified claims or measured constraints; model: the judge's view.",
    )
    confidence: float = Field(default=0.5, ge=0.0, le=1.0, description="How far compare() may trust this score.")


class CommentAssessment(Strict):
    """How good the contributor's justification comment is."""

    specific: bool = Field(description="Points at specific content of the response.")
    names_limitation: bool = Field(description="Names at least one limitation or area of opportunity.")
    evidence_based: bool
    consistent_with_ratings: bool
    weak: bool
    reasons: list[str] = Field(default_factory=list)


class Provenance(Strict):
    """What produced a report, so an auditor can trace every judgment."""

    agent_version: str
    model: str | None = Field(description="None when the model stages did not run (--no-llm).")
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    kb_version: str | None = None
    guidelines_version: str
    input_hash: str
    llm_calls: int = Field(default=0, ge=0)
    cache_hits: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0.0)
    seconds: float = Field(default=0.0, ge=0.0)
    checks_skipped: list[str] = Field(default_factory=list, description="Checks that did not run, and why.")
    truncated: list[str] = Field(default_factory=list, description="Resource bounds that truncated the audit.")


class AuditReport(Strict):
    """The agent's second opinion on one contributor evaluation."""

    evaluation_id: Identifier
    contributor_id: Identifier
    project: Identifier
    verdict: Verdict
    priority: int = Field(ge=0, le=100)
    flags: list[Flag] = Field(default_factory=list)
    agent_ratings: list[AgentRating] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    constraints: list[ConstraintCheck] = Field(default_factory=list)
    comment_assessment: CommentAssessment | None = None
    feedback: str = ""
    provenance: Provenance
