"""Claim extraction and verification with the model (stage 2 of the audit).

The response is cut into sentences by code (with character spans); evidence is retrieved for each sentence from
the knowledge base; then ONE model call splits the sentences into atomic claims and verifies each against the
numbered evidence. Sentences that the exact checks already settled are not sent. The model's answer is checked
by code: a contradiction must cite a passage that was actually given, and a claim called supported must be
*grounded* in the passages it cites (its numbers and most of its names are in them, see :func:`grounded`);
otherwise it becomes ``unverifiable``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from agent.llm import LLM
from agent.models import Claim, Evidence, ResponseSide
from agent.prompts import load_prompt

logger = logging.getLogger(__name__)

PROMPT_NAME = "verify_claims"
EVIDENCE_CHARS = 260  # per passage in the prompt: enough for a fact, small enough for a 1.5B model's context

_ABBREVIATIONS = ("Jr.", "Sr.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "vs.", "Vol.", "No.", "U.S.", "U.K.", "Lt.", "Col.")
_INITIAL = re.compile(r"(?:^|[\s.])[A-Z]\.$")  # "Samuel L." / "D. B. Weiss": an initial, not a sentence end
# A sentence ends at . ! or ? before a capital, digit or list mark; not at an ellipsis, nor before "(2021)": a title
# ending in ! or ? followed by its year ("Tick, Tick... Boom! (2021) but did not win").
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\.\.\.)[\"')\]]*\s+(?!\(\d{4}\))(?=[\"'(\[]?[A-Z0-9*#-])|\n+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of one response, with its character span in the response text."""

    side: ResponseSide
    index: int
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.side.upper()}{self.index}"


def split_sentences(text: str, side: ResponseSide = "a") -> list[Sentence]:
    """Cut a response into sentences (list items and lines count as sentences), keeping exact spans."""
    sentences: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start : m.start()]
        abbreviation = before.endswith(_ABBREVIATIONS) or _INITIAL.search(before)
        if abbreviation and "\n" not in m.group(0):
            continue
        _append(sentences, text, start, m.start(), side)
        start = m.end()
    _append(sentences, text, start, len(text), side)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, side: ResponseSide) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if len(stripped) < 3:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    out.append(
        Sentence(
            side=side, index=len([x for x in out if x.side == side]) + 1, start=s, end=s + len(stripped), text=stripped
        )
    )


class EvidenceSource(Protocol):
    """Anything that returns evidence passages for a query (the retriever)."""

    def search(self, query: str, k: int = 3) -> list[Evidence]: ...


# ------------------------------------------------------------------------------------------------------------------
# What the model returns (validated; code checks it again below)


class ModelClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sentence: str = Field(description="The sentence label, e.g. A2.")
    claim: str = Field(description="The fact, in a few words.")
    status: Literal["supported", "contradicted", "unverifiable"]
    evidence_ids: list[str] = Field(default_factory=list, description="Ids of passages that settle it.")
    correction: str = Field(default="", description="The correct value, when contradicted.")


class ClaimVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claims: list[ModelClaim]


# ------------------------------------------------------------------------------------------------------------------


