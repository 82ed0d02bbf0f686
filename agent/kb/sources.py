"""The curated knowledge-base tables in ``knowledge_base/data/``: record models and loaders.

The tables are derived from the public data in ``../shared/data`` by ``knowledge_base/derive.py`` and committed,
gzip-compressed JSON Lines, one record per line. Every record carries a stable ``id`` (``film:<wikipedia-href>``,
``oscar:<n>``, ``emmy:<n>``, ``episode:<series-slug>:s03e09``, ``streaming:<service>:<n>``,
``comic:<publisher>:<n>``), the ``source`` file it came from and its ``licence``; films also carry their Wikipedia
``url``. ``quote()`` on a record gives a short, quotable statement of its facts, for ``Evidence.quote``.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import KnowledgeBaseError
from agent.kb.aliases import leading_names, normalize_title
from agent.models import Evidence

logger = logging.getLogger(__name__)

DATA_DIR: Final = Path(__file__).resolve().parent.parent.parent / "knowledge_base" / "data"
SCHEMA_VERSION: Final = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    source: str = Field(min_length=1, description="The shared/data file the record was derived from.")
    licence: str

    def quote(self) -> str:
        """A short statement of the record's facts, quotable as evidence."""
        raise NotImplementedError

    def evidence_source(self) -> str:
        """What ``Evidence.source`` should say: the Wikipedia URL for films, else the source file."""
        return self.source

    def evidence(self, quote: str | None = None) -> Evidence:
        """This record as a piece of evidence (``quote`` defaults to :meth:`quote`)."""
        return Evidence(passage_id=self.id, source=self.evidence_source(), quote=quote or self.quote())


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class Film(_Record):
    """One American film listed on Wikipedia (title, year, cast, genres, lead paragraph)."""

    title: str
    year: int
    cast: list[str]
    genres: list[str]
    href: str | None
    url: str | None
    extract: str
    lead_title: str | None = Field(description="The title the lead sentence uses (may be the UK title).")
    upcoming: bool = Field(description="The lead still calls the film upcoming (2022/2023 rows).")

    def quote(self) -> str:
        parts = [f"{self.title} ({self.year})"]
        if self.cast:
            parts.append(f"cast: {', '.join(self.cast)}")
        if self.genres:
            parts.append(f"genres: {', '.join(self.genres)}")
        return "; ".join(parts)

    def evidence_source(self) -> str:
        return self.url or self.source

    def lead_year(self) -> int | None:
        """The year the lead paragraph gives ("... is a 2016 American film"), if it gives one early on."""
        match = _LEAD_YEAR.search(self.extract[:300])
        return int(match.group("year")) if match else None

    def own_lead_year(self) -> int | None:
        """The lead paragraph's year when that paragraph opens with the film's own title ("The Cleanse is a 2016
        American ... film"): the film's festival or production year when it differs from the table's."""
        lead = _OWN_LEAD.match(self.extract)
        if lead is None or normalize_title(lead.group("title")) != normalize_title(self.title):
            return None
        return int(lead.group("year"))

    def extract_matches_year(self) -> bool:
        """False when the lead paragraph dates itself to another year (it describes a different film)."""
        year = self.lead_year()
        return year is None or abs(year - self.year) <= 1

    def directed_by(self) -> tuple[list[str], str] | None:
        """Directors named in the lead paragraph ("... directed by X and Y"), with the phrase as a quote.

        The Wikipedia movie table has no director field; the lead paragraph is the only source it has.
        Returns None when the lead names no director.
        """
        if not self.extract_matches_year():
            return None
        match = _DIRECTED_BY.search(self.extract)
        if match is None:
            return None
        names = leading_names(match.group("names"))
        if not names:
            return None
        start = self.extract.rfind(". ", 0, match.start()) + 1
        end = self.extract.find(names[-1], match.start("names")) + len(names[-1])
        return names, self.extract[start:end].strip()


_DIRECTED_BY = re.compile(r"\b(?:[Cc]o-)?[Dd]irected(?:,? (?:and )?[a-z-]+){0,5},? by (?P<names>[^;()]{2,160})")
_IS_A_YEAR = r"(?:is|was) an? (?:\w+ ){0,3}?(?P<year>(?:18|19|20)\d\d)\b"  # "is a 2016 American drama"
_LEAD_YEAR = re.compile(r"\b" + _IS_A_YEAR)
_OWN_LEAD = re.compile(r"\s*(?P<title>[^\n]{1,120}?) " + _IS_A_YEAR)  # the same, after the lead's opening title


