"""Cue-word fallbacks: a director, a release year or who played whom, said of one film in a wording no pattern reads.

The patterns of :mod:`agent.factcheck.credits`, :mod:`agent.factcheck.context` and :mod:`agent.factcheck.franchise`
read fixed shapes ("directed by X", "X (1994)", "X played Y in T"), and measured on wordings written blind they
caught roughly half to two thirds of the wrong values (README, "How far the exact checks carry"). These fallbacks
read a sentence as a bag of parts instead of a shape: **one film** named (resolved to one record), a **cue word** of
the fact's kind ("direct", "helm", "behind the camera"; "released", "came out", "first saw"; "plays", "brings ... to
life", "'s") and **exactly one value** of that kind (one person the KB credits with directing a film; one year; one
actor beside one character the franchise note gives a part in the film). "Behind the camera for Jaws was Michael
Mann" and "In Star Trek, Simon Pegg brings Leonard McCoy to life" need no pattern of their own. A sentence that
names no film may answer a question about one: the sentence before it, when that one ends with "?" ("Q: Who
directed Jaws? A: Michael Mann."), or, for the response's first sentence, the prompt's question.

A bag reads more sentences and knows less about them, so the fences are strict; precision is measured on text
known to be true (``python -m evals.true_text``: the same contradictions over the KB's lead paragraphs with and
without the fallbacks) and on the gold dev split:

- a fallback runs only where no pattern made a claim of its kind in the sentence;
- the sentence names one title, written as a title (capitalised, not a subtitle alone, not inside a longer name),
  and nothing that points at another work or event: remakes, sequels, source novels, series and episodes, awards,
  festivals, re-releases, home video (``_OTHER_WORK``), nor "it" / "the film" for a film it does not name;
- no hedge ("originally attached", "was set to", "declined"): a possibility, not a credit or a date;
- director: the one name must be a person the KB credits with directing some film, not in the film's cast list, no
  other actor named, no producer / writer / editor / star word, and the fences of
  :func:`agent.factcheck.credits._director_verdict` (a name in the film's lead paragraph, another film of the title);
- year: one four-digit year outside the title, no other name in the sentence, not a year of making or of a release
  somewhere ("produced in 1928", "released in the United Kingdom"), within ``MAX_YEAR_GAP`` of the record, no other
  film of the title near it, not a year the film's own lead paragraph states; the title is not also a TV show;
- cast: one character of the note's cast for this film, one actor, no other name; not a voice, double, younger or
  older self; an actor the film lists whose part the note does not give is left alone (a shared role).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.factcheck.context import (
    _PRONOUNS,
    MAX_YEAR_GAP,
    _Context,
    _film_years,
    _note_evidence,
    _note_for,
    _other_version,
    another_film_near,
)
from agent.factcheck.credits import _director_verdict
from agent.factcheck.franchise import _known_actor, _may_share_role, who_played_lines
from agent.kb.aliases import TextMention, find_titles, same_person
from agent.kb.sources import Film

_DIRECTOR_CUE = re.compile(
    r"\b(?:(?:co-)?direct(?:ed|or|ors|ing|s)?|helm(?:ed|s|ing)?|at the helm|behind the camera|filmmaker)\b",
    re.IGNORECASE,
)
_RELEASE_CUE = re.compile(
    r"\b(?:releas(?:ed|e|ing)|came out|comes? out|premiered|premiere|debut(?:ed|s)?|opened|"
    r"(?:hit|reached|arrived in|landed in) (?:theaters|theatres|cinemas|screens)|dates? (?:from|back to)|"
    r"(?:first )?(?:saw|seen|shown|screened)|year|out in)\b",
    re.IGNORECASE,
)
# Words that point at another work, another version or another event than the one film's release or direction.
_OTHER_WORK = re.compile(
    r"\b(?:remake|remade|original|version|reboot|adapt\w*|based on|novel|book|comic|play|musical|stage|"
    r"sequel|prequel|follow-up|spin-?off|trilogy|franchise|series|season|episode|show|TV|television|"
    r"award|Oscar|Academy|Emmy|Golden Globe|BAFTA|ceremony|nominat\w*|festival|Cannes|Sundance|Venice|Berlin|"
    r"Toronto|re-?releas\w*|reissue\w*|anniversary|restor\w*|remaster\w*|4K|home (?:video|media)|DVD|Blu-ray|VHS|"
    r"stream\w*|Netflix|Disney\+|Hulu|Prime Video|Max|set in|takes place|born|died|death|announced|"
    r"filming|filmed|shooting|production|box office|trailer|rights|documentary|short)\b"
)
# "it", "the film": a film the sentence does not name (the one in focus, which may not be the one it names)
_ANOTHER_FILM = re.compile(r"\b(?:[Ii]ts?|[Tt](?:he|his|hat) (?:film|movie|picture))\b")
# Words that make a credit or a date a possibility, not a fact: "was originally attached to direct".
_HEDGED = re.compile(
    r"\b(?:attached|considered|offered|turned (?:it )?down|replaced|almost|nearly|wanted|planned|set to|would have|"
    r"was going to|originally|initially|rumou?red|hoped|expected|scheduled|delayed|postponed|declin\w*|refus\w*|"
    r"instead|passed on|again)\b",
    re.IGNORECASE,
)
_CAST_CUE = re.compile(
    r"\b(?:play(?:s|ed|ing)?|portray\w*|role|part|cast|starr?(?:s|ed|ing)?|brings?|brought|appears?|appeared|"
    r"as|embod\w*|takes? on|took on|stepped into|turn)\b|['’]s\b|:"
)
_VOICE = re.compile(
    r"\b(?:voice\w*|voicing|double|stand-in|younger|older|young|old|child|teen\w*|cameo|uncredited)\b", re.I
)
_OTHER_CREDIT = re.compile(
    r"\b(?:produc\w+|wr[io]te|written|writer|screenplay|script\w*|penned|co-wrote|edit\w*|cinematograph\w*|"
    r"compos\w*|music|score|starr?(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
# A year of making or of a release somewhere, not of the release: "produced in 1928", "released in the UK in 2012".
_OTHER_DATE = re.compile(
    r"\b(?:produc\w+|made|shot|filmed|completed|wrapped|began|started|released (?:\w+ )?in (?:the )?[A-Z])\b"
)
_YEAR = re.compile(r"(?<![\w$£€.,-])((?:18[89]|19\d|20[0-3])\d)(?![\w%-]|,\d)")
# A run of capitalised words (with particles), from which a person's name is read: "Guillermo del Toro".
_WORD = r"[A-Z](?:[\w.-]|['’](?!s\b))*"  # a capitalised word; "Pegg's" is "Pegg"
_CAPITALISED = re.compile(rf"{_WORD}(?:\s+(?:(?:de|del|der|van|von|da|di|du|le|la)\s+)?{_WORD}){{1,4}}")
# A character's name may be one word ("Gandalf") or hold a small word ("Bard the Bowman", "Ra's al Ghul").
_CHARACTER_RUN = re.compile(rf"{_WORD}(?:\s+(?:(?:the|of|al|de|del|van|von|da|di|le|la)\s+)?{_WORD}){{0,4}}")


def check_fallbacks(
    ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]], mentions: Sequence[TextMention]
) -> None:
    """The director and year fallbacks on one sentence, after every pattern check has run on it.

    The film is the one film the sentence names; for a sentence that names none, the one film of the question it
    answers: the sentence before it when that one ends with "?" ("Q: Who directed Heat? A: Michael Mann."), or, for
    the response's first sentence, the prompt's question ("Who directed Heat?" answered "Michael Mann."). The cue
    word may then come from the question; the value always comes from the sentence itself.
    """
    distinct = list({f.id: f for _, _, f in films}.values())
    sentence = ctx.text[start:end]
    question = ctx.last_question
    asks = len(distinct) == 1 and sentence.rstrip().endswith("?")
    ctx.last_question = (distinct[0], _blank_titles(sentence, films, start)) if asks else None
    if len(distinct) == 1:
        if len({m.key for m in mentions}) > 1 or not all(_plain_mention(ctx, m, start, distinct[0]) for m in mentions):
            return
        film, cue_text, spans = distinct[0], sentence, [(s, e) for s, e, _ in films]
    elif mentions or _HEDGED.search(sentence):
        return
    elif question is not None:
        film, cue_text, spans = question[0], question[1] + " " + sentence, []
    elif start == _first_sentence(ctx.text) and (asked := _asked_question(ctx)) is not None:
        film, cue_text, spans = asked[0], asked[1] + " " + sentence, []
    else:
        return
    if _OTHER_WORK.search(cue_text) or _HEDGED.search(cue_text) or spans and _another_film(sentence, spans, start):
        return
    claimed = {c.kind for c in ctx.claims if c.span and start <= c.span[0] < end}
    if "director" not in claimed and _DIRECTOR_CUE.search(cue_text) and not _OTHER_CREDIT.search(cue_text):
        _director(ctx, start, end, film, spans)
    if "year" not in claimed and _RELEASE_CUE.search(cue_text) and not _OTHER_DATE.search(sentence):
        _year(ctx, start, end, film, spans)
    if "cast" not in claimed and _CAST_CUE.search(cue_text) and not _VOICE.search(cue_text):
        _cast(ctx, start, end, film, spans, cue_text[: len(cue_text) - len(sentence)])


def _plain_mention(ctx: _Context, mention: TextMention, start: int, film: Film) -> bool:
    """A title written as a title: capitalised, by its title or a variant (not a subtitle alone: "Los Angeles" is
    not "Battle: Los Angeles"), and not part of a longer capitalised name ("Charles Bronson" is not "Bronson")."""
    written = ctx.text[mention.start : mention.end]
    if not (written[:1].isupper() or written[:1].isdigit()) and not mention.quoted:
        return False
    if film.id not in {m.film.id for m in ctx.index.find_films(written, kinds=("title", "variant"))}:
        return False
    if mention.quoted:
        return True
    before = re.search(r"([A-Z][\w'’.-]*)\s+$", ctx.text[start : mention.start])
    glued_before = before is not None and ctx.text[start : mention.start].strip() != before.group(1)
    glued_after = re.match(r" [A-Z]", ctx.text[mention.end : mention.end + 2]) is not None
    return not (glued_before or glued_after)


def _another_film(sentence: str, spans: list[tuple[int, int]], start: int) -> bool:
    """The sentence also speaks of a film it does not name ("it", "the film" other than "the film Heat")."""
    for m in _ANOTHER_FILM.finditer(sentence):
        if not any(a - (start + m.end()) in (1, 2) for a, _ in spans):
            return True
    return False


def _first_sentence(text: str) -> int:
    """Where the response's first sentence starts (after leading blank space)."""
    return len(text) - len(text.lstrip())


