"""Cue-word fallbacks: a director, a release year, who played whom or an Oscar win said of one film, or an Emmy win
said of one performer, in a wording no pattern reads.

The patterns of :mod:`agent.factcheck.credits`, :mod:`agent.factcheck.context` and :mod:`agent.factcheck.franchise`
read fixed shapes ("directed by X", "X (1994)", "X played Y in T"), and measured on wordings written blind they
caught roughly half to two thirds of the wrong values (README, "How far the exact checks carry"). These fallbacks
read a sentence as a bag of parts instead of a shape: **one film** named (resolved to one record), a **cue word** of
the fact's kind ("direct", "helm", "behind the camera"; "released", "came out", "first saw"; "plays", "brings ... to
life", "'s") and **exactly one value** of that kind (one person the KB credits with directing a film; one year; one
actor beside one character the franchise note gives a part in the film). "Behind the camera for Jaws was Michael
Mann" and "In Star Trek, Simon Pegg brings Leonard McCoy to life" need no pattern of their own. A sentence that
names no film may answer a question about one: the sentence before it, when that one ends with "?" ("Q: Who
directed Jaws? A: Michael Mann."), or, for the response's first sentence, the prompt's question. A list line or a
table row that opens with its one title and gives a value after a separator ("- Soul (2020) — Pete Docter", "| Jaws |
1975 | Steven Spielberg |") takes its cue from the prompt (a list) or the table's header (``_layout_cues``).

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
  older self; an actor the film lists whose part the note does not give is left alone (a shared role);
- Oscar win (:func:`_award`, its own docstring lists its fences): one category, a word of winning and no word of a
  nomination, a loss, a race or another award body; a person only when the Oscar data links that very person to
  the film, and read as a win of the film only when the sentence names no one;
- Emmy win (:func:`_emmy`): an Emmy said in the response or the prompt, one acting category, one year at most, and
  one performer the Emmy data nominates in that category; no other name than the series and the part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.factcheck.awards import _category_rows, _film_award, nominates, oscar_category_key
from agent.factcheck.context import (
    _PRONOUNS,
    MAX_YEAR_GAP,
    _Context,
    _film_years,
    _note_evidence,
    _note_for,
    _other_version,
    another_film_near,
    only_asked_film_before,
    table_header,
)
from agent.factcheck.credits import _director_verdict
from agent.factcheck.franchise import RECAST_FENCE, _known_actor, _may_share_role, who_played_lines
from agent.kb.aliases import TextMention, find_titles, normalize_name, normalize_title, same_person
from agent.kb.facts import oscar_categories
from agent.kb.sources import Film, Oscar

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
    """The director, year, cast, Oscar and Emmy fallbacks on one sentence, after every pattern check has run on it.

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
    if not asks:
        _award(ctx, start, end, films, mentions, question)
        _emmy(ctx, start, end)
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
    elif ctx.asked_film is not None and _label_line(ctx, start) and only_asked_film_before(ctx, start):
        film, cue_text, spans = ctx.asked_film, sentence, []  # "- **Year:** 1942" in a rundown of the film asked
    else:
        return
    if _OTHER_WORK.search(cue_text) or _HEDGED.search(cue_text) or spans and _another_film(sentence, spans, start):
        return
    claimed = {c.kind for c in ctx.claims if c.span and start <= c.span[0] < end}
    by_layout = _layout_cues(ctx, start, spans) if spans else _label_line(ctx, start)
    director_cue = _DIRECTOR_CUE.search(cue_text) or "director" in by_layout
    if "director" not in claimed and director_cue and not _OTHER_CREDIT.search(cue_text):
        _director(ctx, start, end, film, spans, paired="director" in by_layout)
    year_cue = _RELEASE_CUE.search(cue_text) or "year" in by_layout
    if "year" not in claimed and year_cue and not _OTHER_DATE.search(sentence):
        _year(ctx, start, end, film, spans)
    if "cast" not in claimed and _CAST_CUE.search(cue_text) and not _VOICE.search(cue_text):
        _cast(ctx, start, end, film, spans, cue_text[: len(cue_text) - len(sentence)])


