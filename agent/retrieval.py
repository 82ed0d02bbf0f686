"""Hybrid retrieval over the knowledge base: dense passages + exact title/alias matches, as typed evidence.

Two rankings are fused (reciprocal-rank fusion):

1. dense: the query's nearest passages in Chroma (cosine, the offline MiniLM model);
2. exact: entities the query names, found through the fact index's alias-aware lookups (film titles and their
   market/continuity variants, franchise names, "S03E09"-style episode references with a series name, episode
   titles, "Best Picture 1994"-style Oscar references), then the stored passages about those entities. An entity
   that has no embedded passage (the default KB embeds a curated subset) is still returned, quoted from its fact
   record, so a smaller KB never loses an exact match.

Metadata filters (franchise, passage type, year) apply to both halves. Every hit converts to
:class:`agent.models.Evidence` (passage id, source, quote).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import KnowledgeBaseError
from agent.kb.aliases import ARTICLES, COMMON_WORDS, is_weak_key, normalize_title
from agent.kb.facts import OSCAR_CATEGORIES, FactIndex
from agent.kb.passages import PassageType
from agent.kb.store import KnowledgeBase, StoredPassage
from agent.models import Evidence
from agent.settings import Settings

logger = logging.getLogger(__name__)

RRF_K = 60  # the usual reciprocal-rank-fusion constant: rank 1 scores 1/61
EXACT_WEIGHT = 1.0  # an exact match ranks with the best dense hit; one found both ways ranks above either
MENTION_WEIGHT = 0.5  # a dense hit about a named entity (e.g. its franchise) moves up a little
MAX_SPAN = 12  # longest title (in words) looked up
MAX_FILMS_PER_TITLE = 3
_EPISODE_REF = re.compile(r"\bs(?:eason)?\s*(\d{1,2})\s*,?\s*e(?:p(?:isode)?)?\s*(\d{1,3})\b", re.IGNORECASE)
_FIRST_LAST = re.compile(
    r"\b(first|last|final)\s+(?:[a-z]+\s+)?episode\b|\b(pilot|premiere|finale)\b", re.IGNORECASE
)  # "first episode", "first full episode", "the pilot"
_AWARD_WORDS = re.compile(r"\b(?:oscar|academy award|nominat\w*|award\w*)", re.IGNORECASE)
MAX_PERSON_WORDS = 4
MAX_PERSON_CANDIDATES = 3  # people narrow to an entity only when they leave at most this many
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = ',.;:?!()[]"“”'
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_QUOTED = re.compile(r"[\"“”‘’']([^\"“”‘’']{2,120})[\"“”‘’']")


class Hit(BaseModel):
    """One retrieved passage (or fact record) with how it was found."""

    model_config = ConfigDict(extra="forbid")

    passage_id: str
    text: str
    score: float = Field(description="Fused reciprocal-rank score; higher is better.")
    via: Literal["dense", "exact", "both"]
    entity_ids: list[str]
    type: str
    title: str
    source: str
    url: str | None = None
    franchise: str | None = None
    year: int | None = None
    distance: float | None = Field(default=None, description="Cosine distance, for dense hits.")

    def evidence(self) -> Evidence:
        """This hit as evidence: the Wikipedia URL (films) or the source file, and the passage text."""
        return Evidence(passage_id=self.passage_id, source=self.url or self.source, quote=self.text)


class Retriever:
    """Dense + exact retrieval over one knowledge base.

    Args:
        kb: the opened passages collection.
        facts: the fact index for the exact half; None for dense-only retrieval.
    """

    def __init__(self, kb: KnowledgeBase, facts: FactIndex | None = None) -> None:
        self.kb = kb
        self.facts = facts
        self._franchises: dict[str, tuple[str, str]] = {}  # name key -> (note id, franchise name)
        self._emmy_winners: dict[tuple[str, int], list[str]] | None = None  # built on the first Emmy query
        for note in facts.notes if facts else ():
            for name in (note.meta.franchise, note.meta.id.replace("_", " "), *note.meta.aliases):
                self._franchises.setdefault(normalize_title(name), (note.meta.id, note.meta.franchise))

    def hits(
        self,
        query: str,
        *,
        k: int = 5,
        franchise: str | None = None,
        types: Sequence[PassageType] | None = None,
        year: int | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``, optionally within a franchise, passage types and year.

        Raises:
            KnowledgeBaseError: ``franchise`` names no known franchise, or ``k`` is not positive.
        """
        if k < 1:
            raise KnowledgeBaseError(f"k must be >= 1 (got {k})")
        where = self._where(franchise, types, year)
        dense = self.kb.query(query, k=max(3 * k, 15), where=where)
        mentioned = self.mentions(query)
        entities = [e for e in mentioned if not e.startswith("franchise:")]
        exact = self._exact(entities[: 2 * k], where) if entities else []
        # Franchise mentions neither fetch nor boost: a franchise's notes would crowd out the passage about the
        # film or episode the query is about (measured on the retrieval question set).
        return _fuse(dense, exact, set(entities), k)

    def search(self, query: str, k: int = 3, **filters: Any) -> list[Evidence]:
        """:meth:`hits` as evidence records (what ``agent.claims.EvidenceSource`` asks for)."""
        return [hit.evidence() for hit in self.hits(query, k=k, **filters)]

    # -- filters ---------------------------------------------------------------------------------------------

    def resolve_franchise(self, name: str) -> str:
        """The canonical franchise name of ``name`` (its note's name, id or an alias)."""
        found = self._franchises.get(normalize_title(name))
        if found is not None:
            return found[1]
        if self.facts is None:
            return name  # without notes loaded, trust the caller's spelling
        known = sorted({franchise for _, franchise in self._franchises.values()})
        raise KnowledgeBaseError(f"unknown franchise {name!r}; known: {', '.join(known)}")

    def _where(
        self, franchise: str | None, types: Sequence[PassageType] | None, year: int | None
    ) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if franchise:
            clauses.append({"franchise": self.resolve_franchise(franchise)})
        if types:
            clauses.append({"type": {"$in": list(types)}})
        if year is not None:
            clauses.append({"year": year})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    # -- the exact half ----------------------------------------------------------------------------------

    def mentions(self, query: str) -> list[str]:
        """Entity ids the query names exactly, most specific first (episodes, awards, films, franchises)."""
        if self.facts is None:
            return []
        facts = self.facts
        years = [int(y) for y in _YEAR.findall(query)]
        found: list[str] = []
        words = query.split()
        quoted = {normalize_title(q) for q in _QUOTED.findall(query)}
        spans = _spans(words)
        series = [slug for text in spans.values() if (slug := facts.series_slug(text))]
        for match in _EPISODE_REF.finditer(query):
            for slug in dict.fromkeys(series):
                ep = facts.episode(slug, int(match.group(1)), int(match.group(2)))
                if ep is not None:
                    found.append(ep.id)
        for match in _FIRST_LAST.finditer(query):
            last = (match.group(1) or match.group(2)).lower() in ("last", "final", "finale")
            found.extend(e for slug in dict.fromkeys(series) if (e := _end_episode(facts, slug, last)))
        if years:
            found.extend(self._award_winners(query, spans, years))
        used: set[int] = set()
        for (start, end), text in spans.items():
            if not text or any(i in used for i in range(start, end)):
                continue
            # Unquoted, a title must start with a capital ("the Dark Knight", not "for his son") and not be a
            # common word; one-word titles need quotes (see _title_hits).
            lead = next((w for w in words[start:end] if normalize_title(w) not in ARTICLES), words[start])
            proper = lead[:1].isupper() or lead[:1].isdigit()
            strong = text in quoted or (proper and not is_weak_key(text))
            length = len(text.split())
            hits = _title_hits(facts, self._franchises, text, years, strong, quoted=text in quoted, length=length)
            if hits:
                found.extend(hits)
                used.update(range(start, end))
        if not found:
            found.extend(self._people_hits(words, years, awards=_AWARD_WORDS.search(query) is not None))
        return list(dict.fromkeys(found))

    def _people_hits(self, words: list[str], years: list[int], *, awards: bool) -> list[str]:
        """Films (or, for a question about awards, Oscar nominations) the people a query names point to.

        Used only when a query names no title: a descriptive question ("Peter Farrelly's 2018 film starring Viggo
        Mortensen and Mahershala Ali") makes the dense half rank neighbouring films above the answer. Each person
        named (cast lists, directors from the lead paragraphs, Oscar nominees) votes for their films, or for their
        nominations when the query is about awards (a winner counts more when it asks who won); a year in the
        query keeps the candidates of that year. Only a clear answer is returned: the best-voted candidates, and
        only when there are at most MAX_PERSON_CANDIDATES of them.
        """
        assert self.facts is not None
        facts = self.facts
        votes: dict[str, float] = {}
        for name in _person_names(words):
            if awards:
                # An award year in a question may be the film year or the ceremony year (the year after).
                for o in facts.oscars_for_person(name):
                    if not years or any(o.film_year in (y, y - 1) for y in years):
                        votes[o.id] = votes.get(o.id, 0.0) + 1.0 + (0.5 if o.winner else 0.0)
                continue
            films = {f.id: f.year for f in (*facts.films_with(name), *facts.films_directed_by(name))}
            for film_id, year in films.items():
                if not years or year in years:
                    votes[film_id] = votes.get(film_id, 0.0) + 1.0
        if not votes:
            return []
        best = max(votes.values())
        top = sorted(e for e, v in votes.items() if v == best)
        return top if len(top) <= MAX_PERSON_CANDIDATES else []

    def _award_winners(self, query: str, spans: dict[tuple[int, int], str], years: list[int]) -> list[str]:
        """Winning rows of an award category named with a year: "Best Picture 1994", "2019 Emmy for Drama Series"."""
        assert self.facts is not None
        facts = self.facts
        found: list[str] = []
        for text in spans.values():
            category = text if text in OSCAR_CATEGORIES else f"best {text}"
            if category in OSCAR_CATEGORIES:
                # "Best Picture 1994" may mean the film year or the ceremony year (films of the year before).
                found.extend(o.id for y in years for fy in (y, y - 1) for o in facts.oscar_winner(category, fy))
        if "emmy" in query.lower():
            if self._emmy_winners is None:
                self._emmy_winners = {}
                for row in facts.emmys:
                    if row.winner:
                        self._emmy_winners.setdefault((normalize_title(row.category), row.year), []).append(row.id)
            for text in spans.values():
                for y in years:
                    found.extend(self._emmy_winners.get((text, y), ()))
        return found

    def _exact(self, entities: list[str], where: dict[str, Any] | None) -> list[Hit]:
        """Stored passages about each entity (or its fact record when none is stored), in mention order."""
        hits: list[Hit] = []
        for entity in entities:
            # Passages mainly about the entity first (its film or episode passage, its award group), then any
            # passage that lists it (a franchise's release order lists every film).
            stored: list[StoredPassage] = []
            for clause in ({"entity": entity}, {"entity_ids": {"$contains": entity}}):
                found = self.kb.where_get(clause if where is None else {"$and": [clause, where]}, limit=2)
                stored.extend(p for p in found if p.id not in {s.id for s in stored})
                if stored:
                    break
            if stored:
                hits.extend(_hit(p, "exact", 0.0) for p in stored)
            elif where is None:
                record = self._record_hit(entity)
                if record is not None:
                    hits.append(record)
        return hits

    def _record_hit(self, entity: str) -> Hit | None:
        """A fact record quoted as a hit, for an entity that has no embedded passage."""
        assert self.facts is not None
        record = self.facts.films.get(entity) or self.facts.episodes.get(entity)
        if record is None:
            return None
        ev = record.evidence()
        return Hit(
            passage_id=record.id,
            text=ev.quote,
            score=0.0,
            via="exact",
            entity_ids=[record.id],
            type="film" if entity.startswith("film:") else "episode",
            title=getattr(record, "title", record.id),
            source=record.source,
            url=getattr(record, "url", None),
        )


