"""The sample batch (evals/datasets/sample_batch.jsonl) and its expected-outcome sidecar stay valid and consistent."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from agent.guidelines import (
    CapWhenIssue,
    CommentRequiredBelow,
    CommentSpecific,
    Guidelines,
    IssueRequiresLowerScore,
    OverallConsistent,
    Rule,
    load_guidelines,
)
from agent.models import FLAG_TYPES, ContributorIssue, Evaluation
from agent.validate import validate_file

DATASETS = Path(__file__).resolve().parent.parent / "evals" / "datasets"
BATCH = DATASETS / "sample_batch.jsonl"
EXPECTED = DATASETS / "sample_batch.expected.jsonl"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SIDECAR_KEYS = {"evaluation_id", "category", "expected_verdict", "expected_flags", "planted_errors", "notes"}

# Minimum number of evaluations whose expected flags include each type (the batch's design targets).
MIN_FLAGGED = {
    "missed_error": 7,
    "false_flag": 5,
    "constraint_missed": 4,
    "incomplete_missed": 3,
    "weak_comment": 4,
}


def _evaluations() -> list[Evaluation]:
    return [Evaluation.model_validate_json(line) for line in BATCH.read_text(encoding="utf-8").splitlines()]


def _expected() -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in EXPECTED.read_text(encoding="utf-8").splitlines()]
    by_id = {r["evaluation_id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate evaluation_id in the sidecar"
    return by_id


def _rule_breaks(ev: Evaluation, g: Guidelines) -> set[str]:
    """Ids of the guideline rules that the contributor's own ratings, issues and comment break."""
    broken: set[str] = set()
    sides = [("a", ev.ratings)] + ([("b", ev.ratings_b)] if ev.ratings_b else [])
    for side, ratings in sides:
        issues = [i for i in ev.issues if i.response == side]
        broken |= {rule.id for rule in g.rules if _breaks(rule, ratings, issues, len(ev.comment.split()))}
    return broken


def _breaks(rule: Rule, ratings: dict[str, int], issues: list[ContributorIssue], words: int) -> bool:
    if isinstance(rule, CapWhenIssue):
        hit = [i for i in issues if i.type in rule.issue_types and rule.severity in (None, i.severity)]
        return bool(hit) and ratings[rule.dimension] > rule.max_score
    if isinstance(rule, IssueRequiresLowerScore):
        return any(i.type in rule.issue_types for i in issues) and ratings[rule.dimension] > rule.max_score
    if isinstance(rule, CommentRequiredBelow):
        dims = rule.dimensions or list(ratings)
        return any(ratings[d] <= rule.threshold for d in dims) and words < rule.min_words
    if isinstance(rule, CommentSpecific):
        return words < rule.min_words
    if isinstance(rule, OverallConsistent):
        others = [v for d, v in ratings.items() if d != rule.dimension]
        return all(abs(ratings[rule.dimension] - v) > rule.max_gap for v in others)
    raise AssertionError(f"unknown rule kind {rule!r}")


def test_every_line_is_valid_through_the_loader() -> None:
    result = validate_file(BATCH)
    assert result.rejects == []
    assert result.counts.read == result.counts.valid >= 36


def test_ratings_fit_each_projects_guidelines() -> None:
    projects: Counter[str] = Counter()
    for ev in _evaluations():
        g = load_guidelines(ev.project)
        projects[ev.project] += 1
        assert g.side_by_side == (ev.response_b is not None), ev.evaluation_id
        for ratings in [ev.ratings] + ([ev.ratings_b] if ev.ratings_b else []):
            assert set(ratings) == set(g.dimensions), ev.evaluation_id
            assert all(g.scale.min <= v <= g.scale.max for v in ratings.values()), ev.evaluation_id
    assert projects["entertainment_sxs"] >= 4
    assert projects["entertainment_qa"] >= 30


def test_batch_looks_like_real_work() -> None:
    evs = _evaluations()
    assert len({e.contributor_id for e in evs}) >= 8
    assert len({e.response.model for e in evs}) >= 4
    assert len({e.submitted_at for e in evs}) == len(evs)
    for ev in evs:
        sentences = ev.response.text.count(". ") + 1
        assert 1 <= sentences <= 8, ev.evaluation_id


def test_sidecar_matches_batch_one_to_one() -> None:
    expected = _expected()
    assert [e.evaluation_id for e in _evaluations()] == list(expected)
    for eid, row in expected.items():
        assert set(row) == SIDECAR_KEYS, eid
        assert row["expected_verdict"] in ("pass", "needs_review"), eid
        assert (row["expected_verdict"] == "pass") == (row["expected_flags"] == []), eid
        assert row["notes"], eid
        for flag in row["expected_flags"]:
            assert set(flag) == {"type", "dimension", "about"}, eid
            assert flag["type"] in FLAG_TYPES, eid
            assert flag["about"], eid


