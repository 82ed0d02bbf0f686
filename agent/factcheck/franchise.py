"""Exact checks against the franchise notes and episode guides: release order, chronology, who played whom,
season counts, and titles a franchise does not have."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import NamedTuple

from agent.factcheck.awards import part_of_another, plays_part
from agent.factcheck.context import (
    _NAME,
    _NUMBER_WORDS,
    IT_OPENS,
    LIST_LINE,
    _close,
    _Context,
    _note_evidence,
    _note_for,
    _person,
    _series_in,
    list_heading,
    markdown_tables,
)
from agent.factcheck.credits import MONTHS, _iso_date
from agent.kb.aliases import (
    TextMention,
    is_weak_key,
    leading_names,
    normalize_name,
    normalize_title,
    same_person,
)
from agent.kb.sources import Episode, Film
from agent.models import ABSENT_SEQUEL

logger = logging.getLogger(__name__)

_SEASONS = re.compile(r"\b(?P<n>\d+|" + "|".join(_NUMBER_WORDS) + r") seasons\b", re.IGNORECASE)
_ONGOING = {"the-simpsons"}  # the guide is a snapshot: a higher count may be true today
_ORDER = re.compile(
    r"\b(?P<what>was released|came out|premiered|is set|takes place|was set)\s+(?P<rel>before|after|earlier than|"
    r"later than)\s*$"
)
_CHARACTER = r"(?:[Tt]he )?(?:[A-Z][\w'’.-]*)(?: (?:[A-Z][\w'’.-]+|of|the|de|al|van|von|da|del|le|la))*"
# "X played Y", "X was cast as Y", "X took on the role of Y", "Z stars X as Y" (the bare "as")
_PLAYED = re.compile(
    rf"(?P<actor>{_NAME})(?:,? who)? (?P<verb>played|plays|portrayed|portrays|voiced|voices|starred as|stars as|"
    r"(?:was|is) cast as|appears as|appeared as|(?:took|takes) on the (?:role|part) of|returns as|returned as|"
    r"(?:is|was) back as|comes back as|came back as|cameos as|"
    r"(?:has|had|makes|made) an? (?:brief |short |small |quick |surprise |uncredited )?(?:appearance|cameo) as|"
    rf"(?:played|plays) the (?:role|part) of|in the (?:role|part) of|as) (?P<char>{_CHARACTER}|him|her)\b"
)  # also "It's X who plays Y", "T cast X in the role of Y"
# "Y was played by X", "the role of Y went to X"
_NAME_AFTER = r"(?:[A-Z][\w'’.-]+ ){1,3}[A-Z][\w'’-]+"  # greedy: a name that ends the statement
_PLAYED_BY = re.compile(
    rf"(?P<char>{_CHARACTER})(?: in (?P<title>[^.;,]{{1,90}}?))?(?: (?:is|was)|,) "
    rf"(?P<verb>played|portrayed|voiced|brought to life|depicted) by (?P<actor>{_NAME_AFTER})\b"
    rf"|\bthe (?:role|part) of (?P<char2>{_CHARACTER}) went to (?P<actor2>{_NAME_AFTER})\b"
)
# "Luke Skywalker (Mark Hamill)" or "Mark Hamill (Luke Skywalker)": which is the character, the note decides
_PAREN_PAIR = re.compile(rf"(?P<a>{_CHARACTER}) \((?P<b>{_CHARACTER})\)")
# "X starred in Heat as Y": the bare "as" follows a title, and the actor comes before it
_STARRED_IN = re.compile(
    rf"(?P<actor>{_NAME}) (?:co-)?(?:starred|stars|appeared|appears) in (?:the (?:\d{{4}} )?(?:film|movie) )?"
    rf"(?P<title>[^.;,]{{1,90}}?) as (?P<char>{_CHARACTER})\b"
)
_YEAR_PAREN = re.compile(r" ?\((?P<year>(?:19|20)\d\d)\)")
_TITLE_WORD = re.compile(
    r"^(?:[A-Z0-9][\w'’.!?&-]*:?|of|the|a|an|and|in|on|to|for|with|from|v|vs\.?|–|-|&|:)$"
)  # "Batman v Superman"
_FILM_WORDS = re.compile(r"\b(?:films?|movies?|sequels?|prequels?|instal+ments?|entr(?:y|ies))\b", re.IGNORECASE)


def _check_order(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    if len(films) < 2 or not ctx.index.notes:
        return
    from agent.kb import notes as notes_module

    for (s1, e1, a), (s2, e2, b) in zip(films, films[1:], strict=False):
        m = _ORDER.search(ctx.text[e1:s2])
        if m is None:
            continue
        note = _note_for(ctx, a.title, b.title)
        if note is None:
            continue
        chrono = "set" in m.group("what") or "place" in m.group("what")
        fn = notes_module.chronology_index if chrono else notes_module.release_index
        ia, ib = fn(note, a.title), fn(note, b.title)  # type: ignore[arg-type]
        if ia is None or ib is None or ia == ib:
            continue
        before = m.group("rel") in ("before", "earlier than")
        status = "supported" if (ia < ib) == before else "contradicted"
        meta = note.meta  # type: ignore[attr-defined]
        what = "set" if chrono else "released"
        fix = f"{a.title} is {what} {'before' if ia < ib else 'after'} {b.title}"
        lines = list(meta.chronology) if chrono else [f"{r.title} ({r.year})" for r in meta.release_order]
        section = "in-universe-chronology" if chrono else "release-order"
        ctx.claim((s1, e2), status, "order", [_note_evidence(note, section, lines)], fix)


class _CastStatement(NamedTuple):
    """One "actor played character" statement; ``start``/``end`` are sentence offsets."""

    actor: str
    character: str  # or "him" / "her": the character of the sentence's previous statement
    start: int
    end: int
    voice: bool
    film: tuple[int, int, Film] | None  # the film the wording itself names ("X starred in Heat as Y")
    paired: bool = False  # "A (B)": one of two readings, the other one has A and B swapped


def _cast_statements(sentence: str, start: int, films: list[tuple[int, int, Film]]) -> list[_CastStatement]:
    """Every "actor played character" statement of a sentence, in text order."""
    out: list[_CastStatement] = []
    for m in _STARRED_IN.finditer(sentence):  # "X starred in Heat as Y"
        film = next((f for f in films if f[0] == start + m.start("title")), None)
        if film is not None and film[1] == start + m.end("title"):
            out.append(_CastStatement(m.group("actor"), m.group("char"), m.start(), m.end(), False, film))
    taken = [(st.start, st.end) for st in out]
    for m in _PLAYED.finditer(sentence):
        if any(ms <= m.start() < me for ms, me in taken):
            continue
        if m.group("verb") == "as" and (
            any(f[0] < start + m.end("actor") and f[1] > start + m.start() for f in films)
            or re.search(r"(?:\bin|(?<!\bcast):)\s*$", sentence[: m.start()])
        ):
            continue  # the bare "as" after a title ("... in Star Wars: The Force Awakens as Leia"): no actor here
        voice = m.group("verb").startswith("voice")
        out.append(_CastStatement(_person(m.group("actor")), m.group("char"), m.start(), m.end(), voice, None))
    for m in _PAREN_PAIR.finditer(sentence):
        if any(st.start <= m.start() < st.end for st in out) or sum(c.isupper() for c in m.group("b")) < 2:
            continue  # a one-word bracket ("(voice)", "(uncredited)") is not a name
        out.append(_CastStatement(m.group("b"), m.group("a"), m.start(), m.end(), False, None, paired=True))
        out.append(_CastStatement(m.group("a"), m.group("b"), m.start(), m.end(), False, None, paired=True))
    for m in _PLAYED_BY.finditer(sentence):
        actor, char = m.group("actor") or m.group("actor2"), m.group("char") or m.group("char2")
        own = None
        if m.group("title"):  # "Leia Organa in The Force Awakens was played by X": the title must be a film
            own = next((f for f in films if f[0] == start + m.start("title") and f[1] == start + m.end("title")), None)
            if own is None:
                continue
        out.append(_CastStatement(actor, char, m.start(), m.end(), m.group("verb") == "voiced", own))
    return sorted(out, key=lambda st: st.start)


def _check_cast(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    if not ctx.index.notes:
        return
    from agent.kb import notes as notes_module

    character = None  # the last character named: "A played the Joker in X, and B played him in Y"
    for actor, char, ms, me, voice, own_film, paired in _cast_statements(ctx.text[start:end], start, films):
        named = char if char not in ("him", "her") else character
        character = named
        if named is None:
            continue
        named_here = (
            [own_film]
            if own_film
            else [f for f in films if f[0] >= start + me] or [f for f in films if f[1] <= start + ms]
        )
        film = named_here[0][2] if named_here else ctx.focus_film
        if film is None:
            continue
        note = _note_for(ctx, film.title)
        actors = notes_module.actors_for(note, named, film.title) if note is not None else []  # type: ignore[arg-type]
        if not named_here and not actors and ctx.asked_film is not None and ctx.asked_film is not film:
            film = ctx.asked_film  # "Keaton's own Batman past" moved the focus; the part is in the film asked about
            note = _note_for(ctx, film.title)
            actors = notes_module.actors_for(note, named, film.title) if note is not None else []  # type: ignore[arg-type]
        if note is None:
            continue
        if not actors or paired and notes_module.actors_for(note, actor, film.title):  # type: ignore[arg-type]
            continue  # "Darth Vader (Anakin Skywalker)": two names of one character, no actor
        status = "supported" if any(same_person(actor, a) for a in actors) else "contradicted"
        if status == "contradicted" and paired and not _known_actor(note, actor, film):
            continue  # "A (B)" reads as a cast credit only when A is an actor the sources know
        if status == "contradicted" and (voice or _may_share_role(note, actor, film)):
            continue  # a voice part, or a shared role the note may not spell out
        if status == "contradicted" and named_here and _fenced(ctx.text, start + me, named_here[0]):
            continue  # "Y was played by X before The Dark Knight": not a claim about that film
        if status == "contradicted" and not (
            own_film
            or _near(ctx, start + ms, start + me, named_here[0] if named_here else None)
            or _plays_other_part(note, actor, film, films)
        ):
            continue  # the film is an earlier sentence's or far off in this one: too loose a link to contradict
        ctx.claim(
            (start + ms, start + me),
            status,
            "cast",
            [_note_evidence(note, "who-played-whom", who_played_lines(note, named))],
            correction=" / ".join(actors),
        )


def check_cast_tables(ctx: _Context) -> None:
    """Cast tables of one franchise film: "| Character | Actor |" rows ("| Montgomery Scott (Scotty) | Simon Pegg |")
    under a line that names the film ("**Star Trek** (2009) ... recast the original crew:"), else for the film the
    prompt asks about. Each row is read against the franchise note's who-played-whom for that film, with the
    fences of :func:`_check_cast` (a voice part, or an actor the film's cast lists whose part the note does not
    give, is left alone)."""
    if not ctx.index.notes:
        return
    from agent.kb import notes as notes_module

    for before, (h0, h1), rows in markdown_tables(ctx.text):
        header = ctx.text[h0:h1]
        cells = [c.strip(" *_`").lower() for c in header.strip().strip("|").split("|")]
        part = next((i for i, c in enumerate(cells) if _PART_COLUMN.fullmatch(c)), None)
        actor = next((i for i, c in enumerate(cells) if _ACTOR_COLUMN.fullmatch(c)), None)
        if part is None or actor is None:
            continue
        named = {f.id: f for s, _, f in ctx.films_seen if before[0] <= s < before[1]}
        film = next(iter(named.values())) if len(named) == 1 else None if named else ctx.asked_film
        note = _note_for(ctx, film.title) if film is not None else None
        if film is None or note is None:
            continue
        for r0, r1 in rows:
            row = [c.strip(" *_`") for c in ctx.text[r0:r1].strip().strip("|").split("|")]
            if len(row) != len(cells) or not row[part] or not row[actor]:
                continue
            said = row[actor]
            names = [row[part], re.sub(r"\s*\([^)]*\)", "", row[part]), *_BRACKETED.findall(row[part])]
            found = [(n, a) for n in dict.fromkeys(names) if (a := notes_module.actors_for(note, n, film.title))]  # type: ignore[arg-type]
            if not found:
                continue
            character, actors = found[0]
            if any(same_person(said, a) for a in actors):
                status = "supported"
            elif "voice" in said.lower() or _may_share_role(note, said, film):
                continue
            else:
                status = "contradicted"
            lines = sorted(who_played_lines(note, character), key=lambda ln: film.title not in ln)  # this film's first
            lines = lines or [f"{character} in {film.title}: {' / '.join(actors)}"]
            evidence = [_note_evidence(note, "who-played-whom", lines)]
            ctx.claim((r0, r1), status, "cast", evidence, correction=" / ".join(actors))


_PART_COLUMN = re.compile(r"character|role|part|characters|roles")
_ACTOR_COLUMN = re.compile(r"actor|actress|actors|cast|played by|performer|portrayed by|star")
_BRACKETED = re.compile(r"\(([^)]+)\)")


def who_played_lines(note: object, character: str) -> list[str]:
    """The note's "X was played by Y in ..." lines that name ``character``: the evidence of a cast claim."""
    wanted = normalize_title(character)
    return [
        f"{c.character} was played by {c.actor} in {', '.join(c.entries)}"
        for c in note.meta.cast  # type: ignore[attr-defined]
        if wanted in normalize_name(c.character)  # the part, not a title ("... The Search for Spock" is not Spock)
    ]


