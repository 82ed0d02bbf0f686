"""Evaluation metrics: pure functions from (gold case, agent report) pairs to numbers. No I/O.

How agent flags are matched to gold (see ``evals/datasets/gold/README.md``): per evaluation, a flag is the unit
``(type, dimension)`` for ``rating_misaligned`` and ``(type,)`` for every other type (two missed errors in one
evaluation are one ``missed_error`` unit). A predicted unit in ``expected_flags`` is a true positive; one in
neither ``expected_flags`` nor ``acceptable_flags`` is a false positive; an expected unit not predicted is a false
negative. Gold claims are matched to agent claims on the same response by character spans that overlap at least
half of the gold claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from agent.models import FLAG_TYPES, AuditReport, Claim, ClaimStatus, Flag, ResponseSide
from evals.gold_schema import GoldCase, GoldClaim, GoldFlag

VERDICTS = ("pass", "needs_review")
GOLD_STATUSES = ("supported", "contradicted")
Unit = tuple[str, str | None]


@dataclass
class PRF:
    """Counts and precision / recall / F1 (None where the denominator is zero)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int | None]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def unit(flag_type: str, dimension: str | None) -> Unit:
    """The matching unit of a flag (dimension only matters for rating_misaligned)."""
    return (flag_type, dimension if flag_type == "rating_misaligned" else None)


def _units(flags: Iterable[Flag | GoldFlag]) -> set[Unit]:
    return {unit(f.type, f.dimension) for f in flags}


def flag_scores(pairs: Sequence[tuple[GoldCase, AuditReport]]) -> dict[str, PRF]:
    """Precision / recall / F1 per flag type over evaluations (see the module docstring for the matching)."""
    scores: dict[str, PRF] = {t: PRF() for t in FLAG_TYPES}
    for case, report in pairs:
        expected = _units(case.gold.expected_flags)
        acceptable = _units(case.gold.acceptable_flags)
        predicted = _units(report.flags)
        for u in expected:
            if u in predicted:
                scores[u[0]].tp += 1
            else:
                scores[u[0]].fn += 1
        for u in predicted - expected - acceptable:
            scores[u[0]].fp += 1
    return scores


@dataclass
class VerdictScores:
    """Verdict accuracy and the confusion matrix ``matrix[gold][predicted]``."""

    n: int
    correct: int
    matrix: dict[str, dict[str, int]]

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    def as_dict(self) -> dict[str, object]:
        return {"n": self.n, "correct": self.correct, "accuracy": self.accuracy, "matrix": self.matrix}


def verdict_scores(pairs: Sequence[tuple[GoldCase, AuditReport]]) -> VerdictScores:
    """How often the agent's verdict equals the gold verdict, with the confusion matrix."""
    matrix = {g: {p: 0 for p in VERDICTS} for g in VERDICTS}
    for case, report in pairs:
        matrix[case.gold.expected_verdict][report.verdict] += 1
    correct = sum(matrix[v][v] for v in VERDICTS)
    return VerdictScores(n=len(pairs), correct=correct, matrix=matrix)


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], low: int = 1, high: int = 5) -> float | None:
    """Cohen's kappa with quadratic weights for two raters on the integer scale ``low..high``.

    Returns None when it is undefined (no pairs, or both raters constant on the same value).
    """
    if len(a) != len(b):
        raise ValueError(f"kappa needs paired ratings, got {len(a)} and {len(b)}")
    k = high - low + 1
    if not a or k < 2:
        return None
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[min(max(x, low), high) - low][min(max(y, low), high) - low] += 1
    n = float(len(a))
    row = [sum(r) for r in observed]
    col = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * row[i] * col[j] / n
    if den == 0:
        return None
    return 1.0 - num / den


@dataclass
class Agreement:
    """Agent-vs-gold rating agreement on one dimension."""

    n: int
    missing: int
    kappa: float | None
    exact: float | None
    within_1: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def _agent_scores(report: AuditReport, side: ResponseSide) -> dict[str, int]:
    return {r.dimension: r.score for r in report.agent_ratings if r.response == side}


