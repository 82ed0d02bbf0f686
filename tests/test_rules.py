"""Guideline rules on the contributor's own ratings, issues and comment -> rule_violation flags."""

from __future__ import annotations

from agent.models import Flag
from agent.rules import apply_rules
from tests.audit_builders import evaluation, issue, qa_guidelines, ratings, sxs_guidelines

PROMPT = "Who directed Toy Story 3, and when was it released?"
RESPONSE = (
    "Toy Story 3 was directed by John Lasseter and released in 2010. It is the third film in the Toy Story "
    "series and the sequel to Toy Story 2 (1999)."
)
GOOD_COMMENT = (
    "The 2010 release year and the link to Toy Story 2 (1999) are right, but the director is wrong: Toy Story 3 "
    "was directed by Lee Unkrich, not John Lasseter. A major error on half of what was asked."
)
CLEAN_RESPONSE = RESPONSE.replace("John Lasseter", "Lee Unkrich")
CLEAN_COMMENT = (
    "Correctly names Lee Unkrich as director and 2010 as the release year, and adds the useful link to Toy Story 2 "
    "(1999). Concise; it could mention that Unkrich edited the first two films."
)


def by_rule(flags: list[Flag]) -> dict[str, Flag]:
    assert all(f.type == "rule_violation" and f.rule_id for f in flags)
    return {f.rule_id or "": f for f in flags}


def test_clean_evaluation_breaks_no_rule() -> None:
    ev = evaluation(PROMPT, CLEAN_RESPONSE, scores=ratings(5), comment=CLEAN_COMMENT)
    assert apply_rules(ev, qa_guidelines()) == []


def test_consistent_error_evaluation_breaks_no_rule() -> None:
    ev = evaluation(
        PROMPT,
        RESPONSE,
        scores=ratings(4, factual_accuracy=2, helpfulness=2, overall=2),
        issues=[issue("directed by John Lasseter", note="Lee Unkrich directed it")],
        comment=GOOD_COMMENT,
    )
    assert apply_rules(ev, qa_guidelines()) == []


def test_major_error_caps_factual_accuracy() -> None:
    ev = evaluation(
        PROMPT,
        RESPONSE,
        scores=ratings(4, factual_accuracy=4, overall=3),
        issues=[issue("directed by John Lasseter")],
        comment=GOOD_COMMENT,
    )
    flags = by_rule(apply_rules(ev, qa_guidelines()))
    assert set(flags) == {"major_error_caps_factual"}
    f = flags["major_error_caps_factual"]
    assert f.severity == "high" and f.dimension == "factual_accuracy"  # 4 is two above the cap of 2
    assert "rated factual_accuracy 4" in f.message and "at most 2" in f.message
    assert f.evidence[0].passage_id == "rule:major_error_caps_factual"
    assert "entertainment_qa.yaml" in f.evidence[0].source
    assert f.evidence[1].quote == "directed by John Lasseter"


def test_cap_one_over_is_medium_and_minor_issue_is_not_capped_at_two() -> None:
    ev = evaluation(
        PROMPT, RESPONSE, scores=ratings(3), issues=[issue("directed by John Lasseter")], comment=GOOD_COMMENT
    )
    assert by_rule(apply_rules(ev, qa_guidelines()))["major_error_caps_factual"].severity == "medium"
    minor = ev.model_copy(update={"issues": [issue("directed by John Lasseter", severity="minor")]})
    assert apply_rules(minor, qa_guidelines()) == []


def test_flagged_minor_error_rules_out_top_score_low_severity() -> None:
    ev = evaluation(
        PROMPT,
        CLEAN_RESPONSE,
        scores=ratings(5),
        issues=[issue("the sequel to Toy Story 2 (1999)", severity="minor", note="wording")],
        comment=CLEAN_COMMENT,
    )
    f = by_rule(apply_rules(ev, qa_guidelines()))["minor_error_caps_factual"]
    assert f.severity == "low"