def _asked_question(ctx: _Context) -> tuple[Film, str] | None:
    """The prompt's question about the one film it asks about ("Who directed Heat?"), when the prompt asks one."""
    if ctx.asked_film is None or ctx.focus_film not in (None, ctx.asked_film):
        return None
    asked = [q for q in re.findall(r"[^.?!\n]*\?", ctx.prompt) if q.strip()]
    if len(asked) != 1:
        return None
    mentions = find_titles(asked[0], ctx.index.has_title_key)
    return ctx.asked_film, _blank_titles(asked[0], [(m.start, m.end, ctx.asked_film) for m in mentions], 0)


def _blank_titles(text: str, films: list[tuple[int, int, Film]], offset: int) -> str:
    """``text`` with the titles it names blanked out, so that a question's title is not read as a name."""
    for s, e, _ in films:
        text = text[: s - offset] + " " * (e - s) + text[e - offset :]
    return text


def _outside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return all(e <= a or s >= b for a, b in spans)


def _director_name(ctx: _Context, run: str) -> str | None:
    """The longest tail of a capitalised run that the KB knows as a director ("Director Ridley Scott")."""
    words = run.split()
    for k in range(len(words), 1, -1):
        name = " ".join(words[-k:]).rstrip(".'’")
        if name.split()[0] in _PRONOUNS:
            continue
        if ctx.index.films_directed_by(name):
            return name
    return None


