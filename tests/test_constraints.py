"""Explicit prompt constraints: found in real prompts, measured on real responses, None when uncertain."""

from __future__ import annotations

import pytest

from agent.constraints import PromptConstraint, check_constraints, check_response, extract_constraints
from agent.models import ConstraintCheck
from tests.audit_builders import evaluation

INCEPTION_71 = (
    "Inception (2010) is a science fiction heist film written and directed by Christopher Nolan. Leonardo "
    "DiCaprio plays Dom Cobb, a thief who steals secrets by entering people's dreams. Offered a chance to have his "
    "criminal record erased, Cobb must instead plant an idea in a target's mind, a task called inception. His "
    "team descends through layered dreams while Cobb's guilt over his late wife threatens the mission and "
    "everyone in it."
)


def only(checks: list[ConstraintCheck], kind: str) -> ConstraintCheck:
    found = [c for c in checks if c.kind == kind]
    assert len(found) == 1, checks
    return found[0]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Summarise Inception in under 80 words.", ("word_limit", None, 79)),
        ("In 50 words or fewer, explain the plot of Up.", ("word_limit", None, 50)),
        ("Describe Titanic in at most three sentences.", ("sentence_limit", None, 3)),
        ("Explain The Matrix in one sentence.", ("sentence_limit", None, 1)),
        ("Write at least 200 words on Toy Story.", ("word_limit", 200, None)),
        ("Did Heath Ledger win an Oscar? Answer in two or three sentences.", ("sentence_limit", None, 3)),
        ("Answer in one or two sentences.", ("sentence_limit", None, 2)),
        ("Explain it in a sentence or two.", ("sentence_limit", None, 2)),
        ("Summarise Up in 3-5 sentences.", ("sentence_limit", None, 5)),
        ("Give me your top 5 Nolan films.", ("list_count", 5, 5)),
        ("Describe Jaws in fewer than fifty words.", ("word_limit", None, 49)),
        ("Describe Jaws, 80 words max.", ("word_limit", None, 80)),
        ("Name the first three Harry Potter films.", ("list_count", 3, 3)),
        ("Name five Pixar films.", ("list_count", 5, 5)),
        ("List 3 Christopher Nolan films.", ("list_count", 3, 3)),
        ("What are the top 10 Simpsons episodes?", ("list_count", 10, 10)),
        ("Recommend two or three feel-good animated films.", ("list_count", 2, 3)),
        ("Give me a list of five sitcoms.", ("list_count", 5, 5)),
        ("Name 3 or more Friends characters.", ("list_count", 3, None)),
        ("Recommend films made before 1980.", ("year_range", None, 1979)),
        ("Suggest comedies from the 1990s.", ("year_range", 1990, 1999)),
        ("Any good 80s movies?", ("year_range", 1980, 1989)),
        ("Films released between 2000 and 2010, please.", ("year_range", 2000, 2010)),
        ("What are some shows that premiered since 2015?", ("year_range", 2015, None)),
        ("No spoilers past season 2: who is Jim Halpert?", ("spoiler", None, 2)),
        ("I've only watched the first two seasons of Game of Thrones, no spoilers!", ("spoiler", None, 2)),
    ],
)
def test_extract_constraints(prompt: str, expected: tuple[str, int | None, int | None]) -> None:
    found = extract_constraints(prompt)
    kind, low, high = expected
    assert [(c.kind, c.low, c.high) for c in found if c.kind == kind] == [(kind, low, high)]


@pytest.mark.parametrize(
    "prompt",
    [
        "Who directed the 1982 film Blade Runner?",  # a year that identifies a title is not a range
        "Was Star Wars released before 1980?",  # a yes/no question about a year
        "Give me two sentences on why Jaws works.",  # a length, not a list of two
        "Name one film by Greta Gerwig.",  # one is not a list
        "What happened in season 4 of Friends?",  # no spoiler request
        "Give me a 100-word summary of Toy Story.",  # an approximate length, not a list count
    ],
)
def test_extract_constraints_does_not_invent_constraints(prompt: str) -> None:
    kinds = {c.kind for c in extract_constraints(prompt)}
    assert "list_count" not in kinds and "year_range" not in kinds and "spoiler" not in kinds


