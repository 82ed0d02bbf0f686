"""HaluEval adapters: public hallucination benchmarks as contributor evaluations with known labels.

- **QA** (``qa_one_turn.jsonl``: knowledge, question, right answer, hallucinated answer; HotpotQA-based): every item
  gives two evaluations of the same question, one rating the right answer and one rating the hallucinated answer,
  and in both the contributor says the answer is fine (top ratings, no issue). A careful auditor raises
  ``missed_error`` on the hallucinated one and passes the right one. The item's knowledge passage is the evidence:
  :class:`KnowledgeIndex` serves it to the agent's retrieval stage (lexical match over all passages).
- **General** (``general.jsonl``: ChatGPT answers to real user queries with a human ``hallucination`` yes/no label
  and the hallucinated spans): one evaluation per item, contributor says fine; label = the human label.

The entertainment subset is chosen by keywords (:data:`ENTERTAINMENT_WORDS`, whole words, case-insensitive) in the
question and knowledge (QA) or the user query (general): film, TV, streaming, music, comics and awards vocabulary.
It is a keyword filter, not a classifier: it has false positives ("series" of experiments) and misses.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agent.errors import InputError
from agent.models import Evaluation, Evidence, ModelResponse, Task
from evals.gold_schema import GoldCase, GoldClaim, GoldFlag, GoldLabel, split_of

BENCH_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "benchmarks" / "halueval_qa"
QA_FILE = "qa_one_turn.jsonl"
GENERAL_FILE = "general.jsonl"
PROJECT = "entertainment_qa"
FINE = {
    "factual_accuracy": 5,
    "instruction_following": 5,
    "completeness": 5,
    "helpfulness": 5,
    "writing_quality": 5,
    "overall": 5,
}
COMMENT = (
    "The answer responds directly to the question and I found no factual problem in what it states. "
    "A limitation: it gives no source, so a reader cannot check it quickly."
)
ENTERTAINMENT_WORDS = (
    "film films movie movies cinema actor actress actors actresses starring screenplay screenwriter sitcom tv "
    "television episode episodes hbo netflix pixar marvel superhero oscar oscars emmy emmys grammy album albums "
    "song songs singer singers rapper musician soundtrack hollywood animated cartoon documentary comedian"
).split()
_WORD = re.compile(r"[a-z0-9]+")
_ENTERTAINMENT = re.compile(r"\b(" + "|".join(ENTERTAINMENT_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class BenchItem:
    """One adapted benchmark evaluation with its gold audit and binary label."""

    case: GoldCase
    hallucinated: bool
    entertainment: bool


def is_entertainment(*texts: str) -> bool:
    """True when any text contains an entertainment keyword (see the module docstring)."""
    return any(_ENTERTAINMENT.search(t) for t in texts)


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    if not path.is_file():
        raise InputError(f"{path}: HaluEval file not found; the public data lives in ../shared/data/benchmarks")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{lineno}: not valid JSON: {e}") from e
            if not isinstance(row, dict):
                raise InputError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, row


def _text(row: dict[str, object], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise InputError(f"{where}: field {key!r} missing or not text")
    return value


def _evaluation(eid: str, prompt: str, answer: str, minute: int) -> Evaluation:
    return Evaluation(
        evaluation_id=eid,
        contributor_id="c-halueval",
        project=PROJECT,
        submitted_at=datetime(2025, 1, 6, tzinfo=UTC).replace(minute=minute % 60, hour=minute // 60 % 24),
        task=Task(prompt=prompt, category="halueval"),
        response=ModelResponse(text=answer, model="halueval"),
        ratings=dict(FINE),
        comment=COMMENT,
    )


def _case(evaluation: Evaluation, hallucinated: bool, spans: list[str], category: str) -> GoldCase:
    text = evaluation.response.text
    claims = [GoldClaim(quote=s, status="contradicted") for s in spans if s and s in text]
    if not hallucinated:
        claims = [GoldClaim(quote=text, status="supported")]
    flags = [GoldFlag(type="missed_error", dimension="factual_accuracy", about="human label: hallucinated")]
    label = GoldLabel(
        expected_verdict="needs_review" if hallucinated else "pass",
        expected_flags=flags if hallucinated else [],
        # the human labels say nothing about ratings, comments or rules: only hallucination flags are scored
        acceptable_flags=[GoldFlag(type=t, about="not labelled") for t in ("rating_misaligned", "weak_comment")],
        gold_ratings={},
        planted_errors=[],
        claims=claims,
        split=split_of(evaluation.evaluation_id),
        category=category,
        source="halueval",
    )
    return GoldCase(evaluation=evaluation, gold=label)


def load_qa(path: Path | None = None) -> list[BenchItem]:
    """HaluEval QA: two evaluations per item (right answer, hallucinated answer), contributor says fine."""
    path = path or BENCH_DIR / QA_FILE
    items: list[BenchItem] = []
    for lineno, row in _read_jsonl(path):
        where = f"{path}:{lineno}"
        question, knowledge = _text(row, "question", where), _text(row, "knowledge", where)
        ent = is_entertainment(question, knowledge)
        for suffix, key, hallucinated in (("r", "right_answer", False), ("h", "hallucinated_answer", True)):
            answer = _text(row, key, where).strip()
            if not answer:
                continue
            ev = _evaluation(f"hq-{lineno:04d}-{suffix}", question, answer, lineno)
            spans = [answer] if hallucinated else []
            items.append(BenchItem(_case(ev, hallucinated, spans, "halueval-qa"), hallucinated, ent))
    return items


def load_general(path: Path | None = None) -> list[BenchItem]:
    """HaluEval general: one evaluation per answer with a human hallucination label; empty answers are skipped."""
    path = path or BENCH_DIR / GENERAL_FILE
    items: list[BenchItem] = []
    for lineno, row in _read_jsonl(path):
        where = f"{path}:{lineno}"
        query, answer = _text(row, "user_query", where), _text(row, "chatgpt_response", where).strip()
        if not answer or not query.strip():
            continue
        label = _text(row, "hallucination", where)
        if label not in ("yes", "no"):
            raise InputError(f"{where}: hallucination must be 'yes' or 'no', got {label!r}")
        raw_spans = row.get("hallucination_spans") or []
        spans = [s for s in raw_spans if isinstance(s, str)] if isinstance(raw_spans, list) else []
        ev = _evaluation(f"hg-{lineno:05d}", query, answer, lineno)
        items.append(
            BenchItem(_case(ev, label == "yes", spans, "halueval-general"), label == "yes", is_entertainment(query))
        )
    return items


class KnowledgeIndex:
    """The QA items' knowledge passages as an evidence source (``agent.claims.EvidenceSource``).

    The agent's retrieval query is a sentence of the response, i.e. (part of) the answer. A query that is part of
    one of the benchmark's answers gets that item's passage first (an answer shared by several items, like "Yes",
    gets each of their passages); other queries fall back to TF-IDF over all passages. Stateless, so it serves
    concurrent audits.
    """

    def __init__(self, passages: dict[str, str], answers: dict[str, list[str]] | None = None) -> None:
        self._ids = list(passages)
        self._texts = dict(passages)
        self._answers = {_norm(a): ids for a, ids in (answers or {}).items()}
        self._vectors = [Counter(_WORD.findall(passages[i].lower())) for i in self._ids]
        df: Counter[str] = Counter(w for v in self._vectors for w in v)
        n = len(self._vectors)
        self._idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}

    @classmethod
    def from_qa(cls, path: Path | None = None) -> KnowledgeIndex:
        """Passages and answers of every QA item."""
        path = path or BENCH_DIR / QA_FILE
        passages: dict[str, str] = {}
        answers: dict[str, list[str]] = {}
        for n, row in _read_jsonl(path):
            pid = f"halueval-qa:{n:04d}"
            passages[pid] = _text(row, "knowledge", f"{path}:{n}")
            for key in ("right_answer", "hallucinated_answer"):
                answers.setdefault(_text(row, key, f"{path}:{n}").strip(), []).append(pid)
        return cls(passages, answers)

    def _evidence(self, pid: str) -> Evidence:
        return Evidence(passage_id=pid, source="HaluEval QA knowledge", quote=self._texts[pid])

    def search(self, query: str, k: int = 3) -> list[Evidence]:
        """The passages of the items whose answer contains ``query``, else the best TF-IDF matches."""
        q = _norm(query)
        direct = [pid for answer, ids in self._answers.items() if q and q in answer for pid in ids]
        if direct:
            return [self._evidence(pid) for pid in dict.fromkeys(direct)][:k]
        words = set(_WORD.findall(query.lower()))
        scored = [(sum(self._idf.get(w, 0.0) for w in words if w in vec), i) for i, vec in enumerate(self._vectors)]
        best = sorted((s for s in scored if s[0] > 0), reverse=True)[:k]
        return [self._evidence(self._ids[i]) for _, i in best]


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))