# A list line or a table row that opens with its title: "- Soul (2020) — Pete Docter", "| 4 | Jaws | 1975 | ... |"
_ITEM = re.compile(r"\s*(?:[-*•+]\s+|\d{1,2}[.)]\s+|\|\s*(?:\d{1,2}\s*\|\s*)?)?")
_ITEM_SEPARATOR = re.compile(r"\s*(?:\(\d{4}\)\s*)?(?:[—–:|]|\s-)\s*")
_YEAR_CUE = re.compile(r"\b(?:years?|released|release dates?|came out|when)\b", re.IGNORECASE)


def _layout_cues(ctx: _Context, start: int, spans: list[tuple[int, int]]) -> set[str]:
    """The facts a list line or a table row gives by its layout, not by a word: the line opens with the one title,
    then a separator and the value; the cue is the prompt's ("Who directed each Toy Story film?") or, for a table,
    its header's ("| Film | Year | Director |"). Empty for any other sentence, or when the prompt also asks for
    other people (cast, writers), whose names a director's place could hold."""
    if not spans:
        return set()
    line_start = ctx.text.rfind("\n", 0, start) + 1
    item = _ITEM.match(ctx.text, line_start)
    if item is None or item.end() != spans[0][0] or not item.group().strip():
        return set()
    if not _ITEM_SEPARATOR.match(ctx.text, spans[-1][1]):
        return set()
    header = table_header(ctx.text, line_start)
    cue_text = header if header is not None else ctx.prompt
    if header is None and _OTHER_CREDIT.search(ctx.prompt):
        return set()
    cues = set()
    if _DIRECTOR_CUE.search(cue_text):
        cues.add("director")
    if header is not None and _YEAR_CUE.search(header):
        cues.add("year")
    return cues


_LABEL = re.compile(
    r"\s*(?:[-*•+]\s+)?[*_]*(?:(?P<year>Year|Release year|Year of release|Released|Release date)|"
    r"(?P<director>Director|Directed by))[*_]*\s*:\s*[*_]*\s*(?=[A-Z0-9])"
)


def _label_line(ctx: _Context, start: int) -> set[str]:
    """The fact a label line gives ("- **Year:** 1942", "Director: Michael Curtiz"); empty for any other line."""
    line_start = ctx.text.rfind("\n", 0, start) + 1
    label = _LABEL.match(ctx.text, line_start) if line_start == start else None
    return {k for k in ("year", "director") if label and label.group(k)}


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


def _director(ctx: _Context, start: int, end: int, film: Film, spans: list[tuple[int, int]], paired: bool) -> None:
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
    verdict, evidence, actual = _director_verdict(ctx, [name], film, paired=paired)
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
    elif any(a >= e and RECAST_FENCE.search(ctx.text[e:a]) for a, _ in spans):
        return  # "Katie Holmes, who left before The Dark Knight": not a claim about that film
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


# -- Oscars: one nominee, one category, one film, a word of winning -------------------------------------------------