def test_word_limit_met_and_broken() -> None:
    assert len(INCEPTION_71.split()) == 71
    ok = only(check_response("Summarise Inception in under 80 words.", INCEPTION_71), "word_limit")
    assert ok.satisfied is True and ok.method == "exact"
    bad = only(check_response("Summarise Inception in under 50 words.", INCEPTION_71), "word_limit")
    assert bad.satisfied is False
    assert bad.margin is not None and bad.margin == pytest.approx((71 - 49) / 49, abs=1e-3)
    assert "71 words" in bad.detail


def test_word_limit_uncertain_when_hyphens_decide() -> None:
    # 5 words as word processors count them, 6 if "mind-bending" is two words.
    text = "A mind-bending Nolan dream thriller."
    assert only(check_response("Describe Inception in 6 words or fewer.", text), "word_limit").satisfied is True
    assert only(check_response("Describe Inception in 5 words or fewer.", text), "word_limit").satisfied is None
    assert only(check_response("Describe Inception in 4 words or fewer.", text), "word_limit").satisfied is False


def test_approximate_length_has_slack() -> None:
    text = " ".join(["word"] * 110)
    assert only(check_response("Give me a 100-word summary of Up.", text), "word_limit").satisfied is True
    text = " ".join(["word"] * 130)
    assert only(check_response("Give me a 100-word summary of Up.", text), "word_limit").satisfied is False


def test_sentence_limit() -> None:
    text = "Titanic (1997) was directed by James Cameron. It follows Jack and Rose aboard the doomed liner."
    assert only(check_response("Describe Titanic in one sentence.", text), "sentence_limit").satisfied is False
    assert only(check_response("Describe Titanic in at most two sentences.", text), "sentence_limit").satisfied is True


def test_sentence_limit_on_a_list_is_for_the_model() -> None:
    text = "- Titanic (1997)\n- Avatar (2009)"
    check = only(check_response("In two sentences, what did James Cameron make?", text), "sentence_limit")
    assert check.satisfied is None


PIXAR_5 = (
    "Here are five Pixar films from the 2000s:\n\n"
    "1. **Monsters, Inc.** (2001) - a comedy about the monsters who scare children.\n"
    "2. **Finding Nemo** (2003) - a father crosses the ocean to find his son.\n"
    "3. **The Incredibles** (2004) - a family of superheroes in hiding.\n"
    "4. **Ratatouille** (2007) - a rat who dreams of being a chef in Paris.\n"
    "5. **Up** (2009) - an old man ties balloons to his house.\n"
)


def test_list_count_and_year_range_on_a_clean_answer() -> None:
    checks = check_response("Name five Pixar films released between 2000 and 2010, as a numbered list.", PIXAR_5)
    assert {c.kind: c.satisfied for c in checks} == {"list_count": True, "format": True, "year_range": True}


def test_list_count_broken_with_words_and_digits() -> None:
    four = "\n".join(PIXAR_5.splitlines()[:-1])
    check = only(check_response("Name five Pixar films.", four), "list_count")
    assert check.satisfied is False and "4 items" in check.detail
    six = PIXAR_5 + "6. **Cars** (2006) - racing.\n"
    assert only(check_response("List 5 Pixar films.", six), "list_count").satisfied is False


def test_list_count_in_prose_is_for_the_model() -> None:
    text = "Try Monsters, Inc. (2001), Finding Nemo (2003) and Up (2009)."
    assert only(check_response("Name five Pixar films.", text), "list_count").satisfied is None


def test_list_count_with_an_extra_list_is_uncertain() -> None:
    text = PIXAR_5 + "\nHonourable mentions:\n- Cars (2006)\n- WALL-E (2008)\n"
    assert only(check_response("Name five Pixar films.", text), "list_count").satisfied is None


def test_list_count_split_over_headings_adds_up() -> None:
    text = (
        "Comedies:\n- Up (2009)\n- Cars (2006)\n\nDramas:\n- Finding Nemo (2003)\n- Ratatouille (2007)\n- WALL-E (2008)"
    )
    assert only(check_response("Recommend five Pixar films.", text), "list_count").satisfied is True


def test_year_range_broken_by_a_parenthesised_year() -> None:
    text = "- Toy Story (1995)\n- Finding Nemo (2003)\n- Up (2009)"
    check = only(check_response("Name three Pixar films released between 2000 and 2010.", text), "year_range")
    assert check.satisfied is False and "1995" in check.detail


def test_year_range_ignores_plot_years_and_birth_years() -> None:
    text = "Titanic (1997), directed by James Cameron, is set aboard the liner in 1912 (set in 1912)."
    assert only(check_response("Recommend a film from the 1990s.", text), "year_range").satisfied is True