def _director(ctx: _Context, start: int, end: int, film: Film, spans: list[tuple[int, int]]) -> None:
    sentence = ctx.text[start:end]
    people: list[tuple[int, int, str]] = []  # every person-like run outside the title: (start, end, director name)
    others = 0
    for m in _CAPITALISED.finditer(sentence):
        s, e = start + m.start(), start + m.start() + len(m.group().rstrip(".'’"))
        if not _outside(spans, s, e):
            continue
        name = _director_name(ctx, m.group())
        if name is not None:
            people.append((s, e, name))
        elif ctx.index.films_with(" ".join(m.group().split()[-2:])):
            others += 1  # an actor: "X and Y in Heat, directed by ..." leaves the fallback to the patterns
    if len(people) != 1 or others:
        return
    s, e, name = people[0]
    if any(same_person(name, c) for c in film.cast):
        return
    verdict, evidence, actual = _director_verdict(ctx, [name], film)
    if verdict is None:
        return
    lo, hi = min([s, *(a for a, _ in spans)]), max([e, *(b for _, b in spans)])
    ctx.claim((lo, hi), verdict, "director", evidence, f"{film.title}: {' & '.join(actual)}")


def _year(ctx: _Context, start: int, end: int, film: Film, spans: list[tuple[int, int]]) -> None:
    sentence = ctx.text[start:end]
    lead = len(sentence) - len(sentence.lstrip(' \t\n*-•#>"“'))
    if any(
        m.start() > lead and _outside(spans, start + m.start(), start + m.end())
        for m in _CAPITALISED.finditer(sentence)
    ):
        return  # another name: "Cyborg Cop II and Cyborg Cop III, released in 1995" (whose year?)
    years = [(start + m.start(1), start + m.end(1)) for m in _YEAR.finditer(sentence)]
    years = [(s, e) for s, e in years if _outside(spans, s, e)]
    if len(years) != 1:
        return
    s, e = years[0]
    stated = int(ctx.text[s:e])
    if ctx.index.series_slug(film.title) or any(r.type == "TV Show" for r in ctx.index.streaming_titles(film.title)):
        return
    lo, hi = min([s, *(a for a, _ in spans)]), max([e, *(b for _, b in spans)])
    if stated in _film_years(film):
        ctx.claim((lo, hi), "supported", "year", [film.evidence()])
        return
    if abs(film.year - stated) > MAX_YEAR_GAP or _other_version(ctx, film) or str(stated) in film.extract:
        return  # far off (another film of the title?), or a year the film's own lead paragraph gives
    if another_film_near(ctx, film.title, film, stated):
        return
    ctx.claim((lo, hi), "contradicted", "year", [film.evidence()], f"{film.title} ({film.year})")