_LIST_ROLE = re.compile(
    rf"^\s*(?:[-*•]|\d{{1,2}}[.)])\s+\**(?P<actor>{_NAME})\**\s+[—–-]\s+\**(?P<char>{_CHARACTER})"
)  # a cast-list line: "- Lee J. Cobb — Johnny Friendly (nominated)"


def _check_oscar_roles(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """ "X as Y" and cast-list lines against the part an Oscar acting nomination gives X in the film.

    The film is the one film the sentence names, else the film in focus; X must hold an acting nomination for it
    that names the part, and the part said must share no word with it to be contradicted.
    """
    sentence = ctx.text[start:end]
    statements = [(st.actor, st.character, st.start, st.end) for st in _cast_statements(sentence, start, films)]
    listed = _LIST_ROLE.match(sentence)
    if listed:
        statements.append((listed.group("actor"), listed.group("char"), listed.start("actor"), listed.end("char")))
    for actor, character, ms, me in statements:
        if character in ("him", "her") or len(actor.split()) < 2:
            continue
        # a title inside the names themselves ("Lee J. Cobb": the film Cobb) is not the film spoken of
        distinct = {f.id: f for s, e, f in films if not (start + ms <= s and e <= start + me)}
        film = next(iter(distinct.values())) if len(distinct) == 1 else None if distinct else ctx.focus_film
        if film is None:
            continue
        rows = [o for o in ctx.index.oscars_for_film(film.title, film.year) if o.award_class == "Acting" and o.detail]
        theirs = [o for o in rows if same_person(actor, o.name)]
        if not theirs:
            continue
        if re.search(r"['’]s?$", character):
            continue  # "Viola Davis as Donald Miller's mother": the part is cut short
        said = set(normalize_name(character).split()) - {"the", "a", "an", "of"}
        if any(plays_part(said, o) for o in theirs):
            ctx.claim((start + ms, start + me), "supported", "cast", [theirs[0].evidence()])
            continue
        # contradicted only when the part said is another nominee's part in this film ("Lee J. Cobb — Charles
        # Malloy": Rod Steiger's); a part the data does not name may be a nickname or a cut-short phrase
        other = part_of_another(said, rows, theirs)
        if other:
            parts = sorted({d for o in theirs for d in o.detail})
            fix = f"{theirs[0].name} played {', '.join(parts)}; {other.name} played {', '.join(other.detail)}"
            ctx.claim((start + ms, start + me), "contradicted", "cast", [theirs[0].evidence(), other.evidence()], fix)


def _plays_other_part(note: object, actor: str, film: Film, films: list[tuple[int, int, Film]]) -> bool:
    """The sentence is about one film, and the note gives the actor another part in it: "Karl Urban as Scotty"
    in a cast list of Star Trek (2009), where the note has Karl Urban as Leonard McCoy."""
    from agent.kb import notes as notes_module

    if len({f.id for _, _, f in films} - {film.id}) > 0:
        return False
    return bool(notes_module.roles_of(note, actor, film.title))  # type: ignore[arg-type]


def _known_actor(note: object, actor: str, film: Film) -> bool:
    cast = [m.actor for m in note.meta.cast]  # type: ignore[attr-defined]
    return any(same_person(actor, c) for c in (*cast, *film.cast))


def _may_share_role(note: object, actor: str, film: Film) -> bool:
    """An actor the film's cast lists, whose part in this film the note does not give: a double, a voice or a
    younger self of the character may be uncredited in the note. When the note gives the actor another part in
    this film ("Don Cheadle: James Rhodes"), the claim that they played the character is contradicted."""
    from agent.kb import notes as notes_module

    if not any(same_person(actor, c) for c in film.cast):
        return False
    return not notes_module.roles_of(note, actor, film.title)  # type: ignore[arg-type]


def _near(ctx: _Context, ms: int, me: int, film: tuple[int, int, Film] | None) -> bool:
    """A film named right after "X played Y in" or shortly before "X played Y", in the same sentence.

    "as Bruce Wayne / Batman" names a character, not the film "Batman": a film after must follow "in" or "for".
    """
    if film is None:
        return False
    if film[0] >= me:
        return bool(_IN_FILM.fullmatch(ctx.text[me : film[0]]))
    return ms - film[1] <= _NEAR_BEFORE


_IN_FILM = re.compile(
    r",?\s+(?:in|for|from)\s+(?:both\s+|each\s+of\s+)?(?:the\s+(?:\d{4}\s+)?(?:film|movie)\s+)?[\"“]?"
)
_NEAR_BEFORE = 60  # "In Batman (1989), Jack Nicholson played ..." / "Heat (1995) stars Al Pacino as ..."


# Before "N seasons", words that make the count one of a part of the show, not the show's: "the two-parter was split
# across two seasons", "he directed episodes in four seasons", "she left after seven seasons"
_PART_OF_SHOW = re.compile(
    r"\b(?:episodes?|two-parter|parts?|arc|storyline|cliffhanger|appear\w*|direct\w*|wr[io]te|written|guest\w*|"
    r"recurring|joined|left|leaving|departed|exit\w*|split|across|between|[Hh]e|[Ss]he|[Tt]hey|[Hh]is|[Hh]er|"
    r"[Tt]heir)\b"
)


def _check_seasons(ctx: _Context, start: int, end: int) -> None:
    sentence = ctx.text[start:end]
    for m in _SEASONS.finditer(sentence):
        slug = _series_in(ctx.index, sentence) or ctx.series
        if slug is None or _PART_OF_SHOW.search(sentence[: m.start()]):
            continue
        fact = ctx.index.season_count(slug)
        if fact is None or not isinstance(fact.value, int):
            continue
        raw = m.group("n").lower()
        stated = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        if stated == fact.value:
            status = "supported"
        elif slug in _ONGOING and stated > fact.value:
            continue
        else:
            status = "contradicted"
        ctx.claim(
            (start + m.start(), start + m.end()), status, "season_count", [fact.evidence], f"{fact.value} seasons"
        )


# When a series began and ended, against its episode guide's first and last air dates: "Friends premiered in 1994",
# "The Office ran from 2005 to 2013", "Friends (1994–2004)", "The series finale aired on May 6, 2004"
_MONTHS = "(?:" + "|".join(m.capitalize() for m in MONTHS) + ")"
_DATE = rf"(?P<date>(?:{_MONTHS} \d{{1,2}}, )?(?P<year>(?:19|20)\d\d))"
_SERIES_NAME = re.compile(
    r"\b(?:(?<!& )(?<!and )Friends|(?:The )?Office(?: \(U\.?S\.?\))?|(?:The )?Simpsons|Game of Thrones)\b"
)
_SERIES_START = re.compile(
    r"\b(?:premiered|debuted|first aired|began airing|started airing|began its run|launched|first hit screens)\b"
    rf"[^.;\d]{{0,30}}?\b(?:in|on) {_DATE}\b"
)
_SERIES_END = re.compile(
    r"\b(?:ended|concluded|wrapped up|signed off|went off the air|came to an end|finale (?:aired|was broadcast))\b"
    rf"(?: its (?:run|[\w-]+-season run))?[^.;\d]{{0,30}}?\b(?:in|on) {_DATE}\b"
)
_SERIES_SPAN = re.compile(
    r"\b(?:ran|aired|was on the air|was broadcast|running)\s+(?:on [A-Z]{2,4}\s+)?(?:for [\w-]+ seasons?\s+)?"
    r"from\s+(?P<y1>(?:19|20)\d\d)\s*(?:to|until|through|till|-|–|—)\s*(?P<y2>(?:19|20)\d\d)\b"
)
_YEARS_AFTER_NAME = re.compile(
    r"\**\s*\((?P<y1>(?:19|20)\d\d)\s*[–—-]\s*(?P<y2>(?:19|20)\d\d)\)"
)  # "Friends (1994–2004)"
# a season, an episode, a spin-off, a reunion, another country's version, a re-run: not the series' own run
_NOT_THE_RUN = re.compile(
    r"\b(?:season|episode|reunion|revival|spin-?off|re-?runs?|syndicat\w*|Netflix|Hulu|Prime Video|streaming|"
    r"UK|U\.K\.|British|remake|film|movie|special|comic|game|podcast|shorts?|segments?|Tracey Ullman|pilot|"
    r"sketch\w*|announced|renewed|ordered|developed|created|BBC|ITV|Channel 4|Gervais|original)\b|[\"“]",
    re.IGNORECASE,
)


def _check_series_dates(ctx: _Context, start: int, end: int) -> None:
    """A series' premiere, end and years on the air, for a series the sentence names before the statement (or "It" /
    "The show" / "The series" with a series in focus), against its guide's first and last air dates. A full date
    is compared as a date, a year as a year; an ongoing series' end is not read."""
    sentence = ctx.text[start:end]
    if _NOT_THE_RUN.search(sentence):
        return
    named = _series_in(ctx.index, sentence)
    pronoun = re.match(r"\s*(?:It|The (?:show|series|sitcom|programme|program))\b", sentence)
    if pronoun and pronoun.group().strip() == "It" and ctx.focus_episodes:
        pronoun = None  # "It first aired on May 11, 2006" after an episode: the episode's date, not the series'

    slug = named or (ctx.series if pronoun else None)
    run = ctx.index.series_run(slug) if slug else None
    if slug is None or run is None:
        return
    first, last = run
    said: list[tuple[tuple[int, int], Episode, str]] = []  # (span, the episode it is read against, date or year)
    for m in _SERIES_START.finditer(sentence):
        said.append(((m.start(), m.end()), first, m.group("date")))
    if slug not in _ONGOING:
        for m in _SERIES_END.finditer(sentence):
            said.append(((m.start(), m.end()), last, m.group("date")))
    spans = [*_SERIES_SPAN.finditer(sentence)]
    spans += [y for n in _SERIES_NAME.finditer(sentence) if (y := _YEARS_AFTER_NAME.match(sentence, n.end()))]
    for m in spans if slug not in _ONGOING else []:  # "ran from 1989 to 2020" says an ongoing series ended
        said.append(((m.start(), m.end()), first, m.group("y1")))
        said.append(((m.start(), m.end()), last, m.group("y2")))
    by_span: dict[tuple[int, int], list[tuple[Episode, bool]]] = {}
    for span, ep, value in said:
        aired = ep.air_date or ""
        stated = _iso_date(value) if "," in value else value
        by_span.setdefault(span, []).append((ep, bool(stated) and aired.startswith(stated or "-")))
    names = [n.start() for n in _SERIES_NAME.finditer(sentence)]
    for (s, e), verdicts in by_span.items():
        before = [n for n in names if n < s and _close(sentence[n:s], 80)]
        s = before[-1] if before else s  # "Friends premiered in 1994": the series is part of the claim
        wrong = [ep for ep, ok in verdicts if not ok]
        evidence = [ep.evidence() for ep, _ in verdicts]
        fix = f"{first.air_date} to {last.air_date}" if slug not in _ONGOING else f"premiered {first.air_date}"
        ctx.claim((start + s, start + e), "contradicted" if wrong else "supported", "series_dates", evidence, fix)


def _title_before(text: str) -> tuple[str, int] | None:
    """The title-like words right before a position (``"... came Star Wars: Episode X – The Last Hope"``)."""
    words = list(re.finditer(r"\S+", text))
    start = None
    for w in reversed(words):
        if w.group().endswith((",", ";")) or not _TITLE_WORD.match(w.group()):
            break
        start = w
    if start is None:
        return None
    title_start = start.start()
    title = text[title_start:].rstrip()
    lead = re.match(r"(?:(?:of|the|a|an|and|in|on|to|for|with|from|–|-|&|:)\s+)+", title)
    if lead:
        title, title_start = title[lead.end() :], title_start + lead.end()
    return (title, title_start) if title[:1].isupper() or title[:1].isdigit() else None


def _check_existence(ctx: _Context, start: int, end: int) -> None:
    """A ``Title (YYYY)`` that extends a franchise entry's title but that no table or note knows."""
    if not ctx.index.notes or not (_FILM_WORDS.search(ctx.prompt) or _FILM_WORDS.search(ctx.text)):
        return
    from agent.kb import notes as notes_module

    sentence = ctx.text[start:end]
    for m in _YEAR_PAREN.finditer(sentence):
        found = _title_before(
            re.sub(r"^\s*(?:\d+[.)]|[-*•])\s+", lambda x: " " * len(x.group()), sentence[: m.start()])
        )
        if found is None:
            continue
        title, offset = found
        key = normalize_title(title)
        if not key or ctx.index.has_title_key(key) or (":" not in title and not re.search(r"\d", title)):
            continue
        notes = [n for n in ctx.index.notes if _extends_entry(n, key)]
        note = min(notes, key=lambda n: len(n.meta.release_order)) if notes else None
        span = (start + offset, start + m.end())
        if note is None:
            base = _base_film(ctx, key)
            if base is not None:  # "Inception 2: Dreamfall": a sequel of a film no franchise note covers
                year = int(m.group("year"))
                if _absent_numbered_sequel(ctx, sentence, title, base, year):
                    n = ctx.index.films_in_year(year)
                    fix = (
                        f"no film titled {title!r} among the knowledge base's {n} films of {year}, catalogues or Oscars"
                    )
                    ctx.claim(span, "contradicted", ABSENT_SEQUEL, [base.evidence()], fix)
                else:
                    ctx.claim(span, "unverifiable", "existence", [base.evidence()])
            continue
        if notes_module.franchise_for_title([note], title) is not None:
            continue
        year = int(m.group("year"))
        entries = note.meta.release_order
        lines = [f"{r.title} ({r.year})" for r in entries]
        evidence = [_note_evidence(note, "release-order", lines)]
        if entries[0].year <= year <= entries[-1].year:
            fix = f"no such title in the release order of {note.meta.franchise}"
            ctx.claim(span, "contradicted", "existence", evidence, fix)
        else:
            ctx.claim(span, "unverifiable", "existence", evidence)


MIN_FILMS_IN_YEAR = 120  # the film table must hold this many films of the stated year to argue from absence
_SEQUEL_CUE = re.compile(r"\b(?:sequels?|prequels?|follow-?ups?|followed by|spin-?offs?)\b", re.IGNORECASE)
_SEQUEL_NUMBER = re.compile(r"(?:part )?(?:[2-9]|1[0-9]|ii|iii|iv|v|vi|vii|viii|ix|x)\b")


def _absent_numbered_sequel(ctx: _Context, sentence: str, title: str, base: Film, year: int) -> bool:
    """``"followed by a sequel, Quiz Show II: Legacy of Shadows (1999)"`` where no table knows that title.

    Absence of evidence, so every condition narrows it: the sentence calls it a sequel (or prequel, follow-up,
    spin-off); the title is the known film's title plus a sequel number ("II", "2", "Part III"), so it is no
    subtitle or longer title of something else; the stated year is later than the film's and one the film table
    covers well (``MIN_FILMS_IN_YEAR``); and neither the films, the episode guides, the streaming catalogues, the
    Oscar nominations nor any film's lead paragraph name the title. Direct-to-video sequels are the known blind
    spot (the film table lists American films with a Wikipedia article, the catalogues only what streamed in 2021):
    "Starship Troopers 2: Hero of the Federation (2004)" is real and is flagged.
    """
    key, base_key = normalize_title(title), normalize_title(base.title)
    rest = key[len(base_key) :].strip()
    return bool(
        key.startswith(base_key + " ")
        and _SEQUEL_CUE.search(sentence)
        and _SEQUEL_NUMBER.match(rest)
        and year > base.year
        and ctx.index.films_in_year(year) >= MIN_FILMS_IN_YEAR
        and not ctx.index.oscar_title_known(key)
        and not ctx.index.mentioned_in_leads(title)
    )


def _base_film(ctx: _Context, key: str) -> Film | None:
    """The one known film whose title the key extends with a sequel number or subtitle, if any."""
    words = key.split()
    for n in range(len(words) - 1, 0, -1):
        base = " ".join(words[:n])
        if is_weak_key(base):
            break
        films = ctx.index.find_films(base, kinds=("title",))
        if films:
            return films[0].film if len(films) == 1 else None
    return None


def _extends_entry(note: object, key: str) -> bool:
    """True when ``key`` starts with a franchise entry's title (``toy story 2 5 buzzs mission``)."""
    for entry in note.meta.release_order:  # type: ignore[attr-defined]
        base = normalize_title(entry.title)
        if key != base and key.startswith(base + " ") and len(base.split()) >= 1 and len(base) >= 4:
            return True
    return False


_STARS = re.compile(r"\b(?:also )?(?:stars|starred|co-stars|co-starred|starring)\s+(?:in it\s+)?")
_RELEASE_LIST = re.compile(r"\b(?:in|by) (?:order of release|release order)\s*[:,]\s*", re.IGNORECASE)
_STORY_FIRST = re.compile(r"\b(?:in (?:story|chronological|in-universe) order)\b", re.IGNORECASE)
_START_WITH = re.compile(r"\b(?:start|begin|starts|begins|starting|beginning) (?:with|from)\s+$", re.IGNORECASE)


def _check_story_start(ctx: _Context, start: int, story: re.Match[str], mentions: Sequence[TextMention]) -> None:
    """``"In story order, start with Iron Man"``: an entry the chronology places after another is no start.

    A note's chronology lists only entries whose in-universe place is well established, so an entry at position
    0 is supported and one at a later position is contradicted (something established comes before it); an entry
    the chronology leaves out says nothing.
    """
    from agent.kb import notes as notes_module

    for m in mentions:
        if m.start < start + story.end() or not _START_WITH.search(ctx.text[start + story.end() : m.start]):
            continue
        title = ctx.text[m.start : m.end]
        note = _note_for(ctx, title)
        rank = notes_module.chronology_index(note, title) if note is not None else None  # type: ignore[arg-type]
        if note is None or rank is None:
            return
        chronology = list(note.meta.chronology)  # type: ignore[attr-defined]
        evidence = [_note_evidence(note, "in-universe-chronology", chronology)]
        fix = None if rank == 0 else f"{chronology[0]} comes before {title} in story order"
        status = "supported" if rank == 0 else "contradicted"
        ctx.claim((start + story.start(), m.end), status, "order", evidence, fix)
        return


def _check_stars(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """``"The film also stars Emile Hirsch"``: each name the film's cast list has is supported (never
    contradicted: the table lists the leading cast only)."""
    sentence = ctx.text[start:end]
    for m in _STARS.finditer(sentence):
        before = [f for f in films if f[1] <= start + m.start()]
        if before:
            film = before[-1][2]
        elif IT_OPENS.match(sentence) and ctx.focus_film is not None:
            film = ctx.focus_film
        else:
            continue
        rest = sentence[m.end() :]
        for name in leading_names(rest):
            if len(name.split()) >= 2 and any(same_person(name, c) for c in film.cast):
                pos = start + m.end() + rest.find(name)
                ctx.claim((start + m.start(), pos + len(name)), "supported", "cast", [film.evidence()])


# "Holm also turns up in framing scenes in An Unexpected Journey and The Battle of the Five Armies": an actor (or
# the surname of one named earlier) and a verb of appearing, then the films, joined by "and" / commas only.
_APPEARS = re.compile(
    r"(?:^|(?<=[\s(]))(?P<actor>(?:[A-Z][\w'’.-]+ ){0,3}[A-Z][\w'’-]+) (?:also |later |even |briefly |again )?"
    r"(?:appears|appeared|turns up|turned up|shows up|showed up|stars|starred|co-stars|co-starred|features|"
    r"featured|cameos|cameoed|(?P<be>is|was)) (?P<gap>(?:[a-z][\w'’-]* ){0,5}?)in "
    r"(?:both |all three |each of |every one of )?$"
)
_APPEARS_FENCE = re.compile(
    r"\b(?:not|never|no|n['’]t|except|only|almost|nearly|set to|supposed|planned|rumou?red|before|after|until|"
    r"replac\w*|instead|voice\w*|uncredited|deleted|cut)\b",
    re.IGNORECASE,
)
_JOIN = re.compile(r"^\s*(?:\((?:19|20)\d\d\))?\s*(?:,|,? and|&)?\s*$")


def _check_appears_in(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """``"Holm also turns up in An Unexpected Journey and The Battle of the Five Armies"``: supported when every
    film named has the actor in its cast list (never contradicted: the table lists the leading cast only). A
    one-word name is the surname of a person the response named before."""
    i = 0
    while i < len(films):
        offset = films[i - 1][1] if i else start
        m = _APPEARS.search(ctx.text[offset : films[i][0]])
        chain = [films[i]]
        for film in films[i + 1 :]:
            if not _JOIN.match(ctx.text[chain[-1][1] : film[0]]):
                break
            chain.append(film)
        i += len(chain)
        if m is not None and not (m.group("be") and m.group("gap")) and not _APPEARS_FENCE.search(m.group()):
            _appears_in(ctx, offset + m.start("actor"), m, chain, end)


def _appears_in(ctx: _Context, at: int, m: re.Match[str], chain: list[tuple[int, int, Film]], end: int) -> None:
    tail = ctx.text[chain[-1][1] : end]
    if re.match(r"\s*(?:\((?:19|20)\d\d\)\s*)?(?:as|in the role|playing)\b", tail):
        return  # "X appears in T as Y" is a part, read by the cast checks
    if _APPEARS_FENCE.search(tail[:25]):
        return  # "... in A and B only", "... in A except the extended cut"
    words = _person(m.group("actor")).split()
    while words and words[0] in ("And", "But", "Also", "Then", "Later", "Meanwhile"):
        words, at = words[1:], ctx.text.index(words[1], at) if len(words) > 1 else at
    if not words or words[0] in ("The", "It", "This", "That", "He", "She", "They", "Who", "Which"):
        return
    actor = " ".join(words)
    if len(actor.split()) == 1:
        earlier = {n for n in re.findall(_NAME, ctx.text[:at]) if n.split()[-1] == actor}
        if len(earlier) != 1:
            return
        actor = _person(earlier.pop())
    if all(any(same_person(actor, c) for c in f.cast) for _, _, f in chain):
        ctx.claim((at, chain[-1][1]), "supported", "cast", [f.evidence() for _, _, f in chain])


def _check_order_lists(ctx: _Context, start: int, end: int, mentions: Sequence[TextMention]) -> None:
    """``"In order of release: A, then B, then C."`` and ``"In story order, X comes first."`` against a note."""
    if not ctx.index.notes:
        return
    from agent.kb import notes as notes_module

    sentence = ctx.text[start:end]
    listed = _RELEASE_LIST.search(sentence)
    if listed:
        titles = [ctx.text[m.start : m.end] for m in mentions if m.start >= start + listed.end()]
        note = _note_for(ctx, *titles) if len(titles) >= 2 else None
        order = [notes_module.release_index(note, t) for t in titles] if note is not None else []  # type: ignore[arg-type]
        if note is not None and None not in order:
            ranks = [int(i) for i in order if i is not None]
            ok = all(a < b for a, b in zip(ranks, ranks[1:], strict=False))
            lines = [f"{r.title} ({r.year})" for r in note.meta.release_order]  # type: ignore[attr-defined]
            right = " -> ".join(t for _, t in sorted(zip(ranks, titles, strict=True)))
            status = "supported" if ok else "contradicted"
            evidence = [_note_evidence(note, "release-order", lines)]
            ctx.claim((start + listed.start(), end), status, "order", evidence, None if ok else right)
    story = _STORY_FIRST.search(sentence)
    if story:
        _check_story_start(ctx, start, story, mentions)
    first = re.search(r"\bcomes first\b", sentence)
    if not (story and first and ctx.previous_titles):
        return
    subject = [ctx.text[m.start : m.end] for m in mentions if start + story.end() <= m.start < start + first.start()]
    if len(subject) != 1:
        return
    pool = list(dict.fromkeys([*ctx.previous_titles, subject[0]]))
    note = _note_for(ctx, *pool)
    if note is None:
        return
    ranks_by = {t: notes_module.chronology_index(note, t) for t in pool}  # type: ignore[arg-type]
    if None in ranks_by.values():
        return
    earliest = min(pool, key=lambda t: ranks_by[t] or 0)
    ok = normalize_title(earliest) == normalize_title(subject[0])
    meta = note.meta  # type: ignore[attr-defined]
    evidence = [_note_evidence(note, "in-universe-chronology", list(meta.chronology))]
    fix = None if ok else f"{earliest} comes first in story order"
    ctx.claim(
        (start + story.start(), start + first.end()), "supported" if ok else "contradicted", "order", evidence, fix
    )


_SEQUEL_OF = re.compile(
    r"\b(?:an?|the|its) (?:direct |standalone )?(?P<rel>sequel|prequel)(?: (?P<to>to|of)\b)?", re.IGNORECASE
)
_BARE_END = re.compile(r"\s*(?:[,.;:!—–)]|$|(?:that|which|picking|set|following|released|and|in|where|with)\b)")
_SUBJECT_GAP = re.compile(r"^\)?\s*(?:\((?:19|20)\d\d\)\s*)?(?:,\s*|(?:is|was|serves as|acts as)\s+)?$")
_PRONOUN_SUBJECT = re.compile(
    r"[\W\d]*(?:(?:but|and|so)\s+)?(?P<it>it|this|the (?:film|movie|second film|second one))(?:'s|’s|\s+is|"
    r"\s+was|\s+serves as|\s+acts as)?\s+$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\b(?:is set|was set|takes place|took place|slots in|slots|fits|sits|falls|happens|unfolds)(?: in)?"
    r"(?: (?:somewhere|right|directly|neatly|squarely))? between (?:the events of )?",
    re.IGNORECASE,
)


def _subject_before(ctx: _Context, start: int, at: int, mentions: Sequence[TextMention]) -> tuple[str, int] | None:
    """The title a sequel/prequel/"set between" phrase at ``at`` is said of, and where its statement starts: the
    title just before it ("X is a prequel to Y", "X, a prequel to Y"), or, after "It"/"This"/"the film", the
    sentence's opening title or the one title of the sentence before."""
    before = [m for m in mentions if start <= m.start and m.end <= at]
    if before and _SUBJECT_GAP.match(ctx.text[before[-1].end : at]):
        return ctx.text[before[-1].start : before[-1].end], before[-1].start
    clause = ctx.text[start:at]
    cut = max(clause.rfind(","), clause.rfind(":"), clause.rfind(";"), clause.rfind("—"), clause.rfind(" – "))
    pronoun = _PRONOUN_SUBJECT.match(clause, cut + 1)
    if pronoun is None:
        return None
    said_at = start + pronoun.start("it")
    opening = [m for m in mentions if start <= m.start and not ctx.text[start : m.start].strip(" \t\n*-#0123456789.")]
    if opening:
        return ctx.text[opening[0].start : opening[0].end], said_at
    if cut < 0 and len(set(ctx.previous_titles)) == 1:
        return ctx.previous_titles[0], said_at
    return None


def _chrono_rank(note: object, title: str) -> int | None:
    """A title's place in the note's chronology; a subtitle alone ("Endgame") names the one entry it ends."""
    from agent.kb import notes as notes_module

    rank = notes_module.chronology_index(note, title)  # type: ignore[arg-type]
    if rank is not None:
        return rank
    key = normalize_title(title)
    chronology = list(note.meta.chronology)  # type: ignore[attr-defined]
    ends = [i for i, entry in enumerate(chronology) if ":" in entry and normalize_title(entry.split(":")[-1]) == key]
    return ends[0] if len(key.split()) >= 1 and len(ends) == 1 else None


def _check_sequel_of(ctx: _Context, start: int, end: int, mentions: Sequence[TextMention]) -> None:
    """``"Monsters University is a sequel to Monsters, Inc."``, ``"X, a prequel to Y"`` and the bare ``"This is
    the sequel"`` against the note's in-universe chronology.

    A sequel is set after the film it follows, a prequel before it. With "to Y" the film named is compared; the
    bare word compares with every film of the same note the answer named earlier and released before the
    subject, and gives a verdict only when they all agree. Entries the chronology leaves out say nothing.
    """
    if not ctx.index.notes:
        return
    from agent.kb import notes as notes_module

    for m in _SEQUEL_OF.finditer(ctx.text, start, end):
        found = _subject_before(ctx, start, m.start(), mentions)
        if found is None:
            continue
        subject, said_at = found
        note = _note_for(ctx, subject)
        if note is None:
            continue
        if m.group("to"):
            after = [t for t in mentions if t.start >= m.end() and not ctx.text[m.end() : t.start].strip(" *\"“'")]
            if not after:
                continue
            others = [ctx.text[after[0].start : after[0].end]]
            span_end = after[0].end
        else:
            if not _BARE_END.match(ctx.text, m.end()):
                continue  # "a sequel series", "a sequel novel": not a film's place in the story
            mine = notes_module.release_index(note, subject)  # type: ignore[arg-type]
            if mine is None:
                continue
            seen = [ctx.text[s:e] for s, e, _ in ctx.films_seen if e <= m.start()]
            earlier = [
                t
                for t in dict.fromkeys(seen)
                if _note_for(ctx, t) is note
                and (r := notes_module.release_index(note, t)) is not None  # type: ignore[arg-type]
                and r < mine
            ]
            if not earlier:
                continue
            others, span_end = earlier, m.end()
        rank = _chrono_rank(note, subject)
        ranks = [_chrono_rank(note, t) for t in others]
        if rank is None or None in ranks or rank in ranks:
            continue
        later = {rank > (r or 0) for r in ranks}
        if len(later) != 1:
            continue
        set_after = later.pop()
        ok = set_after != (m.group("rel").lower() == "prequel")
        chronology = list(note.meta.chronology)  # type: ignore[attr-defined]
        names = ", ".join(chronology[r or 0] for r in ranks)
        kind = "sequel" if set_after else "prequel"
        fix = f"{chronology[rank]} is set {'after' if set_after else 'before'} {names}: a {kind}"
        evidence = [_note_evidence(note, "in-universe-chronology", chronology)]
        ctx.claim((said_at, span_end), "supported" if ok else "contradicted", "order", evidence, None if ok else fix)


def _check_between(ctx: _Context, start: int, end: int, mentions: Sequence[TextMention]) -> None:
    """``"Black Widow is set between Civil War and Infinity War"`` against the note's in-universe chronology:
    supported when the chronology places it between the two, contradicted when it places it outside them."""
    if not ctx.index.notes:
        return
    for m in _BETWEEN.finditer(ctx.text, start, end):
        found = _subject_before(ctx, start, m.start(), mentions)
        after = [t for t in mentions if t.start >= m.end() and t.end <= end]
        if found is None or len(after) < 2 or after[0].start - m.end() > 2:
            continue
        gap = ctx.text[after[0].end : after[1].start]
        if not re.fullmatch(r"[\s*\"”“']*(?:and|&)[\s*\"”“']*(?:the events of )?", gap):
            continue
        subject, said_at = found
        note = _note_for(ctx, subject)
        if note is None:
            continue
        rank, ra, rb = _chrono_rank(note, subject), *(_chrono_rank(note, ctx.text[t.start : t.end]) for t in after[:2])
        if rank is None or ra is None or rb is None or len({rank, ra, rb}) < 3:
            continue
        low, high = min(ra, rb), max(ra, rb)
        ok = low < rank < high
        chronology = list(note.meta.chronology)  # type: ignore[attr-defined]
        fix = None
        if not ok:
            edge = chronology[low if rank < low else high]
            fix = f"{chronology[rank]} is set {'before' if rank < low else 'after'} {edge}"
            if 0 < rank < len(chronology) - 1:
                fix += f", between {chronology[rank - 1]} and {chronology[rank + 1]}"
        evidence = [_note_evidence(note, "in-universe-chronology", chronology)]
        ctx.claim((said_at, after[1].end), "supported" if ok else "contradicted", "order", evidence, fix)


# Words between an actor and a film that undo the pairing: "Depp was replaced in The Secrets of Dumbledore", "Gambon
# took over after Chamber of Secrets", "never in Iron Man (2008)", "having declined to reprise the role in OHMSS".
RECAST_FENCE = re.compile(
    r"\b(?:not|never|no longer|replac\w*|recast|instead|rather than|until|till|before|after|following|prior to|"
    r"ahead of|except|left|leav\w*|exit\w*|dropp\w*|fired|step\w* down|without|absent|miss\w*|skipp\w*|succeed\w*|"
    r"declin\w*|refus\w*|turn\w* down|pass\w* on|reject\w*|quit|sat out|sits out)\b"
    r"|n['’]t\b",
    re.IGNORECASE,
)


def check_recast_credits(
    ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]], mentions: Sequence[TextMention]
) -> None:
    """Which actor played a recast part in which film, where the part is given by the sentence, a list's heading or
    the prompt rather than by "X as Y": "- Diamonds Are Forever (1971) — Telly Savalas" in a list that answers "Who
    played Blofeld?", "**James Rhodes:** Terrence Howard in Iron Man (2008); Don Cheadle from Iron Man 2 (2010) on",
    "Rhodes has been Don Cheadle all along, starting with Iron Man (2008)".

    A clause must name one actor the franchise note knows, and that actor must have played the part in some entry;
    the film is then checked against the note's who-played-whom. Silent when the clause names two such actors ("A
    took over from B in X"), when a word such as "replaced", "before" or "not" stands between actor and film, when
    the note gives no actor of the part for the film, and for "X as Y" statements (``_check_cast`` reads those).
    """
    if not ctx.index.notes or not mentions:
        return

    sentence = ctx.text[start:end]
    # a mention the film table resolves is read by the film's full title ("The Crimes of Grindelwald" is
    # "Fantastic Beasts: The Crimes of Grindelwald"); other franchise entries (Bond films) by the words written
    resolved = {(s, e): f.title for s, e, f in films}
    titles = [(m.start, m.end, resolved.get((m.start, m.end), ctx.text[m.start : m.end])) for m in mentions]
    if _cast_statements(sentence, start, []):
        return
    line_start = ctx.text.rfind("\n", 0, start) + 1
    listed = bool(LIST_LINE.match(ctx.text[line_start:end]))
    offset = start
    for clause in re.split(r"(;)", sentence):
        c_start, c_end = offset, offset + len(clause)
        offset = c_end
        here = [t for t in titles if c_start <= t[0] and t[1] <= c_end]
        for fs, fe, title in here:
            note = _note_for(ctx, title)
            if note is None:
                continue
            actors = _note_actors_in(ctx.text, c_start, c_end, note)
            if len(actors) != 1:
                continue
            actor, (as_, ae) = next(iter(actors.items()))
            between = ctx.text[min(ae, fe) : max(as_, fs)]
            if RECAST_FENCE.search(between):
                continue
            levels = [_blank(ctx.text, c_start, c_end, titles), _blank(ctx.text, start, end, titles)]
            if listed:
                levels += [list_heading(ctx.text, line_start), ctx.prompt]
            character = _part_named(note, levels)
            if character is None:
                continue
            entry = _entry_named(note, title, mentions, fs)
            cast = [m for m in note.meta.cast if m.character == character]  # type: ignore[attr-defined]
            players = [m.actor for m in cast if entry in m.entries]
            if entry is None or not players or not any(same_person(m.actor, actor) for m in cast):
                continue
            status = "supported" if any(same_person(actor, p) for p in players) else "contradicted"
            ctx.claim(
                (min(as_, fs), max(ae, fe)),
                status,
                "cast",
                [_note_evidence(note, "who-played-whom", who_played_lines(note, character))],
                correction=f"{character} in {entry} was played by {' and '.join(players)}",
            )


def _fenced(text: str, me: int, film: tuple[int, int, Film]) -> bool:
    """A word such as "before", "replaced" or "not" between a cast statement and the film after it ("Y was played by
    X before The Dark Knight"). A film before the statement is not fenced: "Star Trek (2009) recast the crew: X as
    Y" speaks of that film."""
    return film[0] >= me and bool(RECAST_FENCE.search(text[me : film[0]]))


def _entry_named(note: object, title: str, mentions: Sequence[TextMention], at: int) -> str | None:
    """The one release entry a title names (two entries of one title told apart by the year written after it);
    None when still ambiguous."""
    from agent.kb import notes as notes_module

    titles = notes_module.entry_titles(note, title)  # type: ignore[arg-type]
    if len(titles) > 1:
        year = next((m.year for m in mentions if m.start == at), None)
        titles = {e.title for e in note.meta.release_order if e.title in titles and e.year == year}  # type: ignore[attr-defined]
    return next(iter(titles)) if len(titles) == 1 else None


def _note_actors_in(text: str, start: int, end: int, note: object) -> dict[str, tuple[int, int]]:
    """The note's actors named in full in ``text[start:end]``, with where each is first named."""
    found: dict[str, tuple[int, int]] = {}
    for actor in dict.fromkeys(m.actor for m in note.meta.cast):  # type: ignore[attr-defined]
        m = re.compile(rf"(?<![\w-]){re.escape(actor)}(?![\w-])").search(text, start, end)
        if m is not None and not any(same_person(actor, a) for a in found):
            found[actor] = (m.start(), m.end())
    return found


def _blank(text: str, start: int, end: int, titles: Sequence[tuple[int, int, str]]) -> str:
    """``text[start:end]`` with the titles blanked ("The Crimes of Grindelwald" names no character)."""
    chars = list(text[start:end])
    for fs, fe, _ in titles:
        for i in range(max(fs, start), min(fe, end)):
            chars[i - start] = " "
    return "".join(chars)


def _part_named(note: object, levels: Sequence[str]) -> str | None:
    """The one recast part the first of ``levels`` that names any names (clause, sentence, heading, prompt)."""
    parts: dict[str, set[str]] = {}
    for m in note.meta.cast:  # type: ignore[attr-defined]
        parts.setdefault(m.character, set()).add(normalize_name(m.actor))
    recast = [c for c, players in parts.items() if len(players) > 1]
    surnames: dict[str, set[str]] = {}
    for character in parts:
        for name in character.split("/"):
            words = re.sub(r"\s*\([^)]*\)", "", name).split()
            if len(words) >= 2 and len(words[-1]) >= 4:
                surnames.setdefault(words[-1], set()).add(character)
    for text in levels:
        named = set()
        for character in recast:
            keys = [re.sub(r"\s*\([^)]*\)", "", p).strip() for p in (character, *character.split("/"))]
            keys += [w for w, owners in surnames.items() if owners == {character}]
            if any(k and re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text) for k in keys):
                named.add(character)
        if named:
            return next(iter(named)) if len(named) == 1 else None
    return None