def test_year_range_without_release_years_is_for_the_model() -> None:
    text = "Titanic is a romance set aboard the liner in 1912."
    assert only(check_response("Recommend a film from the 1990s.", text), "year_range").satisfied is None


def test_year_range_partial_list_is_uncertain() -> None:
    text = "- Titanic (1997)\n- The Matrix\n- Toy Story 2"
    assert only(check_response("Name three films from the 1990s.", text), "year_range").satisfied is None


@pytest.mark.parametrize(
    ("prompt", "text", "expected"),
    [
        ("Answer as a bulleted list.", "- Up\n- Cars", True),
        ("Answer as a bulleted list.", "Up and Cars.", False),
        ("Answer as a bulleted list.", "1. Up\n2. Cars", None),
        ("Give them as a numbered list.", "- Up\n- Cars", False),
        ("Give them as a numbered list.", "1) Up\n2) Cars", True),
        ("Compare them in a table.", "| Film | Year |\n|---|---|\n| Up | 2009 |", True),
        ("Compare them in a table.", "Up (2009) and Cars (2006).", False),
        ("Answer in one word: who directed Titanic?", "Cameron.", True),
        ("Answer in one word: who directed Titanic?", "James Cameron", None),
        ("Answer in one word: who directed Titanic?", "It was James Cameron.", False),
        ("Return the answer in JSON.", '```json\n{"title": "Up", "year": 2009}\n```', True),
        ("Return the answer in JSON.", "Title: Up, year: 2009", False),
        ("Return the answer in JSON.", 'Sure!\n```json\n{"title": "Up"}\n```', None),
        ("Write one paragraph about Titanic.", "Titanic (1997) is...\n\nIt won...", False),
        ("Write one paragraph about Titanic.", "Titanic (1997) is a romance. It won Best Picture.", True),
    ],
)
def test_formats(prompt: str, text: str, expected: bool | None) -> None:
    assert only(check_response(prompt, text), "format").satisfied is expected


GOT_PROMPT = "I've only watched season 1 of Game of Thrones, so no spoilers please. Which episodes should I rewatch?"


def test_spoiler_limit_broken_by_a_later_season() -> None:
    text = 'Rewatch "Fire and Blood", the finale. In season 5, "Hardhome" was directed by Miguel Sapochnik.'
    check = only(check_response(GOT_PROMPT, text), "spoiler")
    assert check.satisfied is False and "season 5" in check.detail


def test_spoiler_limit_cannot_be_confirmed_by_code() -> None:
    text = 'Rewatch "Winter Is Coming", directed by Tim Van Patten, and the finale "Fire and Blood".'
    assert only(check_response(GOT_PROMPT, text), "spoiler").satisfied is None


def test_spoiler_hedged_mention_is_not_a_violation() -> None:
    text = 'Rewatch "Fire and Blood". I won\'t spoil anything from season 5.'
    assert only(check_response(GOT_PROMPT, text), "spoiler").satisfied is None


def test_spoiler_episode_code_counts() -> None:
    text = 'Rewatch S01E10 "Fire and Blood", then S06E09 "Battle of the Bastards".'
    check = only(check_response("No spoilers past season 2, please: best Game of Thrones episodes?", text), "spoiler")
    assert check.satisfied is False and "6" in check.detail


def test_side_by_side_checks_both_responses() -> None:
    ev = evaluation(
        "Summarise Inception in under 80 words.",
        INCEPTION_71,
        response_b=INCEPTION_71 + " " + INCEPTION_71,
        preference="a",
    )
    checks = check_constraints(ev)
    assert [(c.response, c.satisfied) for c in checks] == [("a", True), ("b", False)]


def test_no_constraints_no_checks() -> None:
    assert check_response("Who directed Inception?", "Christopher Nolan directed Inception (2010).") == []


def test_two_list_counts_are_for_the_model() -> None:
    checks = check_response("Name five Pixar films and list three Disney ones.", PIXAR_5)
    assert [c.satisfied for c in checks if c.kind == "list_count"] == [None, None]


def test_prompt_constraint_is_frozen() -> None:
    c = PromptConstraint("under 80 words", "word_limit", high=79)
    with pytest.raises(AttributeError):
        c.high = 5  # type: ignore[misc]


def test_two_year_ranges_are_for_the_model() -> None:
    checks = check_response("Recommend films from the 1990s or the 2010s.", "- Titanic (1997)\n- Inception (2010)")
    assert [(c.kind, c.satisfied) for c in checks] == [("year_range", None)]
