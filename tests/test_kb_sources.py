"""The curated KB tables: every source row is there, ids are stable and unique, records cite their source."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from agent.errors import KnowledgeBaseError
from agent.kb import sources
from agent.kb.sources import TABLES, Film, iter_table, load_manifest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


def _derive_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kb_derive", REPO / "knowledge_base" / "derive.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tables() -> dict[str, list[sources.Record]]:
    return {name: list(iter_table(name, model)) for name, model in TABLES.items()}  # type: ignore[misc]


def test_row_counts_match_the_manifest_and_the_shared_readme(tables: dict[str, list[sources.Record]]) -> None:
    manifest = load_manifest()
    for name, rows in tables.items():
        assert len(rows) == manifest["tables"][name]["rows"]  # type: ignore[index]
    # Row counts documented in shared/data/README.md; 23 film rows repeat a film of the same year and are merged.
    assert manifest["tables"]["films"]["source_rows"] == 36_273  # type: ignore[index]
    assert len(tables["films"]) == 36_273 - 23
    assert len(tables["oscars"]) == 12_137
    assert len(tables["emmys"]) == 21_503
    assert len(tables["episodes"]) == 1_237
    assert len(tables["streaming"]) == 22_998
    assert len(tables["comics"]) + len(tables["avengers"]) == 23_445


def test_ids_are_unique_and_follow_the_scheme(tables: dict[str, list[sources.Record]]) -> None:
    ids = [r.id for rows in tables.values() for r in rows]
    assert len(ids) == len(set(ids))
    prefixes = {"films": "film:", "oscars": "oscar:", "emmys": "emmy:", "episodes": "episode:"}
    prefixes |= {"streaming": "streaming:", "comics": "comic:", "avengers": "comic:avengers:"}
    for name, rows in tables.items():
        assert all(r.id.startswith(prefixes[name]) for r in rows), name
    episode_ids = {r.id for r in tables["episodes"]}
    assert "episode:game-of-thrones:s03e09" in episode_ids
    assert "episode:the-simpsons:s34e22" in episode_ids


def test_films_cite_wikipedia_and_licence(tables: dict[str, list[sources.Record]]) -> None:
    films = [r for r in tables["films"] if isinstance(r, Film)]
    inception = next(f for f in films if f.title == "Inception")
    assert inception.id == "film:Inception"
    assert inception.url == "https://en.wikipedia.org/wiki/Inception"
    assert inception.evidence().source == inception.url
    assert "CC BY-SA 4.0" in inception.licence
    assert all(f.url == f"https://en.wikipedia.org/wiki/{f.href}" for f in films if f.href)
    assert all(r.source and r.licence for rows in tables.values() for r in rows)
    # The 3D re-release shares the 1999 film's article: it keeps a distinct id.
    menace = [f.id for f in films if f.href == "Star_Wars:_Episode_I_%E2%80%93_The_Phantom_Menace"]
    assert len(menace) == 2 and len(set(menace)) == 2


def test_oscar_year_is_the_film_year_and_multi_values_are_split(tables: dict[str, list[sources.Record]]) -> None:
    first = tables["oscars"][0]
    assert isinstance(first, sources.Oscar)
    assert (first.ceremony, first.year_label, first.film_year, first.ceremony_year) == (1, "1927/28", 1927, 1929)
    assert first.films == ["The Noose", "The Patent Leather Kid"]
    forrest = [
        o
        for o in tables["oscars"]
        if isinstance(o, sources.Oscar) and o.canonical_category == "BEST PICTURE" and o.winner and o.film_year == 1994
    ]
    assert [o.films for o in forrest] == [["Forrest Gump"]]
    assert forrest[0].ceremony == 67 and forrest[0].ceremony_year == 1995


def test_episode_credits_are_split(tables: dict[str, list[sources.Record]]) -> None:
    eps = {r.id: r for r in tables["episodes"] if isinstance(r, sources.Episode)}
    rains = eps["episode:game-of-thrones:s03e09"]
    assert (rains.title, rains.directors, rains.writers) == (
        "The Rains of Castamere",
        ["David Nutter"],
        ["David Benioff", "D. B. Weiss"],
    )
    # "Story by : X\nTeleplay by : Y" (Friends) keeps both roles.
    story = [e for e in eps.values() if e.story_by and e.series == "Friends"]
    assert story and all(e.teleplay_by and set(e.story_by + e.teleplay_by) <= set(e.writers) for e in story)
    # A cell that glues two credits together is split ("Mike SikowitzMichael Borkow").
    bowl = eps["episode:friends:s02e12"]
    assert bowl.episode_end == 13 and "Michael Borkow" in bowl.writers and "Mike Sikowitz" in bowl.writers
    assert eps["episode:friends:s01e01"].air_date == "1994-09-22"
    # The Office source has no episode numbers: they are row order and flagged as such.
    office = eps["episode:the-office-us:s01e01"]
    assert office.title == "Pilot" and not office.numbering_reliable
    assert rains.numbering_reliable


def test_thor_first_appearance_slip_is_recorded_as_a_correction(tables: dict[str, list[sources.Record]]) -> None:
    thor = next(
        r for r in tables["comics"] if isinstance(r, sources.ComicCharacter) and r.name == "Thor (Thor Odinson)"
    )
    assert thor.year == 1950  # the source value is kept
    assert thor.first_year == 1962
    assert "1962" in thor.quote()


def test_streaming_tv_seasons_and_directors(tables: dict[str, list[sources.Record]]) -> None:
    rows = [r for r in tables["streaming"] if isinstance(r, sources.StreamingTitle)]
    inception = next(r for r in rows if r.title == "Inception" and r.service == "netflix")
    assert inception.directors == ["Christopher Nolan"] and inception.release_year == 2010
    assert any(r.seasons and r.seasons > 1 for r in rows if r.type == "TV Show")


def test_directors_from_the_lead_paragraph_only_when_it_describes_the_same_film(
    tables: dict[str, list[sources.Record]],
) -> None:
    films = {(f.title, f.year): f for f in tables["films"] if isinstance(f, Film)}
    assert films[("Titanic", 1997)].directed_by()[0] == ["James Cameron"]  # type: ignore[index]
    assert films[("Iron Man", 2008)].directed_by()[0] == ["Jon Favreau"]  # type: ignore[index]
    # The 2003 "Two Days" row carries the lead of a 2011 Russian film: it gives no director.
    assert films[("Two Days", 2003)].directed_by() is None


def test_a_corrupt_table_fails_naming_file_and_line(tmp_path: Path) -> None:
    good = gzip.open(sources.table_path("episodes"), "rt", encoding="utf-8").readline()
    bad = json.loads(good)
    del bad["title"]
    with gzip.open(tmp_path / "episodes.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(good + json.dumps(bad) + "\n")
    with pytest.raises(KnowledgeBaseError, match=r"episodes.jsonl.gz:2: not a valid Episode"):
        sources.load_episodes(tmp_path)
    with pytest.raises(KnowledgeBaseError, match="derive.py"):
        sources.load_films(tmp_path)


def test_credit_splitting() -> None:
    derive = _derive_module()
    assert derive.split_names("Ricky Gervais |Stephen Merchant and Greg Daniels") == [
        "Ricky Gervais",
        "Stephen Merchant",
        "Greg Daniels",
    ]
    assert derive.split_names("TBA") == []
    writers, story, teleplay = derive.parse_writers(
        "Story by\u200a: Thomas Chastain & Sam SimonTeleplay by\u200a: Jon Vitti"
    )
    assert story == ["Thomas Chastain", "Sam Simon"] and teleplay == ["Jon Vitti"]
    assert writers == ["Thomas Chastain", "Sam Simon", "Jon Vitti"]


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data")
def test_derive_reproduces_the_committed_tables_byte_for_byte(tmp_path: Path) -> None:
    derive = _derive_module()
    derive.derive(SHARED, tmp_path)
    for name in TABLES:
        file = f"{name}.jsonl.gz"
        assert (tmp_path / file).read_bytes() == (REPO / "knowledge_base" / "data" / file).read_bytes(), file
    assert (tmp_path / "manifest.json").read_text() == (REPO / "knowledge_base" / "data" / "manifest.json").read_text()


def test_a_film_listed_twice_in_the_same_year_is_one_record(tables: dict[str, list[sources.Record]]) -> None:
    # The 1938 list names Swing Your Lady twice, with different leading players.
    swing = [f for f in tables["films"] if isinstance(f, sources.Film) and f.title == "Swing Your Lady"]
    assert len(swing) == 1
    assert {"Frank McHugh", "Humphrey Bogart", "Ronald Reagan"} <= set(swing[0].cast)
    # A film re-listed in another year keeps both rows (festival vs release year, or a wrong link): not merged.
    assert len([f for f in tables["films"] if isinstance(f, sources.Film) and f.title == "Return of the Fly"]) == 2
