"""The exact fact index over the committed KB data: the queries the exact checks rely on."""

from __future__ import annotations

import pytest

from agent.kb.aliases import is_weak_key, normalize_name, normalize_title, title_aliases
from agent.kb.facts import FactIndex, oscar_categories


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Star Wars: Episode IV – A New Hope", "star wars episode 4 - a new hope"),
        ("Amélie", "AMELIE"),
        ("The Matrix", "Matrix"),
        ("Harry Potter and the Philosopher's Stone", "Harry Potter and the Sorcerer’s Stone"),
        ("Fast & Furious", "Fast and Furious"),
        ("Rocky II", "Rocky 2"),
    ],
)
def test_title_normalisation_meets_at_one_key(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)


def test_name_normalisation_joins_initials_and_drops_accents() -> None:
    assert normalize_name("D. B. Weiss") == normalize_name("D.B. Weiss") == "db weiss"
    assert normalize_name("Gérard Depardieu") == "gerard depardieu"
    assert normalize_title("A Quiet Place") != normalize_title("Quiet Place Part II")


def test_subtitles_are_marked_and_weak_keys_recognised() -> None:
    assert dict(title_aliases("Star Wars: Episode IV – A New Hope")) == {
        "star wars episode 4 a new hope": "title",
        "episode 4 a new hope": "subtitle",
        "new hope": "subtitle",
    }
    assert is_weak_key("up") and is_weak_key("home") and is_weak_key("the one")
    assert not is_weak_key("inception") and not is_weak_key("iron man")


def test_a_shared_title_returns_every_film_with_its_year(fact_index: FactIndex) -> None:
    years = [m.film.year for m in fact_index.find_films("Iron Man")]
    assert years == [1931, 1951, 2008]
    assert [f.value for f in fact_index.year_of("Inception")] == [2010]
    assert [m.film.year for m in fact_index.find_films("Iron Man", year=2008)] == [2008]


def test_market_and_continuity_titles(fact_index: FactIndex) -> None:
    uk = fact_index.find_films("Harry Potter and the Philosopher's Stone")
    assert [(m.film.title, m.film.year) for m in uk] == [("Harry Potter and the Sorcerer's Stone", 2001)]
    for alias in ("A New Hope", "Star Wars: Episode IV – A New Hope"):
        assert ("Star Wars", 1977) in [(m.film.title, m.film.year) for m in fact_index.find_films(alias)]
    assert fact_index.find_films("A New Hope")[0].kind in {"subtitle", "variant"}


def test_cast_and_people(fact_index: FactIndex) -> None:
    cast = fact_index.cast_of("The Matrix", 1999)
    assert cast and "Keanu Reeves" in cast[0].value  # type: ignore[operator]
    assert cast[0].evidence.source == "https://en.wikipedia.org/wiki/The_Matrix"
    assert "The Matrix" in [f.title for f in fact_index.films_with("keanu reeves")]


def test_directors_come_with_their_source(fact_index: FactIndex) -> None:
    facts = fact_index.directors_of("The Godfather", 1972)
    sources = {f.record_id.split(":")[0] for f in facts}
    assert {"film", "oscar"} <= sources
    assert all(f.value == ["Francis Ford Coppola"] for f in facts)
    assert all("Coppola" in f.evidence.quote for f in facts)


def test_films_by_director_come_from_the_lead_paragraphs(fact_index: FactIndex) -> None:
    titles = {(f.title, f.year) for f in fact_index.films_directed_by("Christopher Nolan")}
    assert ("Inception", 2010) in titles and ("Oppenheimer", 2023) in titles
    assert fact_index.films_directed_by("christopher  NOLAN") == fact_index.films_directed_by("Christopher Nolan")
    assert fact_index.films_directed_by("Nobody In Particular") == []


def test_episodes_by_number_and_title(fact_index: FactIndex) -> None:
    ep = fact_index.episode("Game of Thrones", 3, 9)
    assert ep is not None and ep.title == "The Rains of Castamere" and ep.directors == ["David Nutter"]
    assert fact_index.episode("game-of-thrones", 3, 9) is ep
    assert fact_index.episode("Game of Thrones", 9, 1) is None
    (bowl,) = fact_index.episodes_titled("The One After the Super Bowl", "Friends")
    assert fact_index.episode("Friends", 2, 13) is bowl  # the double episode answers for both numbers
    seasons = fact_index.season_count("Game of Thrones")
    assert seasons is not None and seasons.value == 8
    assert seasons.record_id == "episode:game-of-thrones:s08e06"
    simpsons = fact_index.season_count("The Simpsons")
    assert simpsons is not None and simpsons.value == 34
    assert fact_index.season_count("Breaking Bad") is None  # no episode guide: unknown, not zero


def test_oscars_by_category_year_film_and_person(fact_index: FactIndex) -> None:
    (winner,) = fact_index.oscar_winner("Best Picture", 1994)
    assert winner.films == ["Forrest Gump"] and winner.ceremony_year == 1995
    assert winner.evidence().passage_id.startswith("oscar:")
    titanic = fact_index.oscars_for_film("Titanic", 1997)
    assert sum(o.winner for o in titanic) == 11
    streep = fact_index.oscars_for_person("Meryl Streep")
    assert len(streep) >= 21 and sum(o.winner for o in streep) == 3
    assert oscar_categories("Best Actress") == ("ACTRESS IN A LEADING ROLE",)
    assert fact_index.oscar_winner("best director", 1997)[0].name == "James Cameron"


def test_emmys_and_comics(fact_index: FactIndex) -> None:
    bb = fact_index.emmys_for("Breaking Bad")
    assert any(e.winner and "Bryan Cranston" in e.staff for e in bb)
    assert any(e.nominee == "Breaking Bad" for e in fact_index.emmys_for("Bryan Cranston"))
    thor = fact_index.comic_characters("Thor (Thor Odinson)")
    assert thor[0].first_year == 1962


def test_every_row_of_every_table_is_held(fact_index: FactIndex) -> None:
    assert fact_index.record_count == 36_250 + 12_137 + 21_503 + 1_237 + 22_998 + 23_445


def test_find_titles_in_running_text(fact_index: FactIndex) -> None:
    from agent.kb.aliases import find_titles

    text = (
        "Elijah Wood and Ian McKellen star in The Lord of the Rings: The Fellowship of the Ring (2001). "
        "Up (2009) is a Pixar film; we went up the hill. Cries and Whispers is Swedish. "
        "Finding Nemo, Ratatouille and WALL-E (2008) won. JFK was directed by Oliver Stone; jfk, Jfk and the "
        "UK are not titles here."
    )
    found = [text[m.start : m.end] for m in find_titles(text, fact_index.has_title_key)]
    assert found == [
        "The Lord of the Rings: The Fellowship of the Ring",
        "Up",
        "Finding Nemo",
        "Ratatouille",
        "WALL-E",
        "JFK",
    ]


def test_a_title_listed_twice_in_one_year_names_one_film(fact_index: FactIndex) -> None:
    # The 1944 list names Murder, My Sweet twice; as two records the title named no one film and went unchecked.
    (match,) = fact_index.find_films("Murder, My Sweet")
    assert match.film.year == 1944
    assert [f.value for f in fact_index.directors_of("Murder, My Sweet")] == [["Edward Dmytryk"]]
