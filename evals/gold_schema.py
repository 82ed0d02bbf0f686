"""The gold-set record: one contributor evaluation and the audit a careful senior auditor would give it.

One JSON object per line of ``evals/datasets/gold/*.jsonl``: ``{"evaluation": <Evaluation>, "gold": <GoldLabel>}``.
The held-out split is a pure function of the evaluation id (:func:`split_of`), so nobody can move a case.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import InputError
from agent.models import ClaimStatus, Evaluation, FlagType, ResponseSide, Verdict

GOLD_DIR = Path(__file__).resolve().parent / "datasets" / "gold"
GOLD_FILES = ("generated.jsonl", "handwritten.jsonl")
HELDOUT_PERCENT = 30
Split = Literal["dev", "heldout"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldFlag(_Strict):
    """A flag the auditor expects (or, in ``acceptable_flags``, would not count against the agent)."""

    type: FlagType
    dimension: str | None = None
    about: str = Field(min_length=1)


class PlantedError(_Strict):
    """A deliberate factual error: a verbatim span of the response, the true value and the record proving it."""

    quote: str = Field(min_length=1)
    correct: str = Field(min_length=1)
    source: str = Field(min_length=1)
    kind: str = "other"
    response: ResponseSide = "a"
    kb_covered: bool = True


class GoldClaim(_Strict):
    """A checkable statement of the response (a verbatim span) and its true status."""

    quote: str = Field(min_length=1)
    status: ClaimStatus
    kind: str = ""
    response: ResponseSide = "a"


class GoldLabel(_Strict):
    """The expected audit of one evaluation."""

    expected_verdict: Verdict
    expected_flags: list[GoldFlag]
    acceptable_flags: list[GoldFlag] = Field(
        default_factory=list,
        description="Flags that are right but not required (a rating gap already explained by another flag).",
    )
    gold_ratings: dict[str, int]
    gold_ratings_b: dict[str, int] | None = None
    planted_errors: list[PlantedError]
    claims: list[GoldClaim] = Field(default_factory=list)
    split: Split
    category: str = Field(min_length=1)
    source: Literal["generated", "handwritten", "sample", "halueval"]
    notes: str = ""


class GoldCase(_Strict):
    """One line of a gold file."""

    evaluation: Evaluation
    gold: GoldLabel


def split_of(evaluation_id: str) -> Split:
    """``heldout`` for ~30% of ids: sha256 of the id, first 8 hex digits, modulo 100, below 30."""
    bucket = int(hashlib.sha256(evaluation_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < HELDOUT_PERCENT else "dev"


def load_gold(paths: list[Path] | None = None, split: Split | None = None) -> list[GoldCase]:
    """Every gold case of ``paths`` (default: both gold files), optionally one split only.

    Raises:
        InputError: a line is not valid JSON or not a valid gold case (file and line named), or an id repeats.
    """
    cases: list[GoldCase] = []
    seen: dict[str, str] = {}
    for path in paths or [GOLD_DIR / name for name in GOLD_FILES]:
        if not path.is_file():
            raise InputError(f"{path}: gold file not found; run `.venv/bin/python -m evals.gold --seed 7`")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                case = GoldCase.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as e:
                raise InputError(f"{path}:{lineno}: not a valid gold case: {e}") from e
            eid = case.evaluation.evaluation_id
            if eid in seen:
                raise InputError(f"{path}:{lineno}: evaluation_id {eid!r} repeats {seen[eid]}; ids must be unique")
            if case.gold.split != split_of(eid):
                raise InputError(
                    f"{path}:{lineno}: {eid} says split {case.gold.split!r}, the id hashes to "
                    f"{split_of(eid)!r}; the split is fixed by the id, do not edit it"
                )
            seen[eid] = f"{path.name}:{lineno}"
            if split is None or case.gold.split == split:
                cases.append(case)
    return cases
