"""The peer baseline: DeepEval's ``HallucinationMetric`` as the auditor, with the same model and the same evidence.

"Judge the response, then compare with the contributor": for each response of an evaluation, DeepEval's
hallucination metric (its own prompt, its own scoring) judges the response against the knowledge-base passages the
agent's model stage would see for it (:func:`agent.claims.gather_evidence`, same retriever, same caps). The
metric's model is the agent's model, called through the one LLM seam (:class:`SeamJudge`: forced function
calling, cache, retries, call log), so the only difference from the agent is the judging method.

A response the metric scores as hallucinated that the contributor did not flag for a factual error or
hallucination becomes a ``missed_error`` flag; a response the contributor flagged that the metric finds consistent
becomes a ``false_flag``; any flag makes the verdict ``needs_review``. The metric judges facts only, so it raises
none of the other flag types (ratings, constraints, completeness, comment): compare it with the agent on the
``missed_error`` and ``false_flag`` rows; its verdict accuracy counts those misses too.

DeepEval 4 scores the share of contexts the response agrees with (1 = pass). Two readings of the same calls are
reported: ``peer`` uses the metric as shipped (the response fails, i.e. is hallucinated, when its score is below
the default threshold 0.5), ``peer-any`` counts a response as hallucinated when any context is contradicted
(score below 1). Both rules were fixed before any run; neither is tuned.

DeepEval is installed by ``make setup`` with ``--no-deps`` (why: pyproject.toml); it is imported only here.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from agent import claims
from agent.errors import AuditError, ConfigError
from agent.llm import LLM
from agent.models import AuditReport, Evaluation, Flag, Provenance, ResponseSide
from agent.prompts import RenderedPrompt
from agent.validate import content_hash
from evals.gold_schema import GoldCase

logger = logging.getLogger(__name__)

PEER_ABLATIONS = ("peer", "peer-any")
SHIPPED_THRESHOLD = 0.5  # HallucinationMetric's default: a score (share of contexts agreed with) below it fails
FACT_ISSUES = ("factual_error", "hallucination")
T = TypeVar("T", bound=BaseModel)


def load_deepeval() -> Any:
    """Import DeepEval with its telemetry off, or say how to install it."""
    os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
    os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")
    try:
        import deepeval
        from deepeval.metrics import HallucinationMetric  # noqa: F401
    except ImportError as e:
        raise ConfigError(
            f"the peer baseline needs DeepEval ({e}); `make setup` installs it (pip install --no-deps -c "
            "constraints.txt deepeval nest-asyncio portalocker jinja2 markupsafe)"
        ) from e
    return deepeval


def make_judge(llm: LLM) -> Any:
    """A DeepEval model whose every call goes through the agent's LLM seam (built lazily: DeepEval is optional)."""
    deepeval = load_deepeval()
    from deepeval.models import DeepEvalBaseLLM

    version = str(deepeval.__version__)

    class SeamJudge(DeepEvalBaseLLM):  # type: ignore[no-untyped-call]
        """DeepEval's prompt as one user message; the schema DeepEval asks for is forced through the seam."""

        def __init__(self) -> None:
            self.tag: str | None = None
            super().__init__(llm.model_id)

        def load_model(self, *args: Any, **kwargs: Any) -> Any:
            return llm

        def _prompt(self, prompt: str) -> RenderedPrompt:
            return RenderedPrompt(
                name="deepeval_hallucination", version=version, messages=[{"role": "user", "content": prompt}]
            )

        def generate(self, prompt: str, schema: type[T] | None = None, **kwargs: Any) -> Any:
            if schema is None:
                raise ConfigError("the peer baseline only makes schema calls (include_reason=False)")
            return llm.structured(self._prompt(prompt), schema, tag=self.tag)

        async def a_generate(self, prompt: str, schema: type[T] | None = None, **kwargs: Any) -> Any:
            if schema is None:
                raise ConfigError("the peer baseline only makes schema calls (include_reason=False)")
            return await llm.astructured(self._prompt(prompt), schema, tag=self.tag)

        def get_model_name(self, *args: Any, **kwargs: Any) -> str:
            return llm.model_id or "unknown"

    return SeamJudge()


@dataclass
class Judgment:
    """DeepEval's reading of one response: the metric's score (share of contexts agreed with), how many contexts."""

    side: ResponseSide
    score: float | None  # None: no evidence retrieved, nothing to judge against
    contexts: int


def judge_evaluation(
    judge: Any, evaluation: Evaluation, source: claims.EvidenceSource, *, max_evidence: int
) -> list[Judgment]:
    """HallucinationMetric on each response, against the evidence the agent's model stage would retrieve."""
    from deepeval.metrics import HallucinationMetric
    from deepeval.test_case import LLMTestCase

    out = []
    for side in ("a", "b") if evaluation.response_b is not None else ("a",):
        text = evaluation.response_for(side).text
        sentences = claims.split_sentences(text, side)
        evidence = claims.gather_evidence(sentences, source, per_sentence=2, max_total=max_evidence)
        contexts = [e.quote[: claims.EVIDENCE_CHARS] for e in evidence.values()]
        if not contexts:
            out.append(Judgment(side, None, 0))
            continue
        judge.tag = f"{evaluation.evaluation_id}:peer:{side}"
        metric = HallucinationMetric(
            threshold=SHIPPED_THRESHOLD, model=judge, include_reason=False, async_mode=False, verbose_mode=False
        )
        case = LLMTestCase(input=evaluation.task.prompt, actual_output=text, context=contexts)
        metric.measure(case, _show_indicator=False)
        if metric.score is None:
            raise ValueError(f"DeepEval gave no score for response {side.upper()}")
        out.append(Judgment(side, float(metric.score), len(contexts)))
    return out


