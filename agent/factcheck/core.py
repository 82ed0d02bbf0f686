"""Exact claim checks, no model: claims about entities the fact index covers, compared with the index.

For one response text this finds the titles it mentions (alias aware; see :func:`agent.kb.aliases.find_titles`),
reads the values it states next to them with fixed patterns (a year in parentheses or "released in 1999",
"directed by X", "written by X", "won Best Picture", "the ninth episode of season 3", "aired on ...", "N seasons",
"X played Y in T", "A was released before B", "In story order, start with X", "It won three Oscars: A, B and C",
"Title (YYYY)" for a title the franchise notes do not know, a numbered sequel no table knows), then, where no
pattern made a claim, reads a director, a release year or who played whom by cue words
(:mod:`agent.factcheck.fallback`), reads comic characters' first appearances (:mod:`agent.factcheck.comics`), and
returns :class:`agent.models.Claim` records with ``method="exact"``.

Precision comes first. A claim is only ``contradicted`` when the title resolves to one record (by year, franchise
words, people named nearby, award linkage) and the stated value clearly disagrees with that record, which is
cited as evidence; when the match is uncertain the check says nothing (or ``unverifiable`` for existence). The
one argument from absence, a numbered sequel of a known film that no table and no lead paragraph names
(kind ``absent_sequel``), is fenced by conditions (see ``franchise._absent_numbered_sequel``) and worded as such.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from agent.factcheck.awards import (
    _check_awards,
    _check_emmys,
    _check_went_to,
    _check_win_list,
    check_award_lists,
    check_emmy_nominee_lists,
    check_emmy_statements,
    check_listed_wins,
    check_winner_lists,
    check_winner_tables,
)
from agent.factcheck.comics import check_comics
from agent.factcheck.context import (
    _IS_A_YEAR,
    _RELEASED_AFTER,
    _YEAR_AFTER,
    _YEAR_BEFORE,
    _YEAR_OF_AFTER,
    _YEAR_OF_BEFORE,
    FILM_AS_SUBJECT,
    MAX_YEAR_GAP,
    SOURCE_WORK,
    _Context,
    _film_years,
    _resolve_film,
    _sentences,
    _series_in,
    _stated_year,
    _year_of,
    another_film_near,
)
from agent.factcheck.credits import (
    _check_active_director,
    _check_active_episode,
    _check_active_pronoun,
    _check_episode_facts,
    _check_episode_role_of,
    _check_film_credits,
    _check_labelled_credits,
    check_episode_layout,
)
from agent.factcheck.fallback import check_fallbacks
from agent.factcheck.franchise import (
    _check_appears_in,
    _check_between,
    _check_cast,
    _check_existence,
    _check_order,
    _check_order_lists,
    _check_oscar_roles,
    _check_seasons,
    _check_sequel_of,
    _check_series_dates,
    _check_stars,
    check_cast_tables,
    check_recast_credits,
)
from agent.factcheck.streaming import check_streaming
from agent.kb.aliases import (
    TextMention,
    find_titles,
    normalize_title,
)
from agent.kb.facts import FactIndex, part_number
from agent.kb.sources import Episode, Film
from agent.models import Claim, ResponseSide

logger = logging.getLogger(__name__)

CHECKER_VERSION = "exact-v1"
_AWARD_WORDS = re.compile(r"\b(?:Oscars?|Academy Awards?|Emmys?|Golden Globes?|BAFTAs?|Best [A-Z]|won|nominat\w+)")


def check_claims(text: str, index: FactIndex, *, prompt: str = "", response: ResponseSide = "a") -> list[Claim]:
    """Exact checks of one response; claims in text order, at most one per (kind, span).

    Args:
        text: the response text.
        index: the fact index.
        prompt: the task prompt, used only for context (which series or franchise the question is about).
        response: which side of a side-by-side task ``text`` is.
    """
    original = text
    text, where = _without_emphasis(text)  # "**Goodfellas** (1992)" reads as "Goodfellas (1992)"
    prompt = _without_emphasis(prompt)[0]
    ctx = _Context(index=index, text=text, prompt=prompt, side=response)
    ctx.series = _series_in(index, prompt) or _series_in(index, text)
    asked = find_titles(prompt, index.has_title_key) if prompt else []
    ctx.prompt_keys = {m.key for m in asked}
    ctx.focus_film = ctx.asked_film = _asked_film(index, prompt, asked)
    mentions = [m for m in find_titles(text, index.has_title_key) if not _not_a_film(text, m)]
    for start, end in _sentences(text):
        here = [m for m in mentions if start <= m.start < end]
        _check_sentence(ctx, start, end, here)
    oscar_only = [(m.start, m.end, f) for m in mentions if (f := _oscar_only_film(index, m.key)) is not None]
    listed = sorted([*ctx.films_seen, *oscar_only], key=lambda x: x[0])
    check_award_lists(ctx, listed)
    check_winner_lists(ctx, listed)
    check_winner_tables(ctx, listed)
    check_cast_tables(ctx)
    check_comics(ctx)
    seen: set[tuple[str | None, tuple[int, int] | None]] = set()
    out: list[Claim] = []
    for claim in sorted(ctx.claims, key=lambda c: c.span or (0, 0)):
        if (claim.kind, claim.span) not in seen:
            seen.add((claim.kind, claim.span))
            out.append(_in_original(claim, original, where) if where is not None else claim)
    return out


# Another title of the film just named, not another film: "Wings over the Pacific, also known as Pacific Wings"
_ALSO_KNOWN_AS = re.compile(
    r"\b(?:also known as|a\.k\.a\.?|aka|(?:also |originally |later )?(?:released|retitled|titled) as|known in the "
    r"(?:UK|US|United Kingdom|United States) as|working title|(?:UK|US|American|British|international) title)"
    r"[\s:,]*[\"“'‘]?$"
)


# A place, not a film: "a drama film serial, set in Australia", "shot in Australia", "set in the Star Wars universe"
_PLACE_BEFORE = re.compile(r"\b(?:set|shot|filmed|based|located|takes place|took place)\s+in\s+(?:the\s+)?$")


def _not_a_film(text: str, mention: TextMention) -> bool:
    """A title said as another name of the film just named ("..., also known as Pacific Wings"), as a place ("set in
    Australia"), or as the start of a longer name ("Twentieth Century-Fox" is a studio, not Twentieth Century)."""
    before = text[max(0, mention.start - 40) : mention.start]
    return bool(
        _ALSO_KNOWN_AS.search(before) or _PLACE_BEFORE.search(before) or re.match(r"-[A-Z]", text[mention.end :])
    )


def _oscar_year(ctx: _Context, key: str, stated: int, span: tuple[int, int]) -> None:
    """A year said of a film the film table lacks ("Moonlight (2016)") is supported when the Oscar nominations of
    that title all give that film year. Never contradicted: another film of the title may be meant."""
    rows = ctx.index.oscars_for_film(key)
    if rows and {o.film_year for o in rows} == {stated}:
        ctx.claim(span, "supported", "year", [rows[0].evidence()])


def _oscar_only_film(index: FactIndex, key: str) -> Film | None:
    """A film the film table lacks but the Oscar nominations name with one film year ("Moonlight", 2016), as a
    record the Oscar win lists can be read against; None when the table has the title or the years differ."""
    rows = index.oscars_for_film(key)
    if not rows or index.find_films(key) or len({o.film_year for o in rows}) != 1:
        return None
    title = next((t for t in rows[0].films if normalize_title(t) == key), None)
    return (
        None
        if title is None
        else Film(
            id=f"oscar-film:{key}",
            source=rows[0].source,
            licence=rows[0].licence,
            title=title,
            year=rows[0].film_year,
            cast=[],
            genres=[],
            href=None,
            url=None,
            extract="",
            lead_title=None,
            upcoming=False,
        )
    )


def _asked_film(index: FactIndex, prompt: str, asked: Sequence[TextMention]) -> Film | None:
    """The one film the prompt asks about ("Which MCU regulars show up in Spider-Man: Homecoming?"), which a
    sentence that names no film speaks of until the answer names one; None when the prompt names several titles or
    its title names several films (remakes) and gives no year. Of several titles, one written with its year is the
    one asked about."""
    asked = [m for m in asked if not _request_verb(prompt, m)]
    dated = [m for m in asked if m.year is not None]
    if len({m.key for m in asked}) != 1 and len({m.key for m in dated}) == 1:
        asked = dated  # "Who directed Rocky (1976)? Keep it short.": the dated title is the one asked about
    if len({m.key for m in asked}) != 1:
        return None
    title = prompt[asked[0].start : asked[0].end]
    films = index.find_films(title, asked[0].year, kinds=("title", "variant"))
    return films[0].film if len(films) == 1 else None


_REQUEST_VERBS = frozenset(
    "give tell list name write explain describe summarize summarise compare rank show provide recommend suggest "
    "find check help".split()
)


def _request_verb(prompt: str, mention: TextMention) -> bool:
    """A request's first word that is also a title: "Give me a quick rundown of Casablanca" (the film "Give")."""
    opens = re.search(r"(?:^|[.!?]\s+|\n\s*)$", prompt[: mention.start]) is not None
    return opens and not mention.quoted and mention.key in _REQUEST_VERBS


# Markdown emphasis around or inside a phrase: "**Title**", "*Title*", "_Title_", "`Title`". A bullet ("* item") and
# a word's own underscore ("snake_case") are not emphasis.
_EMPHASIS = re.compile(r"(?<![\w*_])(?:\*{1,3}|_{1,3})(?=[^\s*_])|(?<=[^\s*_])(?:\*{1,3}|_{1,3})(?![\w*_])|`")


def _without_emphasis(text: str) -> tuple[str, list[int] | None]:
    """The text without markdown emphasis, and where each of its characters was in ``text`` (None: unchanged)."""
    if not _EMPHASIS.search(text):
        return text, None
    kept: list[str] = []
    where: list[int] = []
    last = 0
    for m in _EMPHASIS.finditer(text):
        kept.append(text[last : m.start()])
        where.extend(range(last, m.start()))
        last = m.end()
    kept.append(text[last:])
    where.extend(range(last, len(text)))
    return "".join(kept), where


def _in_original(claim: Claim, original: str, where: list[int]) -> Claim:
    """A claim found on the text without emphasis, with its span and text in the response as written."""
    if claim.span is None:
        return claim
    start, end = claim.span
    span = (where[start], where[end - 1] + 1) if end > start else (where[start], where[start])
    return claim.model_copy(update={"span": span, "text": original[span[0] : span[1]].strip() or claim.text})


# A line that opens with a title no table knows, dated: "**Zorblax Returns (2019)**", "2. Zorblax (2019) — ..."
_UNKNOWN_TITLE = re.compile(
    r"\s*(?:[-*•#]+\s*|\d{1,2}[.)]\s+)?(?:[A-Z0-9][\w'’:&!?.,-]*\s+){0,8}[A-Z0-9][\w'’:&!?.-]*\s*\((?:19|20)\d\d\)"
)


# a line or sentence that opens with a part of the multi-part episode named before: "- **Part Two** opened season 7"
_PART_LABEL = re.compile(r"\s*(?:[-*•]\s+|\d{1,2}[.)]\s+)?(?P<label>Part\s+(?P<n>I{1,3}|[1-3]|One|Two|Three))\b")


def _labelled_part(ctx: _Context, start: int, sentence: str) -> list[tuple[int, int, Episode]]:
    """The part a sentence opens with ("- **Part Two** opened season 7 and aired on ...") of the multi-part episode
    named before it ("Who Shot Mr. Burns?"), as an episode mention; none when no such episode was named."""
    label = _PART_LABEL.match(sentence)
    chosen = ctx.parts.get(part_number(label.group("n")) or 0) if label else None
    return [(start + label.start("label"), start + label.end("label"), chosen)] if label and chosen else []


def _check_sentence(ctx: _Context, start: int, end: int, mentions: Sequence[TextMention]) -> None:
    sentence = ctx.text[start:end]
    films: list[tuple[int, int, Film]] = []
    episodes: list[tuple[int, int, Episode]] = []
    episodes += _labelled_part(ctx, start, sentence)
    for m in mentions:
        eps = ctx.index.episodes_titled(m.key, ctx.series) if ctx.series else []
        if eps:
            if len(eps) == 1:
                episodes.append((m.start, m.end, eps[0]))
            continue
        parts = ctx.index.episode_parts(m.key, ctx.series) if ctx.series else {}
        if parts:
            ctx.parts = parts  # which part: a "Part Two" line that follows says
            continue
        film = None if _inside_name(ctx, m) else _resolve_film(ctx, m, sentence)
        if film is not None:
            films.append((m.start, m.end, film))
            ctx.films_seen.append((m.start, m.end, film))
            if m.year or _stated_year(ctx.text[m.end : m.end + 80]):
                ctx.pinned.add(film.id)  # the response dates this film: other films of the title are ruled out
        _check_year(ctx, m, film)
    _check_existence(ctx, start, end)
    _check_episode_facts(ctx, start, end, episodes)
    _check_film_credits(ctx, start, end, films)
    _check_active_director(ctx, start, end, films)
    _check_active_episode(ctx, start, end, episodes)
    _check_active_pronoun(ctx, start, end, films, episodes)
    _check_episode_role_of(ctx, start, end, episodes)
    _check_labelled_credits(ctx, start, end, films, episodes)
    check_episode_layout(ctx, start, end, episodes)
    _check_awards(ctx, start, end, films)
    _check_went_to(ctx, start, end, films)
    _check_win_list(ctx, start, end, films)
    check_listed_wins(ctx, start, end, films)
    _check_order(ctx, start, end, films)
    _check_cast(ctx, start, end, films)
    check_recast_credits(ctx, start, end, films, mentions)
    _check_oscar_roles(ctx, start, end, films)
    _check_stars(ctx, start, end, films)
    _check_appears_in(ctx, start, end, films)
    _check_order_lists(ctx, start, end, mentions)
    _check_sequel_of(ctx, start, end, mentions)
    _check_between(ctx, start, end, mentions)
    ctx.previous_titles = [ctx.text[m.start : m.end] for m in mentions]
    _check_seasons(ctx, start, end)
    _check_series_dates(ctx, start, end)
    _check_emmys(ctx, start, end)
    check_emmy_statements(ctx, start, end)
    check_emmy_nominee_lists(ctx, start, end)
    check_streaming(ctx, start, end, mentions)
    check_fallbacks(ctx, start, end, films, mentions)
    if not mentions and _UNKNOWN_TITLE.match(sentence):
        ctx.focus_film, ctx.focus_episodes = None, []  # "Zorblax Returns (2019)": what follows is not about Heat
    if episodes:
        ctx.focus_episodes = list({ep.id: ep for _, _, ep in episodes}.values())
    ctx.previous_films = list({f.id: f for _, _, f in films}.values())
    subject = _subject_mention(ctx, start, mentions)
    if subject is not None:
        # "Thor: The Dark World is a 2013 film based on ... Thor", "Return of the Fly is a 1959 film and sequel to
        # The Fly": what follows speaks of the title the sentence opens with (of no film, when no film resolves it)
        ctx.focus_film = next((f for s, _, f in films if s == subject.start), None)
    elif films and not _speaks_of_focus(ctx, start, end, films):
        distinct = list({f.id: f for _, _, f in films}.values())
        # "It"/"the film" in the next sentence is only resolved when this sentence named one film, or when one of
        # the films it named is the one the prompt asks about ("How did Toy Story 3 do at the Oscars?").
        asked = [f for f in distinct if normalize_title(f.title) in ctx.prompt_keys]
        ctx.focus_film = distinct[0] if len(distinct) == 1 else asked[0] if len(asked) == 1 else None


# Which film a sentence speaks of, for "It"/"the film" in the next one (subject first, as English reads it):
# - a title opening the sentence to say what it is: "Thor: The Dark World is a 2013 film based on ... Thor";
_SUBJECT_IS = re.compile(r"\s*(?:\((?:19|20)\d\d\))?\s+(?:is|was)\s+(?:a|an|the)\s")
_OPENING = re.compile(r"\s*(?:[-*•#]+\s*|\d{1,2}[.)]\s+)?")  # nothing, a bullet or a list number before it
# - the film in focus as the subject, before any other title: "It is the sequel to Thor (2011)", "The film stars
#   Charles \"Buddy\" Rogers" (not "The film Jaws ...", an apposition);
_FOCUS_SUBJECT = re.compile(r"(?:^\s*|,\s+)(?:[Ii]t|[Tt]he (?:film|movie))\s+(?=[a-z])")
# - or after an opening phrase, whatever titles the phrase names: "Produced by Warner Bros. Pictures, DC Films, 6th &
#   Idaho, ..., it is a reboot", "Like the studio's previous film, Spirit (2002), the film combines ...".
_PHRASE_THEN_IT = re.compile(r"[^;]*?" + FILM_AS_SUBJECT.pattern)


def _subject_mention(ctx: _Context, start: int, mentions: Sequence[TextMention]) -> TextMention | None:
    """The title a sentence opens with to say what it is, or None."""
    if not mentions:
        return None
    first = min(mentions, key=lambda m: m.start)
    opens = _OPENING.fullmatch(ctx.text, start, first.start) is not None
    return first if opens and _SUBJECT_IS.match(ctx.text, first.end) else None


def _speaks_of_focus(ctx: _Context, start: int, end: int, films: Sequence[tuple[int, int, Film]]) -> bool:
    """The sentence's subject is the film in focus ("It", "the film"): the titles it names are what it says about
    that film, so "It" in the next sentence still means it."""
    if ctx.focus_film is None:
        return False
    first = min(s for s, _, _ in films)
    before = _FOCUS_SUBJECT.search(ctx.text[start:first]) is not None
    return before or _PHRASE_THEN_IT.match(ctx.text[start:end]) is not None


def _inside_name(ctx: _Context, mention: TextMention) -> bool:
    """A one-word title that ends a person's name ("Lee J. Cobb": the film Cobb): a name the Oscar data knows."""
    if " " in mention.key:
        return False
    before = re.search(r"((?:[A-Z][\w'’-]*\.?\s+){1,3})$", ctx.text[: mention.start])
    if before is None:
        return False
    words = before.group(1).split()
    title = ctx.text[mention.start : mention.end]
    return any(ctx.index.oscars_for_person(" ".join([*words[-k:], title])) for k in range(1, len(words) + 1))


_OTHER_KINDS = re.compile(r"[^.]{0,40}\b(?:television|TV|short|documentary|stage|play|musical|series|miniseries)\b")


def _year_stated_near(text: str, s: int, e: int) -> tuple[int, int, int, bool] | None:
    """The release year stated around a title at ``text[s:e]`` that carries no "(YYYY)": (year, span start, span
    end, whether it is stated before the title), or None. After the title ("was released in 1994", "(released
    1994)", "is a 1994 film") or before it ("Released in 1994, X", "the 1994 film X", "In 1994, X was released");
    None for another kind of work ("is a 1984 television film")."""
    after = text[e : e + 80]
    m = _YEAR_AFTER.match(after)
    value = _year_of(m) if m else None
    if value is None and (m := _IS_A_YEAR.match(after)):
        value = m.group("y")
    if m is not None and value:
        return None if _OTHER_KINDS.match(after) else (int(value), s, e + m.end(), False)
    lo = max(0, s - 60)
    label = _YEAR_OF_BEFORE.search(text[lo:s])
    if label and (stated := _YEAR_OF_AFTER.match(after)):
        return int(stated.group("y")), lo + label.start(), e + stated.end(), False
    b = _YEAR_BEFORE.search(text[lo:s])
    if b is None or ((b.group("i") or b.group("c")) and not _RELEASED_AFTER.match(after)):
        return None
    if b.group("words") and (_OTHER_KINDS.match(b.group("words")) or re.search(r"\b[A-Z]", b.group("words"))):
        return None  # "the 1984 television film X", "the 1932 German film X" (the original of a remake?)
    return int(next(v for g in ("r", "y", "i", "c", "s", "v") if (v := b.group(g)))), lo + b.start(), e, True


def _check_year(ctx: _Context, mention: TextMention, film: Film | None) -> None:
    s, e, key, year = mention.start, mention.end, mention.key, mention.year
    if SOURCE_WORK.search(ctx.text[max(0, s - 40) : s]):
        return  # the year of the book or the play, not of a film
    after = ctx.text[e : e + 80]
    stated, vend, before_title = year, e + (after.find(")") + 1 if year else 0), False
    if stated is None:
        found = _year_stated_near(ctx.text, s, e)
        if found is None:
            return
        stated, s, vend, before_title = found
    tv_words = re.search(r"\b(?:series|seasons?|episodes?|sitcom|aired|TV show)\b", ctx.prompt + " " + ctx.text)
    if ctx.index.series_slug(key) or (tv_words and any(r.type == "TV Show" for r in ctx.index.streaming_titles(key))):
        return  # the title is also a TV show and the text is about TV
    candidates = [film] if film is not None else [m.film for m in ctx.index.find_films(key)]
    if not candidates:
        _oscar_year(ctx, key, stated, (s, vend))
        return
    hit = [f for f in candidates if stated in _film_years(f)]
    if hit:
        ctx.claim((s, vend), "supported", "year", [hit[0].evidence()])
        return
    if len(candidates) == 1 and film is not None and not _year_excused(ctx, key, film, stated, s, before_title):
        if abs(film.year - stated) <= MAX_YEAR_GAP:
            ctx.claim((s, vend), "contradicted", "year", [film.evidence()], correction=f"{film.title} ({film.year})")


def _year_excused(ctx: _Context, key: str, film: Film, stated: int, s: int, before_title: bool) -> bool:
    """A year other than the film's that is not an error, or not one to guess at."""
    before = ctx.text[max(ctx.text.rfind("\n", 0, s), ctx.text.rfind(". ", 0, s), 0) : s]
    if stated == film.year + 1 and _AWARD_WORDS.search(before):
        return True  # "Best Director for The Revenant (2016)": the ceremony year of a 2015 film
    if another_film_near(ctx, key, film, stated):
        return True  # another film of this title is about as close to the stated year: no guess
    if before_title and abs(film.year - stated) < 2:
        return True  # "the 2005 film X" for a 2006 film: a premiere or home-country year, worded before the title
    # "The Cleanse is a 2016 film" in its own lead paragraph, 2018 in the film table: the KB disagrees with itself
    return film.own_lead_year() == stated
