"""Franchise notes: the loader's contract, and every checkable fact against the public source tables.

The fact checks read ``../shared/data/kb_sources`` (the public data the knowledge base is derived from) and are
skipped on a machine that has only this repository.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from agent.errors import KnowledgeBaseError
from agent.kb.notes import (
    NOTES_DIR,
    FranchiseNote,
    actors_for,
    chronology_index,
    franchise_for_title,
    load_notes,
    normalize_title,
    parse_note,
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
TABLE_TITLE_ALIASES: dict[tuple[str, str], str] = {}

# Films the American-films table does not list at all (non-US productions). Each must carry a `note` in its
# release entry saying where its year comes from.
NOT_IN_TABLE: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def notes() -> list[FranchiseNote]:
    return load_notes()


@pytest.fixture(scope="module")
def films() -> dict[str, list[tuple[int, set[str]]]]:
    """Normalized title -> [(year, normalized cast names)] from wikipedia_movies."""
    table: dict[str, list[tuple[int, set[str]]]] = defaultdict(list)
    for path in sorted((KB_SOURCES / "wikipedia_movies").glob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            cast = {normalize_title(name) for name in row.get("cast", [])}
            table[normalize_title(row["title"])].append((int(row["year"]), cast))
    return table


def test_every_required_franchise_has_a_note(notes: list[FranchiseNote]) -> None:
    assert REQUIRED_IDS <= {n.meta.id for n in notes}


@needs_sources
def test_every_film_is_in_the_table_with_its_year(
    notes: list[FranchiseNote], films: dict[str, list[tuple[int, set[str]]]]
) -> None:
    problems = []
    for note in notes:
        for entry in note.meta.release_order:
            if entry.kind != "film":
                continue
            key = (note.meta.id, entry.title)
            if key in NOT_IN_TABLE:
                assert entry.note, f"{note.path}: {entry.title} is not in the table; its `note` must say why"
                continue
            rows = films.get(normalize_title(TABLE_TITLE_ALIASES.get(key, entry.title)), [])
            if entry.year not in {year for year, _ in rows}:
                problems.append(f"{note.meta.id}: {entry.title} ({entry.year}); table years {[y for y, _ in rows]}")
    assert not problems, "\n".join(problems)


@needs_sources
def test_every_cast_entry_is_in_the_films_cast_list(
    notes: list[FranchiseNote], films: dict[str, list[tuple[int, set[str]]]]
) -> None:
    problems = []
    checked = 0
    for note in notes:
        years = {e.title: e.year for e in note.meta.release_order if e.kind == "film"}
        for member in note.meta.cast:
            for title in member.entries:
                if title not in years or (note.meta.id, title) in NOT_IN_TABLE:
                    continue
                key = (note.meta.id, title)
                rows = films.get(normalize_title(TABLE_TITLE_ALIASES.get(key, title)), [])
                casts = [cast for year, cast in rows if year == years[title] and cast]
                if not casts:
                    continue
                checked += 1
                if not any(normalize_title(member.actor) in cast for cast in casts):
                    problems.append(f"{note.meta.id}: {member.actor} ({member.character}) not in {title} cast")
    assert not problems, "\n".join(problems)
    assert checked > 300
