"""Curated records and franchise notes -> chunked :class:`Passage` records for Chroma.

One passage is one retrievable statement, at most ~140 words so that it fits the embedding model's 256 tokens:

- franchise notes: one passage per ``##`` section (split by bullets when long), plus the front matter's ordered
  lists (release order, in-universe chronology, phases, who played whom, market titles) written out as text;
- films: title, year, cast, genres and the Wikipedia lead paragraph (left out when the lead describes another
  film, see :meth:`Film.extract_matches_year`);
- Oscars and Emmys: one passage per ceremony and category, listing the winner(s) and the other nominees;
- episodes: one passage per episode (number, title, air date, director(s), writer(s), guest stars);
- streaming catalogue rows and comic characters (the ``full`` profile; Avengers and the most-appearing
  characters are in the default one).

Profiles: ``default`` is sized so that a fresh 2-core machine embeds it in under five minutes (films that are in
a franchise note, have an Oscar nomination or came out since 2016, each as one head passage; every Oscar;
Emmys since 2003; every episode; ~1.03M tokens in ~11.4k passages; embedding time follows tokens, not passages);
``full`` embeds every row. Passage ids are stable (derived from record ids), so incremental builds work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.kb.aliases import normalize_title
from agent.kb.facts import FactIndex
from agent.kb.notes import FranchiseNote
from agent.kb.sources import Avenger, ComicCharacter, Emmy, Episode, Film, Oscar, StreamingTitle

logger = logging.getLogger(__name__)

PassageType = Literal["film", "episode", "oscar", "emmy", "streaming", "comic", "franchise_note"]
PASSAGE_TYPES: tuple[PassageType, ...] = ("film", "episode", "oscar", "emmy", "streaming", "comic", "franchise_note")
Profile = Literal["default", "full"]
PROFILES: tuple[Profile, ...] = ("default", "full")

MAX_WORDS = 140  # ~200-250 word pieces: inside the model's 256-token window, prefix included
DEFAULT_FILMS_SINCE = 2016
DEFAULT_EMMYS_SINCE = 2003
FILM_CAST = 6
DEFAULT_COMIC_MIN_APPEARANCES = 300
NOTE_LICENCE = "project-curated note (MIT); each bullet names its source, which keeps its own licence"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


class Passage(BaseModel):
    """One retrievable chunk of text with the metadata Chroma stores next to its vector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=300, description="Stable: '<entity id>#<chunk>' or a group id.")
    text: str = Field(min_length=1)
    type: PassageType
    entity_ids: tuple[str, ...] = Field(min_length=1, description="Fact-index ids the passage is about.")
    title: str = Field(min_length=1, description="Display title of the passage's main entity.")
    franchise: str | None = None
    year: int | None = None
    source: str = Field(min_length=1, description="Source file, e.g. 'oscars.tsv' or 'franchises/mcu.md'.")
    licence: str = Field(min_length=1)
    url: str | None = None

    @property
    def text_hash(self) -> str:
        """sha256 (16 hex) of the embedded text: unchanged means the stored vector is still right."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        """sha256 (16 hex) of the text and everything stored with it: changed means rewrite the passage."""
        payload = json.dumps([self.text, self.chroma_metadata(hashes=False)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def chroma_metadata(self, *, hashes: bool = True) -> dict[str, str | int | list[str]]:
        """Flat metadata for Chroma (None values are left out; ``entity_ids`` is a list for ``$contains``)."""
        meta: dict[str, str | int | list[str]] = {
            "type": self.type,
            "entity": self.entity_ids[0],
            "entity_ids": list(self.entity_ids),
            "title": self.title,
            "source": self.source,
            "licence": self.licence,
        }
        if hashes:
            meta["hash"] = self.content_hash
            meta["text_hash"] = self.text_hash
        if self.franchise is not None:
            meta["franchise"] = self.franchise
        if self.year is not None:
            meta["year"] = self.year
        if self.url is not None:
            meta["url"] = self.url
        return meta


def chunk(prefix: str, units: Sequence[str], max_words: int = MAX_WORDS) -> list[str]:
    """Pack ``units`` (sentences or bullets) into chunks of at most ``max_words``, each starting with ``prefix``.

    A single unit longer than the limit is cut at the limit (the model would truncate it anyway).
    """
    budget = max(20, max_words - len(prefix.split()))
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for unit in units:
        words = unit.split()
        if len(words) > budget:
            words = words[:budget]
            unit = " ".join(words)
        if current and used + len(words) > budget:
            chunks.append(" ".join([prefix, *current]).strip())
            current, used = [], 0
        current.append(unit)
        used += len(words)
    if current:
        chunks.append(" ".join([prefix, *current]).strip())
    return chunks


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if s]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize_title(text)).strip("-") or "x"


class _Linker:
    """Title -> film id and film id -> franchise, through the fact index's alias-aware film lookup."""

    def __init__(self, index: FactIndex) -> None:
        self.index = index
        self.franchise_of: dict[str, str] = {}
        self.note_films: dict[str, dict[str, str]] = {}  # note id -> release title -> film id
        for note in index.notes:
            titles: dict[str, str] = {}
            for entry in note.meta.release_order:
                film_id = self.film_id(entry.title, entry.year)
                if film_id is not None:
                    titles[entry.title] = film_id
                    self.franchise_of.setdefault(film_id, note.meta.franchise)
            self.note_films[note.meta.id] = titles

    def film_id(self, title: str, year: int | None) -> str | None:
        matches = self.index.find_films(title, year, kinds=("title", "variant"))
        exact = [m for m in matches if year is None or m.film.year == year]
        chosen = exact or matches
        return chosen[0].film.id if chosen else None


