"""Retrieval quality on the question set: recall@k and MRR, hybrid and dense-only, with the misses listed; and
how much of the exact nearest-neighbour top k the KB's approximate (HNSW) search returns.

The unit test (``tests/test_retrieval.py``) measures a small fixture KB that holds every expected passage plus
sampled distractors; this measures the KB users actually query (the built default KB, 11k passages), where
neighbours crowd the answer out. ``make bench`` runs it when the default KB is built;
``python -m evals.retrieval_recall`` runs it alone and prints every miss.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from agent.errors import KnowledgeBaseError
from agent.kb.facts import default_index
from agent.kb.store import KnowledgeBase
from agent.retrieval import Retriever
from agent.settings import Settings, load_settings

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "retrieval_questions.jsonl"
K = 5


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    """The retrieval questions: ``{"id", "kind", "question", "expected": [entity ids]}`` per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rank_of(retriever: Retriever, question: dict[str, Any], k: int = K) -> int | None:
    """The 1-based rank of the first hit about an expected entity, or None when none is in the top ``k``."""
    expected = set(question["expected"])
    for rank, hit in enumerate(retriever.hits(str(question["question"]), k=k), start=1):
        if expected.intersection(hit.entity_ids):
            return rank
    return None


def measure(retriever: Retriever, questions: list[dict[str, Any]], k: int = K) -> dict[str, Any]:
    """Recall@k and MRR overall and per question kind, and the questions missed."""
    ranks = {str(q["id"]): rank_of(retriever, q, k) for q in questions}

    def summary(rs: list[int | None]) -> dict[str, Any]:
        return {
            "n": len(rs),
            "found": sum(r is not None for r in rs),
            f"recall_at_{k}": round(sum(r is not None for r in rs) / len(rs), 3),
            "mrr": round(sum(1 / r for r in rs if r) / len(rs), 3),
        }

    by_kind: dict[str, list[int | None]] = defaultdict(list)
    for q in questions:
        by_kind[str(q["kind"])].append(ranks[str(q["id"])])
    return {
        **summary(list(ranks.values())),
        "by_kind": {kind: summary(rs) for kind, rs in sorted(by_kind.items())},
        "misses": [f"{q['id']} ({q['kind']}): {q['question']}" for q in questions if ranks[str(q["id"])] is None],
    }


def ann_agreement(kb: KnowledgeBase, queries: list[str], k: int = K) -> dict[str, Any]:
    """The share of the exact cosine top ``k`` (a brute force over the stored vectors) that the KB's own search
    returns, and how often the two top-1s agree. Chroma's HNSW search is approximate; this says how much."""
    ids: list[str] = []
    rows: list[Any] = []
    for page_ids, embeddings in kb.iter_vectors():
        ids.extend(page_ids)
        rows.extend(embeddings)
    stored = np.asarray(rows, dtype=np.float32)
    stored /= np.clip(np.linalg.norm(stored, axis=1, keepdims=True), 1e-12, None)
    vectors = np.asarray(kb.embedder.embed_query(queries), dtype=np.float32)
    found = top1 = 0
    for vector in vectors:
        exact = [ids[i] for i in np.argsort(-(stored @ vector), kind="stable")[:k]]
        approx = [p.id for p in kb.nearest(vector, k=k)]
        found += len(set(exact) & set(approx))
        top1 += bool(approx) and approx[0] == exact[0]
    n = len(queries)
    return {
        "queries": n,
        f"recall_at_{k}": round(found / (k * n), 3) if n else None,
        "top1": round(top1 / n, 3) if n else None,
    }


def bench_retrieval_recall(settings: Settings | None = None) -> dict[str, Any]:
    """Hybrid and dense-only recall on the built default KB (``audit kb build``); skipped when none is built."""
    settings = settings or load_settings()
    try:
        kb = KnowledgeBase(settings)
    except KnowledgeBaseError as exc:
        return {"skipped": f"no default KB built ({exc}); run `audit kb build`"}
    questions = load_questions()
    hybrid = measure(Retriever(kb, default_index()), questions)
    dense = measure(Retriever(kb, None), questions)
    ann = ann_agreement(kb, [str(q["question"]) for q in questions])
    return {"passages": kb.count(), "questions": len(questions), "hybrid": hybrid, "dense_only": dense, "ann": ann}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = bench_retrieval_recall()
    if args.json or "skipped" in result:
        print(json.dumps(result, indent=2))
        return 0 if "skipped" not in result else 1
    print(f"retrieval over {result['passages']} passages, {result['questions']} questions (k={K})")
    for name in ("hybrid", "dense_only"):
        r = result[name]
        print(f"  {name:<10} recall@{K}={r[f'recall_at_{K}']:.3f}  MRR={r['mrr']:.3f}")
        for kind, s in r["by_kind"].items():
            print(f"    {kind:<11} {s['found']}/{s['n']}  MRR={s['mrr']:.3f}")
    ann = result["ann"]
    print(f"  approximate search vs exact: recall@{K}={ann[f'recall_at_{K}']:.3f}  top-1 agreement={ann['top1']:.3f}")
    print("hybrid misses:")
    for miss in result["hybrid"]["misses"]:
        print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