def kb_version(kb: KnowledgeBase) -> str:
    """What an audit record cites as the KB it used: model, profile, build time and size."""
    meta = kb.collection.metadata or {}
    return f"{meta.get('embedding_model')}/{meta.get('profile')}/{meta.get('built_at')}/{kb.count()}"


def open_retriever(
    settings: Settings, facts: FactIndex | None = None, *, chroma_url: str | None = None
) -> tuple[Retriever, str]:
    """The retriever over the built KB (local folder or ``chroma_url``) and its :func:`kb_version`.

    Raises:
        KnowledgeBaseError: no KB has been built, or it was built with another embedding model.
    """
    kb = KnowledgeBase(settings, chroma_url=chroma_url)
    return Retriever(kb, facts), kb_version(kb)


def _end_episode(facts: FactIndex, slug: str, last: bool) -> str | None:
    """The id of the first (or last listed) episode of a series in the episode guide."""
    numbered = [e for e in facts.episodes.values() if e.series_slug == slug and e.number_in_series]
    if not numbered:
        return None
    pick = max if last else min
    return pick(numbered, key=lambda e: e.number_in_series or 0).id


def _spans(words: list[str]) -> dict[tuple[int, int], str]:
    """Every run of up to MAX_SPAN words, longest first (so that a longer title wins over its parts)."""
    spans: dict[tuple[int, int], str] = {}
    for length in range(min(MAX_SPAN, len(words)), 0, -1):
        for start in range(0, len(words) - length + 1):
            spans[(start, start + length)] = normalize_title(" ".join(words[start : start + length]))
    return spans


