"""Who played a recast part in which film, when the part is named by the sentence, a list's heading or the prompt
rather than by "X as Y" (agent/factcheck/franchise.py ``check_recast_credits``). Wordings of our own, on the DC
films note; the blind sets' own wordings are measured by ``audit eval``, not tested here."""

from __future__ import annotations

import pytest

from agent.factcheck import check_claims
from agent.kb.facts import FactIndex


def _cast(index: FactIndex, text: str, prompt: str = "") -> list[tuple[str, str, str | None]]:
    claims = [c for c in check_claims(text, index, prompt=prompt) if c.kind == "cast"]
    for c in claims:
        assert c.span is not None and c.text == text[c.span[0] : c.span[1]].strip()
        assert c.evidence and c.evidence[0].passage_id == "note:dc_films:who-played-whom#0"
    return [(c.status, c.text, c.correction) for c in claims]


def test_a_list_under_a_heading_that_names_the_part(fact_index: FactIndex) -> None:
    text = "**Alfred Pennyworth**\n- Michael Caine — The Dark Knight (2008)\n- Jeremy Irons — The Batman (2022)"
    assert _cast(fact_index, text, "Who played Bruce Wayne's butler?") == [
        ("supported", "Michael Caine — The Dark Knight", None),
        ("contradicted", "Jeremy Irons — The Batman", "Alfred Pennyworth in The Batman was played by Andy Serkis"),
    ]


def test_a_list_answering_a_prompt_about_one_part(fact_index: FactIndex) -> None:
    text = (
        "- Batman Forever (1995) — Pat Hingle\n- The Batman (2022) — Gary Oldman\n- The Batman — Pat Hingle\n"
        "- Batman — Pat Hingle"
    )
    got = _cast(fact_index, text, "List the actors who played Commissioner Gordon, with a film each.")
    # "The Batman" (2022) is not "Batman" (1989), dated or not: the article tells the two entries apart
    wright = "James Gordon in The Batman was played by Jeffrey Wright"
    assert got == [
        ("supported", "Batman Forever (1995) — Pat Hingle", None),
        ("contradicted", "The Batman (2022) — Gary Oldman", wright),
        ("contradicted", "The Batman — Pat Hingle", wright),
        ("supported", "Batman — Pat Hingle", None),
    ]


def test_a_labelled_line_is_read_clause_by_clause(fact_index: FactIndex) -> None:
    text = "**Harvey Dent:** Tommy Lee Jones in Batman Forever (1995); Aaron Eckhart in Batman (1989)."
    assert _cast(fact_index, text) == [
        ("supported", "Tommy Lee Jones in Batman Forever", None),
        (
            "contradicted",
            "Aaron Eckhart in Batman",
            "Harvey Dent / Two-Face in Batman was played by Billy Dee Williams",
        ),
    ]


def test_a_sentence_that_names_the_part_and_one_actor(fact_index: FactIndex) -> None:
    text = "Rachel Dawes was Maggie Gyllenhaal all along, from Batman Begins (2005) on."
    [(status, _, fix)] = _cast(fact_index, text)
    assert (status, fix) == ("contradicted", "Rachel Dawes in Batman Begins was played by Katie Holmes")


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("Katie Holmes did not return in The Dark Knight (2008), where Rachel Dawes was recast.", ""),
        ("Rachel Dawes: Maggie Gyllenhaal replaced Katie Holmes in The Dark Knight (2008).", ""),  # two actors
        ("Rachel Dawes: Katie Holmes, who left before The Dark Knight (2008).", ""),
        ("- The Dark Knight (2008) — Christian Bale", "Who played Alfred Pennyworth?"),  # never Alfred
        ("- The Dark Knight (2008) — Heath Ledger", "Who played the Joker and Harvey Dent?"),  # which part?
        ("Michael Keaton — The Dark Knight (2008)", "Who played Batman?"),  # prose, not a list line
    ],
)
def test_left_alone(fact_index: FactIndex, text: str, prompt: str) -> None:
    assert [s for s, _, _ in _cast(fact_index, text, prompt) if s == "contradicted"] == []


def test_a_title_with_a_lowercase_v_is_one_title(fact_index: FactIndex) -> None:
    # "Batman v Superman" used to split at the "v": "Superman: Dawn of Justice (2016)" read as a title the DC films
    # note does not have, and "Batman" as the 1989 film
    text = "- Batman v Superman: Dawn of Justice (2016) — Ben Affleck"
    claims = check_claims(text, fact_index, prompt="Who played Batman in the films?")
    assert [c.status for c in claims] == ["supported", "supported"]
    assert {c.kind for c in claims} == {"year", "cast"}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Michael Keaton played Bruce Wayne in The Batman (2022).", "contradicted"),
        ("Robert Pattinson played Bruce Wayne in The Batman (2022).", "supported"),
        ("Robert Pattinson played Bruce Wayne in Batman (1989).", "contradicted"),
        ("Michael Keaton played Bruce Wayne in Batman (1989).", "supported"),
    ],
)
def test_titles_that_differ_only_by_their_article_are_two_entries(
    fact_index: FactIndex, text: str, status: str
) -> None:
    """Two entries whose titles fold to one key ("The Batman", 2022; "Batman", 1989) keep their own parts."""
    assert [c.status for c in check_claims(text, fact_index) if c.kind == "cast"] == [status]
