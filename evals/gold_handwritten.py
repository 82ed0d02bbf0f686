"""Build the hand-written gold cases from ``evals/datasets/gold/handwritten.yaml``.

The YAML holds what a person wrote: prompt, responses, the contributor's ratings, issues and comment, gold ratings,
the flags a senior auditor expects and the planted errors with their sources. Code adds only what follows
mechanically, the same way as for the generated part: a ``rule_violation`` for every guideline rule the
contributor's own record breaks, and ``rating_misaligned`` for every rating two or more points from gold (acceptable
rather than required where another flag already explains that dimension).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import InputError
from agent.guidelines import load_guidelines
from agent.models import ContributorIssue, Evaluation, Preference
from evals.gold_rules import EXPLAINS, rule_breaks
from evals.gold_schema import GOLD_DIR, GoldCase, GoldClaim, GoldFlag, GoldLabel, PlantedError, split_of

SOURCE = GOLD_DIR / "handwritten.yaml"
CONTRIBUTORS = tuple(f"c-{n}" for n in range(401, 411))
MODELS = (
    "gpt-4o-2024-08-06",
    "claude-3-5-sonnet-20241022",
    "gemini-1.5-pro-002",
    "llama-3.1-70b-instruct",
    "mistral-large-2411",
)


class HandCase(BaseModel):
    """One hand-written case as the YAML spells it (see the file's header)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    cat: str
    project: str = "entertainment_qa"
    prompt: str
    resp: str
    resp_b: str | None = None
    pref: Preference | None = None
    ratings: dict[str, int]
    ratings_b: dict[str, int] | None = None
    gold: dict[str, int]
    gold_b: dict[str, int] | None = None
    issues: list[list[str]] = Field(default_factory=list)
    comment: str
    exp: list[list[Any]] = Field(default_factory=list)
    acc: list[list[Any]] = Field(default_factory=list)
    planted: list[list[str]] = Field(default_factory=list)
    claims: list[list[str]] = Field(default_factory=list)
    claims_b: list[list[str]] = Field(default_factory=list)
    empty_comment: bool = False  # the comment names no content, strength, limitation or problem
    notes: str


def _flag(row: list[Any]) -> GoldFlag:
    return GoldFlag(type=row[0], dimension=row[1], about=row[2])


def build_case(i: int, hand: HandCase) -> GoldCase:
    """One hand-written case as a validated gold case."""
    issues = [
        ContributorIssue(type=t[0], quote=t[1], note=t[2], severity=t[3], response=t[4] if len(t) > 4 else "a")
        for t in hand.issues
    ]
    when = datetime(2024, 12, 9, 9, 0, tzinfo=UTC) + timedelta(minutes=53 * i + (i * i) % 17)
    record: dict[str, Any] = {
        "evaluation_id": hand.id,
        "contributor_id": CONTRIBUTORS[(i * 7) % len(CONTRIBUTORS)],
        "project": hand.project,
        "submitted_at": when,
        "task": {"prompt": hand.prompt},
        "response": {"text": hand.resp, "model": MODELS[(i * 3) % len(MODELS)]},
        "ratings": hand.ratings,
        "issues": issues,
        "comment": hand.comment,
    }
    if hand.resp_b is not None:
        record.update(
            response_b={"text": hand.resp_b, "model": MODELS[(i * 3 + 2) % len(MODELS)]},
            preference=hand.pref,
            ratings_b=hand.ratings_b,
        )
    evaluation = Evaluation.model_validate(record)
    expected, acceptable = [_flag(r) for r in hand.exp], [_flag(r) for r in hand.acc]
    sides = [("a", hand.ratings, hand.gold)]
    if hand.ratings_b is not None and hand.gold_b is not None:
        sides.append(("b", hand.ratings_b, hand.gold_b))
    guidelines = load_guidelines(hand.project)
    for side, ratings, _ in sides:
        own = [x for x in issues if x.response == side]
        for flag in rule_breaks(guidelines, ratings, own, hand.comment, comment_empty=hand.empty_comment):
            if not any(e.type == flag.type and e.dimension == flag.dimension for e in expected):
                expected.append(flag)
    explained = {
        d for f in expected + acceptable for d in EXPLAINS.get(f.type, {f.dimension} if f.dimension else set())
    }
    have = {(f.type, f.dimension) for f in expected + acceptable}
    for side, ratings, gold in sides:
        for dim, score in ratings.items():
            if abs(score - gold[dim]) >= 2 and ("rating_misaligned", dim) not in have:
                about = f"{'B: ' if side == 'b' else ''}{dim}: contributor {score}, gold {gold[dim]}"
                flag = GoldFlag(type="rating_misaligned", dimension=dim, about=about)
                (acceptable if dim in explained else expected).append(flag)
                have.add(("rating_misaligned", dim))
    planted = [
        PlantedError(quote=p[0], correct=p[1], source=p[2], kind=p[3], response=p[4] if len(p) > 4 else "a")
        for p in hand.planted
    ]
    claims = [GoldClaim(quote=q, status=s) for q, s in hand.claims]
    claims += [GoldClaim(quote=q, status=s, response="b") for q, s in hand.claims_b]
    claims += [GoldClaim(quote=p.quote, status="contradicted", kind=p.kind, response=p.response) for p in planted]
    label = GoldLabel(
        expected_verdict="needs_review" if expected else "pass",
        expected_flags=expected,
        acceptable_flags=acceptable,
        gold_ratings=hand.gold,
        gold_ratings_b=hand.gold_b,
        planted_errors=planted,
        claims=claims,
        split=split_of(hand.id),
        category=hand.cat,
        source="handwritten",
        notes=hand.notes,
    )
    return GoldCase(evaluation=evaluation, gold=label)


def build_handwritten(path: Path = SOURCE) -> list[GoldCase]:
    """Every hand-written case of ``path``.

    Raises:
        InputError: the YAML is unreadable, or a case is invalid (its id and the problem named).
    """
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise InputError(f"{path}: cannot read the hand-written gold cases: {e}") from e
    cases: list[GoldCase] = []
    for i, row in enumerate(rows):
        try:
            cases.append(build_case(i, HandCase.model_validate(row)))
        except ValidationError as e:
            raise InputError(f"{path}: case #{i + 1} ({row.get('id', '?')}): {e}") from e
    return cases
