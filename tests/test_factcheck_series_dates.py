"""When a series began and ended, against its episode guide's first and last air dates
(agent/factcheck/franchise.py ``_check_series_dates``). Wordings of our own."""

from __future__ import annotations

import pytest

from agent.factcheck import check_claims
from agent.kb.facts import FactIndex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Friends premiered in 1994.", [("supported", "Friends premiered in 1994")]),
        ("Friends premiered in 1996.", [("contradicted", "Friends premiered in 1996")]),
        ("Friends premiered on September 29, 1994.", [("contradicted", "Friends premiered on September 29, 1994")]),
        ("The Office ran from 2004 to 2013.", [("contradicted", "The Office ran from 2004 to 2013")]),
        (
            "The Office (US) ran for nine seasons from 2005 to 2013.",
            [("supported", "The Office (US) ran for nine seasons from 2005 to 2013")],
        ),
        ("Friends (1994–2004) is a sitcom.", [("supported", "Friends (1994–2004)")]),
        ("Friends ended its run on May 6, 2005.", [("contradicted", "Friends ended its run on May 6, 2005")]),
        ("The Simpsons premiered in 1989 and is still running.", [("supported", "The Simpsons premiered in 1989")]),
        # not the series' own run: a season, a reunion, the shorts, the UK original, a person's years
        ("Season 5 of Friends premiered in 1998.", []),
        ("Friends: The Reunion premiered in 2021.", []),
        ("The Simpsons premiered in 1987 as shorts on The Tracey Ullman Show.", []),
        ("The Office premiered in 2001 on BBC Two.", []),
        ("Matthew Perry (1969–2023) starred in Friends.", []),
        # an ongoing series has no end to compare with (the guide is a snapshot): its run is not read
        ("The Simpsons ran from 1989 to 2020.", []),
        ("The Simpsons ended in 2020.", []),
    ],
)
def test_a_series_run_against_its_episode_guide(
    fact_index: FactIndex, text: str, expected: list[tuple[str, str]]
) -> None:
    claims = [c for c in check_claims(text, fact_index) if c.kind == "series_dates"]
    assert [(c.status, c.text) for c in claims] == expected
    for c in claims:
        assert c.evidence and c.evidence[0].passage_id.startswith("episode:")
        assert c.status == "supported" or c.correction


def test_it_and_the_show_read_the_series_in_focus(fact_index: FactIndex) -> None:
    claims = check_claims("It premiered on NBC in 1995.", fact_index, prompt="When did Friends start?")
    assert [(c.status, c.correction) for c in claims if c.kind == "series_dates"] == [
        ("contradicted", "1994-09-22 to 2004-05-06")
    ]


def test_an_episode_in_focus_and_another_show_named_friends_are_not_the_series(fact_index: FactIndex) -> None:
    text = '"Casino Night" is the season 2 finale of The Office (US). It first aired on NBC on May 11, 2006.'
    prompt = 'When did the Office episode "Casino Night" air?'
    assert not [c for c in check_claims(text, fact_index, prompt=prompt) if c.kind == "series_dates"]
    text = "Barney & Friends is a children's series. It first aired on PBS on April 6, 1992."
    assert not [c for c in check_claims(text, fact_index) if c.kind == "series_dates"]
