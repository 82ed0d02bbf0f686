"""Checks added after the first read of the third blind set (evals/datasets/handwritten_blind3_*.yaml, dev half),
each on wordings of our own: tables of one Oscar category's winners, cast tables of a franchise film, an Emmy won
"in 2018 and again in 2019", list lines under a markdown heading about wins, a film's wins after "taking", "the award
went to" a name with an initial, an "Oscars: won ..." label line, a "Part Two" line of a two-part episode, and a
contributor's flag on a year their own note grants."""

from __future__ import annotations

import pytest

from agent.compare import AgentFindings, compare
from agent.factcheck import check_claims
from agent.factcheck.franchise import who_played_lines
from agent.kb import notes as notes_module
from agent.kb.facts import FactIndex
from tests.audit_builders import evaluation, issue, qa_guidelines, ratings, supported


def _claims(index: FactIndex, text: str, prompt: str = "", kind: str | None = None) -> list[tuple[str, str]]:
    found = [c for c in check_claims(text, index, prompt=prompt) if kind is None or c.kind == kind]
    for c in found:
        assert c.span is not None and c.text == text[c.span[0] : c.span[1]].strip()
    return [(c.status, c.text) for c in found if c.status != "unverifiable"]


SCREENPLAY = "List the Best Original Screenplay Oscar winners for the films of 2003 through 2008, with the writers."
TABLE = """Here are the Original Screenplay winners, by film year:

| Film year | Film | Writer(s) |
|---|---|---|
| 2005 | *{film}* | {writers} |
| 2006 | *Little Miss Sunshine* | Michael Arndt |
"""


def test_a_table_of_one_categorys_winners_reads_each_rows_film(fact_index: FactIndex) -> None:
    wrong = TABLE.format(film="Brokeback Mountain", writers="Larry McMurtry and Diana Ossana")
    assert _claims(fact_index, wrong, SCREENPLAY, "award") == [
        ("contradicted", "Brokeback Mountain"),  # it won Adapted Screenplay; Crash won Original
        ("supported", "Little Miss Sunshine"),
    ]
    right = TABLE.format(film="Crash", writers="Paul Haggis and Bobby Moresco")
    assert ("supported", "Crash") in _claims(fact_index, right, SCREENPLAY, "award")


@pytest.mark.parametrize(
    "text",
    [
        # a category named in the header row is a column (often yes / no), not what every row won
        "Pixar films at the Oscars:\n\n| Film | Best Animated Feature |\n|---|---|\n| Cars | Nominated |\n",
        # the prompt names the category, but this row speaks of a nomination
        TABLE.format(film="Brokeback Mountain", writers="nominated only"),
        # the prompt asks for winners, but the line above this table speaks of the nominees
        TABLE.format(film="Brokeback Mountain", writers="Larry McMurtry and Diana Ossana").replace(
            "Here are the Original Screenplay winners, by film year:", "And the nominees that lost:"
        ),
    ],
)
def test_winner_tables_leave_columns_and_nomination_rows_alone(fact_index: FactIndex, text: str) -> None:
    assert ("contradicted", "Brokeback Mountain") not in _claims(fact_index, text, SCREENPLAY, "award")
    assert ("contradicted", "Cars") not in _claims(fact_index, text, "Did Cars win an Oscar?", "award")


CAST = """**Star Trek** (2009), directed by J. J. Abrams, recast the original crew:

| Character | Actor |
|---|---|
| Leonard McCoy | Karl Urban |
| Montgomery Scott (Scotty) | {scotty} |
"""


def test_a_cast_table_is_read_against_the_franchise_note(fact_index: FactIndex) -> None:
    prompt = "Who plays the Enterprise crew in the 2009 Star Trek reboot?"
    assert _claims(fact_index, CAST.format(scotty="Simon Pegg"), prompt, "cast") == [
        ("supported", "| Leonard McCoy | Karl Urban |"),
        ("supported", "| Montgomery Scott (Scotty) | Simon Pegg |"),
    ]
    wrong = _claims(fact_index, CAST.format(scotty="John Cho"), prompt, "cast")
    assert ("contradicted", "| Montgomery Scott (Scotty) | John Cho |") in wrong