_Named = tuple[dict[tuple[str, ...], tuple[str, int, int]], list[tuple[int, int, str]], int]


def _cast(ctx: _Context, start: int, end: int, film: Film, spans: list[tuple[int, int]], question: str) -> None:
    """One character the franchise note gives a part in this film and one actor, in any order and wording: "In
    Star Trek, Karl Urban brings Bones McCoy to life". The character may be named in the question answered."""
    from agent.kb import notes as notes_module

    note = _note_for(ctx, film.title)
    if note is None:
        return
    characters, actors, unknown = _names_in(ctx, note, film, spans, question, start, end)
    if len(characters) != 1 or len(actors) != 1 or unknown:
        return
    character, cs, ce = next(iter(characters.values()))
    s, e, actor = actors[0]
    played_by = notes_module.actors_for(note, character, film.title)  # type: ignore[arg-type]
    if any(same_person(actor, a) for a in played_by):
        status = "supported"
    elif _may_share_role(note, actor, film):
        return  # an actor the film lists whose part the note does not give: a double, a shared role
    else:
        status = "contradicted"
    lines = who_played_lines(note, character) or who_played_lines(note, "")[:1]
    named = [(cs, ce)] if cs >= 0 else []
    lo, hi = min([s, *(a for a, _ in [*spans, *named])]), max([e, *(b for _, b in [*spans, *named])])
    ctx.claim((lo, hi), status, "cast", [_note_evidence(note, "who-played-whom", lines)], " / ".join(played_by))


def _names_in(
    ctx: _Context, note: object, film: Film, spans: list[tuple[int, int]], question: str, start: int, end: int
) -> _Named:
    """The names of a sentence (and of the question it answers) outside its title: characters the note gives a
    part in the film (keyed by who played them, so "Bones" and "Leonard McCoy" are one), actors, and how many other
    names the sentence holds."""
    from agent.kb import notes as notes_module

    characters: dict[tuple[str, ...], tuple[str, int, int]] = {}  # who played it -> (as written, where)
    actors: list[tuple[int, int, str]] = []
    unknown = 0
    for text, offset in ((question, None), (ctx.text[start:end], start)):
        for m in _CHARACTER_RUN.finditer(text):
            run = m.group().rstrip(".'’")
            if run.split()[0] in (*_PRONOUNS, "In", "For", "With", "As", "Q", "A"):
                run = run.split(maxsplit=1)[1] if len(run.split()) > 1 else ""
            e = (offset or 0) + m.start() + len(m.group().rstrip(".'’"))
            s = e - len(run)
            if not run or offset is not None and not _outside(spans, s, e):
                continue
            played_by = notes_module.actors_for(note, run, film.title)  # type: ignore[arg-type]
            if played_by and len(run) >= 3:
                characters.setdefault(tuple(played_by), (run, s, e) if offset is not None else (run, -1, -1))
            elif offset is not None and len(run.split()) >= 2 and _is_actor(ctx, note, run, film):
                actors.append((s, e, run))
            elif offset is not None:
                unknown += 1  # another name ("Harrison Ford's Han is killed by Kylo Ren"): whose part is whose?
    return characters, actors, unknown


def _is_actor(ctx: _Context, note: object, name: str, film: Film) -> bool:
    """A person the sources know as an actor: the note's cast or the film's cast list, or any film's cast list."""
    return _known_actor(note, name, film) or bool(ctx.index.films_with(name))