class Oscar(_Record):
    """One Academy Award nomination. ``film_year`` is the film year; the ceremony is held the year after."""

    ceremony: int
    year_label: str = Field(description="The source's Year column, e.g. '1927/28' or '1994'.")
    film_year: int
    ceremony_year: int
    award_class: str
    canonical_category: str
    category: str
    films: list[str]
    film_ids: list[str]
    name: str
    nominees: list[str]
    nominee_ids: list[str]
    winner: bool
    detail: list[str] = Field(description="Character names for acting nominations, song titles, etc.")
    note: str
    citation: str

    def quote(self) -> str:
        outcome = "won" if self.winner else "nominated"
        what = f" for {', '.join(self.films)}" if self.films and self.name not in self.films else ""
        detail = f" (as {', '.join(self.detail)})" if self.detail and self.award_class == "Acting" else ""
        return (
            f"{_ordinal(self.ceremony)} Academy Awards ({self.year_label} films), {self.canonical_category}: "
            f"{self.name}{what}{detail} - {outcome}"
        )


class EmmyCredit(BaseModel):
    """One person in an Emmy nomination's staff cell; ``character`` for performers ("X, as Y")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: str
    character: str


class Emmy(_Record):
    """One Primetime Emmy nomination (``year`` is the ceremony year)."""

    year: int
    category: str
    nominee: str = Field(description="The programme (or, for some categories, the person).")
    staff: str
    credits: list[EmmyCredit]
    company: str
    producer: str
    winner: bool

    def quote(self) -> str:
        outcome = "won" if self.winner else "nominated"
        staff = f" ({self.staff})" if self.staff else ""
        return f"{self.year} Primetime Emmy, {self.category}: {self.nominee}{staff} - {outcome}"


class Episode(_Record):
    """One episode of Game of Thrones, The Office (US), Friends or The Simpsons."""

    series: str
    series_slug: str
    season: int | None
    episode: int | None
    episode_end: int | None = Field(description="Last episode number of a double episode listed as one row.")
    number_in_series: int | None
    numbering: str = Field(description="Where the season/episode numbers come from.")
    title: str
    air_date: str | None = Field(description="ISO date of first broadcast, where the source has it.")
    air_date_raw: str
    directors: list[str]
    writers: list[str]
    story_by: list[str]
    teleplay_by: list[str]
    production_code: str | None
    guest_stars: list[str]

    @property
    def numbering_reliable(self) -> bool:
        """False where the numbers are the row order of a source without episode numbers (The Office)."""
        return self.numbering != "" and not self.numbering.startswith("row order")

    @property
    def code(self) -> str:
        if self.season is None or self.episode is None:
            return "special"
        end = f"-E{self.episode_end:02d}" if self.episode_end else ""
        return f"S{self.season:02d}E{self.episode:02d}{end}"

    def quote(self) -> str:
        parts = [f'{self.series} {self.code} "{self.title}"']
        if self.air_date:
            parts.append(f"aired {self.air_date}")
        if self.directors:
            parts.append(f"directed by {_names(self.directors)}")
        if self.story_by or self.teleplay_by:
            parts.append(f"story by {_names(self.story_by)}; teleplay by {_names(self.teleplay_by)}")
        elif self.writers:
            parts.append(f"written by {_names(self.writers)}")
        return ", ".join(parts)


class StreamingTitle(_Record):
    """One row of a 2021 streaming catalogue. For TV shows ``release_year`` is the latest season's year."""

    service: Literal["netflix", "disney-plus", "hulu", "amazon-prime"]
    platform: str
    type: str
    title: str
    directors: list[str]
    cast: list[str]
    countries: list[str]
    date_added: str | None
    release_year: int | None
    rating: str
    duration: str
    seasons: int | None
    genres: list[str]

    def quote(self) -> str:
        parts = [f"{self.platform} catalogue (2021): {self.type} {self.title!r}"]
        if self.release_year:
            label = "latest season" if self.type == "TV Show" else "released"
            parts.append(f"{label} {self.release_year}")
        if self.directors:
            parts.append(f"directed by {_names(self.directors)}")
        if self.duration:
            parts.append(self.duration)
        if self.cast:
            parts.append(f"cast: {', '.join(self.cast[:8])}")
        return "; ".join(parts)


