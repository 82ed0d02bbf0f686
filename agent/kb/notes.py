"""Hand-curated franchise and continuity notes: ``knowledge_base/franchises/<id>.md``.

Each file is YAML front matter (the ordered lists code can check: release order, in-universe chronology, who
played whom in which entry, market title variants) followed by a markdown body whose bullets each end with their
source in brackets. Notes are validated on load; a bad file fails naming the file and the field.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.errors import KnowledgeBaseError

logger = logging.getLogger(__name__)

NOTES_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge_base" / "franchises"
_FRONT_MATTER = re.compile(r"\A---\r?\n(?P<yaml>.*?)\r?\n---\r?\n(?P<body>.*)\Z", re.DOTALL)
# A body bullet must end with its source: "... [Wikipedia: Star Wars]" (optionally followed by a full stop).
_SOURCED_BULLET = re.compile(r"\[[^\[\]]+\]\.?\s*$")
_ARTICLES = ("the ", "a ", "an ")

EntryKind = Literal["film", "tv", "short", "special"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReleaseEntry(_Strict):
    """One main entry of a franchise; ``year`` is the release (or premiere) year."""

    title: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2030)
    kind: EntryKind
    end_year: int | None = Field(default=None, ge=1900, le=2030, description="Last season's year (tv).")
    seasons: int | None = Field(default=None, ge=1, description="Seasons aired (tv), counted to end_year or 2023.")
    episodes: int | None = Field(default=None, ge=1, description="Episodes aired (tv), same cut-off.")
    note: str | None = None

    @model_validator(mode="after")
    def _tv_fields(self) -> ReleaseEntry:
        if self.kind != "tv" and (self.seasons or self.episodes or self.end_year):
            raise ValueError(f"{self.title!r}: end_year, seasons and episodes are for kind 'tv' only")
        if self.end_year is not None and self.end_year < self.year:
            raise ValueError(f"{self.title!r}: end_year {self.end_year} is before year {self.year}")
        return self


class Phase(_Strict):
    """A named grouping of entries (MCU phase, Star Wars trilogy, Bond actor era)."""

    name: str = Field(min_length=1)
    entries: list[str] = Field(min_length=1)


class CastEntry(_Strict):
    """``actor`` played ``character`` in each of ``entries`` (titles from ``release_order``)."""

    character: str = Field(min_length=1)
    actor: str = Field(min_length=1)
    entries: list[str] = Field(min_length=1)


class TitleVariant(_Strict):
    """Other titles of an entry (market titles, original titles, subtitles dropped or added)."""

    title: str = Field(min_length=1)
    variants: list[str] = Field(min_length=1)
    note: str | None = None


class NoteFrontMatter(_Strict):
    """The checkable part of a franchise note."""

    franchise: str = Field(min_length=1)
    id: str = Field(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
    aliases: list[str] = Field(default_factory=list)
    kind: Literal["film", "tv", "mixed"]
    sources: list[str] = Field(min_length=1)
    release_order: list[ReleaseEntry] = Field(min_length=1)
    chronology: list[str] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    cast: list[CastEntry] = Field(default_factory=list)
    title_variants: list[TitleVariant] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_check(self) -> NoteFrontMatter:
        titles = [e.title for e in self.release_order]
        dupes = sorted({t for t in titles if titles.count(t) > 1})
        if dupes:
            raise ValueError(f"release_order lists these titles twice: {dupes}")
        for earlier, later in zip(self.release_order, self.release_order[1:], strict=False):
            if later.year < earlier.year:
                raise ValueError(
                    f"release_order is not in release order: {later.title!r} ({later.year}) "
                    f"comes after {earlier.title!r} ({earlier.year})"
                )
        known = set(titles)
        _require_known("chronology", self.chronology, known)
        if len(set(self.chronology)) != len(self.chronology):
            raise ValueError("chronology lists a title twice")
        for i, phase in enumerate(self.phases):
            _require_known(f"phases[{i}] ({phase.name})", phase.entries, known)
        for i, member in enumerate(self.cast):
            _require_known(f"cast[{i}] ({member.character} / {member.actor})", member.entries, known)
        _require_known("title_variants", [v.title for v in self.title_variants], known)
        return self


def _require_known(where: str, titles: Iterable[str], known: set[str]) -> None:
    unknown = [t for t in titles if t not in known]
    if unknown:
        raise ValueError(f"{where} names titles that are not in release_order: {unknown}; use the exact title")


class FranchiseNote(_Strict):
    """A loaded note: validated front matter, the markdown body, and where it came from."""

    meta: NoteFrontMatter
    body: str
    path: Path


def normalize_title(text: str) -> str:
    """Fold a title or name for matching: accents, case, punctuation, a leading article."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold().replace("&", " and ")
    folded = re.sub(r"[^0-9a-z]+", " ", folded).strip()
    # Initials: "R.J. Mitte", "R. J. Mitte" and "RJ Mitte" all fold to "rj mitte".
    folded = re.sub(r"\b([a-z]) (?=[a-z]\b)", r"\1", folded)
    for article in _ARTICLES:
        if folded.startswith(article):
            folded = folded[len(article) :]
            break
    return folded


