"""The audit of one contributor evaluation: the stages wired together, data flowing one way.

    evaluation -> exact checks (rules, constraints, fact index) -> model claims (retrieval + one call)
               -> ratings (evidence caps + one judge call per response) -> comment quality
               -> compare (pure) -> feedback draft -> AuditReport

``build_auditor`` picks the stages: ``--no-llm`` runs the exact checks only and says in the report which checks
did not run. Ablations (for ``audit eval``) switch stages off one at a time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import httpx
from chromadb.errors import ChromaError

from agent import __version__, claims, judge
from agent.asks import UnansweredPart, unanswered_parts
from agent.comment import assess_comment
from agent.compare import AgentFindings, CompletenessFinding, compare
from agent.constraints import check_constraints
from agent.errors import AuditError, ConfigError, KnowledgeBaseError
from agent.factcheck import check_claims
from agent.feedback import VERSION as FEEDBACK_VERSION
from agent.feedback import draft_feedback
from agent.guidelines import Guidelines, load_guidelines
from agent.kb.facts import FactIndex, default_index
from agent.llm import LLM, open_llm
from agent.models import (
    AgentRating,
    AuditReport,
    Claim,
    ConstraintCheck,
    Evaluation,
    Evidence,
    Provenance,
    ResponseSide,
    Verdict,
)
from agent.prompts import load_prompt
from agent.rules import apply_rules
from agent.settings import Settings
from agent.spans import token_overlap
from agent.untrusted import fold
from agent.validate import content_hash

logger = logging.getLogger(__name__)

Ablation = Literal["exact", "model-only", "retrieval-model", "full"]
ABLATIONS: tuple[Ablation, ...] = ("exact", "model-only", "retrieval-model", "full")


@dataclass(frozen=True)
class Stages:
    """Which stages run."""

    exact: bool
    model: bool
    retrieval: bool

    @classmethod
    def for_ablation(cls, ablation: Ablation) -> Stages:
        return {
            "exact": cls(exact=True, model=False, retrieval=False),
            "model-only": cls(exact=False, model=True, retrieval=False),
            "retrieval-model": cls(exact=False, model=True, retrieval=True),
            "full": cls(exact=True, model=True, retrieval=True),
        }[ablation]


@dataclass
class _Usage:
    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    tags: list[str] = field(default_factory=list)


KB_RETRY_DELAYS_S = (0.5, 1.0, 2.0, 3.0)  # a restarting Chroma server is back within seconds, or not soon


class GuardedEvidence:
    """An evidence source whose transport failures (a ``chroma run`` server down or restarting) are retried briefly,
    then raised as :class:`KnowledgeBaseError`: the batch runner records that evaluation as failed (``--retry-failed``
    runs it again) instead of the whole batch stopping on an HTTP client's exception."""

    def __init__(self, source: claims.EvidenceSource, delays: Sequence[float] = KB_RETRY_DELAYS_S) -> None:
        self.source = source
        self.delays = tuple(delays)

    def search(self, query: str, k: int = 3) -> list[Evidence]:
        for attempt, delay in enumerate((*self.delays, None), start=1):
            try:
                return self.source.search(query, k=k)
            except (httpx.TransportError, httpx.HTTPStatusError, ChromaError) as e:
                if delay is None:
                    raise KnowledgeBaseError(
                        f"the knowledge base did not answer after {attempt} tries ({type(e).__name__}: {e}); "
                        "check that the Chroma server is up, then rerun with --retry-failed"
                    ) from e
                logger.warning("knowledge base request failed (%s); retrying in %.1fs", type(e).__name__, delay)
                time.sleep(delay)
        raise AssertionError("unreachable: the last try raises")  # pragma: no cover


def _completeness(
    unanswered: dict[ResponseSide, list[UnansweredPart]], missing: dict[ResponseSide, list[str]]
) -> list[CompletenessFinding]:
    """What each response leaves out: the parts the prompt asks explicitly (exact), then what only the judge model
    found (unless it restates an exact one)."""
    exact = [
        CompletenessFinding(item=p.what, response=side, evidence=f'the prompt asks "{p.asked_by}"', confidence=0.8)
        for side, parts in unanswered.items()
        for p in parts
    ]
    model = [
        CompletenessFinding(item=m, response=side, evidence="the judge model found it unanswered")
        for side, items in missing.items()
        for m in items
        if not any(token_overlap(m, f"{p.what} {p.asked_by}") >= 0.3 for p in unanswered.get(side, ()))
    ]
    return exact + model


