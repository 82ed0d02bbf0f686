"""Builders for realistic contributor evaluations and agent findings, shared by the exact-check tests.

Every film fact used here was checked against ../shared/data/kb_sources (wikipedia_movies, tv_episodes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agent.guidelines import Guidelines, load_guidelines
from agent.models import Claim, ContributorIssue, Evaluation, Evidence, ModelResponse, Task

DIMENSIONS = ("factual_accuracy", "instruction_following", "completeness", "helpfulness", "writing_quality", "overall")


def qa_guidelines() -> Guidelines:
    return load_guidelines("entertainment_qa")


def sxs_guidelines() -> Guidelines:
    return load_guidelines("entertainment_sxs")


def ratings(default: int = 5, **scores: int) -> dict[str, int]:
    out = dict.fromkeys(DIMENSIONS, default)
    out.update(scores)
    return out


def issue(
    quote: str, type_: str = "factual_error", severity: str = "major", note: str = "", side: str = "a"
) -> ContributorIssue:
    return ContributorIssue.model_validate(
        {"type": type_, "quote": quote, "note": note, "severity": severity, "response": side}
    )


def evaluation(
    prompt: str,
    response: str,
    *,
    scores: dict[str, int] | None = None,
    issues: list[ContributorIssue] | None = None,
    comment: str = "",
    response_b: str | None = None,
    scores_b: dict[str, int] | None = None,
    preference: str | None = None,
    evaluation_id: str = "ev-001",
) -> Evaluation:
    data: dict[str, Any] = {
        "evaluation_id": evaluation_id,
        "contributor_id": "c-17",
        "project": "entertainment_sxs" if response_b is not None else "entertainment_qa",
        "submitted_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        "task": Task(prompt=prompt),
        "response": ModelResponse(text=response, model="model-x"),
        "ratings": scores if scores is not None else ratings(),
        "issues": issues or [],
        "comment": comment,
    }
    if response_b is not None:
        data["response_b"] = ModelResponse(text=response_b, model="model-y")
        data["ratings_b"] = scores_b if scores_b is not None else ratings()
        data["preference"] = preference or "a"
    return Evaluation.model_validate(data)


def span_of(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def contradicted(
    text: str, part: str, correction: str, kind: str = "year", side: str = "a", source_quote: str = ""
) -> Claim:
    return Claim.model_validate(
        {
            "text": part,
            "status": "contradicted",
            "evidence": [
                Evidence(passage_id=f"wiki:{correction}", source="wikipedia_movies", quote=source_quote or correction)
            ],
            "response": side,
            "span": span_of(text, part),
            "correction": correction,
            "kind": kind,
        }
    )


def supported(text: str, part: str, kind: str = "year", side: str = "a", source_quote: str = "") -> Claim:
    return Claim.model_validate(
        {
            "text": part,
            "status": "supported",
            "evidence": [_evidence(part, source_quote)],
            "response": side,
            "span": span_of(text, part),
            "kind": kind,
        }
    )


def _evidence(part: str, quote: str) -> Evidence:
    return Evidence(passage_id=f"wiki:{part[:20]}", source="wikipedia_movies", quote=quote or part)