def sanitize_untrusted(text: str) -> str:
    """Keep untrusted text from closing the prompt's data markers."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def gather_evidence(
    sentences: Sequence[Sentence], source: EvidenceSource | None, *, per_sentence: int, max_total: int
) -> dict[str, Evidence]:
    """Evidence for the sentences, deduplicated, numbered E1.. in the order found."""
    found: dict[str, Evidence] = {}
    if source is None:
        return {}
    for s in sentences:
        for ev in source.search(s.text, k=per_sentence):
            if ev.passage_id not in {e.passage_id for e in found.values()} and len(found) < max_total:
                found[f"E{len(found) + 1}"] = ev
    return found


def render_inputs(question: str, sentences: Sequence[Sentence], evidence: dict[str, Evidence]) -> dict[str, str]:
    """The template variables of ``verify_claims``."""
    lines = [f"{s.label}. {sanitize_untrusted(s.text)}" for s in sentences]
    ev_lines = [f"{eid}: {sanitize_untrusted(e.quote[:EVIDENCE_CHARS])}" for eid, e in evidence.items()]
    return {
        "question": sanitize_untrusted(question),
        "sentences": "\n".join(lines),
        "evidence": "\n".join(ev_lines) or "(none found)",
    }


MEMORY_SOURCE = "the model's own knowledge (no retrieval)"


def to_claims(
    answer: ClaimVerification,
    sentences: Sequence[Sentence],
    evidence: dict[str, Evidence],
    *,
    allow_memory: bool = False,
    question: str = "",
) -> list[Claim]:
    """Turn the model's answer into Claims, enforcing: a contradiction cites a passage that was given, and its
    correction (what the evidence gives) is grounded in the passages it cites (names and numbers the claim itself
    states need no grounding: "released in 1975, not 1977"); a claim called supported is grounded in the passages
    it cites (``question``: names and numbers it already gives need no grounding).

    ``allow_memory`` (the model-only ablation, where no passages are given) keeps the model's verdicts, citing
    its own knowledge as the evidence, so the ablation measures what retrieval buys.
    """
    by_label = {s.label: s for s in sentences}
    one_side = len({s.side for s in sentences}) == 1
    claims: list[Claim] = []
    for mc in answer.claims:
        label = mc.sentence.strip().upper().rstrip(".")
        if label.isdigit() and one_side and sentences:
            label = f"{sentences[0].side.upper()}{label}"  # a small model often drops the side letter
        sentence = by_label.get(label)
        if sentence is None:
            logger.debug("model cited unknown sentence %r", mc.sentence)
            continue
        if not is_about(mc.claim, sentence.text):
            logger.debug("claim %r is not about sentence %s; dropped", mc.claim, sentence.label)
            continue
        cited = [evidence[i] for i in dict.fromkeys(x.strip().upper() for x in mc.evidence_ids) if i in evidence]
        status = mc.status
        if allow_memory and not evidence and status != "unverifiable":
            memo = mc.correction.strip() or mc.claim.strip() or sentence.text
            cited = [Evidence(passage_id=f"memory:{sentence.label}", source=MEMORY_SOURCE, quote=memo)]
        if status == "contradicted" and not cited:
            status = "unverifiable"  # never contradicted without contradicting evidence
        text = mc.claim.strip() or sentence.text
        if status == "supported" and not (cited and grounded(text, cited, question)):
            status = "unverifiable"  # e.g. "Diane Lane appears as Martha Kent", citing a passage on Lois Lane
        if status == "contradicted" and not grounded(mc.correction, cited, f"{question} {text}"):
            status = "unverifiable"  # what "the evidence gives" must be in it, e.g. not a sentence of the response
        claims.append(
            Claim(
                text=text,
                status=status,
                evidence=cited,
                response=sentence.side,
                span=(sentence.start, sentence.end),
                method="model",
                correction=(mc.correction.strip() or None) if status == "contradicted" else None,
                kind="model",
            )
        )
    return claims


_CONTENT_WORD = re.compile(r"[A-Za-z0-9]{4,}")
_NUMBER = re.compile(r"(?<!\d)\d{2,}(?!\d)")
_NAME = re.compile(r"\b[A-Z][^\W\d_]*(?:['\u2019-][^\W\d_]+)*")
_WORD = re.compile(r"[^\W_]+")
_NOT_NAMES = frozenset(
    "a also an and as at both but by for from he her his in is it its many most no not of on one she some that "
    "the their there these they this those was were when while with yes".split()
)


def grounded(claim: str, cited: Sequence[Evidence], question: str = "") -> bool:
    """Whether the cited passages can support a claim: every number in it (2+ digits) and at least half of its
    capitalised names are in them, not counting what the question already gives. A small model often calls a
    true-looking claim supported while citing an unrelated passage; such a citation proves nothing.
    """
    said = " ".join(e.quote for e in cited).lower()
    words = set(_WORD.findall(said))
    given = set(_WORD.findall(question.lower()))
    if set(_NUMBER.findall(claim)) - given - set(_NUMBER.findall(said)):
        return False
    names = {w.lower() for w in _NAME.findall(claim)} - _NOT_NAMES - given
    parts = {p for n in names for p in _WORD.findall(n) if len(p) > 1}  # "Scorsese's": scorsese
    return not parts or 2 * len(parts & words) >= len(parts)


def is_about(claim: str, sentence: str, threshold: float = 0.5) -> bool:
    """Whether a model's claim restates its sentence: at least half its content words (4+ letters or digits) occur
    in the sentence. Guards against a small model attaching invented claims to a sentence label."""
    words = {w.lower() for w in _CONTENT_WORD.findall(claim)}
    if not words:
        return True
    present = {w.lower() for w in _CONTENT_WORD.findall(sentence)}
    return len(words & present) / len(words) >= threshold


def unsettled(sentences: Sequence[Sentence], settled: Sequence[Claim]) -> list[Sentence]:
    """Sentences that no settled (supported or contradicted) exact-check claim already covers."""

    def covered(s: Sentence) -> bool:
        return any(
            c.status != "unverifiable"
            and c.span is not None
            and c.response == s.side
            and c.span[0] < s.end
            and s.start < c.span[1]
            for c in settled
        )

    return [s for s in sentences if not covered(s)]


async def verify_with_model(
    llm: LLM,
    question: str,
    sentences: Sequence[Sentence],
    source: EvidenceSource | None,
    *,
    per_sentence: int = 2,
    max_evidence: int = 8,
    allow_memory: bool = False,
    tag: str | None = None,
) -> list[Claim]:
    """One model call: claims of the given sentences, verified against retrieved evidence."""
    if not sentences:
        return []
    # Retrieval (embedding + Chroma query, retried with sleeps by GuardedEvidence) is blocking work: off the event loop,
    # so the other evaluations in flight keep going meanwhile.
    evidence = await asyncio.to_thread(
        gather_evidence, sentences, source, per_sentence=per_sentence, max_total=max_evidence
    )
    # Which passages the request holds, so two runs whose requests differ can be diffed (audit -v).
    logger.debug("%s: evidence %s", tag or PROMPT_NAME, " ".join(f"{k}={e.passage_id}" for k, e in evidence.items()))
    prompt = load_prompt(PROMPT_NAME).render(**render_inputs(question, sentences, evidence))
    answer = await llm.astructured(prompt, ClaimVerification, tag=tag)
    return to_claims(answer, sentences, evidence, allow_memory=allow_memory, question=question)
