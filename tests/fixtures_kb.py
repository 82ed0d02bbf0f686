"""A small real knowledge base for tests: real passages, the real embedding model, a real Chroma collection.

Built once per test session in a temp dir from the committed sources: every passage about an entity the retrieval
questions expect, every franchise-note passage and every Game of Thrones episode (confusable neighbours), plus a
fixed pseudo-random sample of the rest of the default profile as distractors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from agent.kb.facts import FactIndex, default_index
from agent.kb.passages import Passage, build_passages
from agent.kb.store import KnowledgeBase
from agent.retrieval import Retriever
from agent.settings import Settings
from evals.retrieval_recall import load_questions

DISTRACTORS = 250


@dataclass(frozen=True)
class KBFixture:
    """The fixture KB and what it was built from."""

    settings: Settings
    kb: KnowledgeBase
    facts: FactIndex
    passages: list[Passage]
    retriever: Retriever


def fixture_passages(
    facts: FactIndex, questions: list[dict[str, object]], distractors: int = DISTRACTORS
) -> list[Passage]:
    """The fixture's subset of the default profile (deterministic)."""
    expected = {str(e) for q in questions for e in q["expected"]}  # type: ignore[attr-defined]
    chosen: list[Passage] = []
    rest: list[Passage] = []
    for p in build_passages(facts, "default"):
        # Award passages list every nominated film: only those with an expected award row are core.
        about = expected.intersection(p.entity_ids if p.type not in ("oscar", "emmy") else p.entity_ids[: _rows(p)])
        core = about or p.type == "franchise_note" or p.id.startswith("episode:game-of-thrones:")
        (chosen if core else rest).append(p)
    rest.sort(key=lambda p: hashlib.sha1(p.id.encode()).hexdigest())
    return chosen + rest[:distractors]


def _rows(p: Passage) -> int:
    return sum(1 for e in p.entity_ids if e.startswith(("oscar:", "emmy:")))


@pytest.fixture(scope="session")
def kb_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBFixture]:
    """The session's small real KB (embedded once, ~600 passages)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb_fixture"))
    facts = default_index()
    passages = fixture_passages(facts, load_questions())
    kb = KnowledgeBase(settings, create=True)
    kb.build(passages, profile="default", progress=False)
    yield KBFixture(settings=settings, kb=kb, facts=facts, passages=passages, retriever=Retriever(kb, facts))
