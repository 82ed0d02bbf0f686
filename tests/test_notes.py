"""Franchise notes: the loader's contract, and every checkable fact against the public source tables.

The fact checks read ``../shared/data/kb_sources`` (the public data the knowledge base is derived from) and are
skipped on a machine that has only this repository.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.errors import KnowledgeBaseError
from agent.kb.notes import (
    FranchiseNote,
    actors_for,
    chronology_index,
    franchise_for_title,
    load_notes,
    normalize_title,
    release_index,
)

KB_SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "kb_sources"
needs_sources = pytest.mark.skipif(not KB_SOURCES.is_dir(), reason=f"public source tables not at {KB_SOURCES}")

REQUIRED_IDS = {
    "mcu",
    "star_wars",
    "wizarding_world",
    "middle_earth",
    "dc_films",
    "james_bond",
    "game_of_thrones",
    "breaking_bad",
    "star_trek",
    "stranger_things",
    "the_office",
    "friends",
    "the_simpsons",
    "pixar",
    "jurassic_park",
    "fast_and_furious",
    "mission_impossible",
    "hunger_games",
    "toy_story",
}

# (note id, title in the note) -> title in wikipedia_movies, where the table spells a film differently.
TABLE_TITLE_ALIASES: dict[tuple[str, str], str] = {
    ("james_bond", "Casino Royale (1967)"): "Casino Royale",
}

# Films the American-films table does not list (mostly UK productions). Their year is checked against
# oscars.tsv and the streaming catalogues instead, and their cast against the catalogues' cast lists.
NOT_IN_TABLE: dict[tuple[str, str], str] = {
    ("james_bond", "Dr. No"): "UK (Eon) production; year from hulu.csv",
    ("james_bond", "From Russia with Love"): "UK (Eon) production; see YEAR_FROM_ELSEWHERE",
    ("james_bond", "Goldfinger"): "UK (Eon) production; year from oscars.tsv",
    ("james_bond", "Thunderball"): "UK (Eon) production; year from oscars.tsv",
    ("james_bond", "Tomorrow Never Dies"): "UK/US (Eon) production; year and cast from netflix/amazon catalogues",
    ("james_bond", "Die Another Day"): "UK/US (Eon) production; year and cast from netflix/amazon catalogues",
}

# Films whose year no table confirms; each names the year the tables give and why the note differs.
YEAR_FROM_ELSEWHERE: dict[tuple[str, str], str] = {
    ("james_bond", "From Russia with Love"): "UK release 1963 (Wikipedia); hulu.csv gives the 1964 US release",
}


# Series title in a note -> the other names the streaming catalogues file it under.
TV_CATALOGUE_ALIASES: dict[str, tuple[str, ...]] = {
    "Star Trek: The Original Series": ("Star Trek Original (Remastered)",),
    "The Office (UK)": ("The Office",),  # amazon_prime.csv lists the UK series as plain "The Office"
}
# Series title in a note -> the name the Emmy table files it under (the US Office is plain "The Office" there,
# while the catalogues use "The Office" for the UK series).
TV_EMMY_ALIASES: dict[str, tuple[str, ...]] = {
    "Star Trek: The Original Series": ("Star Trek",),
    "The Office (US)": ("The Office",),
}


@pytest.fixture(scope="module")
def notes() -> list[FranchiseNote]:
    return load_notes()


def _catalogue_rows() -> Iterator[dict[str, str]]:
    for path in sorted((KB_SOURCES / "streaming_catalogs").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            yield from csv.DictReader(f)


@pytest.fixture(scope="module")
def films() -> dict[str, list[tuple[int, set[str]]]]:
    """Normalized title -> [(year, normalized cast names)] from wikipedia_movies."""
    table: dict[str, list[tuple[int, set[str]]]] = defaultdict(list)
    for path in sorted((KB_SOURCES / "wikipedia_movies").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            cast = {normalize_title(name) for name in row.get("cast", [])}
            table[normalize_title(row["title"])].append((int(row["year"]), cast))
    return table


@pytest.fixture(scope="module")
def other_films() -> dict[str, list[tuple[int, set[str]]]]:
    """Normalized title -> [(year, normalized cast names)] from oscars.tsv and the streaming catalogues."""
    table: dict[str, list[tuple[int, set[str]]]] = defaultdict(list)
    with (KB_SOURCES / "oscars" / "oscars.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["Year"].isdigit():
                for film in row["Film"].split("|"):
                    table[normalize_title(film)].append((int(row["Year"]), set()))
    for row in _catalogue_rows():
        if row["type"] == "Movie" and row["release_year"].isdigit():
            cast = {normalize_title(re.sub(r"\(.*?\)", "", n)) for n in row["cast"].split(",") if n.strip()}
            table[normalize_title(row["title"])].append((int(row["release_year"]), cast))
    return table


def test_every_required_franchise_has_a_note(notes: list[FranchiseNote]) -> None:
    assert REQUIRED_IDS <= {n.meta.id for n in notes}


Table = dict[str, list[tuple[int, set[str]]]]


def _credited(actor: str, cast: set[str]) -> bool:
    """The actor is in the cast list, exactly or with a billed nickname ("Chris "Ludacris" Bridges")."""
    wanted = normalize_title(actor)
    return wanted in cast or any(set(wanted.split()) <= set(name.split()) for name in cast)


def _rows(note_id: str, title: str, films: Table, other_films: Table) -> list[tuple[int, set[str]]]:
    key = (note_id, title)
    if key in NOT_IN_TABLE:
        return other_films.get(normalize_title(title), [])
    return films.get(normalize_title(TABLE_TITLE_ALIASES.get(key, title)), [])


@needs_sources
def test_every_film_is_in_the_tables_with_its_year(
    notes: list[FranchiseNote], films: Table, other_films: Table
) -> None:
    problems = []
    for note in notes:
        for entry in note.meta.release_order:
            key = (note.meta.id, entry.title)
            if entry.kind != "film" or key in YEAR_FROM_ELSEWHERE:
                continue
            if key in NOT_IN_TABLE and not entry.note:
                problems.append(f"{note.path}: {entry.title} is not in wikipedia_movies; its `note` must say so")
            rows = _rows(note.meta.id, entry.title, films, other_films)
            if entry.year not in {year for year, _ in rows}:
                problems.append(f"{note.meta.id}: {entry.title} ({entry.year}); table years {[y for y, _ in rows]}")
    assert not problems, "\n".join(problems)


@needs_sources
def test_every_cast_entry_is_in_the_films_cast_list(
    notes: list[FranchiseNote], films: Table, other_films: Table
) -> None:
    problems = []
    checked = 0
    for note in notes:
        years = {e.title: e.year for e in note.meta.release_order if e.kind == "film"}
        for member in note.meta.cast:
            for title in member.entries:
                if title not in years:
                    continue
                # wikipedia_movies cast lists are often cut short; the catalogues' lists count too.
                rows = _rows(note.meta.id, title, films, other_films) + other_films.get(normalize_title(title), [])
                casts = [cast for year, cast in rows if year == years[title] and cast]
                if not casts:
                    continue
                checked += 1
                if not any(_credited(member.actor, cast) for cast in casts):
                    problems.append(f"{note.meta.id}: {member.actor} ({member.character}) not in {title} cast")
    assert not problems, "\n".join(problems)
    assert checked > 300


@pytest.fixture(scope="module")
def tv_casts() -> dict[str, set[str]]:
    """Normalized series title -> normalized cast names from the streaming catalogues' TV shows."""
    table: dict[str, set[str]] = defaultdict(set)
    for row in _catalogue_rows():
        if row["type"] == "TV Show" and row["cast"]:
            names = {normalize_title(re.sub(r"\(.*?\)", "", n)) for n in row["cast"].split(",")}
            table[normalize_title(row["title"])] |= names - {""}
    return table