def rating_agreement(
    pairs: Sequence[tuple[GoldCase, AuditReport]], low: int = 1, high: int = 5
) -> dict[str, Agreement]:
    """Per dimension: QWK, exact and within-1 agreement of the agent's ratings with the gold ratings.

    ``missing`` counts gold ratings the agent gave no score for (they are left out of the other numbers).
    """
    gold_by_dim: dict[str, list[int]] = {}
    agent_by_dim: dict[str, list[int]] = {}
    missing: Counter[str] = Counter()
    for case, report in pairs:
        sides: list[tuple[ResponseSide, dict[str, int] | None]] = [("a", case.gold.gold_ratings)]
        sides.append(("b", case.gold.gold_ratings_b))
        for side, gold in sides:
            if not gold:
                continue
            agent = _agent_scores(report, side)
            for dim, score in gold.items():
                if dim not in agent:
                    missing[dim] += 1
                    continue
                gold_by_dim.setdefault(dim, []).append(score)
                agent_by_dim.setdefault(dim, []).append(agent[dim])
    out: dict[str, Agreement] = {}
    for dim in sorted(set(gold_by_dim) | set(missing)):
        g, a = gold_by_dim.get(dim, []), agent_by_dim.get(dim, [])
        n = len(g)
        out[dim] = Agreement(
            n=n,
            missing=missing[dim],
            kappa=quadratic_weighted_kappa(g, a, low, high),
            exact=sum(x == y for x, y in zip(g, a, strict=True)) / n if n else None,
            within_1=sum(abs(x - y) <= 1 for x, y in zip(g, a, strict=True)) / n if n else None,
        )
    return out


@dataclass
class ClaimScores:
    """Claim verification by gold status: ``outcomes[gold_status][agent_status or 'not_found']``."""

    outcomes: dict[str, Counter[str]] = field(default_factory=dict)

    def accuracy(self, status: str) -> float | None:
        row = self.outcomes.get(status, Counter())
        total = sum(row.values())
        return row[status] / total if total else None

    def as_dict(self) -> dict[str, object]:
        return {
            status: {"n": sum(row.values()), "accuracy": self.accuracy(status), "outcomes": dict(row)}
            for status, row in self.outcomes.items()
        }


def _span(text: str, quote: str) -> tuple[int, int] | None:
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else None


def _agent_span(text: str, claim: Claim) -> tuple[int, int] | None:
    return claim.span if claim.span is not None else _span(text, claim.text)


# Claim kinds that can speak to each other (a claim without a kind, or the model's, matches any).
_KIND_GROUPS = ({"year"}, {"director", "writer", "credits"}, {"cast"}, {"award"}, {"order", "chronology"})


def _kinds_compatible(gold_kind: str, agent_kind: str | None) -> bool:
    if not gold_kind or not agent_kind or agent_kind == "model":
        return True
    groups = [g for g in _KIND_GROUPS if gold_kind in g]
    return not groups or agent_kind in groups[0] or not any(agent_kind in g for g in _KIND_GROUPS)


def _covered(parts: Sequence[tuple[int, int, ClaimStatus]]) -> int:
    """Characters the union of the spans covers."""
    total, end = 0, -1
    for s, e, _ in sorted(parts):
        if e > end:
            total += e - max(s, end)
            end = e
    return total