def parse_note(path: Path) -> FranchiseNote:
    """Parse and validate one note file.

    Raises:
        KnowledgeBaseError: the file cannot be read, has no front matter, or a field is invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read franchise note: {e}") from e
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise KnowledgeBaseError(
            f"{path}: no YAML front matter; start the file with a '---' line and close it with another"
        )
    try:
        raw = yaml.safe_load(match.group("yaml"))
    except yaml.YAMLError as e:
        raise KnowledgeBaseError(f"{path}: front matter is not valid YAML: {e}") from e
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{path}: front matter must be a mapping of fields")
    try:
        meta = NoteFrontMatter.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<front matter>'}: {err['msg']}" for err in e.errors()
        )
        raise KnowledgeBaseError(f"{path}: invalid front matter: {problems}") from e
    if meta.id != path.stem:
        raise KnowledgeBaseError(f"{path}: id {meta.id!r} must equal the file name {path.stem!r}")
    body = match.group("body")
    _check_body(path, text[: match.start("body")].count("\n"), body)
    return FranchiseNote(meta=meta, body=body, path=path)


def _check_body(path: Path, offset: int, body: str) -> None:
    for lineno, line in enumerate(body.splitlines(), start=offset + 1):
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")) and not _SOURCED_BULLET.search(stripped):
            raise KnowledgeBaseError(
                f"{path}:{lineno}: body bullet has no source; end it with the source in brackets, "
                "e.g. [Wikipedia: Star Wars]"
            )


def load_notes(directory: Path = NOTES_DIR) -> list[FranchiseNote]:
    """Load every ``*.md`` note in ``directory`` (``README.md`` excepted), sorted by id.

    Raises:
        KnowledgeBaseError: the folder is missing, a note is invalid, or two notes share a franchise alias.
    """
    if not directory.is_dir():
        raise KnowledgeBaseError(f"{directory}: franchise notes folder not found")
    notes = [parse_note(p) for p in sorted(directory.glob("*.md")) if p.name != "README.md"]
    owner: dict[str, Path] = {}
    for note in notes:
        for name in {normalize_title(n) for n in (note.meta.franchise, *note.meta.aliases)}:
            if name in owner:
                raise KnowledgeBaseError(
                    f"{note.path}: franchise name/alias {name!r} is also used by {owner[name]}; make it unique"
                )
            owner[name] = note.path
    logger.debug("loaded %d franchise notes from %s", len(notes), directory)
    return notes


def entry_titles(note: FranchiseNote, title: str) -> set[str]:
    """The release titles that ``title`` names, directly or through a title variant. Of several, the one written
    exactly so, article included: "The Batman" (2022) is not "Batman" (1989), though both fold to one key."""
    wanted = normalize_title(title)
    hits = {e.title for e in note.meta.release_order if normalize_title(e.title) == wanted}
    for variant in note.meta.title_variants:
        if any(normalize_title(v) == wanted for v in variant.variants):
            hits.add(variant.title)
    exact = {h for h in hits if _as_written(h) == _as_written(title)}
    return exact if len(hits) > 1 and exact else hits


def _as_written(title: str) -> str:
    return " ".join(re.sub(r"[*_\"“”]", "", title).casefold().split())


def release_index(note: FranchiseNote, title: str) -> int | None:
    """0-based position of ``title`` (or one of its variants) in release order, or None."""
    hits = entry_titles(note, title)
    for i, entry in enumerate(note.meta.release_order):
        if entry.title in hits:
            return i
    return None


def chronology_index(note: FranchiseNote, title: str) -> int | None:
    """0-based position of ``title`` in the in-universe chronology, or None when not listed."""
    hits = entry_titles(note, title)
    for i, entry in enumerate(note.meta.chronology):
        if entry in hits:
            return i
    return None


def actors_for(note: FranchiseNote, character: str, entry: str) -> list[str]:
    """Actors who played ``character`` in ``entry``; a part of "Tony Stark / Iron Man" also matches, and so does
    the name without a note in brackets ("Darth Vader (voice)" is a Darth Vader)."""
    wanted = normalize_title(character)
    titles = entry_titles(note, entry)
    here = [m for m in note.meta.cast if titles.intersection(m.entries)]
    found = [m for m in here if wanted in _character_keys(m.character)]
    if not found:  # "Bones McCoy" is Leonard McCoy, "Scotty" Montgomery Scott: the surname, in this entry only
        found = [m for m in here if _same_surname(wanted, m.character)]
    return list(dict.fromkeys(m.actor for m in found))


def _same_surname(wanted: str, character: str) -> bool:
    said = wanted.split()
    for key in _character_keys(character):
        last = key.split()[-1] if len(key.split()) >= 2 else ""
        if len(last) >= 4 and (
            said[-1] == last or len(said) == 1 and said[0].startswith(last) and len(said[0]) - len(last) <= 2
        ):
            return True
    return False


def roles_of(note: FranchiseNote, actor: str, entry: str) -> list[str]:
    """The characters the note says ``actor`` played in ``entry`` (exact name match; empty when it is silent)."""
    titles = entry_titles(note, entry)
    wanted = normalize_title(actor)
    cast = note.meta.cast
    return [m.character for m in cast if normalize_title(m.actor) == wanted and titles.intersection(m.entries)]


def _character_keys(character: str) -> set[str]:
    parts = [character, *character.split("/")]
    bare = [re.sub(r"\s*\([^)]*\)", "", p) for p in parts]
    return {normalize_title(p) for p in (*parts, *bare) if p.strip()}


def franchise_for_title(notes: Sequence[FranchiseNote], title: str) -> FranchiseNote | None:
    """The note whose entries, title variants, name or aliases match ``title``; None when no note does."""
    wanted = normalize_title(title)
    # A title can sit in two notes (Toy Story films are Pixar films too): the smaller, more specific note wins.
    matching = [note for note in notes if entry_titles(note, title)]
    if matching:
        return min(matching, key=lambda note: len(note.meta.release_order))
    for note in notes:
        if wanted in {normalize_title(n) for n in (note.meta.franchise, *note.meta.aliases)}:
            return note
    return None