def build_passages(index: FactIndex, profile: Profile = "default") -> list[Passage]:
    """Every passage of ``profile`` from the records and notes loaded in ``index``, in a stable order."""
    linker = _Linker(index)
    out: list[Passage] = []
    for note in index.notes:
        out.extend(note_passages(note, linker.note_films.get(note.meta.id, {})))
    oscars = oscar_passages(index.oscars, linker)
    oscar_films = {eid for p in oscars for eid in p.entity_ids if eid.startswith("film:")}
    for film in index.films.values():
        if profile == "full" or _default_film(film, linker, oscar_films):
            out.extend(film_passages(film, linker.franchise_of.get(film.id), full=profile == "full"))
    out.extend(oscars)
    emmys = index.emmys if profile == "full" else [e for e in index.emmys if e.year >= DEFAULT_EMMYS_SINCE]
    out.extend(emmy_passages(emmys))
    out.extend(episode_passages(index.episodes.values(), linker))
    out.extend(_catalogue_passages(index, profile))
    logger.info("%d passages for profile %s", len(out), profile)
    return out


def _default_film(film: Film, linker: _Linker, oscar_films: set[str]) -> bool:
    if film.id in linker.franchise_of or film.id in oscar_films:
        return True
    return film.year >= DEFAULT_FILMS_SINCE and bool(film.extract)


def note_passages(note: FranchiseNote, films: dict[str, str]) -> list[Passage]:
    """A note's body sections and front-matter lists as passages (ids ``note:<id>:<section>#<n>``)."""
    meta = note.meta
    source = f"franchises/{note.path.name}"
    sections: list[tuple[str, list[str]]] = []
    release = [
        f"{i}. {e.title} ({e.year}{', ' + e.kind if e.kind != 'film' else ''})"
        for i, e in enumerate(meta.release_order, 1)
    ]
    sections.append(("Release order", release))
    if meta.chronology:
        sections.append(("In-universe chronology", [f"{i}. {t}" for i, t in enumerate(meta.chronology, 1)]))
    for phase in meta.phases:
        sections.append((phase.name, [", ".join(phase.entries) + "."]))
    if meta.cast:
        sections.append(
            (
                "Who played whom",
                [f"{c.character} was played by {c.actor} in {', '.join(c.entries)}." for c in meta.cast],
            )
        )
    for variant in meta.title_variants:
        note_text = f" ({variant.note})" if variant.note else ""
        sections.append(
            ("Title variants", [f"{variant.title} is also known as {', '.join(variant.variants)}{note_text}."])
        )
    sections.extend(_body_sections(note.body))
    out: list[Passage] = []
    counts: dict[str, int] = defaultdict(int)
    for heading, units in sections:
        prefix = f"{meta.franchise} - {heading}:"
        for text in chunk(prefix, units):
            key = _slug(heading)
            pid = f"note:{meta.id}:{key}#{counts[key]}"
            counts[key] += 1
            mentioned = [fid for title, fid in films.items() if title in text]
            out.append(
                Passage(
                    id=pid,
                    text=text,
                    type="franchise_note",
                    entity_ids=(f"franchise:{meta.id}", *dict.fromkeys(mentioned)),
                    title=meta.franchise,
                    franchise=meta.franchise,
                    source=source,
                    licence=NOTE_LICENCE,
                )
            )
    return out