@pytest.fixture(scope="module")
def emmy_roles() -> dict[str, dict[str, set[str]]]:
    """Normalized series title -> normalized actor -> roles named in Emmy acting nominations ("X, as Role")."""
    table: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    with (KB_SOURCES / "emmys" / "emmy_nominations.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for part in row["staff"].split(";"):
                actor, sep, role = part.partition(", as ")
                if sep:
                    table[normalize_title(row["nominee"])][normalize_title(actor)].add(normalize_title(role))
    return table


def _shares_a_name(character: str, roles: set[str]) -> bool:
    words = {w for w in normalize_title(character).split() if len(w) > 2}
    return any(words & set(role.split()) for role in roles)


@needs_sources
def test_tv_cast_matches_catalogues_and_emmy_roles(
    notes: list[FranchiseNote], tv_casts: dict[str, set[str]], emmy_roles: dict[str, dict[str, set[str]]]
) -> None:
    """An actor must be in the series' catalogue cast (when one exists) or in its Emmy nominations, and an
    actor the Emmys name with a role must be given a character that shares a name with that role."""
    problems = []
    checked = 0
    for note in notes:
        series = {e.title for e in note.meta.release_order if e.kind == "tv"}
        for member in note.meta.cast:
            for title in set(member.entries) & series:
                actor = normalize_title(member.actor)
                in_catalogues = [normalize_title(t) for t in (title, *TV_CATALOGUE_ALIASES.get(title, ()))]
                in_emmys = [normalize_title(t) for t in (title, *TV_EMMY_ALIASES.get(title, ()))]
                catalogue = set().union(*(tv_casts.get(n, set()) for n in in_catalogues))
                roles = set().union(*(emmy_roles.get(n, {}).get(actor, set()) for n in in_emmys))
                if catalogue and actor not in catalogue and not roles:
                    problems.append(f"{note.meta.id}: {member.actor} not in the {title} catalogue cast")
                if roles and not _shares_a_name(member.character, roles):
                    problems.append(f"{note.meta.id}: {member.actor} plays {roles} in {title} per the Emmys")
                checked += bool(catalogue) or bool(roles)
    assert not problems, "\n".join(problems)
    assert checked > 40


def _episode_rows(name: str) -> list[dict[str, str]]:
    with (KB_SOURCES / "tv_episodes" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _episode_counts(title: str) -> tuple[int, int | None] | None:
    """(seasons, episodes) from tv_episodes/ for the series it covers completely; None for the others."""
    if title == "Game of Thrones":
        rows = _episode_rows("game_of_thrones.csv")
        return len({r["season"] for r in rows}), len(rows)
    if title == "Friends":
        # Double-length episodes are one row with two production codes; specials have none.
        codes = [c for r in _episode_rows("friends.csv") for c in r["code"].split("\n") if c[:2].isdigit()]
        return len({c[:2] for c in codes}), len(codes)
    if title == "The Office (US)":
        # Hour-long episodes are one row, so the table gives no episode count.
        return len({r["season"] for r in _episode_rows("the_office_us.csv")}), None
    return None


@needs_sources
def test_season_and_episode_counts_match_the_episode_tables(notes: list[FranchiseNote]) -> None:
    checked = 0
    for note in notes:
        for entry in note.meta.release_order:
            counts = _episode_counts(entry.title) if entry.kind == "tv" else None
            if counts is None:
                continue
            seasons, episodes = counts
            assert entry.seasons == seasons, f"{note.meta.id}: {entry.title} has {seasons} seasons"
            if episodes is not None:
                assert entry.episodes == episodes, f"{note.meta.id}: {entry.title} has {episodes} episodes"
            checked += 1
    assert checked == 3


@pytest.fixture(scope="module")
def catalogue_seasons() -> dict[str, set[int]]:
    """Normalized series title -> season counts ("7 Seasons") in the 2021 streaming catalogues."""
    table: dict[str, set[int]] = defaultdict(set)
    for row in _catalogue_rows():
        match = re.fullmatch(r"(\d+) Seasons?", row["duration"].strip())
        if row["type"] == "TV Show" and match:
            table[normalize_title(row["title"])].add(int(match.group(1)))
    return table


@needs_sources
def test_finished_series_season_counts_match_the_catalogues(
    notes: list[FranchiseNote], catalogue_seasons: dict[str, set[int]]
) -> None:
    """A series that ended before the 2021 catalogues has a season count that one of them lists."""
    problems = []
    checked = 0
    for note in notes:
        for entry in note.meta.release_order:
            if entry.kind != "tv" or entry.end_year is None or entry.end_year >= 2021:
                continue
            names = [normalize_title(t) for t in (entry.title, *TV_CATALOGUE_ALIASES.get(entry.title, ()))]
            listed = set().union(*(catalogue_seasons.get(n, set()) for n in names))
            if listed:
                checked += 1
                if entry.seasons not in listed:
                    problems.append(f"{note.meta.id}: {entry.title} seasons {entry.seasons}, catalogues {listed}")
    assert not problems, "\n".join(problems)
    assert checked >= 5


# --- the loader's contract -------------------------------------------------------------------------------

GOOD_NOTE = """---
franchise: Example Saga
id: example
aliases: [Example]
kind: film
sources: ["wikipedia_movies (movies-2010s.json)"]
release_order:
  - {title: "First", year: 2010, kind: film}
  - {title: "Second", year: 2012, kind: film}
chronology: ["Second", "First"]
cast:
  - {character: "Hero", actor: "A. Actor", entries: ["First"]}
  - {character: "Hero", actor: "B. Actor", entries: ["Second"]}
title_variants:
  - {title: "First", variants: ["The First One"], note: "UK title"}
---
# Example

- A sourced bullet. [wikipedia_movies (movies-2010s.json)]
"""


def _write(tmp_path: Path, text: str, name: str = "example.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_note_loads_with_its_body(tmp_path: Path) -> None:
    _write(tmp_path, GOOD_NOTE)
    (note,) = load_notes(tmp_path)
    assert note.meta.id == "example"
    assert [e.title for e in note.meta.release_order] == ["First", "Second"]
    assert "A sourced bullet." in note.body


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("kind: film\nsources", "kind: film\nrating: 5\nsources", "rating: Extra inputs are not permitted"),
        ('actor: "B. Actor", entries: ["Second"]', 'actor: "B. Actor", entries: ["Third"]', "['Third']"),
        ('chronology: ["Second", "First"]', 'chronology: ["Second", "Fourth"]', "chronology names titles"),
        ("year: 2012", "year: 2008", "not in release order"),
        ("id: example", "id: other", "must equal the file name"),
        (
            '{title: "Second", year: 2012, kind: film}',
            '{title: "Second", year: 2012, kind: film, seasons: 2}',
            "for kind 'tv' only",
        ),
        ("kind: film\nsources", "kind: novel\nsources", "kind: Input should be"),
        ("release_order:", "release_order: [\n", "not valid YAML"),
        ("- A sourced bullet. [wikipedia_movies (movies-2010s.json)]", "- An unsourced bullet.", "example.md:19"),
    ],
)
def test_a_bad_note_fails_naming_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD_NOTE
    _write(tmp_path, GOOD_NOTE.replace(old, new))
    with pytest.raises(KnowledgeBaseError, match="example.md") as err:
        load_notes(tmp_path)
    assert message in str(err.value)


def test_a_file_without_front_matter_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "# Just markdown\n")
    with pytest.raises(KnowledgeBaseError, match="no YAML front matter"):
        load_notes(tmp_path)


