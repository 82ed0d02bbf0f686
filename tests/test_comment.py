"""Comment quality heuristics on realistic contributor comments."""

from __future__ import annotations

import pytest

from agent.comment import assess_comment, comment_signals
from agent.models import CommentAssessment
from tests.audit_builders import evaluation, qa_guidelines, ratings

PROMPT = "Name five Pixar films from the 2000s, as a numbered list."
RESPONSE = (
    "1. Monsters, Inc. (2001)\n2. Finding Nemo (2003)\n3. The Incredibles (2004)\n4. Ratatouille (2007)\n5. Up (2009)"
)
WRONG_RESPONSE = RESPONSE.replace("Up (2009)", "Toy Story (1995)")


def assess(comment: str, scores: dict[str, int] | None = None, response: str = RESPONSE) -> CommentAssessment:
    return assess_comment(evaluation(PROMPT, response, scores=scores, comment=comment), qa_guidelines())


def test_specific_evidence_based_comment_is_not_weak() -> None:
    a = assess(
        "All five picks are Pixar films from the decade, from Monsters, Inc. (2001) to Up (2009), in the numbered "
        "list asked for. A one-line note per film would make it more useful.",
        ratings(5, helpfulness=4),
    )
    assert (a.specific, a.names_limitation, a.evidence_based, a.consistent_with_ratings, a.weak) == (
        True, True, True, True, False,
    )  # fmt: skip
    assert a.reasons[0] == "points at specific content"


def test_generic_praise_is_weak() -> None:
    a = assess("Great response, accurate and well written. Meets all the requirements.")
    assert not a.specific and not a.evidence_based and a.weak
    assert any("generic" in r or "boilerplate" in r for r in a.reasons)


def test_long_but_empty_comment_is_weak() -> None:
    comment = (
        "This answer is really quite good overall and I think it does what the user wanted in a clear and helpful "
        "way, with a nice tone and a pleasant structure that is easy to read and follow from start to finish, and "
        "I would be happy to see answers like this more often in the future."
    )
    a = assess(comment)
    assert a.weak and any(r.startswith("long but empty") for r in a.reasons)


@pytest.mark.parametrize(
    "comment",
    [
        # under the "long but empty" length, generic and praising: still points at nothing
        "Overall the answer is of good quality. It addresses the prompt, it is written in a clear way, and it provides "
        "the kind of information a user would expect. I do not see major problems with it.",
        "The model did a great job here. Everything the user needed is included and it is well written and easy to "
        "follow. I cannot think of anything that should be changed about this answer at all.",
    ],
)
def test_a_generic_comment_that_points_at_nothing_is_weak_at_any_length(comment: str) -> None:
    a = assess(comment, ratings(5))
    assert not a.specific and not a.evidence_based and a.weak
    assert not a.names_limitation  # "do not see major problems", "nothing that should be changed" name none
    assert "does not point at any specific content" in a.reasons[0]


def test_a_generic_comment_that_says_what_it_judged_is_not_weak() -> None:
    # names two aspects it checked (release, year) and a strength: thin, but it says what was judged
    a = assess("Right on every release year, and it is helpful, concise and clear for the user overall.", ratings(5))
    assert not a.specific and not a.evidence_based and not a.weak


def test_words_from_the_prompt_do_not_make_a_comment_specific() -> None:
    a = assess("Good list of five Pixar films from the 2000s, numbered as asked.")
    assert not a.specific


def test_quoting_the_response_is_specific() -> None:
    signals = comment_signals(
        evaluation(PROMPT, WRONG_RESPONSE, comment='The last entry, "Toy Story (1995)", is outside the decade.')
    )
    assert signals.quotes_response and signals.specific and signals.names_limitation


def test_praise_only_with_low_scores_is_inconsistent() -> None:
    a = assess(
        "Accurate and clear: Monsters, Inc. and Finding Nemo are great picks, well organised.",
        ratings(2, writing_quality=4),
    )
    assert not a.consistent_with_ratings and a.weak
    assert any("praises the response only" in r for r in a.reasons)


def test_complaint_with_all_top_scores_is_inconsistent() -> None:
    a = assess("Toy Story (1995) is wrong here: it is not from the 2000s.", ratings(5), response=WRONG_RESPONSE)
    assert not a.consistent_with_ratings and a.weak
    assert any("every score is the top score" in r for r in a.reasons)


@pytest.mark.parametrize(
    "comment",
    [
        "No errors found: Monsters, Inc. (2001) through Up (2009) are all correct and from the 2000s.",
        "I didn't find any factual issues; Ratatouille (2007) and Up (2009) are right.",
        "Nothing is missing and nothing is wrong: five films, Monsters, Inc. to Up, numbered.",
        "I do not see any problems: Ratatouille (2007) and Up (2009) are right.",
    ],
)
def test_negated_problems_are_not_limitations(comment: str) -> None:
    a = assess(comment, ratings(5))
    assert not a.names_limitation and a.consistent_with_ratings and not a.weak
    assert "names no limitation or area of opportunity" in a.reasons


def test_low_score_without_a_named_problem_is_weak() -> None:
    a = assess("Monsters, Inc. (2001), Finding Nemo (2003) and Up (2009) are listed.", ratings(4, completeness=3))
    assert a.weak and any("gives a score of 3 but names no limitation" in r for r in a.reasons)


def test_low_score_with_a_named_problem_is_not_weak() -> None:
    a = assess(
        "Toy Story (1995) is outside the 2000s, so only four of the five films fit the request.",
        ratings(4, factual_accuracy=3, instruction_following=2, overall=3),
        response=WRONG_RESPONSE,
    )
    assert a.names_limitation and a.specific and not a.weak and a.consistent_with_ratings


@pytest.mark.parametrize(
    "comment",
    [
        "Monsters, Inc. (2001) and Up (2009) fit, but the closing sales pitch has no place in an answer.",
        "Monsters, Inc. (2001) to Up (2009) are right, maybe a touch brief on why each was picked.",
    ],
)
def test_milder_limitations_count(comment: str) -> None:
    a = assess(comment, ratings(4, writing_quality=2))
    assert a.names_limitation and a.consistent_with_ratings and not a.weak


@pytest.mark.parametrize("comment", ["", "ok", "Looks good."])
def test_too_short(comment: str) -> None:
    a = assess(comment)
    assert a.weak and any("too short" in r for r in a.reasons)


def test_side_by_side_comment_may_point_at_either_response() -> None:
    ev = evaluation(
        PROMPT,
        RESPONSE,
        response_b=WRONG_RESPONSE,
        scores=ratings(5),
        scores_b=ratings(3, factual_accuracy=2, overall=2),
        preference="a",
        comment="A is right throughout; B ends with Toy Story (1995), which is from the wrong decade.",
    )
    a = assess_comment(ev, qa_guidelines())
    assert a.specific and a.names_limitation and not a.weak


def test_naming_aspects_of_the_answer_points_at_content() -> None:
    a = assess(
        "Right decade, studio and order for every film, and the numbered list format is kept; could add directors."
    )
    assert a.specific and not a.weak


def test_vague_complaint_with_low_scores_is_weak() -> None:
    a = assess(
        "Some facts seem off to me so I gave lower scores. Otherwise OK and easy to read.", ratings(2, overall=3)
    )
    assert a.weak and not a.names_limitation
