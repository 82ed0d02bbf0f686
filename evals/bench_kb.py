"""Benchmarks of the knowledge base's passages in Chroma (``make bench`` calls these).

- :func:`bench_kb_build`: the build pipeline (``KnowledgeBase.build``: hashing, embedding, Chroma writes) against
  the raw embedding throughput of the same model on the same texts; the ratio is the pipeline's overhead. From
  the measured tokens/s it also projects the default profile's build time on this machine.
- :func:`bench_kb_query`: query latency (p50/p95) of dense and hybrid retrieval at the default KB size and at 10x
  that size, and the on-disk size of each. The collection is grown synthetically: real passages and vectors, then
  perturbed copies of them (unit vectors near the real ones, so the HNSW graph looks like a real one).
"""

from __future__ import annotations

import hashlib
import json
import statistics
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from agent.kb.embeddings import MiniLMInt8Embedding
from agent.kb.facts import default_index
from agent.kb.passages import Passage, build_passages
from agent.kb.store import KnowledgeBase
from agent.retrieval import Retriever
from agent.settings import Settings

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "retrieval_questions.jsonl"
SAMPLE = 600
QUERIES = 60
GROWTH = 10
_INSERT_BATCH = 2000


@lru_cache(maxsize=1)
def _default_passages() -> tuple[Passage, ...]:
    return tuple(build_passages(default_index(), "default"))


def _sample(n: int) -> list[Passage]:
    """``n`` passages spread over the default profile (a fixed pseudo-random pick, every type represented)."""
    ranked = sorted(_default_passages(), key=lambda p: hashlib.sha1(p.id.encode()).hexdigest())
    return ranked[:n]


def _tokens(embedder: MiniLMInt8Embedding, texts: list[str]) -> int:
    embedder.load()
    return sum(sum(e.attention_mask) for e in embedder._tokenizer.encode_batch(texts))


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_kb_build(sample: int = SAMPLE) -> dict[str, Any]:
    """Raw embedding vs the build pipeline on the same ``sample`` passages; projection for the default profile."""
    settings = Settings()
    passages = _sample(sample)
    texts = [p.text for p in passages]
    embedder = MiniLMInt8Embedding(threads=settings.embedding_threads)
    embedder.load()
    embedder.embed(texts[:16])  # warm-up
    raw_s, raw_cpu = [], []
    for _ in range(2):  # before and after the pipeline run, to even out a busy machine
        t0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, len(texts), 256):  # the batches the pipeline uses
            embedder.embed(texts[start : start + 256])
        raw_s.append(time.perf_counter() - t0)
        raw_cpu.append(time.process_time() - c0)
        if len(raw_s) == 1:
            with tempfile.TemporaryDirectory() as tmp:
                kb = KnowledgeBase(Settings(data_dir=Path(tmp)), create=True)
                cpu0 = time.process_time()
                report = kb.build(passages, profile="default", progress=False)
                build_cpu_s = time.process_time() - cpu0
                noop = kb.build(passages, profile="default", progress=False)
    raw = statistics.mean(raw_s)
    # CPU time of one thread is far less sensitive to a busy machine than wall time: two idle cores embed at
    # most twice this rate (the 2-thread speed-up of onnxruntime is below 2).
    single = MiniLMInt8Embedding(threads=1)
    single.load()
    cpu0 = time.process_time()
    single.embed(texts)
    single_cpu_s = time.process_time() - cpu0
    sample_tokens = _tokens(embedder, texts)
    all_tokens = _tokens(embedder, [p.text for p in _default_passages()])
    pipeline_tok_s = sample_tokens / report.seconds
    return {
        "threads": settings.embedding_threads,
        "sample_passages": len(passages),
        "sample_tokens_per_passage": round(sample_tokens / len(passages), 1),
        "raw_passages_per_s": round(len(passages) / raw, 1),
        "pipeline_passages_per_s": round(len(passages) / report.seconds, 1),
        "pipeline_over_raw": round(raw / report.seconds, 3),
        # The same ratio in CPU time (embedding + hashing + Chroma's own threads): steadier on a busy machine.
        "pipeline_over_raw_cpu": round(statistics.mean(raw_cpu) / build_cpu_s, 3),
        "pipeline_tokens_per_s": round(pipeline_tok_s),
        "pipeline_cpu_s_per_passage": round(build_cpu_s / len(passages), 4),
        "one_thread_passages_per_cpu_s": round(len(passages) / single_cpu_s, 1),
        "one_thread_tokens_per_cpu_s": round(sample_tokens / single_cpu_s),
        "default_build_idle_2core_lower_bound_s": round(all_tokens / (2 * sample_tokens / single_cpu_s)),
        "noop_rebuild_s": noop.seconds,
        "default_profile_passages": len(_default_passages()),
        "default_profile_tokens": all_tokens,
        "default_build_projected_s": round(all_tokens / pipeline_tok_s),
    }


def _grow(kb: KnowledgeBase, seed: list[Any], target: int, rng: np.random.Generator) -> None:
    """Add perturbed copies of the seed passages until the collection holds ``target`` vectors."""
    ids, vectors, docs, metas = seed
    have = kb.count()
    while have < target:
        n = min(_INSERT_BATCH, target - have)
        pick = rng.integers(0, len(ids), size=n)
        noisy = vectors[pick] + rng.normal(0.0, 0.04, size=(n, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        kb.collection.add(
            ids=[f"synthetic:{have + i}" for i in range(n)],
            embeddings=noisy,
            documents=[docs[j] for j in pick],
            metadatas=[{**metas[j], "entity_ids": [f"synthetic:{have + i}"]} for i, j in enumerate(pick)],
        )
        have += n


def _latency(fn: Any, queries: list[str]) -> dict[str, float]:
    fn(queries[0])  # warm-up
    samples = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1)}


def bench_kb_query(sample: int = SAMPLE, growth: int = GROWTH, queries: int = QUERIES) -> dict[str, Any]:
    """Dense and hybrid query latency at the default KB size and at ``growth`` times it; size on disk."""
    facts = default_index()
    default_size = len(_default_passages())
    passages = _sample(sample)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    questions = questions[:: max(1, len(questions) // queries)][:queries]
    rng = np.random.default_rng(7)
    out: dict[str, Any] = {"default_size": default_size, "queries": len(questions)}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        kb = KnowledgeBase(settings, create=True)
        kb.build(passages, profile="default", progress=False)
        got = kb.collection.get(include=["embeddings", "documents", "metadatas"])
        seed = [got["ids"], np.asarray(got["embeddings"], dtype=np.float32), got["documents"], got["metadatas"]]
        for label, size in (("1x", default_size), (f"{growth}x", growth * default_size)):
            t0 = time.perf_counter()
            _grow(kb, seed, size, rng)
            grow_s = time.perf_counter() - t0
            kb = KnowledgeBase(settings)  # reopen, as a new process would
            dense = Retriever(kb, None)
            hybrid = Retriever(kb, facts)
            out[label] = {
                "passages": kb.count(),
                "dense": _latency(lambda q, r=dense: r.hits(q, k=5), questions),
                "hybrid": _latency(lambda q, r=hybrid: r.hits(q, k=5), questions),
                "disk_mb": round(_dir_bytes(settings.kb_dir) / 1e6, 1),
                "insert_s": round(grow_s, 1),
            }
    return out
