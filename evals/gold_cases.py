"""AI responses for the generated gold set: a correct answer built from KB facts, or one with planted errors.

A response is a list of :class:`Part` sentences, each ``supported`` (a KB fact, stated correctly),
``contradicted`` (a planted error, with the true value and the record that proves it) or ``neutral`` (no
checkable fact: filler that only makes an answer long). The gold claims and planted errors are read off the parts,
so the labels can never drift from the text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from evals.gold_facts import AwardFact, CastFact, EpisodeFact, FactPools, FilmFact, OrderFact

PartStatus = Literal["supported", "contradicted", "neutral"]
ErrorKind = Literal[
    "wrong_year",
    "wrong_director",
    "wrong_actor",
    "swapped_credits",
    "award_not_won",
    "order_mixup",
    "invented_sequel",
]

# Opinion filler with no checkable fact in it: it only breaks a word limit.
FILM_PADDING = (
    "Many viewers still come back to it years later, and it is often brought up in conversations about the best "
    "work of its kind.",
    "It is an easy pick for a film night with friends, and it rewards a second viewing thanks to its careful pacing "
    "and memorable performances.",
)
EPISODE_PADDING = (
    "Fans still rank it among the memorable episodes of its season, and it often comes up when people talk about "
    "the show.",
    "It holds up well on a rewatch thanks to its pacing, its jokes and the way it treats its characters, so it is a "
    "good place to start.",
)


@dataclass(frozen=True)
class Part:
    """One sentence of a response."""

    text: str
    status: PartStatus = "supported"
    kind: str = ""
    error: ErrorKind | None = None
    correct: str = ""
    source: str = ""


@dataclass
class Draft:
    """A response with everything needed to label it and to write the contributor's side."""

    scenario: str
    prompt: str
    parts: list[Part]
    checks: list[str]  # the facts a specific comment mentions, e.g. "the director (Hugh Hudson)"
    limitation: str  # an honest limitation a good comment names
    word_limit: int | None = None
    missing: str | None = None  # what the prompt asked for that the response leaves out
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)

    @property
    def errors(self) -> list[Part]:
        return [p for p in self.parts if p.status == "contradicted"]

    @property
    def supported(self) -> list[Part]:
        return [p for p in self.parts if p.status == "supported"]

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def breaks_limit(self) -> bool:
        return self.word_limit is not None and self.words >= self.word_limit


def _film_src(fact: FilmFact) -> str:
    film = fact.film
    return f"knowledge_base films {film.id}: {film.title} ({film.year}), cast {', '.join(film.cast[:3])}"


def film_draft(
    pools: FactPools,
    fact: FilmFact,
    rng: random.Random,
    errors: frozenset[str] = frozenset(),
    *,
    missing: bool = False,
    word_limit: bool = False,
) -> Draft:
    """Who directed a film and when it came out; errors: wrong_year, wrong_director, invented_sequel."""
    film = fact.film
    title, year = film.title, film.year
    limit = 40 if word_limit else rng.choice((None, 60, 80))
    prompt = f"Who directed {title}, and in what year was it released?"
    if limit:
        prompt += f" Answer in under {limit} words."
    parts: list[Part] = []
    if not missing:
        if "wrong_year" in errors:
            wrong = pools.wrong_year(fact, rng)
            parts.append(
                Part(
                    f"{title} was released in {wrong}.",
                    "contradicted",
                    "year",
                    "wrong_year",
                    str(year),
                    _film_src(fact),
                )
            )
        else:
            parts.append(Part(f"{title} was released in {year}.", kind="year"))
    subject = "It" if parts else title
    if "wrong_director" in errors:
        wrong_d = pools.wrong_director(fact, rng)
        parts.append(
            Part(
                f"{subject} was directed by {wrong_d}.",
                "contradicted",
                "director",
                "wrong_director",
                fact.director,
                f"oscars.tsv DIRECTING {year}: {fact.director} for {title}",
            )
        )
    else:
        parts.append(Part(f"{subject} was directed by {fact.director}.", kind="director"))
    parts.append(Part(f"It stars {film.cast[0]} and {film.cast[1]}.", kind="cast"))
    if "invented_sequel" in errors:
        fake = pools.invented_sequel(fact, rng)
        parts.append(
            Part(
                f"It was followed by a sequel, {fake} ({year + rng.choice((3, 4, 5))}).",
                "contradicted",
                "existence",
                "invented_sequel",
                f"no film titled {fake!r} exists",
                f"knowledge_base films and franchise notes: no title {fake!r}",
            )
        )
    if word_limit:
        parts.extend(Part(p, "neutral", "filler") for p in FILM_PADDING)
    return Draft(
        scenario="film",
        prompt=prompt,
        parts=parts,
        checks=[
            f"the director ({fact.director})",
            f"the {year} release year",
            f"the leads {film.cast[0]} and {film.cast[1]}",
        ],
        limitation=f"it could say a word about what {title} is about, not only who made it",
        word_limit=limit,
        missing=f"the release year ({year}) is not given" if missing else None,
        facts={"title": title, "year": str(year), "director": fact.director},
    )


