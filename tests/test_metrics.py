"""evals.metrics: hand-computed values for every metric (pure functions, no model)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.models import (
    AgentRating,
    AuditReport,
    Claim,
    Evaluation,
    Evidence,
    Flag,
    ModelResponse,
    Provenance,
    Task,
)
from evals.gold_schema import GoldCase, GoldClaim, GoldFlag, GoldLabel, split_of
from evals.harness import AblationResult
from evals.metrics import (
    binary_scores,
    claim_scores,
    cost_per_evaluation,
    flag_scores,
    match_claim,
    quadratic_weighted_kappa,
    rating_agreement,
    summarize,
    verdict_scores,
)
from evals.results_table import _details, ablation_table

TEXT = "Heat was released in 1995. It was directed by Michael Mann. It stars Al Pacino and Robert De Niro."
EV = Evidence(passage_id="film:Heat", source="films", quote="Heat (1995)")


def _case(
    eid: str,
    expected: list[tuple[str, str | None]],
    acceptable: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
    ratings: dict[str, int] | None = None,
    claims: list[GoldClaim] | None = None,
) -> GoldCase:
    evaluation = Evaluation(
        evaluation_id=eid,
        contributor_id="c-1",
        project="entertainment_qa",
        submitted_at=datetime(2024, 1, 1, tzinfo=UTC),
        task=Task(prompt="Who directed Heat?"),
        response=ModelResponse(text=TEXT, model="m"),
        ratings={"factual_accuracy": 5},
        comment="ok",
    )
    label = GoldLabel(
        expected_verdict="needs_review" if expected else "pass",
        expected_flags=[GoldFlag(type=t, dimension=d, about="x") for t, d in expected],  # type: ignore[arg-type]
        acceptable_flags=[GoldFlag(type=t, dimension=d, about="x") for t, d in acceptable],  # type: ignore[arg-type]
        gold_ratings=ratings or {"factual_accuracy": 5},
        planted_errors=[],
        claims=claims or [],
        split=split_of(eid),
        category="t",
        source="generated",
    )
    return GoldCase(evaluation=evaluation, gold=label)


def _report(
    eid: str,
    flags: list[tuple[str, str | None]],
    ratings: dict[str, int] | None = None,
    claims: list[Claim] | None = None,
    calls: int = 0,
    tokens: tuple[int, int] = (0, 0),
    seconds: float = 0.0,
    cache_hits: int = 0,
) -> AuditReport:
    return AuditReport(
        evaluation_id=eid,
        contributor_id="c-1",
        project="entertainment_qa",
        verdict="needs_review" if flags else "pass",
        priority=0,
        flags=[Flag(type=t, dimension=d, severity="medium", message="m") for t, d in flags],  # type: ignore[arg-type]
        agent_ratings=[AgentRating(dimension=d, score=s, rationale="") for d, s in (ratings or {}).items()],
        claims=claims or [],
        provenance=Provenance(
            agent_version="0",
            model=None,
            guidelines_version="1",
            input_hash="h",
            llm_calls=calls,
            cache_hits=cache_hits,
            prompt_tokens=tokens[0],
            completion_tokens=tokens[1],
            seconds=seconds,
        ),
    )


def test_flag_scores_count_expected_acceptable_and_false_positives() -> None:
    pairs = [
        # found the missed error; the rating gap it explains is acceptable, not a false positive
        (
            _case("e1", [("missed_error", "factual_accuracy")], [("rating_misaligned", "factual_accuracy")]),
            _report("e1", [("missed_error", "factual_accuracy"), ("rating_misaligned", "factual_accuracy")]),
        ),
        # missed the missed error, raised a weak_comment nobody expected, and a rating gap on the wrong dimension
        (
            _case("e2", [("missed_error", "factual_accuracy")], [("rating_misaligned", "factual_accuracy")]),
            _report("e2", [("weak_comment", None), ("rating_misaligned", "overall")]),
        ),
        # clean and left clean
        (_case("e3", []), _report("e3", [])),
    ]
    scores = flag_scores(pairs)
    assert (scores["missed_error"].tp, scores["missed_error"].fn, scores["missed_error"].fp) == (1, 1, 0)
    assert scores["missed_error"].recall == 0.5 and scores["missed_error"].precision == 1.0
    assert scores["missed_error"].f1 == pytest.approx(2 / 3)
    assert (scores["weak_comment"].fp, scores["weak_comment"].precision) == (1, 0.0)
    assert scores["weak_comment"].recall is None  # nothing expected: undefined, not 0 or 1
    assert scores["rating_misaligned"].fp == 1  # overall is not the acceptable dimension
    assert scores["false_flag"].f1 is None


def test_two_missed_errors_in_one_evaluation_are_one_unit() -> None:
    case = _case("e1", [("missed_error", "factual_accuracy"), ("missed_error", "factual_accuracy")])
    scores = flag_scores([(case, _report("e1", [("missed_error", "factual_accuracy")]))])
    assert (scores["missed_error"].tp, scores["missed_error"].fn) == (1, 0)


def test_verdict_accuracy_and_confusion_matrix() -> None:
    pairs = [
        (_case("a", [("weak_comment", None)]), _report("a", [("weak_comment", None)])),
        (_case("b", [("weak_comment", None)]), _report("b", [])),
        (_case("c", []), _report("c", [("false_flag", None)])),
        (_case("d", []), _report("d", [])),
    ]
    scores = verdict_scores(pairs)
    assert scores.accuracy == 0.5
    assert scores.matrix == {"pass": {"pass": 1, "needs_review": 1}, "needs_review": {"pass": 1, "needs_review": 1}}


def test_quadratic_weighted_kappa_known_values() -> None:
    assert quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    # worked by hand: observed weight 0.5, chance weight 0.25 -> 1 - 0.5/0.25
    assert quadratic_weighted_kappa([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert quadratic_weighted_kappa([4, 4], [4, 4]) is None  # both constant on one value: undefined
    assert quadratic_weighted_kappa([], []) is None
    with pytest.raises(ValueError):
        quadratic_weighted_kappa([1], [1, 2])


def test_rating_agreement_exact_within_one_and_missing() -> None:
    gold = {"factual_accuracy": 5, "overall": 4}
    pairs = [
        (_case("a", [], ratings=gold), _report("a", [], ratings={"factual_accuracy": 5, "overall": 2})),
        (_case("b", [], ratings={"factual_accuracy": 2, "overall": 2}), _report("b", [], ratings={"overall": 3})),
    ]
    agreement = rating_agreement(pairs)
    fa = agreement["factual_accuracy"]
    assert (fa.n, fa.missing, fa.exact, fa.within_1) == (1, 1, 1.0, 1.0)
    ov = agreement["overall"]
    assert (ov.n, ov.exact, ov.within_1) == (2, 0.0, 0.5)


def test_claims_match_by_span_overlap_and_by_text() -> None:
    year = GoldClaim(quote="Heat was released in 1995.", status="supported")
    director = GoldClaim(quote="It was directed by Michael Mann.", status="contradicted")
    cast = GoldClaim(quote="It stars Al Pacino and Robert De Niro.", status="supported")
    agent_claims = [
        Claim(text="Heat was released in 1995", status="supported", span=(0, 25)),
        Claim(text="Heat", status="contradicted", span=(0, 4), evidence=[EV]),  # too small a part of the sentence
        Claim(text="directed by Michael Mann", status="contradicted", evidence=[EV]),  # no span: matched by text
    ]
    assert match_claim(TEXT, year, agent_claims) == "supported"
    assert match_claim(TEXT, director, agent_claims) == "contradicted"
    assert match_claim(TEXT, cast, agent_claims) == "not_found"
    # same span, different kind of fact: a correct year does not verify a cast sentence
    cast_sentence = GoldClaim(quote="It stars Al Pacino and Robert De Niro.", status="contradicted", kind="cast")
    year_only = [Claim(text="It stars Al Pacino and Robert De Niro", status="supported", kind="year", span=(61, 98))]
    assert match_claim(TEXT, cast_sentence, year_only) == "not_found"
    assert match_claim(TEXT, cast_sentence, [year_only[0].model_copy(update={"kind": "cast"})]) == "supported"
    scores = claim_scores([(_case("a", [], claims=[year, director, cast]), _report("a", [], claims=agent_claims))])
    assert scores.accuracy("supported") == 0.5
    assert scores.accuracy("contradicted") == 1.0
    assert scores.as_dict()["supported"] == {"n": 2, "accuracy": 0.5, "outcomes": {"supported": 1, "not_found": 1}}


def test_claims_inside_one_gold_sentence_match_it_together() -> None:
    text = "It was directed by Tom Gammill and written by Matthew Nastuk."
    gold = GoldClaim(quote=text, status="contradicted", kind="director")
    parts = [
        Claim(
            text="It was directed by Tom Gammill", status="contradicted", kind="director", span=(0, 30), evidence=[EV]
        ),
        Claim(text="written by Matthew Nastuk", status="supported", kind="writer", span=(35, 60)),
    ]
    assert match_claim(text, gold, parts) == "contradicted"  # each alone covers less than half
    assert match_claim(text, gold, parts[1:]) == "not_found"  # one part alone still does not stand for the sentence


def test_cost_per_evaluation_and_binary_scores() -> None:
    cost = cost_per_evaluation(
        [_report("a", [], calls=2, tokens=(100, 20), seconds=3.0), _report("b", [], seconds=1.0, cache_hits=3)]
    )
    assert cost["llm_calls_per_eval"] == 1.0 and cost["tokens_per_eval"] == 60.0 and cost["seconds_per_eval"] == 2.0
    assert cost["cache_hits_per_eval"] == 1.5 and cost["cache_hits"] == 3
    assert cost_per_evaluation([])["llm_calls_per_eval"] == 0.0
    scores = binary_scores([True, True, False, False], [True, False, True, False])
    assert (scores["accuracy"], scores["precision"], scores["recall"], scores["f1"]) == (0.5, 0.5, 0.5, 0.5)


def test_summarize_is_json_ready() -> None:
    import json

    pairs = [(_case("a", [("weak_comment", None)]), _report("a", [("weak_comment", None)]))]
    summary = summarize(pairs, failed=1)
    assert json.loads(json.dumps(summary))["flags"]["weak_comment"]["f1"] == 1.0
    assert summary["failed"] == 1


def test_results_table_counts_cache_hits_apart_from_calls() -> None:
    pairs = [(_case("a", []), _report("a", [], seconds=0.5, cache_hits=2))]
    row = ablation_table([AblationResult(ablation="full", model="m", summary=summarize(pairs, 0))])[-1]
    assert row.startswith("| full pipeline |") and row.endswith("| 0.0 (+2.0 cached) / 0 / 0.50 |")


def test_split_lines_give_verdict_missed_error_false_flag_and_rating_scores() -> None:
    pairs = [(_case("a", [("rating_misaligned", "overall")]), _report("a", []))]
    result = AblationResult(ablation="exact", model=None, summary=summarize(pairs, 0))
    result.by_split["heldout"] = summarize(pairs)
    [line] = [x for x in _details(result) if x.startswith("- heldout:")]
    assert line.startswith("- heldout: n=1, verdict accuracy")
    assert line.endswith("rating_misaligned P/R/F1 – / 0.00 / –")
