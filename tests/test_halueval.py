"""evals.halueval: HaluEval QA and general as labelled evaluations, the knowledge passages as evidence, and the
harness's hallucination-detection scoring on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.errors import InputError
from agent.models import AuditReport, Claim, Evidence, Flag, Provenance
from agent.settings import Settings
from evals.halueval import BENCH_DIR, KnowledgeIndex, is_entertainment, load_general, load_qa
from evals.harness import detects_hallucination, run_eval

needs_data = pytest.mark.skipif(not BENCH_DIR.is_dir(), reason="public data folder ../shared/data not present")


@needs_data
def test_qa_gives_a_right_and_a_hallucinated_evaluation_per_item() -> None:
    items = load_qa()
    assert len(items) == 1000
    assert len({i.case.evaluation.evaluation_id for i in items}) == 1000
    right, wrong = items[0], items[1]
    assert (right.hallucinated, wrong.hallucinated) == (False, True)
    assert right.case.evaluation.task.prompt == wrong.case.evaluation.task.prompt
    assert wrong.case.evaluation.response.text == "First for Women was started first."
    assert [f.type for f in wrong.case.gold.expected_flags] == ["missed_error"]
    assert right.case.gold.expected_verdict == "pass" and right.case.gold.expected_flags == []
    # the contributor said the answer is fine in both
    assert wrong.case.evaluation.issues == [] and set(wrong.case.evaluation.ratings.values()) == {5}
    ent = sum(i.entertainment for i in items) // 2
    assert 100 <= ent <= 260, ent  # the README estimates about 150 film/TV/music items


@needs_data
def test_general_keeps_the_human_labels() -> None:
    items = load_general()
    assert 4400 <= len(items) <= 4507
    assert 780 <= sum(i.hallucinated for i in items) <= 815
    flagged = next(i for i in items if i.hallucinated and i.case.gold.claims)
    text = flagged.case.evaluation.response.text
    assert all(c.quote in text and c.status == "contradicted" for c in flagged.case.gold.claims)
    assert 60 <= sum(i.entertainment for i in items) <= 200


def test_entertainment_filter_is_whole_words() -> None:
    assert is_entertainment("Which film did Jodie Foster star in?")
    assert is_entertainment("Who voiced Milhouse in the TV series?")
    assert not is_entertainment("Which magazine was started first?")
    assert not is_entertainment("A filmy layer of oil")  # 'film' inside a word does not count


def test_bad_benchmark_lines_fail_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    good = {"knowledge": "k", "question": "q?", "right_answer": "a", "hallucinated_answer": "b"}
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"qa\.jsonl:2: not valid JSON"):
        load_qa(path)
    path.write_text(json.dumps({"question": "q?"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"qa\.jsonl:1: field 'knowledge' missing"):
        load_qa(path)
    with pytest.raises(InputError, match="not found"):
        load_qa(tmp_path / "missing.jsonl")


def test_knowledge_index_serves_the_items_passage() -> None:
    index = KnowledgeIndex(
        {"p1": "Arthur's Magazine (1844-1846) was a periodical.", "p2": "The Oberoi Group has its office in Delhi."},
        {"First for Women was started first.": ["p1"], "Mumbai, the financial capital of India.": ["p2"]},
    )
    assert [e.passage_id for e in index.search("Mumbai, the financial capital of India.")] == ["p2"]
    assert [e.passage_id for e in index.search("First for Women was started first")] == ["p1"]
    assert [e.passage_id for e in index.search("the Oberoi office")][:1] == ["p2"]  # TF-IDF fallback
    assert index.search("zebra quantum xylophone") == []


def _report(flags: list[Flag], claims: list[Claim]) -> AuditReport:
    return AuditReport(
        evaluation_id="x",
        contributor_id="c",
        project="entertainment_qa",
        verdict="needs_review" if flags else "pass",
        priority=0,
        flags=flags,
        claims=claims,
        provenance=Provenance(agent_version="0", model=None, guidelines_version="1", input_hash="h"),
    )


def test_detection_is_a_missed_error_or_a_contradicted_claim() -> None:
    ev = Evidence(passage_id="p", source="s", quote="q")
    assert detects_hallucination(_report([Flag(type="missed_error", severity="high", message="m")], []))
    assert detects_hallucination(_report([], [Claim(text="t", status="contradicted", evidence=[ev])]))
    assert not detects_hallucination(_report([Flag(type="weak_comment", severity="low", message="m")], []))
    assert not detects_hallucination(_report([], [Claim(text="t", status="contradicted", evidence=[ev], response="b")]))


@needs_data
def test_harness_scores_a_halueval_slice_with_the_exact_checks(tmp_path: Path) -> None:
    run = run_eval(Settings(data_dir=tmp_path), "halueval-qa", ["exact"], limit=6, progress=False)
    (result,) = run.results
    assert result.not_run is None and result.summary["failed"] == 0
    detection = result.detection["all"]
    assert detection["n"] == 6 and detection["positives"] == 3
    assert run.model.startswith("no model")