def _person_names(words: list[str]) -> list[str]:
    """Runs of two to MAX_PERSON_WORDS capitalised words that may be a name, longest first.

    A possessive ends a name ("George Miller's 2015 film" -> "George Miller"); punctuation at a word's edge is
    dropped. Every run is returned (the caller looks each up); a lookup miss costs a dictionary probe.
    """
    cleaned: list[str] = []
    ends: list[bool] = []  # a name may not run past this word
    for word in words:
        bare = word.strip(_EDGE_PUNCT)
        stripped = _POSSESSIVE.sub("", bare)
        cleaned.append(stripped)
        ends.append(stripped != bare or word[-1:] in ',.;:?!)"”')
    names: list[str] = []
    for length in range(MAX_PERSON_WORDS, 1, -1):
        for start in range(0, len(cleaned) - length + 1):
            span = cleaned[start : start + length]
            if all(w[:1].isupper() for w in span) and not any(ends[start : start + length - 1]):
                names.append(" ".join(span))
    return names


def _title_hits(
    facts: FactIndex,
    franchises: dict[str, tuple[str, str]],
    text: str,
    years: list[int],
    strong: bool,
    *,
    quoted: bool,
    length: int,
) -> list[str]:
    """Entity ids one span of the query names: a franchise, films, or (two words or more) an episode title.

    A one-word span names a film only when quoted or followed by the film's year ("Goldeneye 1995"): one-word
    titles ("Oscar", "Bond", "Song") are too often plain words.
    """
    if text in franchises and (strong or length > 1 or text not in COMMON_WORDS):
        return [f"franchise:{franchises[text][0]}"]
    lone = length == 1 and not quoted
    if not strong or (lone and not years):
        return []
    films = [m.film for m in facts.find_films(text, kinds=("title", "variant"))]
    if years:
        dated = [f for f in films if any(abs(f.year - y) <= 1 for y in years)]
        films = dated if (dated or lone) else films  # a lone word counts only with its year ("Goldeneye 1995")
    out = [f.id for f in sorted(films, key=lambda f: -f.year)[:MAX_FILMS_PER_TITLE]]
    if length >= 2:
        out.extend(ep.id for ep in facts.episodes_titled(text)[:MAX_FILMS_PER_TITLE])
    return out


