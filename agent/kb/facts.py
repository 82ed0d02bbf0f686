"""The exact fact index: every row of every curated table, queryable by normalised title or name.

Loaded once from ``knowledge_base/data`` (and the franchise notes, when ``agent.kb.notes`` is present); every
query is a dictionary lookup. Every answer carries its record, so a claim can cite it as
:class:`agent.models.Evidence` (``record.evidence()``).

What the data can and cannot answer: the Wikipedia movie table has no director field. Directors come from
Oscar DIRECTING nominations, the 2021 streaming catalogues, and the "directed by ..." phrase of the Wikipedia
lead paragraph (only when the lead describes a film of the same year). Episode guides exist for four series only.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agent.errors import KnowledgeBaseError
from agent.kb.aliases import AliasKind, fold, normalize_name, normalize_title, title_aliases
from agent.kb.sources import (
    Avenger,
    ComicCharacter,
    Emmy,
    Episode,
    Film,
    Oscar,
    StreamingTitle,
    load_avengers,
    load_comics,
    load_emmys,
    load_episodes,
    load_films,
    load_oscars,
    load_streaming,
)
from agent.models import Evidence

logger = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W_]+")
# an episode title that names its part: "Who Shot Mr. Burns? - Part I", "Niagara: Part 2", "The One with Two Parts,
# Part II"
_EPISODE_PART = re.compile(r"^(?P<base>.+?)\s*(?:,|:|\s-)\s*Part\s+(?P<n>I{1,3}|[1-3]|One|Two|Three)$", re.IGNORECASE)
_PART_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "1": 1, "2": 2, "3": 3, "one": 1, "two": 2, "three": 3}


def part_number(word: str) -> int | None:
    """1 for "I", "1" or "One", 2 for "II", ... (None for anything else)."""
    return _PART_NUMBERS.get(word.strip().lower())


# Everyday names of Oscar categories -> the source's canonical categories (a prefix matches split categories).
OSCAR_CATEGORIES: dict[str, tuple[str, ...]] = {
    "best picture": ("BEST PICTURE",),
    "best director": ("DIRECTING",),
    "best directing": ("DIRECTING",),
    "best actor": ("ACTOR IN A LEADING ROLE",),
    "best actress": ("ACTRESS IN A LEADING ROLE",),
    "best supporting actor": ("ACTOR IN A SUPPORTING ROLE",),
    "best supporting actress": ("ACTRESS IN A SUPPORTING ROLE",),
    "best original screenplay": ("WRITING (Original Screenplay)",),
    "best adapted screenplay": ("WRITING (Adapted Screenplay)",),
    "best animated feature": ("ANIMATED FEATURE FILM",),
    "best international feature": ("INTERNATIONAL FEATURE FILM",),
    "best foreign language film": ("INTERNATIONAL FEATURE FILM",),
    "best original score": ("MUSIC (Original Score)",),
    "best original song": ("MUSIC (Original Song)",),
    "best cinematography": ("CINEMATOGRAPHY",),
    "best film editing": ("FILM EDITING",),
    "best editing": ("FILM EDITING",),
    "best visual effects": ("VISUAL EFFECTS",),
    "best costume design": ("COSTUME DESIGN",),
    "best production design": ("ART DIRECTION",),
    "best makeup and hairstyling": ("MAKEUP AND HAIRSTYLING",),
    "best documentary feature": ("DOCUMENTARY (Feature)",),
    "best sound": ("SOUND MIXING", "SOUND RECORDING"),
    "best sound mixing": ("SOUND MIXING", "SOUND RECORDING"),
    # the data's canonical SOUND EDITING holds the older "Sound Effects" / "Sound Effects Editing" rows too
    "best sound editing": ("SOUND EDITING",),
    "best sound effects": ("SOUND EDITING",),
    "best sound effects editing": ("SOUND EDITING",),
}

# Series with episode guides: name keys -> series slug.
SERIES_NAMES: dict[str, str] = {
    normalize_title(n): slug
    for n, slug in (
        ("Game of Thrones", "game-of-thrones"),
        ("GoT", "game-of-thrones"),
        ("The Office", "the-office-us"),
        ("The Office (US)", "the-office-us"),
        ("The Office US", "the-office-us"),
        ("Friends", "friends"),
        ("The Simpsons", "the-simpsons"),
        ("Simpsons", "the-simpsons"),
    )
}

DirectorSource = Literal["oscars", "streaming", "wikipedia_lead"]


class Fact(BaseModel):
    """One answer of the index: the value, the record it comes from, and that record as evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str
    attribute: str
    value: str | int | bool | list[str] | None
    record_id: str
    evidence: Evidence


