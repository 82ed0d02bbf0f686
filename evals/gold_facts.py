"""Facts for the generated gold set, drawn from the curated KB tables and the franchise notes.

Every fact here is a record of ``knowledge_base/data`` or a franchise note's front matter, and every planted error
is checked against the same data before it is used: a wrong year is at least two years off and the title is unique
in the film table (so it is not the year of another film of that name), a wrong director is not a director of the
film by any source the fact index uses, a wrong actor did not play that character in that entry, an award "won"
was only a nomination, and an invented sequel's title matches no film or franchise entry.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from agent.kb.aliases import normalize_name, normalize_title
from agent.kb.notes import NOTES_DIR, FranchiseNote, actors_for, chronology_index, load_notes
from agent.kb.sources import DATA_DIR, Episode, Film, Oscar, load_episodes, load_films, load_oscars

ACTING = {
    "ACTOR IN A LEADING ROLE": "Best Actor",
    "ACTRESS IN A LEADING ROLE": "Best Actress",
    "ACTOR IN A SUPPORTING ROLE": "Best Supporting Actor",
    "ACTRESS IN A SUPPORTING ROLE": "Best Supporting Actress",
}
EPISODE_SERIES = ("game-of-thrones", "friends", "the-simpsons")  # The Office's numbering is row order only
# The franchise notes the generated set draws on (new notes do not move the frozen set; see fingerprint()).
FRANCHISES = ("dc_films", "james_bond", "mcu", "middle_earth", "star_wars", "wizarding_world")
SEQUEL_SUBTITLES = ("The Reckoning", "Legacy of Shadows", "The Final Hour", "Return to the Edge", "Homecoming Day")


@dataclass(frozen=True)
class FilmFact:
    """A film with a single Oscar-nominated director and at least two credited leads."""

    film: Film
    director: str
    director_source: str
    others: tuple[str, ...] = ()  # every director name any source gives the film (never used as a wrong value)


@dataclass(frozen=True)
class AwardFact:
    """An acting nomination; ``winner`` is the winning nomination of the same category and year."""

    nomination: Oscar
    label: str
    film: Film
    winner: Oscar


@dataclass(frozen=True)
class EpisodeFact:
    """An episode with one director and one or two writers, none of them in both roles."""

    episode: Episode


@dataclass(frozen=True)
class OrderFact:
    """Three entries of a franchise whose in-universe chronology differs from their release order."""

    note: FranchiseNote
    release: tuple[str, ...]
    chronology: tuple[str, ...]
    years: dict[str, int] = field(hash=False)


@dataclass(frozen=True)
class CastFact:
    """An actor who played a character in a franchise entry, and an actor who did not."""

    note: FranchiseNote
    character: str
    actor: str
    entry: str
    year: int
    wrong_actor: str


@dataclass
class FactPools:
    """Everything the generator draws from, in a deterministic order."""

    films: list[FilmFact]
    awards_lost: list[AwardFact]
    awards_won: list[AwardFact]
    episodes: list[EpisodeFact]
    orders: list[OrderFact]
    casts: list[CastFact]
    directors: list[str]
    title_keys: set[str]
    title_prefixes: set[str]
    episode_directors: dict[str, list[str]]

    def wrong_year(self, fact: FilmFact, rng: random.Random) -> int:
        """A year at least two years off (a festival premiere can make one year off arguable)."""
        return fact.film.year + rng.choice((-3, -2, 2, 3))

    def wrong_director(self, fact: FilmFact, rng: random.Random) -> str:
        """A director (of another Oscar-nominated film) who did not direct this one by any source."""
        taken = {normalize_name(n) for n in (fact.director, *fact.others)}
        while True:
            name = rng.choice(self.directors)
            if normalize_name(name) not in taken:
                return name

    def wrong_episode_director(self, fact: EpisodeFact, rng: random.Random) -> str:
        """Someone who directed another episode of the same series but neither directed nor wrote this one."""
        ep = fact.episode
        taken = {normalize_name(n) for n in (*ep.directors, *ep.writers)}
        pool = [n for n in self.episode_directors[ep.series_slug] if normalize_name(n) not in taken]
        return rng.choice(pool)

    def invented_sequel(self, fact: FilmFact, rng: random.Random) -> str:
        """A sequel title that no film or franchise entry has."""
        for subtitle in rng.sample(SEQUEL_SUBTITLES, len(SEQUEL_SUBTITLES)):
            title = f"{fact.film.title} II: {subtitle}"
            if normalize_title(title) not in self.title_keys:
                return title
        raise ValueError(f"no free sequel title for {fact.film.title!r}")


def load_pools() -> FactPools:
    """Build every pool from the committed KB tables and notes (deterministic order)."""
    films = [f for f in load_films() if not f.upcoming]
    oscars = load_oscars()
    notes = [n for n in load_notes() if n.meta.id in FRANCHISES]
    by_key: dict[str, list[Film]] = defaultdict(list)
    for film in films:
        by_key[normalize_title(film.title)].append(film)
    title_keys = set(by_key)
    for note in notes:
        title_keys |= {normalize_title(e.title) for e in note.meta.release_order}
    # A title that begins another title (a sequel or a longer title) is never used for the invented-sequel error.
    prefixes = {" ".join(k.split()[:n]) for k in title_keys for n in range(1, len(k.split()))}
    unique = {k: fs[0] for k, fs in by_key.items() if len(fs) == 1}
    return FactPools(
        films=_film_facts(oscars, unique),
        awards_lost=_award_facts(oscars, unique, won=False),
        awards_won=_award_facts(oscars, unique, won=True),
        episodes=_episode_facts(),
        orders=_order_facts(notes),
        casts=_cast_facts(notes),
        directors=sorted({o.name for o in oscars if o.canonical_category == "DIRECTING" and len(o.nominees) == 1}),
        title_keys=title_keys,
        title_prefixes=prefixes,
        episode_directors=_episode_directors(),
    )


def _film_facts(oscars: list[Oscar], unique: dict[str, Film]) -> list[FilmFact]:
    directing: dict[tuple[str, int], set[str]] = defaultdict(set)
    for o in oscars:
        if o.canonical_category == "DIRECTING":
            for title in o.films:
                directing[(normalize_title(title), o.film_year)].update(o.nominees)
    out: list[FilmFact] = []
    for (key, year), names in sorted(directing.items()):
        film = unique.get(key)
        if film is None or film.year != year or year < 1960 or len(film.cast) < 2 or len(names) != 1:
            continue
        (director,) = names
        lead = film.directed_by()
        others = tuple(lead[0]) if lead else ()
        if lead and normalize_name(director) not in {normalize_name(n) for n in lead[0]}:
            continue  # the lead paragraph disagrees with the Oscar row: not a clean fact
        if any(normalize_name(c) == normalize_name(director) for c in film.cast[:2]):
            continue
        out.append(FilmFact(film=film, director=director, director_source="oscars.tsv DIRECTING", others=others))
    return out


def _award_facts(oscars: list[Oscar], unique: dict[str, Film], *, won: bool) -> list[AwardFact]:
    winners: dict[tuple[str, int], list[Oscar]] = defaultdict(list)
    for o in oscars:
        if o.canonical_category in ACTING and o.winner:
            winners[(o.canonical_category, o.film_year)].append(o)
    out: list[AwardFact] = []
    for o in oscars:
        if o.canonical_category not in ACTING or o.winner != won or o.film_year < 1960 or len(o.films) != 1:
            continue
        film = unique.get(normalize_title(o.films[0]))
        wins = winners.get((o.canonical_category, o.film_year), [])
        if film is None or film.year != o.film_year or len(wins) != 1 or len(o.nominees) != 1:
            continue
        # the same person must not also have a winning row for this category and film (ties, split rows)
        if not won and any(normalize_name(w.name) == normalize_name(o.name) for w in wins):
            continue
        out.append(AwardFact(nomination=o, label=ACTING[o.canonical_category], film=film, winner=wins[0]))
    return out


def _episode_facts() -> list[EpisodeFact]:
    out: list[EpisodeFact] = []
    for ep in load_episodes():
        if ep.series_slug not in EPISODE_SERIES or not ep.numbering_reliable or ep.episode_end is not None:
            continue
        if len(ep.directors) != 1 or not 1 <= len(ep.writers) <= 2 or ep.story_by or ep.teleplay_by:
            continue
        if {normalize_name(n) for n in ep.directors} & {normalize_name(n) for n in ep.writers}:
            continue
        if ep.season is None or ep.episode is None or '"' in ep.title:
            continue
        out.append(EpisodeFact(episode=ep))
    return out


def _episode_directors() -> dict[str, list[str]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for ep in load_episodes():
        counts[ep.series_slug].update(ep.directors)
    return {slug: sorted(c) for slug, c in counts.items()}


def _order_facts(notes: list[FranchiseNote]) -> list[OrderFact]:
    out: list[OrderFact] = []
    for note in notes:
        chron = [t for t in note.meta.chronology if _kind(note, t) == "film"]
        years = {e.title: e.year for e in note.meta.release_order}
        release_pos = {e.title: i for i, e in enumerate(note.meta.release_order)}
        for i in range(len(chron) - 2):
            trio = chron[i : i + 3]
            by_release = tuple(sorted(trio, key=release_pos.__getitem__))
            if by_release == tuple(trio) or len({years[t] for t in trio}) < 3:
                continue
            out.append(OrderFact(note=note, release=by_release, chronology=tuple(trio), years=years))
    return out


def _kind(note: FranchiseNote, title: str) -> str:
    return next(e.kind for e in note.meta.release_order if e.title == title)


def _cast_facts(notes: list[FranchiseNote]) -> list[CastFact]:
    out: list[CastFact] = []
    for note in notes:
        years = {e.title: e.year for e in note.meta.release_order}
        actors = sorted({m.actor for m in note.meta.cast})
        for member in note.meta.cast:
            character = member.character.split(" / ")[0].strip()
            same_character = [
                m.actor for m in note.meta.cast if m.character == member.character and m.actor != member.actor
            ]
            for entry in member.entries:
                if _kind(note, entry) != "film":
                    continue
                played = {normalize_name(a) for a in actors_for(note, character, entry)}
                pool = [a for a in same_character if normalize_name(a) not in played] or [
                    a for a in actors if normalize_name(a) not in played and a != member.actor
                ]
                if not pool:
                    continue
                wrong = pool[(len(entry) + len(character)) % len(pool)]
                out.append(CastFact(note, character, member.actor, entry, years[entry], wrong))
    return out


def fingerprint() -> dict[str, str]:
    """sha256 of every KB input the generator reads: the tables' manifest and the franchise notes it uses."""
    files = [DATA_DIR / "manifest.json", *(NOTES_DIR / f"{name}.md" for name in FRANCHISES)]
    return {f"{p.parent.name}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def chronology_position(note: FranchiseNote, title: str) -> int | None:
    """Re-exported for the dataset checks."""
    return chronology_index(note, title)