class Correction(BaseModel):
    """A known slip in a source value, kept next to it (the source value is not overwritten)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    source_value: str
    corrected_value: str
    note: str


class ComicCharacter(_Record):
    """One Marvel or DC wiki character (comic continuity as of 2014, not the films)."""

    publisher: Literal["marvel", "dc"]
    name: str
    urlslug: str
    identity: str
    alignment: str
    eye: str
    hair: str
    sex: str
    gsm: str
    alive: str
    appearances: int | None
    first_appearance: str
    year: int | None = Field(description="First-appearance year as the source gives it; see ``corrections``.")
    corrections: list[Correction]

    @property
    def first_year(self) -> int | None:
        """The first-appearance year with any known correction applied."""
        for fix in self.corrections:
            if fix.field == "year":
                return int(fix.corrected_value)
        return self.year

    def quote(self) -> str:
        first = f"first appearance {self.first_appearance}" if self.first_appearance else "first appearance unknown"
        text = f"{self.publisher.upper()} character {self.name}: {first}; {self.alignment}; {self.alive}"
        for fix in self.corrections:
            text += f" [correction: {fix.field} {fix.source_value} -> {fix.corrected_value}: {fix.note}]"
        return text


class Avenger(_Record):
    """One of the 173 Avengers (FiveThirtyEight): joining year, deaths and returns in the comics."""

    publisher: Literal["marvel"]
    name: str
    url: str
    appearances: int | None
    current: bool
    gender: str
    probationary_intro: str
    full_reserve_intro: str
    year_joined: int | None
    honorary: str
    deaths: int
    returns: int
    notes: str

    def quote(self) -> str:
        return (
            f"Avenger {self.name}: joined {self.year_joined}, {self.honorary} member, "
            f"{self.appearances} appearances, died {self.deaths} time(s), returned {self.returns} time(s)"
        )


Record = Film | Oscar | Emmy | Episode | StreamingTitle | ComicCharacter | Avenger
R = TypeVar("R", bound=_Record)

TABLES: Final[dict[str, type[_Record]]] = {
    "films": Film,
    "oscars": Oscar,
    "emmys": Emmy,
    "episodes": Episode,
    "streaming": StreamingTitle,
    "comics": ComicCharacter,
    "avengers": Avenger,
}


def table_path(table: str, data_dir: Path | None = None) -> Path:
    """Path of one table's file (``<data_dir>/<table>.jsonl.gz``)."""
    if table not in TABLES:
        raise KnowledgeBaseError(f"unknown KB table {table!r}; known tables: {', '.join(TABLES)}")
    return (data_dir or DATA_DIR) / f"{table}.jsonl.gz"


def iter_table(table: str, model: type[R], data_dir: Path | None = None) -> Iterator[R]:
    """Yield the validated records of one table, in file order.

    Raises:
        KnowledgeBaseError: the file is missing, or a line is not a valid record (names file and line).
    """
    path = table_path(table, data_dir)
    if not path.is_file():
        raise KnowledgeBaseError(
            f"KB table {path} is missing; run `.venv/bin/python knowledge_base/derive.py --shared ../shared/data`"
        )
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            try:
                yield model.model_validate_json(line)
            except ValidationError as exc:
                raise KnowledgeBaseError(
                    f"{path}:{lineno}: not a valid {model.__name__} record ({exc.error_count()} errors: "
                    f"{exc.errors()[0]['loc']} {exc.errors()[0]['msg']}); re-run knowledge_base/derive.py"
                ) from exc


def load_films(data_dir: Path | None = None) -> list[Film]:
    """Every film row (36k)."""
    return list(iter_table("films", Film, data_dir))


def load_oscars(data_dir: Path | None = None) -> list[Oscar]:
    """Every Academy Award nomination."""
    return list(iter_table("oscars", Oscar, data_dir))


def load_emmys(data_dir: Path | None = None) -> list[Emmy]:
    """Every Primetime Emmy nomination."""
    return list(iter_table("emmys", Emmy, data_dir))


def load_episodes(data_dir: Path | None = None) -> list[Episode]:
    """Every episode of the four episode guides."""
    return list(iter_table("episodes", Episode, data_dir))


def load_streaming(data_dir: Path | None = None) -> list[StreamingTitle]:
    """Every streaming catalogue row."""
    return list(iter_table("streaming", StreamingTitle, data_dir))


def load_comics(data_dir: Path | None = None) -> list[ComicCharacter]:
    """Every Marvel and DC character."""
    return list(iter_table("comics", ComicCharacter, data_dir))


def load_avengers(data_dir: Path | None = None) -> list[Avenger]:
    """The Avengers roster."""
    return list(iter_table("avengers", Avenger, data_dir))


def load_manifest(data_dir: Path | None = None) -> dict[str, object]:
    """``manifest.json``: schema version, rows and sha256 per table, sha256 per source file."""
    path = (data_dir or DATA_DIR) / "manifest.json"
    if not path.is_file():
        raise KnowledgeBaseError(f"{path} is missing; run knowledge_base/derive.py")
    manifest: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise KnowledgeBaseError(
            f"{path}: schema_version {manifest.get('schema_version')!r}, this code reads {SCHEMA_VERSION}; "
            "re-run knowledge_base/derive.py"
        )
    return manifest