_CATEGORY = re.compile(
    r"\bBest (?:Makeup and Hairstyling|(?:Supporting )?[A-Z][a-z]+(?: (?:[A-Z][a-z]+|Feature|Film))*)"
)
_WIN_CUE = re.compile(
    r"\b(?:won|wins?|winners?|winning|took home|takes home|received|receives|earned|earns|picked up|collected|"
    r"claimed|awarded|went to|goes to|honou?red|brought|gave|given|handed|scooped|bagged|landed|nabbed|secured)\b",
    re.IGNORECASE,
)
# Words that make the sentence about something other than a plain win: a nomination, a loss, a race, a hope.
_NOT_A_WIN = re.compile(
    r"\b(?:nominat\w*|nominee\w*|not|never|no|lost|los(?:es|ing)|up for|contend\w*|shortlist\w*|campaign\w*|"
    r"should|could|would|might|may|predict\w*|favou?rite\w*|snub\w*|race|chance\w*|hop(?:e|ed|es|ing)|"
    r"expect\w*|eligib\w*|submit\w*|consider\w*|if|whether|rumou?r\w*|odds|fail\w*|miss\w*|without|instead|"
    r"over|beat\w*|against|ahead of|rather than|defeat\w*|other|another|tie[ds]?|shared|honorary|special)\b|n['’]t\b",
    re.IGNORECASE,
)
# Other award bodies; a word that is also a first name or a place ("Tony", "Annie", "Hugo", "Gotham") only with "Award".
_OTHER_AWARD = re.compile(
    r"\b(?:Golden Globes?|BAFTAs?|British Academy|SAG|Screen Actors|Critics|Guild|Emmys?|Cannes|Palme|[Ff]estival|"
    r"Grammys?|Razzies?|People['’]s Choice|MTV|Board of Review|Circle|Society|Venice|Berlin|Golden (?:Lion|Bear)|"
    r"European Film|(?:Tony|Spirit|Saturn|Annie|Hugo|Nebula|César|Goya|Satellite|Gotham) Awards?)\b"
)
_PERSON_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Hh]is|[Hh]er|[Tt]heir|[Hh]im|[Tt]hem)\b")
# Capitalised words around a name that are not part of it: "Oscar winner Frances McDormand", "Q: ...".
_NOT_NAME = frozenset(
    "Oscar Oscars Academy Award Awards Winner Winners Winning Best Q A For In The At It Its As With And Who Which "
    "Also Then Later Both".split()
)


def _lower_words(text: str) -> str:
    """``text`` without its capitalised words inside a sentence, so that the fences read the sentence's own words,
    not a title's or a name's ("Chicago Hope", "Family Ties", "The Other Boleyn Girl")."""
    return re.sub(r"(?<=[\w,;'’\"”)] )[A-Z][\w'’.&-]*", "", text)


def _award_claimed(ctx: _Context, start: int, end: int) -> bool:
    """A pattern (or an earlier fallback) already made an award claim in this sentence."""
    return any(c.kind == "award" and c.span and start <= c.span[0] < end for c in ctx.claims)


def _trim(found: list[re.Match[str]], stop: frozenset[str]) -> list[re.Match[str]]:
    """The words of a capitalised run without the award words at either end ("Oscar winner Frances McDormand")."""
    while found and found[0].group() in stop:
        found = found[1:]
    while found and found[-1].group() in stop:
        found = found[:-1]
    return found


