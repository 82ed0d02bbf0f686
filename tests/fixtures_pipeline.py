"""Batch-runner fixtures: synthetic batches and a deterministic rule-based auditor.

``RuleAuditor`` is test code, not a stand-in for an SDK: it builds real :class:`AuditReport` objects from the
evaluation with fixed rules (a planted year "1999" is a contradicted claim, some contributor flags are false
flags, ratings drift by contributor), so the runner and the report can be tested without the agent's models.

Run as ``python -m tests.fixtures_pipeline BATCH OUT [--delay S] [--concurrency N]`` it audits a batch through the
real runner (``agent.commands.run.execute``): the crash test kills that process.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from agent.errors import LLMError
from agent.models import (
    AgentRating,
    AuditReport,
    Claim,
    CommentAssessment,
    Evaluation,
    Evidence,
    Flag,
    Provenance,
)

DIMENSIONS = ("factual_accuracy", "instruction_following", "completeness", "helpfulness", "writing_quality", "overall")
PLANTED = "first released in 1999"
EVIDENCE = Evidence(passage_id="films:42", source="wikipedia_movies", quote="Example Film (2001), directed by ...")


def evaluation_record(i: int, *, contributor: str | None = None, response: str | None = None) -> dict[str, Any]:
    """One valid ``entertainment_qa`` evaluation as a JSON object; every 3rd carries the planted error."""
    rng = random.Random(i)
    text = response or (
        f"Example Film {i} is a drama directed by Jane Doe. It was "
        + (PLANTED if i % 3 == 0 else "first released in 2001")
        + ". It stars John Roe as the lead and runs for about two hours."
    )
    issues = []
    if i % 4 == 0:
        issues.append({"type": "factual_error", "quote": "directed by Jane Doe", "severity": "major", "note": "?"})
    if i % 6 == 0:
        issues.append({"type": "factual_error", "quote": PLANTED, "severity": "major", "note": "wrong year"})
    return {
        "evaluation_id": f"ev-{i:05d}",
        "contributor_id": contributor or f"c-{100 + i % 5}",
        "project": "entertainment_qa",
        "submitted_at": "2024-11-04T09:12:41Z",
        "task": {"prompt": f"Tell me about Example Film {i} in under 60 words."},
        "response": {"text": text, "model": "gpt-4o-2024-08-06"},
        "ratings": {d: rng.randint(2, 5) for d in DIMENSIONS},
        "issues": issues,
        "comment": "Good answer."
        if i % 5 == 0
        else f"The year and director of Example Film {i} check out; "
        "a limitation is that it says nothing about the plot.",
    }


def write_batch(path: Path, records: Iterable[dict[str, Any]], extra_lines: Iterable[str] = ()) -> Path:
    """Write a JSONL batch; ``extra_lines`` are appended verbatim (e.g. invalid records)."""
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


class RuleAuditor:
    """Deterministic auditor for runner and report tests (see the module docstring)."""

    def __init__(self, *, delay: float = 0.0, fail_ids: Iterable[str] = (), seed: int = 0) -> None:
        self.delay = delay
        self.fail_ids = set(fail_ids)
        self.calls: list[str] = []
        self._rng = random.Random(seed)

    async def audit(self, evaluation: Evaluation) -> AuditReport:
        self.calls.append(evaluation.evaluation_id)
        if self.delay:
            await asyncio.sleep(self.delay * (0.5 + self._rng.random()))  # completion order varies
        if evaluation.evaluation_id in self.fail_ids:
            raise LLMError(f"model call for {evaluation.evaluation_id} failed after 4 attempts: HTTP 503", attempts=4)
        return self.report(evaluation)

    def report(self, evaluation: Evaluation) -> AuditReport:
        claims, flags = [], []
        planted = False
        for side in ("a", "b") if evaluation.response_b is not None else ("a",):
            text = evaluation.response_for(side).text
            start = text.find(PLANTED)
            if start < 0:
                continue
            planted = True
            span = (start, start + len(PLANTED))
            claims.append(
                Claim(
                    text=PLANTED,
                    status="contradicted",
                    evidence=[EVIDENCE],
                    response=side,
                    span=span,
                    correction="2001",
                    kind="year",
                )
            )
            if not any(i.quote == PLANTED and i.response == side for i in evaluation.issues):
                flags.append(
                    Flag(
                        type="missed_error",
                        severity="high",
                        message="Release year 1999 is wrong: 2001.",
                        evidence=[EVIDENCE],
                    )
                )
        flagged_quotes = {issue.quote for issue in evaluation.issues}
        if "directed by Jane Doe" in flagged_quotes:
            flags.append(
                Flag(
                    type="false_flag",
                    severity="medium",
                    message="Jane Doe did direct it.",
                    evidence=[EVIDENCE],
                    confidence=0.9,
                )
            )
        weak = evaluation.comment == "Good answer."
        if weak:
            flags.append(Flag(type="weak_comment", severity="low", message="The comment is generic praise."))
        digest = int(hashlib.sha256(evaluation.evaluation_id.encode()).hexdigest()[:4], 16)
        ratings = []
        sides = [("a", evaluation.ratings)] + ([("b", evaluation.ratings_b)] if evaluation.ratings_b else [])
        for side, given_ratings in sides:
            for dim, given in given_ratings.items():
                score = 2 if (dim == "factual_accuracy" and planted) else given
                rationale = f"{dim}: rule-based score {score}."
                ratings.append(
                    AgentRating(
                        dimension=dim,
                        score=score,
                        rationale=rationale,
                        response=side,
                        basis="evidence",
                        confidence=0.95,
                    )
                )
                if abs(score - given) >= 2:
                    message = f"{dim} ({side}): contributor {given}, agent {score}."
                    flags.append(Flag(type="rating_misaligned", dimension=dim, severity="medium", message=message))
        worst = max((2 if f.severity == "high" else 1 if f.severity == "medium" else 0 for f in flags), default=0)
        return AuditReport(
            evaluation_id=evaluation.evaluation_id,
            contributor_id=evaluation.contributor_id,
            project=evaluation.project,
            verdict="needs_review" if worst >= 1 else "pass",
            priority=min(100, 30 * worst + 5 * len(flags) + digest % 5),
            flags=flags,
            agent_ratings=ratings,
            claims=claims,
            comment_assessment=CommentAssessment(
                specific=not weak,
                names_limitation=not weak,
                evidence_based=not weak,
                consistent_with_ratings=True,
                weak=weak,
            ),
            feedback=f"Feedback for {evaluation.evaluation_id}: check release years against the record.",
            provenance=Provenance(
                agent_version="test",
                model=None,
                guidelines_version="1",
                input_hash="set-by-runner",
                llm_calls=2,
                cache_hits=1,
                prompt_tokens=100 + digest % 50,
                completion_tokens=40,
                cost_usd=0.0001,
                seconds=self._rng.random(),
                checks_skipped=["model stages (test)"],
            ),
        )


TIMING_FIELDS = ("seconds",)


def canonical_reports(path: Path) -> list[str]:
    """The lines of a reports.jsonl as canonical JSON without timing fields, in file order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for name in TIMING_FIELDS:
            record["provenance"].pop(name, None)
        out.append(json.dumps(record, sort_keys=True))
    return out


def main(argv: list[str] | None = None) -> int:
    """Audit a batch through the real runner with :class:`RuleAuditor` (the crash test's child process)."""
    from agent.commands.run import Scope, execute, print_outcome
    from agent.pipeline import RunOptions
    from agent.settings import Settings

    p = argparse.ArgumentParser()
    p.add_argument("batch", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--concurrency", type=int, default=4)
    args = p.parse_args(argv)
    auditor = RuleAuditor(delay=args.delay, seed=random.SystemRandom().randrange(1 << 30))
    options = RunOptions(concurrency=args.concurrency, progress=False)
    try:
        summary, files = execute(args.batch, args.out, auditor, Settings(), options, Scope(), None)
    except KeyboardInterrupt:
        return 130
    print_outcome(summary, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
