"""Which film "It" and "the film" mean (agent/factcheck/core.py, the focus after each sentence): the subject of the
sentence before, as English reads it, not the last title it happened to name. Wordings of our own, shaped like the
knowledge base's lead paragraphs, where reading the last title had raised 49 false contradictions."""

from __future__ import annotations

import pytest

from agent.factcheck import check_claims
from agent.kb.facts import FactIndex


def _directors(text: str, index: FactIndex) -> list[tuple[str, str | None]]:
    return [(c.status, c.correction) for c in check_claims(text, index) if c.kind == "director"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title that opens the sentence to say what it is, whatever else the sentence names
        (
            "Thor: The Dark World is a 2013 superhero film based on the Marvel character Thor. It is the sequel to "
            "Thor (2011). The film was directed by Kenneth Branagh.",
            [("contradicted", "Alan Taylor")],
        ),
        (
            "Thor: The Dark World is a 2013 superhero film based on the Marvel character Thor. It is the sequel to "
            "Thor (2011). The film was directed by Alan Taylor.",
            [("supported", None)],
        ),
        (
            "1. Babe: Pig in the City (1998) is a film and the sequel to Babe (1995). It was directed by Chris Noonan.",
            [("contradicted", "George Miller")],
        ),
        # "It"/"the film" as the subject keeps the focus over the titles the sentence names
        (
            'Wings is a 1927 silent war film. The film stars Clara Bow, Charles "Buddy" Rogers and Richard Arlen. '
            "It was directed by William A. Wellman.",
            [("supported", None)],
        ),
        (
            "Spider-Man: Homecoming is a 2017 film about the Marvel character Spider-Man. It is the second "
            "Spider-Man reboot. The film was directed by Sam Raimi.",
            [("contradicted", "Jon Watts")],
        ),
        # so does "it" after an opening participle phrase, and "Warner Bros. Pictures" does not end a sentence
        (
            "The Batman is a 2022 superhero film. Produced by Warner Bros. Pictures and 6th & Idaho, it is a reboot "
            "of the franchise. The film was directed by Matt Reeves.",
            [("supported", None)],
        ),
        # an apposition is not the subject: "the film Jaws" moves the focus to Jaws
        (
            "Heat is a 1995 crime film. In 1975, the film Jaws became the first blockbuster. It was directed by "
            "Steven Spielberg.",
            [("supported", None)],
        ),
        # one film named, no subject rule: it is the film in focus, as before
        (
            "The sequel, The Godfather Part II (1974), came next. It was directed by Steven Spielberg.",
            [("contradicted", "Francis Ford Coppola")],
        ),
    ],
)
def test_it_means_the_film_the_sentence_before_spoke_of(
    fact_index: FactIndex, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _directors(text, fact_index) == expected


def test_a_subject_no_film_resolves_leaves_no_film_in_focus(fact_index: FactIndex) -> None:
    # two American films of 1915 are called Carmen, so the title resolves to no one film; "It" is then about no
    # film, not about The Fly (1958), named later in the sentence, whose director Kurt Neumann was
    text = "Carmen is a 1915 silent drama, not to be confused with The Fly (1958). It was directed by Kurt Neumann."
    assert _directors(text, fact_index) == []
    # Return of the Fly, in the 1958 and the 1959 lists, is one film: "It" is the sequel, not The Fly
    text = "Return of the Fly is a 1959 horror film and the sequel to The Fly (1958). It was directed by Kurt Neumann."
    assert _directors(text, fact_index) == [("contradicted", "Edward Bernds")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title that only qualifies the kind of film is not the film the credit is about
        ('Riders of the Black Hills is a 1938 "Three Mesquiteers" B-movie directed by George Sherman.', []),
        ("Pickup on South Street is a 1953 Cold War spy film noir written and directed by Samuel Fuller.", []),
        # the title itself, with the kind of film after it, still is
        ("Jaws is a 1975 thriller film directed by Ridley Scott.", [("contradicted", "Steven Spielberg")]),
        ("Jaws, a film directed by Ridley Scott, opened in 1975.", [("contradicted", "Steven Spielberg")]),
    ],
)
def test_a_credit_belongs_to_the_film_not_to_a_title_used_as_a_modifier(
    fact_index: FactIndex, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _directors(text, fact_index) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "it" / "the film" after an opening phrase is the film in focus, whatever titles the phrase names
        (
            "Sinbad: Legend of the Seven Seas is a 2003 animated film. Like the studio's previous film, Spirit: "
            "Stallion of the Cimarron (2002), the film mixes drawn and computer animation. It was directed by Kelly "
            "Asbury.",
            [("contradicted", "Tim Johnson & Patrick Gilmore")],
        ),
        # ... and so is the subject of a "directed by" clause after it
        (
            "Cars 3 is a 2017 animated film. A sequel to Cars 2 (2011), the film was directed by Pete Docter.",
            [("contradicted", "Brian Fee")],
        ),
        # a title with lowercase words inside it ("over") is read whole, not as its last word ("Honolulu", 1937)
        ("Wings over Honolulu is a 1937 film directed by H. C. Potter.", [("supported", None)]),
        # a sequel's number makes an everyday word a title
        ("Frozen 2 was a hit. It was directed by Chris Buck and Jennifer Lee.", [("supported", None)]),
    ],
)
def test_the_film_a_clause_or_a_title_speaks_of(
    fact_index: FactIndex, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _directors(text, fact_index) == expected


def _years(text: str, index: FactIndex) -> list[tuple[str, str | None]]:
    return [(c.status, c.correction) for c in check_claims(text, index) if c.kind == "year"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the year the film's own lead paragraph gives (a premiere year; the film table has 2018) is not an error
        ("The Cleanse (2016) is a dark comedy.", []),
        ("The Cleanse (2017) is a dark comedy.", [("contradicted", "The Cleanse (2018)")]),
        # a source work's year is not the film's
        ("Jurassic Park III draws on the novel Jurassic Park (1990).", []),
        ("Jurassic Park (1990) was a hit.", [("contradicted", "Jurassic Park (1993)")]),
    ],
)
def test_years_the_kb_or_the_sentence_gives_to_something_else(
    fact_index: FactIndex, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _years(text, fact_index) == expected


def test_another_title_of_the_film_is_not_another_film(fact_index: FactIndex) -> None:
    # "Wrecked" is also a 2011 film directed by Michael Greenspan; here it is another name of Scenic Route
    text = (
        "Scenic Route, also known as Wrecked, is a 2013 American thriller film written by Kyle Killen, directed by "
        "Kevin and Michael Goetz."
    )
    assert [c for c in check_claims(text, fact_index) if c.status == "contradicted"] == []
    text = "Wrecked is a 2013 American thriller film directed by Kevin and Michael Goetz."
    assert _directors(text, fact_index) == [("contradicted", "Michael Greenspan")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place is not a film (Australia, 2008; San Francisco, 1936)
        ("Stingaree is a 1915 drama film serial, set in Australia, directed by James W. Horne.", [("supported", None)]),
        ("Sweet November is a 2001 drama film set in San Francisco directed by Pat O'Connor.", [("supported", None)]),
        # nor is a studio whose name starts with a title (Twentieth Century, 1934)
        (
            "Wintertime is a 1943 Twentieth Century-Fox musical film directed by John Brahm.",
            [("supported", None)],
        ),
        # a source work's or a character's name: the "directed by" is the adaptation's, not said of that title
        (
            "Spy Hunt is a 1950 film based on the novel Panther's Moon by Victor Canning, directed by George Sherman.",
            [],
        ),
        ("The 1979 television film is based on the comics character Captain America, directed by Ivan Nagy.", []),
    ],
)
def test_a_place_a_studio_or_a_source_work_is_not_the_film_a_credit_is_about(
    fact_index: FactIndex, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _directors(text, fact_index) == expected