def _award(
    ctx: _Context,
    start: int,
    end: int,
    films: list[tuple[int, int, Film]],
    mentions: Sequence[TextMention],
    question: tuple[Film, str] | None,
) -> None:
    """An Oscar win said of one nominee, one category and one film in a wording no pattern reads.

    "- Peter Finch: Best Actor Oscar winner, Network", "Winner, Best Director: Norman Jewison for In the Heat of
    the Night", "Q: Who won Best Actor for Network? A: Peter Finch." A person is read only when the Oscar data
    links that very person to the film (a nomination for it, in any category) and the sentence names one such
    person; then the claim is supported when that nomination in the named category won and contradicted when it
    did not. With no name and no "he" / "she" the sentence is read as the film's win ("Best Picture went to it").
    Fences: no award claim of a pattern in the sentence; no nomination, loss, race, hedge or comparison word
    (``_NOT_A_WIN``); no other award body (``_OTHER_AWARD``); exactly one category; a year, when stated, of the
    nomination; and a person who won the category for another film is left alone ("Two-time Best Actor winner Tom
    Hanks in Cast Away" is about the other films).
    """
    if _award_claimed(ctx, start, end):
        return
    said = _award_subject(ctx, (start, end), (films, mentions), question)
    if said is None:
        return
    film, cue_text = said
    sentence, spans = ctx.text[start:end], [(s, e) for s, e, _ in films]
    plain = _lower_words(cue_text)
    if not _WIN_CUE.search(cue_text) or _NOT_A_WIN.search(plain) or _HEDGED.search(plain):
        return
    cats, cat_spans = _categories(cue_text, len(cue_text) - len(sentence), start)
    rows = ctx.index.oscars_for_film(film.title, film.year) if cats is not None else []
    if cats is None or not rows or _OTHER_AWARD.search(cue_text):
        return
    stated = [int(m.group(1)) for m in _YEAR.finditer(sentence) if _outside(spans, start + m.start(), start + m.end())]
    if any(y not in {o.film_year for o in rows} | {o.ceremony_year for o in rows} for y in stated):
        return  # a year of another film of the title, or of another ceremony
    people, linked = _award_names(sentence, start, [*spans, *cat_spans], rows)
    if len(linked) > 1 or people and not linked:
        return
    if linked:
        _person_win(
            ctx, (sentence, start), people, linked[0], (film, _category_rows(rows, cats), cats), [*spans, *cat_spans]
        )
    elif not _PERSON_PRONOUN.search(sentence) and (spans or _ANOTHER_FILM.search(sentence)):
        # no name, no "he" / "she": the film's win, of the film named or of the one "it" stands for
        lo, hi = min(a for a, _ in [*spans, *cat_spans]), max(b for _, b in [*spans, *cat_spans])
        _film_award(ctx, (lo, hi), film, cats, True, False)


def _award_subject(
    ctx: _Context,
    span: tuple[int, int],
    named: tuple[list[tuple[int, int, Film]], Sequence[TextMention]],
    question: tuple[Film, str] | None,
) -> tuple[Film, str] | None:
    """The film an award sentence speaks of and the text its cue words are read from (with a question answered)."""
    (start, end), (films, mentions) = span, named
    sentence = ctx.text[start:end]
    distinct = list({f.id: f for _, _, f in films}.values())
    mentions = [m for m in mentions if ctx.text[m.start : m.end] not in _NOT_NAME]  # "Winner, Best Director: ..."
    if len(distinct) == 1:
        if len({m.key for m in mentions}) > 1 or not all(_plain_mention(ctx, m, start, distinct[0]) for m in mentions):
            return None
        return distinct[0], sentence
    if distinct or mentions:
        return None
    if question is not None:
        return question[0], question[1] + " " + sentence
    return (ctx.focus_film, sentence) if ctx.focus_film is not None else None


def _person_win(
    ctx: _Context,
    where: tuple[str, int],
    people: list[tuple[int, int, str]],
    person: tuple[int, int, str],
    what: tuple[Film, Sequence[Oscar], Sequence[str]],
    taken: list[tuple[int, int]],
) -> None:
    """The verdict on "``person`` won ``cats`` for ``film``" once the Oscar data links the person to the film
    (``rows``: the film's nominations in those categories)."""
    (sentence, start), (s, e, name), (film, rows, cats) = where, person, what
    mine = [o for o in rows if nominates(o, name)]
    if not mine or len(people) > 1 and not _only_parts(people, person, mine):
        return
    won = [o for o in mine if o.winner]
    if not won and _won_elsewhere(ctx, name, cats, film) and _epithet(sentence, s - start):
        return
    lo, hi = min([s, *(a for a, _ in taken)]), max([e, *(b for _, b in taken)])
    if won:
        ctx.claim((lo, hi), "supported", "award", [won[0].evidence()])
    else:
        ctx.claim((lo, hi), "contradicted", "award", [mine[0].evidence()], f"{mine[0].quote()}; did not win")


