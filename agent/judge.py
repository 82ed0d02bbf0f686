"""Second-opinion ratings (stage 3): the agent's own score and rationale per rubric dimension.

Two sources, in this order of trust:

1. **Evidence caps** (code): the guidelines apply to the agent too. A contradicted claim caps factual_accuracy
   (the guideline's ``cap_when_issue`` rule), a measured constraint failure caps instruction_following, a missing
   part of the request caps completeness. These ratings have ``basis="evidence"``.
2. **The model's judgment** (one call per response) for everything the evidence does not settle, given the
   guidelines' anchor descriptions, the verified claims and the constraint checks (``basis="model"``).

Without a model (``--no-llm``) only the evidence-based ratings are produced; the others are reported as skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from agent.claims import sanitize_untrusted
from agent.guidelines import FOLLOWS_EVIDENCE, CapWhenIssue, Guidelines
from agent.llm import LLM
from agent.models import AgentRating, Claim, ConstraintCheck, ResponseSide
from agent.prompts import load_prompt

logger = logging.getLogger(__name__)

PROMPT_NAME = "judge_ratings"
EXACT_CONFIDENCE = 0.9
MODEL_EVIDENCE_CONFIDENCE = 0.7
MODEL_CONFIDENCE = 0.4


class DimensionScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=100)
    rationale: str = Field(description="One short sentence.")


@cache
def judge_schema(dimensions: tuple[str, ...]) -> type[BaseModel]:
    """The judge's answer schema for one rubric: one REQUIRED field per dimension, so a small model cannot stop
    after the first score (a list of scores let the 1.5B model return one and stop)."""
    fields: dict[str, Any] = {d: (DimensionScore, ...) for d in dimensions}
    fields["missing_parts"] = (
        list[str],
        Field(default_factory=list, description="Parts of the question the answer does not address."),
    )
    fields["broken_constraints"] = (
        list[str],
        Field(default_factory=list, description="Text of each 'not measured' constraint that the answer breaks."),
    )
    model: type[BaseModel] = create_model("JudgeAnswer", __config__=ConfigDict(extra="forbid"), **fields)
    return model


def _cap_for_errors(guidelines: Guidelines) -> tuple[str, int] | None:
    """The guideline's cap for a confirmed major factual error, e.g. ('factual_accuracy', 2)."""
    for rule in guidelines.rules:
        if isinstance(rule, CapWhenIssue) and "factual_error" in rule.issue_types:
            return rule.dimension, rule.max_score
    return None


def evidence_ratings(
    guidelines: Guidelines,
    claims: Sequence[Claim],
    constraints: Sequence[ConstraintCheck],
    missing_parts: Sequence[str],
    side: ResponseSide = "a",
    unanswered: Sequence[str] = (),
) -> dict[str, AgentRating]:
    """Ratings that verified evidence fixes, keyed by dimension (only where the evidence is decisive).

    ``unanswered``: parts the prompt asks as questions of their own that the response never answers (exact, see
    :mod:`agent.asks`): each is a main part of the request. ``missing_parts``: what the judge model found missing.
    """
    out: dict[str, AgentRating] = {}
    low = guidelines.scale.min
    contradicted = [c for c in claims if c.status == "contradicted" and c.response == side]
    cap = _cap_for_errors(guidelines)
    if contradicted and cap and cap[0] in guidelines.dimensions:
        exact = any(c.method == "exact" for c in contradicted)
        worst = "; ".join(f"{c.text} (evidence: {c.correction or c.evidence[0].quote[:80]})" for c in contradicted[:3])
        score = low if len(contradicted) >= 3 else cap[1]
        out[cap[0]] = AgentRating(
            dimension=cap[0],
            score=score,
            response=side,
            basis="evidence",
            confidence=EXACT_CONFIDENCE if exact else MODEL_EVIDENCE_CONFIDENCE,
            rationale=f"{len(contradicted)} claim(s) contradicted by the knowledge base: {worst}.",
        )
    elif cap and cap[0] in guidelines.dimensions:
        supported = [c for c in claims if c.status == "supported" and c.response == side and c.method == "exact"]
        if len(supported) >= 2 and not any(c.status == "unverifiable" for c in claims if c.response == side):
            out[cap[0]] = AgentRating(
                dimension=cap[0],
                score=guidelines.scale.max - 1,
                response=side,
                basis="evidence",
                confidence=0.6,
                rationale=f"All {len(supported)} checked claims are supported by the knowledge base.",
            )
    failed = [c for c in constraints if c.satisfied is False and c.response == side]
    if failed and "instruction_following" in guidelines.dimensions:
        out["instruction_following"] = AgentRating(
            dimension="instruction_following",
            score=low + 1,
            response=side,
            basis="evidence",
            confidence=EXACT_CONFIDENCE if any(c.method == "exact" for c in failed) else MODEL_EVIDENCE_CONFIDENCE,
            rationale="Breaks explicit constraint(s): " + "; ".join(f"{c.constraint} ({c.detail})" for c in failed),
        )
    if unanswered and "completeness" in guidelines.dimensions:
        out["completeness"] = AgentRating(
            dimension="completeness",
            score=low + 1,  # the rubric's "leaves out a main part of the request"
            response=side,
            basis="evidence",
            confidence=EXACT_CONFIDENCE,
            rationale="Leaves out a part the prompt asks for: " + "; ".join([*unanswered, *missing_parts]),
        )
    elif missing_parts and "completeness" in guidelines.dimensions:
        out["completeness"] = AgentRating(
            dimension="completeness",
            score=low + 1 if len(missing_parts) > 1 else low + 2,
            response=side,
            basis="evidence",
            confidence=MODEL_EVIDENCE_CONFIDENCE,
            rationale="Leaves out: " + "; ".join(missing_parts),
        )
    return out