def test_instruction_violation_caps_instruction_following() -> None:
    ev = evaluation(
        "Name five Pixar films.",
        "- Toy Story (1995)\n- Up (2009)\n- Cars (2006)",
        scores=ratings(4, instruction_following=5, completeness=3, overall=3),
        issues=[issue("- Cars (2006)", type_="instruction_violation", note="only three films, five asked")],
        comment="Only three films (Toy Story, Up, Cars) where five were asked; the three are correct Pixar films.",
    )
    flags = by_rule(apply_rules(ev, qa_guidelines()))
    assert set(flags) == {"violation_caps_instructions"}
    assert flags["violation_caps_instructions"].severity == "high"


def test_low_score_needs_a_comment_that_names_the_problem() -> None:
    ev = evaluation(
        PROMPT,
        RESPONSE,
        scores=ratings(4, factual_accuracy=2, overall=3),
        issues=[issue("directed by John Lasseter")],
        comment="Fine.",
    )
    flags = by_rule(apply_rules(ev, qa_guidelines()))
    assert flags["low_score_needs_reason"].severity == "medium"
    assert "factual_accuracy 2" in flags["low_score_needs_reason"].message
    assert flags["comment_specific"].severity == "medium"


def test_low_score_with_praise_only_comment_is_low_severity() -> None:
    comment = (
        "Great answer about Toy Story 3, clear and well organised with helpful detail on the series and a pleasant "
        "tone throughout the whole thing."
    )
    ev = evaluation(PROMPT, CLEAN_RESPONSE, scores=ratings(4, helpfulness=3), comment=comment)
    flags = by_rule(apply_rules(ev, qa_guidelines()))
    assert flags["low_score_needs_reason"].severity == "low"


def test_comment_specific_rule_generic_comment() -> None:
    comment = "This is a good response overall, it meets expectations and I have no complaints about the answer here."
    ev = evaluation(PROMPT, CLEAN_RESPONSE, scores=ratings(5), comment=comment)
    f = by_rule(apply_rules(ev, qa_guidelines()))["comment_specific"]
    assert f.severity == "low" and "no specific content" in f.message


def test_overall_far_from_every_other_dimension() -> None:
    ev = evaluation(PROMPT, CLEAN_RESPONSE, scores=ratings(5, overall=1), comment=CLEAN_COMMENT)
    flags = by_rule(apply_rules(ev, qa_guidelines()))
    assert set(flags) == {"overall_consistent"}
    assert flags["overall_consistent"].severity == "high" and flags["overall_consistent"].dimension == "overall"
    edge = ev.model_copy(update={"ratings": ratings(5, overall=3)})  # exactly max_gap away: allowed
    assert apply_rules(edge, qa_guidelines()) == []


def test_side_by_side_rules_use_each_sides_ratings() -> None:
    ev = evaluation(
        PROMPT,
        CLEAN_RESPONSE,
        response_b=RESPONSE,
        scores=ratings(5),
        scores_b=ratings(4, factual_accuracy=5, overall=3),
        issues=[issue("directed by John Lasseter", side="b")],
        preference="a",
        comment=(
            "A is right on all counts: Lee Unkrich directed Toy Story 3 (2010). B names John Lasseter as director, "
            "a major error; B is otherwise as clear as A."
        ),
    )
    flags = apply_rules(ev, sxs_guidelines())
    assert [(f.rule_id, f.severity) for f in flags] == [
        ("major_error_caps_factual", "high"),
        ("minor_error_caps_factual", "medium"),
    ]
    assert "(response B)" in flags[0].message


def test_comment_rule_flagged_once_for_both_sides() -> None:
    ev = evaluation(
        PROMPT,
        CLEAN_RESPONSE,
        response_b=RESPONSE,
        scores=ratings(3),
        scores_b=ratings(2),
        preference="a",
        comment="A is better.",
    )
    flags = [f for f in apply_rules(ev, sxs_guidelines()) if f.rule_id == "low_score_needs_reason"]
    assert len(flags) == 1
