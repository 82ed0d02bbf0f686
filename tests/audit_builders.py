"""Builders for realistic contributor evaluations and agent findings, and shared checks of audit reports.

Every film fact used here was checked against ../shared/data/kb_sources (wikipedia_movies, tv_episodes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from agent.guidelines import Guidelines, load_guidelines
from agent.models import AuditReport, Claim, ContributorIssue, Evaluation, Evidence, ModelResponse, Task

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


def overlaps(span: tuple[int, int] | None, text: str, quote: str) -> bool:
    """Whether a claim's character span overlaps the first occurrence of ``quote`` in ``text``."""
    start = text.find(quote)
    return span is not None and start >= 0 and span[0] < start + len(quote) and start < span[1]


def check_planted_missed_errors(audited: Iterable[tuple[Evaluation, AuditReport, dict[str, Any]]]) -> int:
    """Assert every planted error the contributor missed is contradicted where it stands, with evidence, and
    flagged as a missed error with evidence; returns how many planted errors were checked."""
    checked = 0
    for ev, report, exp in audited:
        if not any(f["type"] == "missed_error" for f in exp["expected_flags"]):
            continue
        flagged = {i.quote for i in ev.issues}
        for planted in exp["planted_errors"]:
            if planted["quote"] in flagged:
                continue  # the contributor caught this one
            side = "b" if ev.response_b is not None and planted["quote"] in ev.response_b.text else "a"
            text = ev.response_for(side).text
            hits = [
                c
                for c in report.claims
                if c.status == "contradicted" and c.response == side and overlaps(c.span, text, planted["quote"])
            ]
            assert hits, f"{ev.evaluation_id}: planted error {planted['quote']!r} not contradicted"
            assert all(c.evidence for c in hits), f"{ev.evaluation_id}: contradicted without evidence"
            assert any(f.type == "missed_error" and f.evidence for f in report.flags), ev.evaluation_id
            checked += 1
    return checked