def award_draft(fact: AwardFact, rng: random.Random, *, claim_win: bool = False) -> Draft:
    """Did a nominee win? Lost nominations can carry the award_not_won error (``claim_win``)."""
    nom, film = fact.nomination, fact.film
    person, label, title, year = nom.name, fact.label, film.title, film.year
    src = f"oscars.tsv {nom.ceremony}th Academy Awards, {nom.canonical_category}: {person} for {title} - " + (
        "won" if nom.winner else f"nominated; winner {fact.winner.name} for {', '.join(fact.winner.films)}"
    )
    prompt = f"Did {person} win the Oscar for {label} for {title}?"
    co_star = next((c for c in film.cast if c != person), None)
    parts: list[Part] = []
    if nom.winner:
        parts.append(Part(f"Yes. {person} won {label} for {title} ({year}).", kind="award", source=src))
    elif claim_win:
        parts.append(
            Part(
                f"Yes. {person} won {label} for {title} ({year}).",
                "contradicted",
                "award",
                "award_not_won",
                f"nominated only; {fact.winner.name} won for {', '.join(fact.winner.films)}",
                src,
            )
        )
    else:
        parts.append(
            Part(f"No. {person} was nominated for {label} for {title} ({year}) but did not win.", kind="award")
        )
        parts.append(Part(f"The award went to {fact.winner.name} for {', '.join(fact.winner.films)}.", kind="award"))
    if co_star:
        parts.append(Part(f"The film also stars {co_star}.", kind="cast"))
    return Draft(
        scenario="award",
        prompt=prompt,
        parts=parts,
        checks=[f"the {label} outcome for {person}", f"the {year} film year"],
        limitation="it could name the ceremony, since the film year and the ceremony year differ",
        facts={"title": title, "person": person, "label": label, "won": str(nom.winner)},
    )