def test_who_played_lines_name_the_part_not_a_title_that_contains_it(fact_index: FactIndex) -> None:
    note = notes_module.franchise_for_title(fact_index.notes, "Star Trek")
    lines = who_played_lines(note, "Spock")
    assert lines and all(line.startswith("Spock") for line in lines)  # not Kirk's "... The Search for Spock"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Henry Winkler won Outstanding Supporting Actor in a Comedy Series for Gene Cousineau in 2018 and again "
         "in 2019.", "contradicted"),  # 2019 was a nomination
        ("Henry Winkler won Outstanding Supporting Actor in a Comedy Series for Gene Cousineau in 2018.", "supported"),
        ("Bill Hader won Outstanding Lead Actor in a Comedy Series for the title role in both 2018 and 2019.",
         "supported"),
    ],
)  # fmt: skip
def test_every_year_after_an_emmy_category_is_read(fact_index: FactIndex, text: str, status: str) -> None:
    found = _claims(fact_index, text, "Which Emmys did Barry win?", "award")
    assert [s for s, _ in found] == [status]


def test_list_lines_under_a_markdown_heading_about_wins(fact_index: FactIndex) -> None:
    text = (
        "### Acting wins\n"
        "- **Richard Schiff** (Toby Ziegler): Supporting Actor, 2000\n"
        "- **Martin Sheen** (President Josiah Bartlet): Lead Actor, 2001\n"
    )
    found = dict((t, s) for s, t in _claims(fact_index, text, "The West Wing's Emmy wins?", "award"))
    assert found == {
        "Richard Schiff** (Toby Ziegler): Supporting Actor, 2000": "supported",
        "Martin Sheen** (President Josiah Bartlet): Lead Actor, 2001": "contradicted",  # nominated, never won
    }
    nominations = text.replace("Acting wins", "Acting nominations")
    assert _claims(fact_index, nominations, "The West Wing's Emmy nominations?", "award") == []


def test_a_films_wins_after_taking(fact_index: FactIndex) -> None:
    text = (
        "The Best Years of Our Lives (1946) was the big winner of its year, taking Best Picture, Best Director "
        "for Wyler and Best Actor for {actor}."
    )
    prompt = "How many Oscars did The Best Years of Our Lives win?"
    right = _claims(fact_index, text.format(actor="Fredric March"), prompt)
    assert ("supported", "Best Actor for Fredric March") in right
    wrong = text.replace("Best Actor for {actor}", "Best Actress for Myrna Loy")  # no such win (not even nominated)
    assert ("contradicted", "Best Actress for Myrna Loy") in _claims(fact_index, wrong, prompt, "award")


def test_the_award_went_to_a_name_with_an_initial(fact_index: FactIndex) -> None:
    text = "Lumet was nominated for Best Director, but the award went to {name} for {film}."
    wrong = _claims(fact_index, text.format(name="Alan J. Pakula", film="All the President's Men"), kind="award")
    assert ("contradicted", "the award went to Alan J. Pakula for All the President's Men") in wrong
    right = _claims(fact_index, text.format(name="John G. Avildsen", film="Rocky"), kind="award")
    assert ("supported", "the award went to John G. Avildsen for Rocky") in right


def test_an_oscars_won_label_line(fact_index: FactIndex) -> None:
    text = (
        "**Little Women (2019)**\n- Written and directed by Greta Gerwig\n"
        "- Oscars: won Best Costume Design (Jacqueline Durran) and Best Adapted Screenplay for Gerwig\n"
    )
    assert _claims(fact_index, text, "Which Oscars did the Little Women films win?", "award") == [
        ("supported", "Best Costume Design (Jacqueline Durran)"),
        ("contradicted", "Best Adapted Screenplay for Gerwig"),  # a nomination
    ]


def test_a_part_line_of_a_two_part_episode(fact_index: FactIndex) -> None:
    prompt = 'Tell me about the Simpsons two-parter "Who Shot Mr. Burns?" - when did each part air?'
    text = (
        '"Who Shot Mr. Burns?" is the show\'s famous cliffhanger:\n\n'
        "- **Part One** closed season 6 and aired on **May 21, 1995**.\n"
        "- **Part Two** opened season 7 and aired on **September 17, {year}**, directed by **Wes Archer**.\n"
    )
    found = _claims(fact_index, text.format(year=1996), prompt, "air_date")
    assert found == [("supported", "aired on **May 21, 1995"), ("contradicted", "aired on **September 17, 1996")]
    assert ("supported", "aired on **September 17, 1995") in _claims(fact_index, text.format(year=1995), prompt)
    assert fact_index.episode_parts("Who Shot Mr. Burns?", "The Simpsons")[2].title.endswith("Part II")