class Auditor:
    """Audits evaluations one at a time; safe to call concurrently from one event loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        llm: LLM | None = None,
        facts: FactIndex | None = None,
        retriever: claims.EvidenceSource | None = None,
        ablation: Ablation = "full",
        kb_version: str | None = None,
    ) -> None:
        self.settings = settings
        self.llm = llm
        self.facts = facts
        self.retriever = GuardedEvidence(retriever) if retriever is not None else None
        self.ablation = ablation
        self.stages = Stages.for_ablation(ablation)
        if llm is None:
            self.stages = Stages(exact=True, model=False, retrieval=False)
        self.kb_version = kb_version

    @property
    def model_id(self) -> str | None:
        return self.llm.model_id if self.llm is not None and self.stages.model else None

    def close(self) -> None:
        if self.llm is not None:
            self.llm.close()

    def _guidelines(self, project: str) -> Guidelines:
        return load_guidelines(project, self.settings.guidelines_dir)

    async def audit(self, evaluation: Evaluation) -> AuditReport:
        """The second opinion on one evaluation. Raises the project's errors (LLMError, ...) on failure."""
        started = time.monotonic()
        g = self._guidelines(evaluation.project)
        sides: list[ResponseSide] = ["a", "b"] if evaluation.response_b is not None else ["a"]
        skipped: list[str] = []
        truncated: list[str] = []
        # look-alike letters and invisible characters cannot hide a title from the checks (agent.untrusted)
        folds = {side: fold(evaluation.response_for(side).text) for side in sides}
        texts = {side: self._bounded(folds[side].text, side, truncated) for side in sides}
        for side in sides:
            if folds[side].changed:
                logger.info("%s: %s", evaluation.evaluation_id, folds[side].note(side))

        notes = self.facts.notes if self.facts is not None else []
        constraints: list[ConstraintCheck] = check_constraints(evaluation, notes) if self.stages.exact else []
        # parts the prompt asks explicitly ("and which Oscars did it win?") that a response never answers
        # (with the exact checks off, an empty prompt: it asks nothing)
        asking = evaluation.task.prompt if self.stages.exact else ""
        unanswered = {side: unanswered_parts(asking, texts[side]) for side in sides}
        found: list[Claim] = []
        if self.stages.exact and self.facts is not None:
            for side in sides:
                found += check_claims(texts[side], self.facts, prompt=evaluation.task.prompt, response=side)
        elif self.stages.exact:
            skipped.append("fact-index checks: the fact index is not loaded")
        if self.stages.exact and self.facts is not None and self.facts.notes_error:
            skipped.append(f"franchise-note checks (order, chronology, cast): {self.facts.notes_error}")
        found = self._cap_claims(found, truncated)

        usage = _Usage()
        model_ratings: dict[ResponseSide, list[AgentRating]] = {side: [] for side in sides}
        missing: dict[ResponseSide, list[str]] = {side: [] for side in sides}
        judged: dict[ResponseSide, list[ConstraintCheck]] = {side: [] for side in sides}
        if self.stages.model and self.llm is not None:
            found += await self._model_claims(evaluation, texts, found, usage, truncated)
            for side in sides:
                if self._over_budget(usage):
                    truncated.append(f"token budget {self.settings.max_tokens_per_evaluation} reached: judge skipped")
                    break
                tag = self._tag(evaluation, f"judge-{side}", usage)
                judgement = await judge.judge_with_model(
                    self.llm, g, evaluation.task.prompt, texts[side], found, constraints, side=side, tag=tag
                )
                model_ratings[side], missing[side] = judgement.ratings, judgement.missing_parts
                judged[side] = judgement.constraints
        else:
            why = "--no-llm" if self.llm is None else f"ablation {self.ablation}"
            skipped += [
                f"model claim verification ({why})",
                f"model ratings ({why}): only evidence-based ratings given",
                f"completeness beyond the parts a prompt asks explicitly, and unmeasurable constraints ({why})",
            ]
        if not self.stages.exact:
            skipped.append(f"exact checks (ablation {self.ablation})")

        found = [folds[c.response].restore(c) if c.response in folds else c for c in found]
        constraints = self._with_judged(constraints, judged)
        ratings: list[AgentRating] = []
        for side in sides:
            asked = [p.what for p in unanswered[side]]
            caps = judge.evidence_ratings(g, found, constraints, missing[side], side=side, unanswered=asked)
            ratings += judge.merge_ratings(g, model_ratings[side], caps)

        findings = AgentFindings(
            claims=found,
            constraints=constraints,
            agent_ratings=ratings,
            comment_assessment=assess_comment(evaluation, g),
            rule_flags=apply_rules(evaluation, g),
            completeness=_completeness(unanswered, missing),
        )
        outcome = compare(evaluation, findings, g)
        # an audit that did not read the whole response (or ran out of budget) cannot vouch for it
        verdict: Verdict = "needs_review" if truncated else outcome.verdict
        self._collect_usage(usage)
        return AuditReport(
            evaluation_id=evaluation.evaluation_id,
            contributor_id=evaluation.contributor_id,
            project=evaluation.project,
            verdict=verdict,
            priority=outcome.priority,
            flags=outcome.flags,
            agent_ratings=ratings,
            claims=found,
            constraints=constraints,
            comment_assessment=findings.comment_assessment,
            feedback=draft_feedback(evaluation.evaluation_id, outcome.flags, g),
            provenance=Provenance(
                agent_version=__version__,
                model=self.model_id,
                prompt_versions=self._prompt_versions(),
                kb_version=self.kb_version,
                guidelines_version=f"{g.project}@{g.version}",
                input_hash=content_hash(evaluation),
                llm_calls=usage.calls,
                cache_hits=usage.cache_hits,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
                cost_usd=round(usage.cost_usd, 6),
                seconds=round(time.monotonic() - started, 3),
                checks_skipped=skipped,
                truncated=truncated,
            ),
        )

    # -- stages ---------------------------------------------------------------------------------------------

    async def _model_claims(
        self,
        evaluation: Evaluation,
        texts: dict[ResponseSide, str],
        settled: list[Claim],
        usage: _Usage,
        truncated: list[str],
    ) -> list[Claim]:
        assert self.llm is not None
        sentences = [s for side, text in texts.items() for s in claims.split_sentences(text, side)]
        todo = claims.unsettled(sentences, settled)
        limit = self.settings.max_claims_per_response * len(texts)
        if len(todo) > limit:
            truncated.append(f"{len(todo)} sentences to verify; only the first {limit} were sent to the model")
            todo = todo[:limit]
        retriever = self.retriever if self.stages.retrieval else None
        return await claims.verify_with_model(
            self.llm,
            evaluation.task.prompt,
            todo,
            retriever,
            per_sentence=2,
            max_evidence=self.settings.max_evidence_per_claim * 2,
            allow_memory=retriever is None,
            tag=self._tag(evaluation, "verify", usage),
        )

    @staticmethod
    def _with_judged(
        constraints: list[ConstraintCheck], judged: dict[ResponseSide, list[ConstraintCheck]]
    ) -> list[ConstraintCheck]:
        """Unmeasured constraints replaced by the judge's verdict on them, in the original order."""
        by_key = {(c.response, c.kind, c.constraint): c for side in judged for c in judged[side]}
        return [by_key.get((c.response, c.kind, c.constraint), c) for c in constraints]

    def _bounded(self, text: str, side: ResponseSide, truncated: list[str]) -> str:
        limit = self.settings.max_response_chars
        if len(text) > limit:
            truncated.append(f"response {side} is {len(text)} characters; checked the first {limit}")
            return text[:limit]
        return text

    def _cap_claims(self, found: list[Claim], truncated: list[str]) -> list[Claim]:
        limit = self.settings.max_claims_per_response * 2
        if len(found) > limit:
            truncated.append(f"{len(found)} exact claims; kept the first {limit}")
            return found[:limit]
        return found

    def _tag(self, evaluation: Evaluation, stage: str, usage: _Usage) -> str:
        tag = f"{evaluation.evaluation_id}/{stage}"
        usage.tags.append(tag)
        return tag

    def _over_budget(self, usage: _Usage) -> bool:
        self._collect_usage(usage)
        return usage.prompt_tokens + usage.completion_tokens >= self.settings.max_tokens_per_evaluation

    def _collect_usage(self, usage: _Usage) -> None:
        """Per-evaluation totals from the call log (exact under concurrency: rows are tagged per evaluation)."""
        if self.llm is None:
            return
        usage.calls = usage.cache_hits = usage.prompt_tokens = usage.completion_tokens = 0
        usage.cost_usd = 0.0
        for tag in usage.tags:
            for row in self.llm.cache.calls(tag=tag, run_id=self.llm.run_id, limit=20):
                if row.cache_hit:
                    usage.cache_hits += 1
                else:
                    usage.calls += 1
                    usage.prompt_tokens += row.prompt_tokens
                    usage.completion_tokens += row.completion_tokens
                    usage.cost_usd += row.cost_usd

    def _prompt_versions(self) -> dict[str, str]:
        versions = {"feedback": FEEDBACK_VERSION}
        if self.stages.model:
            for name in (claims.PROMPT_NAME, judge.PROMPT_NAME):
                versions[name] = load_prompt(name).version
        return versions


def build_auditor(
    settings: Settings, *, use_llm: bool, model: str | None = None, ablation: Ablation = "full"
) -> Auditor:
    """An Auditor with the stages asked for. The model (and local server) is opened only when used."""
    if ablation not in ABLATIONS:
        raise ConfigError(f"unknown ablation {ablation!r}; choose one of {', '.join(ABLATIONS)}")
    facts = default_index()
    retriever: claims.EvidenceSource | None = None
    kb_version: str | None = None
    llm: LLM | None = None
    if use_llm and ablation != "exact":
        llm = open_llm(model or settings.model, settings)
        if Stages.for_ablation(ablation).retrieval:
            try:
                from agent.retrieval import open_retriever

                retriever, kb_version = open_retriever(settings, facts)
            except AuditError:
                llm.close()
                raise
    return Auditor(settings, llm=llm, facts=facts, retriever=retriever, ablation=ablation, kb_version=kb_version)