def _body_sections(body: str) -> Iterator[tuple[str, list[str]]]:
    heading = ""
    units: list[str] = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("## "):
            if units:
                yield heading, units
            heading, units = stripped[3:].strip(), []
        elif stripped.startswith(("- ", "* ")):
            units.append(stripped[2:].strip())
        elif stripped and not stripped.startswith("#") and units:
            units[-1] += " " + stripped  # a bullet's continuation line
        elif stripped and not stripped.startswith("#"):
            units.append(stripped)
    if units:
        yield heading, units


def film_passages(film: Film, franchise: str | None, *, full: bool = True) -> list[Passage]:
    """A film's facts and lead paragraph (``<film id>#<n>``).

    Chunk 0 holds the facts and the lead's first two sentences (what the film is, who made it, who stars); the
    rest of the lead follows in further chunks only when ``full`` (they add little for retrieval and cost
    embedding time).
    """
    head: list[str] = []
    if film.genres:
        head.append(f"Genres: {', '.join(film.genres)}.")
    if film.cast:
        head.append(f"Cast: {', '.join(film.cast[:FILM_CAST])}.")
    if franchise:
        head.append(f"Franchise: {franchise}.")
    lead = sentences(film.extract) if film.extract and film.extract_matches_year() else []
    prefix = f"{film.title} ({film.year} film):"
    texts = chunk(prefix, head + lead[:2])
    if full and lead[2:]:
        texts += chunk(prefix, lead[2:])
    return [
        Passage(
            id=f"{film.id}#{i}",
            text=text,
            type="film",
            entity_ids=(film.id,),
            title=film.title,
            franchise=franchise,
            year=film.year,
            source=film.source,
            licence=film.licence,
            url=film.url,
        )
        for i, text in enumerate(texts)
    ]


def oscar_passages(oscars: Iterable[Oscar], linker: _Linker) -> list[Passage]:
    """One passage per ceremony and category: winner(s) first, then the other nominees."""
    groups: dict[tuple[int, str], list[Oscar]] = defaultdict(list)
    for row in oscars:
        groups[(row.ceremony, row.canonical_category)].append(row)
    out: list[Passage] = []
    for (ceremony, category), rows in groups.items():
        rows.sort(key=lambda r: (not r.winner, int(r.id.split(":")[1])))
        first = rows[0]
        label = category.title()
        prefix = f"{_ordinal(ceremony)} Academy Awards ({first.year_label} films, held {first.ceremony_year}), {label}:"
        units = [_oscar_line(r) for r in rows]
        film_ids = [linker.film_id(t, r.film_year) for r in rows for t in r.films]
        entity_ids = tuple(dict.fromkeys([*(r.id for r in rows), *(f for f in film_ids if f)]))
        for i, text in enumerate(chunk(prefix, units)):
            out.append(
                Passage(
                    id=f"oscars:{ceremony}:{_slug(category)}#{i}",
                    text=text,
                    type="oscar",
                    entity_ids=entity_ids,
                    title=f"{label} ({first.year_label})",
                    year=first.film_year,
                    source=first.source,
                    licence=first.licence,
                )
            )
    return out


def _oscar_line(row: Oscar) -> str:
    what = f" for {', '.join(row.films)}" if row.films and row.name not in row.films else ""
    detail = f" as {', '.join(row.detail)}" if row.detail and row.award_class == "Acting" else ""
    return f"{'won' if row.winner else 'nominated'}: {row.name}{what}{detail};"


def emmy_passages(emmys: Iterable[Emmy]) -> list[Passage]:
    """One passage per ceremony year and category: winner(s) first, then the other nominees."""
    groups: dict[tuple[int, str], list[Emmy]] = defaultdict(list)
    for row in emmys:
        groups[(row.year, row.category.strip().title())].append(row)
    out: list[Passage] = []
    for (year, category), rows in groups.items():
        rows.sort(key=lambda r: (not r.winner, int(r.id.split(":")[1])))
        units = [f"{'won' if r.winner else 'nominated'}: {r.nominee}{_credits(r)};" for r in rows]
        for i, text in enumerate(chunk(f"{year} Primetime Emmy Awards, {category}:", units)):
            out.append(
                Passage(
                    id=f"emmys:{year}:{_slug(category)}#{i}",
                    text=text,
                    type="emmy",
                    entity_ids=tuple(r.id for r in rows),
                    title=f"{category} ({year})",
                    year=year,
                    source=rows[0].source,
                    licence=rows[0].licence,
                )
            )
    return out