def to_report(evaluation: Evaluation, judgments: Sequence[Judgment], rule: str, usage: dict[str, Any]) -> AuditReport:
    """Compare DeepEval's judgments with the contributor's fact issues; ``rule`` is ``peer`` or ``peer-any``."""
    flags = []
    for j in judgments:
        if j.score is None:
            continue
        hallucinated = j.score < SHIPPED_THRESHOLD if rule == "peer" else j.score < 1.0
        flagged = any(i.type in FACT_ISSUES and i.response == j.side for i in evaluation.issues)
        where = f"response {j.side.upper()}"
        if hallucinated and not flagged:
            msg = f"DeepEval: {where} agrees with {j.score:.0%} of {j.contexts} contexts; no fact issue flagged"
            flags.append(Flag(type="missed_error", dimension="factual_accuracy", severity="high", message=msg))
        elif flagged and not hallucinated:
            msg = f"{where} flagged for a factual error, but DeepEval finds it consistent with the evidence"
            flags.append(Flag(type="false_flag", dimension="factual_accuracy", severity="medium", message=msg))
    return AuditReport(
        evaluation_id=evaluation.evaluation_id,
        contributor_id=evaluation.contributor_id,
        project=evaluation.project,
        verdict="needs_review" if flags else "pass",
        priority=80 if flags else 0,
        flags=flags,
        provenance=Provenance(
            agent_version=f"peer-baseline ({rule})",
            model=usage["model"],
            prompt_versions={"deepeval_hallucination": usage["deepeval"]},
            guidelines_version="n/a",
            input_hash=content_hash(evaluation),
            llm_calls=usage["calls"],
            cache_hits=usage["cache_hits"],
            prompt_tokens=usage["prompt_tokens"],
            completion_tokens=usage["completion_tokens"],
            seconds=usage["seconds"],
        ),
    )


def run_peer(
    cases: Sequence[GoldCase],
    llm: LLM,
    source: claims.EvidenceSource,
    run_dir: Path,
    *,
    max_evidence: int = 8,
    progress: bool = True,
) -> tuple[dict[str, list[tuple[GoldCase, AuditReport]]], int]:
    """Judge every case (resuming from ``run_dir/judgments.jsonl``); the reports per rule, and the failure count.

    A case whose judge call fails is logged, written to ``failed.jsonl`` and counted, never dropped silently.
    """
    judge = make_judge(llm)
    deepeval_version = str(load_deepeval().__version__)
    run_dir.mkdir(parents=True, exist_ok=True)
    done_path, failed_path = run_dir / "judgments.jsonl", run_dir / "failed.jsonl"
    done: dict[str, dict[str, Any]] = {}
    if done_path.exists():
        for line in done_path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[row["evaluation_id"]] = row
    failed = 0
    started = time.monotonic()
    for n, case in enumerate(cases, 1):
        ev = case.evaluation
        if ev.evaluation_id not in done:
            before = llm.stats  # a copy
            t0 = time.monotonic()
            try:
                judgments = judge_evaluation(judge, ev, source, max_evidence=max_evidence)
            except (AuditError, ValueError) as e:  # LLMError is an AuditError; DeepEval raises ValueError on bad JSON
                failed += 1
                logger.warning("peer baseline: %s failed: %s", ev.evaluation_id, e)
                with failed_path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"evaluation_id": ev.evaluation_id, "error": str(e)}) + "\n")
                continue
            after = llm.stats
            row = {
                "evaluation_id": ev.evaluation_id,
                "judgments": [j.__dict__ for j in judgments],
                "usage": {
                    "model": llm.model_id,
                    "deepeval": deepeval_version,
                    "calls": after.calls - before.calls,
                    "cache_hits": after.cache_hits - before.cache_hits,
                    "prompt_tokens": after.prompt_tokens - before.prompt_tokens,
                    "completion_tokens": after.completion_tokens - before.completion_tokens,
                    "seconds": round(time.monotonic() - t0, 3),
                },
            }
            with done_path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")
            done[ev.evaluation_id] = row
        if progress:
            elapsed = time.monotonic() - started
            print(f"peer baseline: {n}/{len(cases)} judged ({failed} failed, {elapsed:.0f} s)", flush=True)
    out: dict[str, list[tuple[GoldCase, AuditReport]]] = {rule: [] for rule in PEER_ABLATIONS}
    for case in cases:
        row = done.get(case.evaluation.evaluation_id)
        if row is None:
            continue
        judgments = [Judgment(**j) for j in row["judgments"]]
        for rule in PEER_ABLATIONS:
            out[rule].append((case, to_report(case.evaluation, judgments, rule, row["usage"])))
    return out, failed