def episode_draft(
    pools: FactPools,
    fact: EpisodeFact,
    rng: random.Random,
    error: ErrorKind | None = None,
    *,
    missing: bool = False,
    word_limit: bool = False,
) -> Draft:
    """Who directed and wrote an episode; errors: swapped_credits, wrong_director."""
    ep = fact.episode
    writers = " and ".join(ep.writers)
    director = ep.directors[0]
    limit = 40 if word_limit else rng.choice((None, 50))
    series = ep.series if ep.series.startswith("The ") else f"the {ep.series}"
    prompt = f'Who directed and who wrote {series} episode "{ep.title}"?'
    if limit:
        prompt += f" Answer in under {limit} words."
    src = f"tv_episodes {ep.id}: {ep.quote()}"
    parts = [Part(f'"{ep.title}" is episode {ep.episode} of season {ep.season} of {ep.series}.', kind="episode")]
    if error == "swapped_credits":
        parts.append(
            Part(
                f"It was directed by {ep.writers[0]} and written by {director}.",
                "contradicted",
                "credits",
                "swapped_credits",
                f"directed by {director}, written by {writers}",
                src,
            )
        )
    elif error == "wrong_director":
        wrong = pools.wrong_episode_director(fact, rng)
        parts.append(Part(f"It was directed by {wrong}.", "contradicted", "director", "wrong_director", director, src))
        parts.append(Part(f"It was written by {writers}.", kind="writer"))
    else:
        parts.append(Part(f"It was directed by {director}.", kind="director"))
        if not missing:
            parts.append(Part(f"It was written by {writers}.", kind="writer"))
    if word_limit:
        parts.extend(Part(p, "neutral", "filler") for p in EPISODE_PADDING)
    return Draft(
        scenario="episode",
        prompt=prompt,
        parts=parts,
        checks=[
            f"the director ({director})",
            f"the writing credit ({writers})",
            f"season {ep.season}, episode {ep.episode}",
        ],
        limitation="it could give the original air date, which helps a reader place the episode",
        word_limit=limit,
        missing=f"the writer ({writers}) is not named" if missing else None,
        facts={"title": ep.title, "series": ep.series},
    )


def order_draft(fact: OrderFact, rng: random.Random, *, mixup: bool = False) -> Draft:
    """Release order of three franchise films; the error lists them in story order instead."""
    names = list(fact.release)
    rng.shuffle(names)
    franchise = fact.note.meta.franchise.split(" (")[0]
    prompt = f"Put these {franchise} films in the order they were released: {'; '.join(names)}."
    src = f"knowledge_base/franchises/{fact.note.meta.id}.md release_order: " + ", ".join(
        f"{t} ({fact.years[t]})" for t in fact.release
    )
    listed = fact.chronology if mixup else fact.release
    sentence = f"In order of release: {listed[0]}, then {listed[1]}, then {listed[2]}."
    parts = [
        Part(sentence, "contradicted", "order", "order_mixup", " -> ".join(fact.release), src)
        if mixup
        else Part(sentence, kind="order", source=src),
        Part(f"In story order, {fact.chronology[0]} comes first.", kind="chronology"),
    ]
    return Draft(
        scenario="order",
        prompt=prompt,
        parts=parts,
        checks=[f"the release order ({' -> '.join(fact.release)})", "the story-order remark"],
        limitation="it could give the release years so the reader can see the order for themselves",
        facts={"franchise": franchise},
    )


def cast_draft(fact: CastFact, rng: random.Random, *, wrong_actor: bool = False) -> Draft | None:
    """Who played a character in a franchise film; the error names an actor who did not."""
    others = [
        m for m in fact.note.meta.cast if fact.entry in m.entries and m.actor not in (fact.actor, fact.wrong_actor)
    ]
    if not others:
        return None
    other = others[rng.randrange(len(others))]
    src = f"knowledge_base/franchises/{fact.note.meta.id}.md cast: {fact.character} / {fact.actor} in {fact.entry}"
    actor = fact.wrong_actor if wrong_actor else fact.actor
    main = f"{actor} played {fact.character} in {fact.entry} ({fact.year})."
    parts = [
        Part(main, "contradicted", "cast", "wrong_actor", fact.actor, src) if wrong_actor else Part(main, kind="cast"),
        Part(f"{other.actor} also appears in it, as {other.character.split(' / ')[0]}.", kind="cast"),
    ]
    return Draft(
        scenario="cast",
        prompt=f"Who played {fact.character} in {fact.entry}?",
        parts=parts,
        checks=[f"{fact.actor} as {fact.character}", f"the {fact.year} release year"],
        limitation=f"it could say whether {fact.actor} played the role in other films of the series",
        facts={"character": fact.character, "entry": fact.entry},
    )
