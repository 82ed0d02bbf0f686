"""Retrieval over a real Chroma collection with the real model: the 100+ question set, filters, evidence."""

from __future__ import annotations

import pytest

from agent.errors import KnowledgeBaseError
from agent.models import Evidence
from agent.retrieval import Retriever, open_retriever
from evals.retrieval_recall import K, ann_agreement, load_questions, measure
from tests.fixtures_kb import KBFixture


def test_question_set_is_large_and_covers_every_kind() -> None:
    questions = load_questions()
    assert len(questions) >= 100
    assert {q["kind"] for q in questions} == {"film", "award", "episode", "continuity", "alias"}
    assert len({q["id"] for q in questions}) == len(questions)


def test_recall_at_5_and_mrr(kb_fixture: KBFixture, capsys: pytest.CaptureFixture[str]) -> None:
    result = measure(kb_fixture.retriever, load_questions())
    with capsys.disabled():
        print(
            f"\nretrieval over {kb_fixture.kb.count()} passages, {result['n']} questions: "
            f"recall@{K}={result[f'recall_at_{K}']:.3f} MRR={result['mrr']:.3f}"
        )
        for kind, s in result["by_kind"].items():
            print(f"  {kind:<11} {s['found']}/{s['n']}  MRR={s['mrr']:.3f}")
    assert result[f"recall_at_{K}"] >= 0.95, "missed:\n" + "\n".join(result["misses"])


def test_approximate_search_is_measured_against_an_exact_one(kb_fixture: KBFixture) -> None:
    """A passage's own text is its own exact nearest neighbour; the HNSW search is scored against that."""
    passages = kb_fixture.passages[:20]
    result = ann_agreement(kb_fixture.kb, [p.text for p in passages])
    assert result["queries"] == 20
    assert 0.0 <= result[f"recall_at_{K}"] <= 1.0 and 0.0 <= result["top1"] <= 1.0
    assert result["top1"] >= 0.9  # on 741 passages the approximate search finds (nearly) every passage itself


def test_exact_half_finds_aliases_and_episode_numbers(kb_fixture: KBFixture) -> None:
    retriever = kb_fixture.retriever
    assert "film:The_Avengers_(2012_film)" in retriever.mentions("Who is in the cast of Avengers Assemble?")
    assert "episode:game-of-thrones:s03e09" in retriever.mentions("director of S3E9 of Game of Thrones")
    assert "franchise:mcu" in retriever.mentions("MCU release order")
    assert "emmy:666" in retriever.mentions("Which series won Outstanding Drama Series at the 2019 Emmys?")
    assert "film:GoldenEye" in retriever.mentions("Goldeneye 1995 cast")
    # A common word is not a title unless it is quoted; a lone capitalised word needs its film's year.
    assert not any(e.startswith("film:") for e in retriever.mentions("it was a good day"))
    assert not any(
        e.startswith("film:") for e in retriever.mentions("Which film won the Oscar for Visual Effects for 2014?")
    )
    top = retriever.hits("director of S3E9 of Game of Thrones", k=1)[0]
    assert top.passage_id == "episode:game-of-thrones:s03e09#0" and top.via in ("exact", "both")


def test_people_narrow_a_question_that_names_no_title(kb_fixture: KBFixture) -> None:
    retriever = kb_fixture.retriever
    # Director and two cast members, with a year: one film.
    found = retriever.mentions("Peter Farrelly's 2018 film starring Viggo Mortensen and Mahershala Ali")
    assert found == ["film:Green_Book_(film)"]
    # A question about an award asks for the person's nominations (a win counts more), not their films.
    assert retriever.mentions("Hildur Guðnadóttir's Oscar-winning original score was for which film?") == [
        "oscar:11259"
    ]
    # A prolific actor with no year leaves too many candidates: nothing, rather than a guess.
    assert retriever.mentions("a film starring Tom Hanks") == []
    # A named title wins: people are a fallback for questions that name none.
    assert retriever.mentions("Inception, the 2010 film starring Leonardo DiCaprio") == ["film:Inception"]
    top = retriever.hits("Peter Farrelly's 2018 film starring Viggo Mortensen and Mahershala Ali", k=1)[0]
    assert "film:Green_Book_(film)" in top.entity_ids


def test_franchise_filter_accepts_aliases_and_applies(kb_fixture: KBFixture) -> None:
    hits = kb_fixture.retriever.hits("who played Bruce Banner", k=5, franchise="MCU")
    assert hits and all(h.franchise == "Marvel Cinematic Universe" for h in hits)
    with pytest.raises(KnowledgeBaseError, match="unknown franchise"):
        kb_fixture.retriever.hits("anything", franchise="Not A Franchise")


def test_type_and_year_filters(kb_fixture: KBFixture) -> None:
    hits = kb_fixture.retriever.hits("Best Picture winner", k=5, types=["oscar"], year=1994)
    assert hits and all(h.type == "oscar" and h.year == 1994 for h in hits)


def test_search_returns_typed_evidence(kb_fixture: KBFixture) -> None:
    evidence = kb_fixture.retriever.search("Who directed Inception?", k=3)
    assert len(evidence) == 3 and all(isinstance(e, Evidence) for e in evidence)
    inception = [e for e in evidence if e.passage_id.startswith("film:Inception#")]
    assert inception and inception[0].source == "https://en.wikipedia.org/wiki/Inception"
    assert "Christopher Nolan" in inception[0].quote


def test_entity_without_a_passage_is_quoted_from_its_record(kb_fixture: KBFixture) -> None:
    stored = {eid for p in kb_fixture.passages for eid in p.entity_ids}
    absent = next(
        f for f in kb_fixture.facts.films.values() if f.year == 1959 and f.id not in stored and len(f.title) > 12
    )
    hits = kb_fixture.retriever.hits(f'"{absent.title}" ({absent.year})', k=5)
    record = [h for h in hits if h.passage_id == absent.id]
    assert record and record[0].via == "exact" and record[0].text.startswith(absent.title)


def test_dense_only_retriever_still_answers(kb_fixture: KBFixture) -> None:
    dense = Retriever(kb_fixture.kb, None)
    assert dense.mentions("Avengers Assemble") == []
    assert dense.hits("Steven Spielberg dinosaur film 1993", k=3)[0].entity_ids == ["film:Jurassic_Park_(film)"]


def test_open_retriever_cites_the_kb_version(kb_fixture: KBFixture) -> None:
    retriever, version = open_retriever(kb_fixture.settings, kb_fixture.facts)
    assert version.startswith("all-MiniLM-L6-v2-onnx-int8/default/")
    assert version.endswith(f"/{kb_fixture.kb.count()}")
    assert retriever.search("Game of Thrones finale", k=1)