def _categories(cue_text: str, shift: int, start: int) -> tuple[Sequence[str] | None, list[tuple[int, int]]]:
    """The one Oscar category the text names (canonical names) and where it is named in the sentence."""
    keys: set[str] = set()
    where: list[tuple[int, int]] = []
    for m in _CATEGORY.finditer(cue_text):
        key = oscar_category_key(m.group())  # "Best Actor Oscar winner" -> "best actor"
        if key is None:
            return None, []  # a "Best ..." the checks do not know: another award, or a category they misread
        keys.add(key)
        if m.start() >= shift:
            where.append((start + m.start() - shift, start + m.start() - shift + len(key)))
    if len(keys) != 1:
        return None, []
    return oscar_categories(keys.pop()), where


def _award_names(
    sentence: str, start: int, taken: list[tuple[int, int]], rows: Sequence[Oscar]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The names of a sentence outside its title and category, and those the film's nominations link."""
    people: list[tuple[int, int, str]] = []
    linked: dict[str, tuple[int, int, str]] = {}
    for m in _CAPITALISED.finditer(sentence):
        found = _trim(list(re.finditer(r"\S+", m.group().rstrip(".'’"))), _NOT_NAME)
        if len(found) < 2:
            continue
        s, e = start + m.start() + found[0].start(), start + m.start() + found[-1].end()
        words = [w.group() for w in found]
        run = " ".join(words)
        if not _outside(taken, s, e):
            continue
        people.append((s, e, run))
        for k in range(len(words), 1, -1):
            name = " ".join(words[-k:])
            hit = [o for o in rows if nominates(o, name)]
            if hit:
                key = normalize_name(hit[0].name if same_person(name, hit[0].name) else name)
                linked.setdefault(key, (s, e, name))
                break
    return people, list(linked.values())


def _only_parts(people: list[tuple[int, int, str]], person: tuple[int, int, str], mine: Sequence[Oscar]) -> bool:
    """Every other name of the sentence is the part the nomination names ("Peter Finch as Howard Beale")."""
    parts = {normalize_name(d) for o in mine for d in o.detail}
    return all(p == person or normalize_name(p[2]) in parts for p in people)


_EPITHET = re.compile(r"\b(?:\w+-time|former|previous(?:ly)?|earlier|once|already|career|past)\b", re.IGNORECASE)


def _epithet(sentence: str, at: int) -> bool:
    """A win named as a title of the person ("Best Actor winner Tom Hanks", "two-time winner"), not of this film."""
    return bool(re.search(r"\b(?:winner|winning)\s*$", sentence[:at], re.IGNORECASE) or _EPITHET.search(sentence))


def _won_elsewhere(ctx: _Context, name: str, cats: Sequence[str], film: Film) -> bool:
    """The person won the category for another film: "Best Actor winner X" may speak of that win."""
    other = [o for o in _category_rows(ctx.index.oscars_for_person(name), cats) if o.winner]
    return any(normalize_title(film.title) not in {normalize_title(t) for t in o.films} for o in other)


# -- Emmys: one performer, one acting category, a word of winning ---------------------------------------------------

_EMMY_ROLE = re.compile(
    r"\b(?:Outstanding\s+)?(?P<cat>(?:Lead|Supporting|Guest)\s+Act(?:or|ress))"
    r"(?:\s+in\s+an?\s+(?P<genre>Drama|Comedy)(?:\s+Series)?)?\b",
    re.IGNORECASE,
)
_EMMY_WORD = re.compile(r"\bEmmys?\b")
_NOT_EMMY = re.compile(_OTHER_AWARD.pattern.replace("Emmys?|", "") + r"|\b(?:Oscars?|Academy Awards?)\b")
_EMMY_NOT_NAME = _NOT_NAME | frozenset(
    "Emmy Emmys Primetime Outstanding Lead Supporting Guest Actor Actress Drama Comedy Series Star".split()
)


def _emmy(ctx: _Context, start: int, end: int) -> None:
    """An Emmy win said of one performer, one acting category and (when said) one year, in a wording no pattern
    reads: "Jonathan Banks (Breaking Bad) won Supporting Actor in 2013", "The 2013 Emmy for Outstanding Supporting
    Actor in a Drama Series went to ...", "Q: Who won the Supporting Actor Emmy in 2013? A: Jonathan Banks."

    The performer is read only when the Emmy data has a nomination of that person in that category (of the series
    the sentence names, when it names one, and of the year it states, when it states one); then the claim is
    supported when such a nomination won and contradicted when none did. Fences: an Emmy said in the response or
    the prompt; no award claim of a pattern in the sentence; the win, nomination, hedge and
    other-award fences of the Oscar fallback; one category, one year at most; no other name than the series and the
    nomination's character.
    """
    if _award_claimed(ctx, start, end):
        return
    sentence = ctx.text[start:end]
    asked = _question_before(ctx.text, start)
    cue_text = f"{asked} {sentence}"
    if not _WIN_CUE.search(cue_text) or not _EMMY_WORD.search(f"{ctx.prompt} {ctx.text}"):
        return
    plain = _lower_words(cue_text)
    if _NOT_A_WIN.search(plain) or _HEDGED.search(plain) or _NOT_EMMY.search(cue_text):
        return
    roles = {(m.group("cat").lower().split()[0], m.group("cat").lower().split()[-1], (m.group("genre") or "").lower())
             for m in _EMMY_ROLE.finditer(cue_text)}  # fmt: skip
    years = {int(m.group(1)) for m in _YEAR.finditer(cue_text)}
    if len(roles) != 1 or len(years) > 1:
        return
    rank, actor, genre = roles.pop()
    names = _emmy_names(sentence)
    linked = {}
    for name in names:
        rows = [
            e
            for e in ctx.index.emmys_for(name)
            if f"{rank} {actor} in a {genre}".rstrip() in e.category.lower()
            and any(same_person(name, c.name) for c in e.credits)
        ]
        if rows:
            linked[name] = rows
    if len(linked) != 1:
        return
    name, rows = next(iter(linked.items()))
    known = " | ".join(normalize_title(x) for e in rows for x in (e.nominee, *(c.character for c in e.credits)))
    if any(n != name and normalize_title(n) not in known for n in names):
        return  # another person, or a series this performer was never nominated for
    series = {normalize_title(e.nominee) for e in rows}
    named_series = [n for n in names if normalize_title(n) in series]
    if named_series:
        rows = [e for e in rows if normalize_title(e.nominee) == normalize_title(named_series[0])]
    in_year = [e for e in rows if not years or e.year in years]
    if not in_year:
        return  # not nominated that year: a wrong year, or another ceremony's numbering; left to the patterns
    s = start + sentence.find(name)
    span = (s, max([s + len(name), *(start + sentence.find(n) + len(n) for n in named_series)]))
    won = [e for e in in_year if e.winner]
    if won:
        ctx.claim(span, "supported", "award", [won[0].evidence()])
        return
    won_years = sorted({e.year for e in rows if e.winner})
    fix = f"won in {', '.join(map(str, won_years))}" if won_years else "never won"
    ctx.claim(span, "contradicted", "award", [in_year[0].evidence()], f"{in_year[0].quote()}; {fix}")


def _question_before(text: str, start: int) -> str:
    """The sentence before ``start`` when it is a question ("Q: Who won ...?"), else ""."""
    before = text[:start].rstrip()
    if not before.endswith("?"):
        return ""
    cut = max(before.rfind(c, 0, len(before) - 1) for c in ".!?\n")
    return before[cut + 1 :]


def _emmy_names(sentence: str) -> list[str]:
    """The capitalised runs of a sentence with award words trimmed off their ends (names, titles, characters)."""
    out = []
    for m in re.finditer(
        rf"{_WORD}(?:\s+(?:(?:of|the|and|de|van|von|da|di|le|la|in|on|at)\s+)?{_WORD}){{0,5}}", sentence
    ):
        words = [w.group() for w in _trim(list(re.finditer(r"\S+", m.group().rstrip(".'’,"))), _EMMY_NOT_NAME)]
        if words and not (len(words) == 1 and words[0] in _PRONOUNS):
            out.append(" ".join(words))
    return out