def test_planted_quotes_occur_in_the_response_and_name_a_source() -> None:
    evs = {e.evaluation_id: e for e in _evaluations()}
    for eid, row in _expected().items():
        ev = evs[eid]
        texts = [ev.response.text] + ([ev.response_b.text] if ev.response_b else [])
        for planted in row["planted_errors"]:
            assert set(planted) == {"quote", "correct", "source"}, eid
            assert any(planted["quote"] in t for t in texts), (eid, planted["quote"])
            assert planted["correct"] and planted["source"], eid
            assert planted["source"].split("/")[0].split(":")[0] in {
                "wikipedia_movies",
                "oscars",
                "tv_episodes",
                "emmys",
            }, eid


def test_missed_errors_are_planted_and_unflagged() -> None:
    evs = {e.evaluation_id: e for e in _evaluations()}
    for eid, row in _expected().items():
        if not any(f["type"] == "missed_error" for f in row["expected_flags"]):
            continue
        ev = evs[eid]
        assert row["planted_errors"], eid
        for planted in row["planted_errors"]:
            flagged = [i.quote for i in ev.issues if i.quote in planted["quote"] or planted["quote"] in i.quote]
            assert flagged == [], f"{eid}: the contributor did flag {planted['quote']!r}"


def test_false_flags_quote_a_contributor_issue() -> None:
    evs = {e.evaluation_id: e for e in _evaluations()}
    for eid, row in _expected().items():
        if any(f["type"] == "false_flag" for f in row["expected_flags"]):
            assert any(i.type in ("factual_error", "hallucination") for i in evs[eid].issues), eid


def test_clean_cases_break_no_rule_and_rule_cases_do() -> None:
    evs = {e.evaluation_id: e for e in _evaluations()}
    for eid, row in _expected().items():
        ev = evs[eid]
        broken = _rule_breaks(ev, load_guidelines(ev.project))
        rule_flags = [f for f in row["expected_flags"] if f["type"] == "rule_violation"]
        if row["expected_verdict"] == "pass":
            assert broken == set(), f"{eid}: a clean case breaks {broken}"
        # Rules are deterministic: every broken rule is expected as a rule_violation naming it, and vice versa.
        named = {rule_id for rule_id in broken for f in rule_flags if rule_id in f["about"]}
        assert named == broken, f"{eid}: breaks {sorted(broken)} but the sidecar names {sorted(named)}"
        assert bool(rule_flags) == bool(broken), f"{eid}: rule_violation expected without a broken rule"


def test_category_counts_meet_the_design() -> None:
    rows = list(_expected().values())
    flagged = Counter(t for r in rows for t in {f["type"] for f in r["expected_flags"]})
    for flag_type, minimum in MIN_FLAGGED.items():
        assert flagged[flag_type] >= minimum, (flag_type, flagged[flag_type])
    assert flagged["rule_violation"] + flagged["rating_misaligned"] >= 4
    assert sum(r["expected_verdict"] == "pass" for r in rows) >= 8
    sxs = [r for r in rows if r["evaluation_id"].startswith("es-")]
    assert len(sxs) >= 4
    assert any(
        f["type"] == "rating_misaligned" and f["dimension"] == "overall" for r in sxs for f in r["expected_flags"]
    ), "one side-by-side case must prefer the response with more errors"


def _fact_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_sample_facts", DATASETS / "check_sample_facts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SHARED_DATA / "kb_sources").is_dir(), reason="public data folder ../shared/data not present")
def test_planted_errors_and_film_years_check_out_against_the_data(capsys: pytest.CaptureFixture[str]) -> None:
    checker = _fact_checker()
    assert checker.main(["--data", str(SHARED_DATA)]) == 0, capsys.readouterr().out
    kb = checker.KB.load(SHARED_DATA)
    # The checker can fail: a source that misstates the data is caught.
    wrong = "wikipedia_movies/movies-2000s.json: The Lord of the Rings: The Two Towers, year 2003"
    assert checker.check_part(kb, wrong, "x")[0] is False
    wrong_oscar = "oscars/oscars.tsv: 1997 ACTRESS IN A LEADING ROLE Titanic Kate Winslet, Winner True"
    assert checker.check_part(kb, wrong_oscar, "x")[0] is False


def test_the_eval_loader_applies_the_gold_labelling_rules_to_the_sample() -> None:
    from evals.harness import load_sample

    cases = {c.evaluation.evaluation_id: c.gold for c in load_sample()}
    assert len(cases) == len(_expected())
    for eid, gold in cases.items():
        row = _expected()[eid]
        types = {f.type for f in gold.expected_flags}
        # Rule 3: an expected weak_comment means the comment names nothing, which breaks comment_specific.
        if any(f["type"] == "weak_comment" for f in row["expected_flags"]):
            assert "rule_violation" in types, eid
        # Rule 4: a rating gap an expected flag explains is acceptable, never expected on top.
        if "missed_error" in types:
            acceptable = {(f.type, f.dimension) for f in gold.acceptable_flags}
            assert ("rating_misaligned", "factual_accuracy") in acceptable, eid
            assert not any(
                f.type == "rating_misaligned" and f.dimension == "factual_accuracy" for f in gold.expected_flags
            ), eid
        assert gold.expected_verdict == ("needs_review" if gold.expected_flags else "pass"), eid