def test_two_notes_may_not_share_an_alias(tmp_path: Path) -> None:
    _write(tmp_path, GOOD_NOTE)
    _write(tmp_path, GOOD_NOTE.replace("id: example", "id: example_two"), "example_two.md")
    with pytest.raises(KnowledgeBaseError, match="also used by"):
        load_notes(tmp_path)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not found"):
        load_notes(tmp_path / "nowhere")


# --- the helpers the agent uses, over the committed notes ------------------------------------------------


def _note(notes: list[FranchiseNote], note_id: str) -> FranchiseNote:
    return next(n for n in notes if n.meta.id == note_id)


def test_release_and_chronology_positions(notes: list[FranchiseNote]) -> None:
    star_wars = _note(notes, "star_wars")
    assert release_index(star_wars, "A New Hope") == 0
    assert chronology_index(star_wars, "Star Wars: Episode IV – A New Hope") == 6
    assert chronology_index(star_wars, "The Phantom Menace") == 0
    mcu = _note(notes, "mcu")
    assert release_index(mcu, "Captain Marvel") == 20
    assert chronology_index(mcu, "Captain Marvel") == 1
    assert chronology_index(mcu, "Thor: Ragnarok") is None
    assert release_index(mcu, "Man of Steel") is None


def test_actors_for_follows_recasts(notes: list[FranchiseNote]) -> None:
    mcu = _note(notes, "mcu")
    assert actors_for(mcu, "Hulk", "The Incredible Hulk") == ["Edward Norton"]
    assert actors_for(mcu, "Bruce Banner", "The Avengers") == ["Mark Ruffalo"]
    assert actors_for(mcu, "Rhodey", "Iron Man") == []
    assert actors_for(mcu, "James Rhodes", "Iron Man") == ["Terrence Howard"]
    assert set(actors_for(mcu, "Spider-Man", "Spider-Man: No Way Home")) == {
        "Tom Holland",
        "Andrew Garfield",
        "Tobey Maguire",
    }
    wizarding = _note(notes, "wizarding_world")
    assert actors_for(wizarding, "Albus Dumbledore", "Harry Potter and the Philosopher's Stone") == ["Richard Harris"]
    assert actors_for(wizarding, "Albus Dumbledore", "Harry Potter and the Prisoner of Azkaban") == ["Michael Gambon"]


def test_franchise_for_title(notes: list[FranchiseNote]) -> None:
    def found(title: str) -> str | None:
        note = franchise_for_title(notes, title)
        return note.meta.id if note else None

    assert found("Harry Potter and the Philosopher's Stone") == "wizarding_world"
    assert found("A New Hope") == "star_wars"
    assert found("The Lord of the Rings") == "middle_earth"
    assert found("Toy Story 3") == "toy_story"  # also a Pixar film: the more specific note wins
    assert found("Coco") == "pixar"
    assert found("Avengers Assemble") == "mcu"
    assert found("Citizen Kane") is None


def test_every_note_body_has_sourced_sections(notes: list[FranchiseNote]) -> None:
    for note in notes:
        bullets = [line for line in note.body.splitlines() if line.startswith("- ")]
        assert len(bullets) >= 4, f"{note.path}: too few facts in the body"
        assert note.body.lstrip().startswith("# "), f"{note.path}: body must start with a title"