def _hit(p: StoredPassage, via: Literal["dense", "exact"], score: float) -> Hit:
    meta = p.metadata
    year = meta.get("year")
    return Hit(
        passage_id=p.id,
        text=p.text,
        score=score,
        via=via,
        entity_ids=[str(e) for e in meta.get("entity_ids") or []],
        type=str(meta.get("type", "")),
        title=str(meta.get("title", p.id)),
        source=str(meta.get("source", "")),
        url=meta.get("url"),
        franchise=meta.get("franchise"),
        year=int(year) if isinstance(year, int) else None,
        distance=p.distance,
    )


def _fuse(dense: list[StoredPassage], exact: list[Hit], mentioned: set[str], k: int) -> list[Hit]:
    """Reciprocal-rank fusion of the dense and exact rankings.

    A dense hit about an entity the query names (a franchise, say) gets a smaller bonus on top of its own rank.
    """
    fused: dict[str, Hit] = {}
    for rank, p in enumerate(dense, start=1):
        hit = _hit(p, "dense", 1.0 / (RRF_K + rank))
        if mentioned.intersection(hit.entity_ids):
            hit = hit.model_copy(update={"score": hit.score + MENTION_WEIGHT / (RRF_K + rank), "via": "both"})
        fused[p.id] = hit
    for rank, hit in enumerate(exact, start=1):
        bonus = EXACT_WEIGHT / (RRF_K + rank)
        if hit.passage_id in fused:
            current = fused[hit.passage_id]
            fused[hit.passage_id] = current.model_copy(update={"score": current.score + bonus, "via": "both"})
        else:
            fused[hit.passage_id] = hit.model_copy(update={"score": bonus})
    ranked = sorted(fused.values(), key=lambda h: (-h.score, h.distance if h.distance is not None else 2.0))
    return ranked[:k]