def match_claim(response_text: str, gold: GoldClaim, claims: Sequence[Claim]) -> str:
    """The agent's status for one gold claim: contradicted > supported > unverifiable, or ``not_found``.

    An agent claim speaks to a gold claim when it overlaps at least half of the gold span (or several claims
    cover half of it together) and is about the same kind of fact when both kinds are known,
    so a title-and-year sub-claim ("Iron Man (2008)") does not stand in for a sentence about who played whom or
    about release order.
    """
    target = _span(response_text, gold.quote)
    if target is None:
        return "not_found"
    need = (target[1] - target[0]) / 2
    statuses = set()
    parts: list[tuple[int, int, ClaimStatus]] = []  # claims on part of the gold span: together they may cover it
    for claim in claims:
        if claim.response != gold.response or not _kinds_compatible(gold.kind, claim.kind):
            continue
        span = _agent_span(response_text, claim)
        if span is not None:
            overlap = (max(span[0], target[0]), min(span[1], target[1]))
            hit = overlap[1] - overlap[0] >= need
            if not hit and overlap[1] > overlap[0]:
                parts.append((overlap[0], overlap[1], claim.status))
        else:
            hit = gold.quote in claim.text or (claim.text in gold.quote and len(claim.text) >= need)
        if hit:
            statuses.add(claim.status)
    if parts and _covered(parts) >= need:  # "directed by A" + "written by B" for one gold sentence about both
        statuses.update(status for _, _, status in parts)
    for status in ("contradicted", "supported", "unverifiable"):
        if status in statuses:
            return status
    return "not_found"


def claim_scores(pairs: Sequence[tuple[GoldCase, AuditReport]]) -> ClaimScores:
    """How the agent verified each gold claim, by gold status."""
    scores = ClaimScores(outcomes={s: Counter() for s in GOLD_STATUSES})
    for case, report in pairs:
        ev = case.evaluation
        for gold in case.gold.claims:
            text = ev.response_for(gold.response).text
            scores.outcomes.setdefault(gold.status, Counter())[match_claim(text, gold, report.claims)] += 1
    return scores


def cost_per_evaluation(reports: Sequence[AuditReport]) -> dict[str, float | int]:
    """Mean LLM calls, tokens and seconds per evaluation, and the totals."""
    n = len(reports)
    calls = sum(r.provenance.llm_calls for r in reports)
    prompt = sum(r.provenance.prompt_tokens for r in reports)
    completion = sum(r.provenance.completion_tokens for r in reports)
    seconds = sum(r.provenance.seconds for r in reports)
    cache = sum(r.provenance.cache_hits for r in reports)
    per = (lambda x: x / n) if n else (lambda x: 0.0)
    return {
        "evaluations": n,
        "llm_calls_per_eval": per(calls),
        "cache_hits_per_eval": per(cache),
        "tokens_per_eval": per(prompt + completion),
        "prompt_tokens_per_eval": per(prompt),
        "completion_tokens_per_eval": per(completion),
        "seconds_per_eval": per(seconds),
        "llm_calls": calls,
        "cache_hits": cache,
        "tokens": prompt + completion,
        "seconds": seconds,
    }


def kb_covered(case: GoldCase) -> bool:
    """True when every planted error of the case is a fact the KB covers (the target's population)."""
    return all(p.kb_covered for p in case.gold.planted_errors)


def binary_scores(truth: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float | int | None]:
    """Accuracy, precision, recall and F1 of a yes/no detector (``True`` = hallucination / problem found)."""
    if len(truth) != len(predicted):
        raise ValueError(f"need paired labels, got {len(truth)} and {len(predicted)}")
    prf = PRF()
    correct = 0
    for t, p in zip(truth, predicted, strict=True):
        correct += t == p
        prf.tp += t and p
        prf.fp += (not t) and p
        prf.fn += t and not p
    n = len(truth)
    return {"n": n, "positives": sum(truth), "accuracy": correct / n if n else None, **prf.as_dict()}


def summarize(pairs: Sequence[tuple[GoldCase, AuditReport]], failed: int = 0) -> dict[str, object]:
    """Every metric of one run over gold cases, as plain JSON-ready data."""
    covered = [(c, r) for c, r in pairs if kb_covered(c)]
    return {
        "evaluations": len(pairs),
        "failed": failed,
        "flags": {t: s.as_dict() for t, s in flag_scores(pairs).items()},
        "flags_kb_covered": {t: s.as_dict() for t, s in flag_scores(covered).items()},
        "verdict": verdict_scores(pairs).as_dict(),
        "ratings": {d: a.as_dict() for d, a in rating_agreement(pairs).items()},
        "claims": claim_scores(pairs).as_dict(),
        "cost": cost_per_evaluation([r for _, r in pairs]),
    }