class FilmMatch(BaseModel):
    """A film that a title names, and how (full title, market/continuity variant, or subtitle alone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    film: Film
    kind: AliasKind


class FactIndex:
    """Exact, in-memory lookups over every curated record. Build with :meth:`load` (or :func:`default_index`)."""

    def __init__(
        self,
        films: Sequence[Film],
        oscars: Sequence[Oscar],
        emmys: Sequence[Emmy] | Callable[[], Sequence[Emmy]],
        episodes: Sequence[Episode],
        streaming: Sequence[StreamingTitle] | Callable[[], Sequence[StreamingTitle]],
        comics: Sequence[ComicCharacter] | Callable[[], Sequence[ComicCharacter]] = (),
        avengers: Sequence[Avenger] | Callable[[], Sequence[Avenger]] = (),
        notes: Sequence[Any] = (),
    ) -> None:
        """Index the given records. A table given as a callable is loaded (and indexed) on first use."""
        self.films = {f.id: f for f in films}
        self.oscars = list(oscars)
        self.episodes = {e.id: e for e in episodes}
        self.notes = list(notes)
        self.notes_error: str | None = None
        self._sources: dict[str, Any] = {"emmys": emmys, "streaming": streaming, "comics": comics, "avengers": avengers}
        self._film_keys: dict[str, list[tuple[str, AliasKind]]] = defaultdict(list)
        self._films_by_person: dict[str, list[str]] = defaultdict(list)
        for film in films:
            self._index_film(film)
        self._index_notes()
        self._index_oscars()
        self._index_episodes()

    def _index_oscars(self) -> None:
        self._oscars_by_title: dict[str, list[Oscar]] = defaultdict(list)
        self._oscars_by_person: dict[str, list[Oscar]] = defaultdict(list)
        self._oscars_by_category: dict[tuple[str, int], list[Oscar]] = defaultdict(list)
        for oscar in self.oscars:
            for title in oscar.films:
                self._oscars_by_title[normalize_title(title)].append(oscar)
            for person in {oscar.name, *oscar.nominees}:
                self._oscars_by_person[normalize_name(person)].append(oscar)
            self._oscars_by_category[(oscar.canonical_category, oscar.film_year)].append(oscar)
        self._categories = sorted({o.canonical_category for o in self.oscars})

    def _table(self, name: str) -> list[Any]:
        source = self._sources[name]
        if callable(source):
            started = time.perf_counter()
            source = self._sources[name] = list(source())
            logger.debug("fact index: loaded %s (%d rows) in %.2fs", name, len(source), time.perf_counter() - started)
        return list(source) if not isinstance(source, list) else source

    @cached_property
    def emmys(self) -> list[Emmy]:
        """Every Emmy nomination (loaded on first use)."""
        return self._table("emmys")

    @cached_property
    def streaming(self) -> list[StreamingTitle]:
        """Every streaming catalogue row (loaded on first use)."""
        return self._table("streaming")

    @cached_property
    def comics(self) -> list[ComicCharacter]:
        """Every Marvel/DC character (loaded on first use)."""
        return self._table("comics")

    @cached_property
    def avengers(self) -> list[Avenger]:
        """The Avengers roster (loaded on first use)."""
        return self._table("avengers")

    @cached_property
    def _emmy_keys(self) -> tuple[dict[str, list[Emmy]], dict[str, list[Emmy]]]:
        by_nominee: dict[str, list[Emmy]] = defaultdict(list)
        by_person: dict[str, list[Emmy]] = defaultdict(list)
        for emmy in self.emmys:
            by_nominee[normalize_title(emmy.nominee)].append(emmy)
            for credit in emmy.credits:
                by_person[normalize_name(credit.name)].append(emmy)
        return by_nominee, by_person

    @cached_property
    def _streaming_by_title(self) -> dict[str, list[StreamingTitle]]:
        out: dict[str, list[StreamingTitle]] = defaultdict(list)
        for row in self.streaming:
            out[normalize_title(row.title)].append(row)
        return out

    @cached_property
    def _comics_by_name(self) -> dict[str, list[ComicCharacter]]:
        out: dict[str, list[ComicCharacter]] = defaultdict(list)
        for char in self.comics:
            for key in {normalize_name(char.name), normalize_name(char.name.split(" (")[0])}:
                out[key].append(char)
        return out

    def _index_episodes(self) -> None:
        self._episode_by_number: dict[tuple[str, int, int], Episode] = {}
        self._episodes_by_title: dict[str, list[Episode]] = defaultdict(list)
        self._parts_by_base: dict[str, list[Episode]] = defaultdict(list)  # "Who Shot Mr. Burns?" -> Part I, II
        self._seasons: dict[str, set[int]] = defaultdict(set)
        self._last_episode: dict[str, Episode] = {}
        self._aired: dict[str, list[Episode]] = defaultdict(list)  # episodes with an air date, by series
        for ep in self.episodes.values():
            self._episodes_by_title[normalize_title(ep.title)].append(ep)
            if (part := _EPISODE_PART.match(ep.title)) is not None:
                self._parts_by_base[normalize_title(part.group("base"))].append(ep)
            if ep.air_date:
                self._aired[ep.series_slug].append(ep)
            if ep.season is not None and ep.episode is not None:
                self._seasons[ep.series_slug].add(ep.season)
                last = self._last_episode.get(ep.series_slug)
                if last is None or (last.season or 0, last.episode or 0) < (ep.season, ep.episode):
                    self._last_episode[ep.series_slug] = ep
                for number in range(ep.episode, (ep.episode_end or ep.episode) + 1):
                    self._episode_by_number[(ep.series_slug, ep.season, number)] = ep

    # -- construction --------------------------------------------------------------------------------------

    @classmethod
    def load(cls, data_dir: Path | None = None, notes_dir: Path | None = None) -> FactIndex:
        """Load the tables from ``data_dir`` (default ``knowledge_base/data``) and the franchise notes.

        Films, Oscars and episodes are loaded now; Emmys, streaming catalogues and comics on first use (see
        :meth:`load_all`), so that startup stays short.
        """
        started = time.perf_counter()
        notes, notes_error = _load_notes(notes_dir)
        index = cls(
            films=load_films(data_dir),
            oscars=load_oscars(data_dir),
            emmys=lambda: load_emmys(data_dir),
            episodes=load_episodes(data_dir),
            streaming=lambda: load_streaming(data_dir),
            comics=lambda: load_comics(data_dir),
            avengers=lambda: load_avengers(data_dir),
            notes=notes,
        )
        index.notes_error = notes_error
        logger.info("fact index: films, Oscars, episodes loaded in %.2fs", time.perf_counter() - started)
        return index

    def load_all(self) -> FactIndex:
        """Load the tables that are loaded on first use now (e.g. before timing queries); returns self."""
        _ = (self.emmys, self.streaming, self.comics, self.avengers, self._emmy_keys, self._streaming_by_title)
        _ = self._comics_by_name
        return self

    @property
    def record_count(self) -> int:
        return sum(
            len(t)
            for t in (self.films, self.oscars, self.emmys, self.episodes, self.streaming, self.comics, self.avengers)
        )

    def _index_film(self, film: Film) -> None:
        for key, kind in title_aliases(film.title):
            self._film_keys[key].append((film.id, kind))
        if film.lead_title and film.extract_matches_year():
            lead = normalize_title(film.lead_title)
            # The lead's title is an alias only when it is clearly the same film under another (market) title.
            if lead != normalize_title(film.title) and _shares_words(lead, normalize_title(film.title)):
                self._film_keys[lead].append((film.id, "variant"))
        for person in film.cast:
            self._films_by_person[normalize_name(person)].append(film.id)

    def _index_notes(self) -> None:
        """Market and continuity titles from the franchise notes become aliases of the matching film row."""
        for note in self.notes:
            years = {e.title: e.year for e in note.meta.release_order}
            for variant in note.meta.title_variants:
                films = [m.film for m in self.find_films(variant.title, kinds=("title",))]
                films = [f for f in films if abs(f.year - years.get(variant.title, f.year)) <= 1]
                for film in films:
                    for alias in variant.variants:
                        for key, kind in title_aliases(alias):
                            entry = (film.id, "variant" if kind == "title" else kind)
                            if entry not in self._film_keys[key]:
                                self._film_keys[key].append(entry)

    # -- films ---------------------------------------------------------------------------------------------

    def has_title_key(self, key: str) -> bool:
        """True when ``key`` (already normalised) names some film, episode (or a multi-part episode's shared title)
        or catalogue title."""
        return (
            key in self._film_keys
            or key in self._episodes_by_title
            or key in self._parts_by_base
            or key in self._streaming_by_title
        )

    def episode_parts(self, title: str, series: str | None = None) -> dict[int, Episode]:
        """The parts of a multi-part episode by its shared title, keyed by part number ("Who Shot Mr. Burns?" ->
        {1: "Who Shot Mr. Burns? - Part I", 2: "... - Part II"}); empty when no episode has parts under that title."""
        slug = self.series_slug(series) if series else None
        return {
            number: e
            for e in self._parts_by_base.get(normalize_title(title), ())
            if slug in (None, e.series_slug) and (number := part_number(_EPISODE_PART.match(e.title).group("n")))  # type: ignore[union-attr]
        }

    def find_films(
        self, title: str, year: int | None = None, kinds: Iterable[AliasKind] = ("title", "variant", "subtitle")
    ) -> list[FilmMatch]:
        """Every film ``title`` can name (several films share titles), oldest first; ``year`` filters (+-1)."""
        allowed = set(kinds)
        seen: set[str] = set()
        out: list[FilmMatch] = []
        for film_id, kind in self._film_keys.get(normalize_title(title), ()):
            film = self.films[film_id]
            if kind in allowed and film_id not in seen and (year is None or abs(film.year - year) <= 1):
                seen.add(film_id)
                out.append(FilmMatch(film=film, kind=kind))
        return sorted(out, key=lambda m: (m.film.year, m.film.id))

    def year_of(self, title: str) -> list[Fact]:
        """The release year of every film ``title`` names."""
        return [_fact(m.film.title, "year", m.film.year, m.film) for m in self.find_films(title)]

    def cast_of(self, title: str, year: int | None = None) -> list[Fact]:
        """The (leading) cast listed for every film ``title`` names."""
        return [_fact(m.film.title, "cast", m.film.cast, m.film) for m in self.find_films(title, year)]

    def films_with(self, person: str) -> list[Film]:
        """Films whose cast list names ``person``, oldest first."""
        return sorted((self.films[i] for i in self._films_by_person.get(normalize_name(person), ())), key=_year)

    def films_directed_by(self, person: str) -> list[Film]:
        """Films whose lead paragraph names ``person`` as director (see :meth:`Film.directed_by`), oldest first."""
        return sorted((self.films[i] for i in self._films_by_director.get(normalize_name(person), ())), key=_year)

    @cached_property
    def _films_by_director(self) -> dict[str, list[str]]:
        """Director name key -> film ids, parsed from the lead paragraphs on first use (~0.5 s for every film)."""
        index: dict[str, list[str]] = defaultdict(list)
        for film in self.films.values():
            found = film.directed_by()
            for name in found[0] if found else ():
                index[normalize_name(name)].append(film.id)
        return index

    def directors_of(self, title: str, year: int | None = None) -> list[Fact]:
        """Directors of the films ``title`` names, from every source that has them (see module docstring)."""
        facts: list[Fact] = []
        for match in self.find_films(title, year):
            film = match.film
            lead = film.directed_by()
            if lead is not None:
                facts.append(_fact(film.title, "director", lead[0], film, quote=lead[1]))
            for oscar in self.oscars_for_film(film.title, film.year):
                if oscar.canonical_category.startswith("DIRECTING"):
                    facts.append(_fact(film.title, "director", oscar.nominees or [oscar.name], oscar))
        for row in self._streaming_by_title.get(normalize_title(title), ()):
            if row.type == "Movie" and row.directors and (year is None or row.release_year == year):
                facts.append(_fact(row.title, "director", row.directors, row))
        return facts

    # -- awards --------------------------------------------------------------------------------------------

    @cached_property
    def _films_per_year(self) -> Counter[int]:
        return Counter(f.year for f in self.films.values() if not f.upcoming)

    def films_in_year(self, year: int) -> int:
        """How many released films the table holds for ``year`` (how well the index covers that year)."""
        return self._films_per_year.get(year, 0)

    @property
    def oscar_categories_known(self) -> frozenset[str]:
        """Every canonical Oscar category the nominations use (``"SOUND EDITING"``, ``"VISUAL EFFECTS"``)."""
        return frozenset(self._categories)

    @cached_property
    def _lead_text(self) -> str:
        return " " + " \n ".join(_plain_words(f.extract) for f in self.films.values() if f.extract) + " "

    def mentioned_in_leads(self, title: str) -> bool:
        """True when some film's lead paragraph names ``title`` word for word (sequels often live only there)."""
        words = _plain_words(title)
        return bool(words) and f" {words} " in self._lead_text

    def oscar_title_known(self, title: str) -> bool:
        """True when some Oscar nomination names a film of this title."""
        return normalize_title(title) in self._oscars_by_title

    def oscars_for_film(self, title: str, year: int | None = None) -> list[Oscar]:
        """Oscar nominations of a film; ``year`` (the film year) keeps only nominations within a year of it."""
        rows = self._oscars_by_title.get(normalize_title(title), ())
        return [o for o in rows if year is None or abs(o.film_year - year) <= 1]

    def oscars_for_person(self, name: str) -> list[Oscar]:
        """Oscar nominations naming ``name`` as nominee."""
        return list(self._oscars_by_person.get(normalize_name(name), ()))

    def oscars_in(self, category: str, film_year: int) -> list[Oscar]:
        """Nominations in a category (``"Best Picture"`` or a canonical name) for films of ``film_year``."""
        out: list[Oscar] = []
        for canonical in oscar_categories(category):
            prefix = canonical.removesuffix("*")
            names = [c for c in self._categories if c.startswith(prefix)] if canonical.endswith("*") else [canonical]
            for name in names:
                out.extend(self._oscars_by_category.get((name, film_year), ()))
        return out

    def oscar_winner(self, category: str, film_year: int) -> list[Oscar]:
        """The winning nomination(s) of a category for films of ``film_year``."""
        return [o for o in self.oscars_in(category, film_year) if o.winner]

    def emmys_for(self, name: str) -> list[Emmy]:
        """Emmy nominations of a programme (by title) or a person (by credit name)."""
        by_nominee, by_person = self._emmy_keys
        return [*by_nominee.get(normalize_title(name), ()), *by_person.get(normalize_name(name), ())]

    # -- episodes ------------------------------------------------------------------------------------------

    def series_slug(self, name: str) -> str | None:
        """The episode-guide slug of a series name (``"The Office"`` -> ``"the-office-us"``), or None."""
        return SERIES_NAMES.get(normalize_title(name))

    def episode(self, series: str, season: int, number: int) -> Episode | None:
        """An episode by series name or slug, season and episode number."""
        slug = self.series_slug(series) or series
        return self._episode_by_number.get((slug, season, number))

    def episodes_titled(self, title: str, series: str | None = None) -> list[Episode]:
        """Episodes with this title (in ``series`` when given)."""
        slug = self.series_slug(series) if series else None
        return [e for e in self._episodes_by_title.get(normalize_title(title), ()) if slug in (None, e.series_slug)]

    def season_count(self, series: str) -> Fact | None:
        """Number of seasons in the episode guide of ``series`` (cites its final episode), or None."""
        slug = self.series_slug(series)
        if slug is None or not self._seasons.get(slug):
            return None
        last = max(self._seasons[slug])
        final = self._last_episode[slug]
        return _fact(final.series, "season_count", last, final, quote=f"{final.quote()} (last season: {last})")

    def series_run(self, series: str) -> tuple[Episode, Episode] | None:
        """The first and the last episode the guide of ``series`` gives an air date for, or None."""
        slug = self.series_slug(series) or series
        aired = self._aired.get(slug)
        if not aired:
            return None

        def when(e: Episode) -> tuple[str, bool, int, int]:  # a numbered episode before a special of the same day
            return e.air_date or "", e.season is not None, e.season or 0, e.episode or 0

        return min(aired, key=lambda e: (e.air_date or "", e.season is None)), max(aired, key=when)

    def streaming_titles(self, title: str) -> list[StreamingTitle]:
        """Catalogue rows with this title (all services)."""
        return list(self._streaming_by_title.get(normalize_title(title), ()))

    def comic_characters(self, name: str) -> list[ComicCharacter]:
        """Marvel/DC characters by full wiki name or by the name before the parenthesis (``"Thor"``)."""
        return list(self._comics_by_name.get(normalize_name(name), ()))


def oscar_categories(category: str) -> tuple[str, ...]:
    """Canonical categories an everyday name means; ``"best cinematography"`` also covers split years (``*``)."""
    key = " ".join(normalize_name(category).split())
    if not key.startswith("best "):
        key = "best " + key if f"best {key}" in OSCAR_CATEGORIES else key
    found = OSCAR_CATEGORIES.get(key)
    if found is None:
        named = category.strip()  # already canonical ("WRITING (Original Screenplay)" keeps its case)
        return (named if any(named in cats for cats in OSCAR_CATEGORIES.values()) else named.upper(),)
    return tuple(
        c + "*" if c in {"CINEMATOGRAPHY", "ART DIRECTION", "COSTUME DESIGN", "DIRECTING"} else c for c in found
    )


def _plain_words(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


def _shares_words(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) >= max(1, min(len(wa), len(wb)) // 2)


def _year(film: Film) -> int:
    return film.year


def _fact(
    subject: str,
    attribute: str,
    value: str | int | bool | list[str] | None,
    record: Film | Oscar | Emmy | Episode | StreamingTitle,
    quote: str | None = None,
) -> Fact:
    return Fact(subject=subject, attribute=attribute, value=value, record_id=record.id, evidence=record.evidence(quote))


def _load_notes(notes_dir: Path | None) -> tuple[list[Any], str | None]:
    """The franchise notes when ``agent.kb.notes`` exists, and why they did not load (None when they did).

    A bad note does not take the exact checks down: the index loads without notes and says why, so the checks
    that need notes (order, existence, who played whom) can be reported as skipped.
    """
    try:
        from agent.kb import notes as notes_module
    except ImportError:  # the notes module is built separately; the index works without it
        return [], "agent.kb.notes is not available"
    try:
        loaded: list[Any] = notes_module.load_notes(notes_dir) if notes_dir else notes_module.load_notes()
    except KnowledgeBaseError as exc:
        # Keep the notes that are valid on their own; name the bad one(s).
        kept: list[Any] = []
        for path in sorted((notes_dir or notes_module.NOTES_DIR).glob("*.md")):
            if path.name == "README.md":
                continue
            try:
                kept.append(notes_module.parse_note(path))
            except KnowledgeBaseError as bad:
                logger.warning("franchise note skipped: %s", bad)
        logger.warning("franchise notes: %d loaded, some skipped: %s", len(kept), exc)
        return kept, str(exc)
    return loaded, None


@lru_cache(maxsize=1)
def default_index() -> FactIndex:
    """The index over the committed data, loaded once per process."""
    return FactIndex.load()