def _credits(row: Emmy) -> str:
    names = [f"{c.name} as {c.character}" if c.character else c.name for c in row.credits if c.name]
    return f" ({', '.join(names)})" if names else ""


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def episode_passages(episodes: Iterable[Episode], linker: _Linker) -> list[Passage]:
    """One passage per episode (``<episode id>#0``), with its place in its season and in the episode guide."""
    episodes = list(episodes)
    franchise_by_series: dict[str, str | None] = {}
    first_last: dict[tuple[str, int | None], tuple[int, int]] = {}
    for ep in episodes:
        for key in ((ep.series, None), (ep.series, ep.season)):
            lo, hi = first_last.get(key, (ep.number_in_series or 0, ep.number_in_series or 0))
            n = ep.number_in_series or 0
            first_last[key] = (min(lo, n), max(hi, n))
    out: list[Passage] = []
    for ep in episodes:
        if ep.series not in franchise_by_series:
            franchise_by_series[ep.series] = _series_franchise(linker, ep.series)
        numbering = "" if ep.numbering_reliable else " (episode number is the row order in the source)"
        units = [ep.quote() + "."]
        if ep.season is not None and ep.episode is not None:
            units.append(f"Season {ep.season}, episode {ep.episode}{numbering}.")
        if ep.number_in_series:
            units.append(f"Episode {ep.number_in_series} of the series.")
            units.extend(_place(ep, first_last))
        if ep.guest_stars:
            units.append(f"Guest stars: {', '.join(ep.guest_stars)}.")
        year = int(ep.air_date[:4]) if ep.air_date else None
        for i, text in enumerate(chunk(f"{ep.series} episode:", units)):
            out.append(
                Passage(
                    id=f"{ep.id}#{i}",
                    text=text,
                    type="episode",
                    entity_ids=(ep.id, f"series:{ep.series_slug}"),
                    title=f"{ep.series} {ep.code}",
                    franchise=franchise_by_series[ep.series],
                    year=year,
                    source=ep.source,
                    licence=ep.licence,
                )
            )
    return out


def _place(ep: Episode, first_last: dict[tuple[str, int | None], tuple[int, int]]) -> list[str]:
    """ "First episode of the series", "last episode of season 3 in the episode guide" and the like."""
    n = ep.number_in_series
    places: list[str] = []
    for key, label in (((ep.series, None), "the series"), ((ep.series, ep.season), f"season {ep.season}")):
        lo, hi = first_last[key]
        if n == lo:
            places.append(f"First episode of {label}.")
        elif n == hi:
            places.append(f"Last episode of {label} in the episode guide.")
    return places


def _series_franchise(linker: _Linker, series: str) -> str | None:
    key = normalize_title(series)
    for note in linker.index.notes:
        names = [note.meta.franchise, *note.meta.aliases, *(e.title for e in note.meta.release_order)]
        if key in {normalize_title(n) for n in names}:
            return str(note.meta.franchise)
    return None


def _catalogue_passages(index: FactIndex, profile: Profile) -> Iterator[Passage]:
    """Streaming rows (full profile) and comic characters (Avengers and the most-appearing ones by default)."""
    if profile == "full":
        for row in index.streaming:
            yield _one(row, row.quote() + ".", "streaming", row.title, row.release_year)
    for avenger in index.avengers:
        notes = f" Notes: {avenger.notes}" if avenger.notes else ""
        text = chunk("", [avenger.quote() + ".", notes])[0]
        yield _one(avenger, text, "comic", avenger.name, avenger.year_joined, url=avenger.url)
    for char in index.comics:
        if profile == "full" or (char.appearances or 0) >= DEFAULT_COMIC_MIN_APPEARANCES:
            yield _one(char, char.quote() + ".", "comic", char.name, char.first_year)


def _one(
    record: StreamingTitle | Avenger | ComicCharacter,
    text: str,
    kind: PassageType,
    title: str,
    year: int | None,
    url: str | None = None,
) -> Passage:
    """The single passage of a one-line record (``<record id>#0``)."""
    return Passage(
        id=f"{record.id}#0",
        text=text,
        type=kind,
        entity_ids=(record.id,),
        title=title or record.id,
        year=year,
        source=record.source,
        licence=record.licence,
        url=url,
    )
