"""One evaluation and its findings as the flag rules read them: texts, ratings, spans, which claims an issue covers."""

from __future__ import annotations

from agent.compare.policy import CONFIDENCE_EXACT, CONFIDENCE_MODEL, TOKEN_MATCH_MIN
from agent.compare.schemas import AgentFindings
from agent.guidelines import Guidelines
from agent.models import Claim, Evaluation, Evidence, Flag, FlagSeverity, Ratings, ResponseSide
from agent.spans import Span, find_spans, overlaps, token_overlap


class Context:
    def __init__(self, evaluation: Evaluation, findings: AgentFindings, guidelines: Guidelines) -> None:
        self.ev = evaluation
        self.f = findings
        self.g = guidelines
        self.span = guidelines.scale.max - guidelines.scale.min
        self._issue_spans = [find_spans(i.quote, self.text(i.response)) for i in evaluation.issues]
        self._claim_spans = [self._locate(c) for c in findings.claims]

    def text(self, side: ResponseSide) -> str:
        return self.ev.response_for(side).text

    def ratings(self, side: ResponseSide) -> Ratings:
        return self.ev.ratings if side == "a" else (self.ev.ratings_b or {})

    def label(self, side: ResponseSide) -> str:
        return f"response {side.upper()}: " if self.ev.response_b is not None else ""

    def norm(self, score: int) -> float:
        return (score - self.g.scale.min) / self.span

    def _locate(self, claim: Claim) -> Span | None:
        text = self.text(claim.response)
        if claim.span is not None and 0 <= claim.span[0] < claim.span[1] <= len(text):
            return claim.span
        found = find_spans(claim.text, text)
        return found[0] if found else None

    def issue_claims(self, index: int) -> list[Claim]:
        """The claims a contributor issue is about: overlapping spans, or shared tokens when a claim has no span."""
        issue = self.ev.issues[index]
        text = self.text(issue.response)
        out: list[Claim] = []
        for claim, cspan in zip(self.f.claims, self._claim_spans, strict=True):
            if claim.response != issue.response:
                continue
            if cspan is not None:
                if any(overlaps(cspan, s, text) for s in self._issue_spans[index]):
                    out.append(claim)
            elif token_overlap(claim.text, issue.quote) >= TOKEN_MATCH_MIN:
                out.append(claim)
        return out

    def claim_span(self, claim: Claim) -> Span | None:
        return self._claim_spans[self.f.claims.index(claim)]

    def issue_spans(self, index: int) -> list[Span]:
        return self._issue_spans[index]


def confidence_of(method: str) -> float:
    return CONFIDENCE_EXACT if method == "exact" else CONFIDENCE_MODEL


def make_flag(
    type_: str, severity: FlagSeverity, message: str, evidence: list[Evidence], confidence: float, **kw: str | None
) -> Flag:
    return Flag.model_validate(
        {"type": type_, "severity": severity, "message": message, "evidence": evidence, "confidence": confidence}
        | {k: v for k, v in kw.items() if v is not None}
    )


def short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