BONDS = "**George Lazenby** - On Her Majesty's Secret Service (1969) and Diamonds Are Forever (1971)"


@pytest.mark.parametrize(
    ("note", "flagged"),
    [
        # the note repeats the years the response states: it disputes something else, which no check read
        ("Lazenby made only one film. Diamonds Are Forever (1971) is Sean Connery's return.", False),
        ("Diamonds Are Forever came out in 1972, not 1971.", True),  # it disputes the year: the year is right
        ("Lazenby only made one Bond film.", True),  # no year in the note: read as before
    ],
)
def test_a_flag_on_a_year_the_note_grants_is_not_a_false_flag(note: str, flagged: bool) -> None:
    quote = "On Her Majesty's Secret Service (1969) and Diamonds Are Forever (1971)"
    ev = evaluation(
        "List the Bond actors.", BONDS, scores=ratings(5, factual_accuracy=2), issues=[issue(quote, note=note)]
    )
    claims = [
        supported(BONDS, "On Her Majesty's Secret Service (1969)"),
        supported(BONDS, "Diamonds Are Forever (1971)"),
    ]
    flags = compare(ev, AgentFindings(claims=claims), qa_guidelines()).flags
    assert any(f.type == "false_flag" for f in flags) is flagged


@pytest.mark.parametrize(
    ("code", "status"),
    [("7G01", "supported"), ("7G08", "contradicted")],  # 7G08 is "Simpsons Roasting on an Open Fire"
)
def test_an_episodes_production_code(fact_index: FactIndex, code: str, status: str) -> None:
    text = f'The first one produced was "Some Enchanted Evening" (production code {code}), the season 1 finale.'
    found = [c for c in check_claims(text, fact_index, prompt="The Simpsons") if c.kind == "production_code"]
    assert [(c.status, c.text, c.correction) for c in found] == [
        (status, f"production code {code}", None if status == "supported" else "7G01")
    ]
    assert "production code 7G01" in found[0].evidence[0].quote


def test_one_of_a_double_episodes_two_codes_is_left_alone(fact_index: FactIndex) -> None:
    double = next(e for e in fact_index.episodes.values() if e.production_code == "ZABF12ZABF13")

    def codes(code: str) -> list[str]:
        text = f'"{double.title}" (production code {code}) is a double episode.'
        return [c.status for c in check_claims(text, fact_index, prompt="The Simpsons") if c.kind == "production_code"]

    assert codes("7G01") == ["contradicted"]  # the episode is read
    assert codes("ZABF12") == [] and codes("ZABF13") == []  # one of its two codes: not a wrong one


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("Robert De Niro", "supported"),  # the category's winner for the film
        ("Lee Strasberg", "contradicted"),  # a nominee for the same film in the same category, who lost
        ("Al Pacino", None),  # not in that category's rows at all: the film's win does not confirm the name
    ],
)
def test_a_listed_win_names_its_winner(fact_index: FactIndex, who: str, status: str | None) -> None:
    text = f"The Godfather Part II (1974) won six Oscars, taking Best Picture and Best Supporting Actor for {who}."
    found = dict((t, s) for s, t in _claims(fact_index, text, "Which Oscars did The Godfather Part II win?", "award"))
    assert found.get(f"Best Supporting Actor for {who}") == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Superman first appeared in DC comics in June 1938.", None),  # true; the record says October 1986
        ("James Gordon first appeared in DC comics in May 1939.", None),  # true; the record says February 1987
        ("Superman first appeared in DC comics in October 1986.", None),  # the reboot's date: not confirmed
        ("Superman first appeared in DC comics in 1990.", "contradicted"),  # later than even the reboot
        ("Bane first appeared in DC comics in 1989.", "contradicted"),  # a record after the reboot years: as before
        ("Wolverine first appeared in Marvel comics in October 1974.", "supported"),  # Marvel: as before
    ],
)
def test_a_dc_record_from_the_reboot_years_is_only_an_upper_bound(
    fact_index: FactIndex, text: str, status: str | None
) -> None:
    found = [c.status for c in check_claims(text, fact_index) if c.kind == "comic"]
    assert found == ([status] if status else [])