def _rubric_text(guidelines: Guidelines) -> str:
    lines = []
    for name, dim in guidelines.dimensions.items():
        anchors = " ".join(f"{s}={a}" for s, a in sorted(dim.anchors.items()))
        lines.append(f"- {name}: {dim.description} {anchors}")
    return "\n".join(lines)


def _claims_text(claims: Sequence[Claim]) -> str:
    if not claims:
        return "(no checkable claims found)"
    lines = []
    for c in claims[:20]:
        fix = f" (correct: {c.correction})" if c.correction else ""
        lines.append(f"- {c.status}: {sanitize_untrusted(c.text)}{fix}")
    return "\n".join(lines)


def _constraints_text(constraints: Sequence[ConstraintCheck]) -> str:
    if not constraints:
        return "(no explicit constraints found)"
    verdict = {True: "met", False: "BROKEN", None: "not measured"}
    return "\n".join(f"- {c.constraint}: {verdict[c.satisfied]} {c.detail}".rstrip() for c in constraints)


@dataclass(frozen=True)
class Judgement:
    """What the judge call gives back, after code checked it against the guidelines."""

    ratings: list[AgentRating]
    missing_parts: list[str]
    constraints: list[ConstraintCheck]  # the unmeasured constraints of this side, now judged by the model


def judge_constraints(
    unmeasured: Sequence[ConstraintCheck], broken: Sequence[str], side: ResponseSide
) -> list[ConstraintCheck]:
    """The model's verdict on constraints code could not measure: broken when the judge names it, else met."""
    named = [" ".join(b.lower().split()) for b in broken if b.strip()]
    out = []
    for c in unmeasured:
        if c.response != side:
            continue
        text = " ".join(c.constraint.lower().split())
        is_broken = any(text in n or n in text for n in named)
        out.append(
            c.model_copy(
                update={
                    "satisfied": not is_broken,
                    "method": "model",
                    "detail": "the judge model found it broken" if is_broken else "the judge model found it met",
                }
            )
        )
    return out


async def judge_with_model(
    llm: LLM,
    guidelines: Guidelines,
    question: str,
    answer: str,
    claims: Sequence[Claim],
    constraints: Sequence[ConstraintCheck],
    *,
    side: ResponseSide = "a",
    tag: str | None = None,
) -> Judgement:
    """One model call: a score + rationale per dimension, the parts of the question left unanswered, and verdicts
    on the constraints code could not measure."""
    prompt = load_prompt(PROMPT_NAME).render(
        scale_min=str(guidelines.scale.min),
        scale_max=str(guidelines.scale.max),
        rubric=_rubric_text(guidelines),
        question=sanitize_untrusted(question),
        answer=sanitize_untrusted(answer),
        claims=_claims_text([c for c in claims if c.response == side]),
        constraints=_constraints_text([c for c in constraints if c.response == side]),
        dimensions=", ".join(guidelines.dimensions),
    )
    result = await llm.astructured(prompt, judge_schema(tuple(guidelines.dimensions)), tag=tag)
    fields: dict[str, Any] = dict(result)  # field name -> value (nested models kept)
    ratings: list[AgentRating] = []
    for dim in guidelines.dimensions:
        s: DimensionScore = fields[dim]
        if not guidelines.scale.min <= s.score <= guidelines.scale.max:
            logger.debug("judge gave %s=%s outside the scale; dropped", dim, s.score)
            continue
        ratings.append(
            AgentRating(
                dimension=dim,
                score=s.score,
                rationale=s.rationale.strip(),
                response=side,
                basis="model",
                confidence=MODEL_CONFIDENCE,
            )
        )
    missing = [m.strip() for m in fields["missing_parts"] if m.strip()][:5]
    unmeasured = [c for c in constraints if c.satisfied is None]
    return Judgement(ratings, missing, judge_constraints(unmeasured, fields["broken_constraints"], side))


def anchor_caps(guidelines: Guidelines, evidence: dict[str, AgentRating]) -> dict[str, tuple[int, str]]:
    """The highest helpfulness and overall scores the rubric's anchors allow, given what the evidence settled.

    The anchors put a response that a major error undermines at 2 (helpfulness "of little use; errors or gaps
    undermine it", overall "poor; a major problem", and overall weighs factual accuracy most), and one with a
    broken explicit constraint or a main part left out at 3 at most ("useful with reservations", "acceptable with
    clear problems"). So an evidence-based factual_accuracy score of 2 or below caps both at that score, and an
    evidence-based instruction_following or completeness score of 2 or below caps both at 3. Returns dimension ->
    (cap, why), only for dimensions of these guidelines.
    """
    low = guidelines.scale.min
    major = low + 1  # the anchors' "at least one major error" / "breaks an explicit constraint" / "leaves out"
    fact, instr, compl = (evidence.get(d) for d in ("factual_accuracy", "instruction_following", "completeness"))
    cap: tuple[int, str] | None = None
    if fact is not None and fact.score <= major:
        cap = (fact.score, f"factual_accuracy is {fact.score} on the evidence (a confirmed major error)")
    elif any(r is not None and r.score <= major for r in (instr, compl)):
        why = " and ".join(
            f"{r.dimension} is {r.score} on the evidence" for r in (instr, compl) if r is not None and r.score <= major
        )
        cap = (min(major + 1, guidelines.scale.max), why)
    if cap is None:
        return {}
    return {d: cap for d in FOLLOWS_EVIDENCE if d in guidelines.dimensions}


def merge_ratings(
    guidelines: Guidelines, model: Sequence[AgentRating], evidence: dict[str, AgentRating]
) -> list[AgentRating]:
    """Evidence-based ratings win where they exist; the model's fill the rest, held to the anchors' caps
    (:func:`anchor_caps`). In rubric order.

    A capped model rating stays the judge's view (``basis="model"``, same confidence): the cap corrects a score
    the rubric rules out, it adds no evidence of its own, so it raises no flag by itself.
    """
    by_dim = {r.dimension: r for r in model}
    caps = anchor_caps(guidelines, evidence)
    out: list[AgentRating] = []
    for dim in guidelines.dimensions:
        ev, m = evidence.get(dim), by_dim.get(dim)
        if ev is not None:
            note = f" (The model alone gave {m.score}: {m.rationale})" if m is not None and m.score != ev.score else ""
            out.append(ev.model_copy(update={"rationale": ev.rationale + note}))
        elif m is not None and dim in caps and m.score > caps[dim][0]:
            limit, why = caps[dim]
            rationale = f"{m.rationale} (The model gave {m.score}; capped at {limit} by the rubric's anchors: {why}.)"
            out.append(m.model_copy(update={"score": limit, "rationale": rationale.strip()}))
        elif m is not None:
            out.append(m)
    return out
