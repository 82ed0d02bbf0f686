"""Exact checks of credits: film directors, episode directors and writers, episode numbers and air dates."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from agent.factcheck.context import (
    _NAME,
    _PRONOUNS,
    FILM_AS_SUBJECT,
    IT_OPENS,
    LIST_LINE,
    SOURCE_KINDS,
    _close,
    _Context,
    _other_version,
    _person,
    _sentence_film,
    list_heading,
    only_asked_film_before,
)
from agent.kb.aliases import (
    leading_names,
    normalize_name,
    normalize_title,
    same_person,
)
from agent.kb.sources import Episode, Film
from agent.models import ClaimStatus, Evidence

logger = logging.getLogger(__name__)

_CREDIT = re.compile(
    r"\b(?P<role>(?:co-)?directed|written|(?:co-)?wrote|(?:co-)?helmed|penned|scripted|authored|"
    r"(?:a )?(?:script|teleplay))(?: and (?:co-)?(?:directed|written))? by "
    r"(?:the (?:great|legendary|acclaimed|visionary|late|celebrated|renowned|iconic) )?"
    r"|\b(?:(?:made|helmed|shot) by|from) (?:the )?director "  # "made by director X", "from director X"
    r"|\b(?:is|was) an? (?:\d{4} )?(?:film|movie) by "  # "Jaws is a film by Steven Spielberg"
)
_WRITER_ROLE = re.compile(r"writ|wrote|penned|script|teleplay|authored")
_ORDINALS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
        "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty-first twenty-second twenty-third "
        "twenty-fourth twenty-fifth".split(),
        start=1,
    )
}
_EPISODE_POS = re.compile(
    r"\b(?:the )?(?P<ord>[a-z-]+) episode of (?:the )?season (?P<s1>\d+)|\bepisode (?P<e2>\d+) of season (?P<s2>\d+)|"
    r"\bseason (?P<s3>\d+),? episode (?P<e3>\d+)|\bS(?P<s4>\d{1,2}) ?E(?P<e4>\d{1,3})\b|"
    r"\(episode (?P<e5>\d+)\)|\b(?:from|of|in) season (?P<s6>\d+)\b",
    re.IGNORECASE,
)
_AIRED = re.compile(
    r"\b(?:first )?(?:aired|premiered|broadcast)(?: on)? "
    r"(?P<date>(?:[A-Z][a-z]+ \d{1,2}, \d{4})|(?:\d{1,2} [A-Z][a-z]+ \d{4}))"
)
MONTHS = "january february march april may june july august september october november december".split()
_MONTHS = {m: i for i, m in enumerate(MONTHS, start=1)}
_WHO = r"(?:,? who)?"  # "X, who directed Y, ...", "It was X who directed Y"
_ACTIVE_DIRECTED = re.compile(
    rf"(?P<lead>\b(?:[Dd]irector|[Ff]ilmmaker) )?(?P<name>{_NAME}){_WHO} (?:also |later )?"
    r"(?P<verb>(?:co-)?directed|(?:co-)?helmed|(?:was|is) (?:also )?the director (?:of|behind)|made|shot|"
    r"(?:[a-z]+ ){0,6}?as the director of|(?:was|is) behind the camera (?:for|on)|"
    r"(?:served|serves) as (?:the )?director (?:on|of|for)|(?:took|takes) the helm (?:for|of|on)|"
    r"(?:was|is) at the helm (?:of|for|on)) "
    r"(?P<group>all (?:three|four|five|six|seven|of them)|both(?: films| of them)?|each of them)?"
)  # "Ridley Scott directed Gladiator", "X helmed Y", "X was the director of Y", "Director X made Y"
# "The director of Jaws is Steven Spielberg", "Jaws's director was Steven Spielberg": the name comes after the title
_DIRECTOR_OF_BEFORE = re.compile(r"\b[Tt]he (?:film's |movie's )?director of (?:the (?:film|movie) )?$")
_DIRECTOR_OF_AFTER = re.compile(r"^(?:\s*\(\d{4}\))?,? (?:is|was) ")
_POSSESSIVE_DIRECTOR = re.compile(r"^(?:\s*\(\d{4}\))?['’]s? director(?:,| (?:is|was))\s+")


def _credit_spans(sentence: str) -> Iterable[tuple[str, int, int, list[str]]]:
    for m in _CREDIT.finditer(sentence):
        names = leading_names(sentence[m.end() :])
        if names:
            last = names[-1]
            stop = sentence.find(last.split()[-1], m.end()) + len(last.split()[-1])
            role = "writer" if m.group("role") and _WRITER_ROLE.search(m.group("role")) else "director"
            if "directed" in m.group() and ("written" in m.group() or "wrote" in m.group()):
                yield "writer", m.start(), stop, names
                role = "director"
            yield role, m.start(), stop, names


def _credited(ep: Episode, role: str) -> list[str]:
    """The episode's directors or writers."""
    return ep.directors if role == "director" else ep.writers


def _credit_fix(role: str, actual: list[str]) -> str:
    """The correction a credit claim carries: ``"directed by A & B"``."""
    return f"{'directed' if role == 'director' else 'written'} by {' & '.join(actual)}"


def _credit_verdict(claimed: list[str], actual: list[str]) -> str | None:
    if not actual:
        return None
    matched = [c for c in claimed if any(same_person(c, a) for a in actual)]
    if len(matched) == len(claimed):
        return "supported"
    unmatched_full = [c for c in claimed if c not in matched and len(normalize_name(c).split()) >= 2]
    return "contradicted" if unmatched_full and not matched else None


def _check_episode_facts(ctx: _Context, start: int, end: int, episodes: list[tuple[int, int, Episode]]) -> None:
    sentence = ctx.text[start:end]
    group = bool(re.match(r"\s*(?:Both|All|Each)\b", sentence))
    if episodes:
        targets = episodes
    elif group or (len(ctx.focus_episodes) == 1 and re.match(r"\s*(?:It|The episode|This episode)\b", sentence)):
        targets = [(start, start, ep) for ep in ctx.focus_episodes]
    else:
        return
    _episode_credits(ctx, start, sentence, targets, group and not episodes)
    if group and len(targets) > 1:
        return  # "Both are from season 6": one value for several episodes, left to the model stage
    _episode_positions(ctx, start, sentence, targets)


def _episode_credits(
    ctx: _Context, start: int, sentence: str, targets: list[tuple[int, int, Episode]], group: bool
) -> None:
    claimed_to = -1  # where the previous credit claim of this sentence ends
    for role, cs, ce, names in _credit_spans(sentence):
        before = [t for t in targets if t[0] <= start + cs]
        if not before or (t_end := before[-1][1]) > start and not _close(ctx.text[t_end : start + cs], 120):
            continue
        bound = before if group else before[-1:]
        verdicts = {_credit_verdict(names, _credited(ep, role)) for _, _, ep in bound}
        verdict = verdicts.pop() if len(verdicts) == 1 else None
        if verdict is None:
            continue
        s0, _, ep = bound[-1]
        actual = _credited(ep, role)
        fix = _credit_fix(role, actual)
        # "It was directed by A and written by B": the writer claim starts at "written", so a wrong writer does not
        # make the (right) director part of the sentence read as contradicted
        first = start + cs if claimed_to >= 0 else min(s0, start + cs)
        ctx.claim((first, start + ce), verdict, role, [e.evidence() for _, _, e in bound], fix)
        claimed_to = start + ce


def _episode_positions(ctx: _Context, start: int, sentence: str, targets: list[tuple[int, int, Episode]]) -> None:
    for m in _EPISODE_POS.finditer(sentence):
        before = [t for t in targets if t[0] <= start + m.start()]
        if not before:
            continue
        s0, _, ep = before[-1]
        season = next((int(m.group(g)) for g in ("s1", "s2", "s3", "s4", "s6") if m.group(g)), None)
        number = next((int(m.group(g)) for g in ("e2", "e3", "e4", "e5") if m.group(g)), None)
        if m.group("ord"):
            number = _ORDINALS.get(m.group("ord").lower())
        ok_season = season is None or season == ep.season
        last = ep.episode_end or ep.episode
        ok_number = number is None or (ep.episode is not None and last is not None and ep.episode <= number <= last)
        span = (min(s0, start + m.start()), start + m.end())
        if ok_season and ok_number:
            ctx.claim(span, "supported", "episode_number", [ep.evidence()])
        elif not ok_season or ep.numbering_reliable:
            ctx.claim(span, "contradicted", "episode_number", [ep.evidence()], correction=ep.code)
    for m in _AIRED.finditer(sentence):
        before = [t for t in targets if t[0] <= start + m.start()]
        stated = _iso_date(m.group("date"))
        if before and stated and before[-1][2].air_date:
            ep = before[-1][2]
            status: ClaimStatus = "supported" if stated == ep.air_date else "contradicted"
            ctx.claim((start + m.start(), start + m.end()), status, "air_date", [ep.evidence()], ep.air_date)
    for m in _PRODUCTION_CODE.finditer(sentence):  # "(production code 7G01)", "carries production code 7G08"
        before = [t for t in targets if t[0] <= start + m.start()]
        code = before[-1][2].production_code if before else None
        if not code or m.group("code") != code and m.group("code") in code:
            continue  # no code in the guide, or one of a double episode's two codes ("WABF04WABF05")
        status = "supported" if m.group("code") == code else "contradicted"
        cited = before[-1][2].evidence()
        cited = cited.model_copy(update={"quote": f"{cited.quote}, production code {code}"})
        ctx.claim((start + m.start(), start + m.end()), status, "production_code", [cited], code)


_PRODUCTION_CODE = re.compile(r"\bproduction code\s+(?:is\s+|of\s+)?(?P<code>[0-9][A-Z0-9]{2,5})\b")


def _iso_date(text: str) -> str | None:
    m = re.fullmatch(r"([A-Za-z]+) (\d{1,2}), (\d{4})", text) or re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", text)
    if not m:
        return None
    a, b, year = m.groups()
    month, day = (a, b) if a.isalpha() else (b, a)
    number = _MONTHS.get(month.lower())
    return f"{year}-{number:02d}-{int(day):02d}" if number else None


# The gap between a title and "directed by" when the title only qualifies the kind of film: "an American Gothic silent
# mystery film", "a Twentieth Century-Fox musical film", "the 'Three Mesquiteers' B-movie" (not "the Jaws film").
_TITLE_AS_MODIFIER = re.compile(
    r"[\"”’']?\s+(?!(?:is|was|a|an|the)\b)"
    r"(?:(?:(?:[a-z][\w-]*|Western)\s+){1,4}(?:film|movie|picture|feature)|(?:(?:[a-z][\w-]*|Western)\s+){0,4}B-movie)"
    r"(?:\s+noir)?,?\s+"
    r"(?:(?:and|co-|written|produced|,|\s)+)?"
)


# A title named as a source work or a character, whose "directed by" is the adaptation's: "the 1904 novel by Jack
# London, directed by", "the novel Panther's Moon by Victor Canning", "the Marvel Comics character Captain America"
_WORK_NAMED_BEFORE = re.compile(rf"\b(?:{SOURCE_KINDS})(?:,|\s+by)?\s+(?:[A-Z][\w'’]*\s+){{0,3}}$|\bcharacter\s+$")


def _credited_film(ctx: _Context, start: int, cs: int, films: list[tuple[int, int, Film]]) -> tuple[int, Film] | None:
    """The film a "directed by" at ``start + cs`` is about, and where its claim starts; None when unclear."""
    sentence = ctx.text[start:]
    before = [f for f in films if f[1] <= start + cs]
    if not before:
        if ctx.focus_film is not None and IT_OPENS.match(sentence) and not films:
            return start, ctx.focus_film
        return None
    s0, e0, film = before[-1]
    gap = ctx.text[e0 : start + cs]
    if not (_close(gap, 80) or re.fullmatch(r"\s*(?:\(\d{4}\))?\s*[:—–-]\s*", gap)) or re.search(
        r"\b(?:all|both|each)\s+$", sentence[:cs]
    ):
        return None
    if _TITLE_AS_MODIFIER.fullmatch(gap):
        return None  # "a Cold War spy film directed by ...", "a 'Three Mesquiteers' B-movie directed by ..."
    if _WORK_NAMED_BEFORE.search(ctx.text[max(start, s0 - 60) : s0]):
        return None  # "the novel The Money Master by Sir Gilbert Parker and was directed by ...": the adaptation's
    if subject := FILM_AS_SUBJECT.search(gap):
        # "A sequel to Cars 2 (2011), the film was directed by Brian Fee": the subject is the film in focus
        return None if ctx.focus_film is None else (e0 + subject.start("it"), ctx.focus_film)
    return s0, film


def _check_film_credits(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    for role, cs, ce, names in _credit_spans(ctx.text[start:end]):
        if role != "director" or (credited := _credited_film(ctx, start, cs, films)) is None:
            continue
        s0, film = credited
        verdict, evidence, actual = _director_verdict(ctx, names, film)
        if verdict:
            ctx.claim((s0, start + ce), verdict, "director", evidence, " & ".join(actual))
    for s0, e0, film in films:
        after = ctx.text[e0:end]
        m = _POSSESSIVE_DIRECTOR.match(after)
        if m is None and _DIRECTOR_OF_BEFORE.search(ctx.text[max(start, s0 - 40) : s0]):
            m = _DIRECTOR_OF_AFTER.match(after)
        names = leading_names(after[m.end() :]) if m else []
        if m is None or not names:
            continue
        verdict, evidence, actual = _director_verdict(ctx, names, film)
        if verdict:
            stop = e0 + m.end() + after[m.end() :].find(names[-1]) + len(names[-1])
            ctx.claim((s0, stop), verdict, "director", evidence, " & ".join(actual))


def _director_verdict(
    ctx: _Context, names: list[str], film: Film, *, paired: bool = False
) -> tuple[str | None, list[Evidence], list[str]]:
    """Whether ``names`` are the film's directors, with the evidence and the directors the sources give.

    A name the film's lead paragraph also holds is left alone (a co-director the table missed? or, in running text,
    a sentence about a related film: "a remake of Strongheart directed by ..."). When the response pairs the name
    with the title by layout (``paired``: "- Fallen Kingdom (2018) – Colin Trevorrow" answering who directed), only
    a mention where the lead may name a director counts, not "written by Derek Connolly and Colin Trevorrow"."""
    facts = ctx.index.directors_of(film.title, film.year)
    actual = list(dict.fromkeys(n for f in facts for n in (f.value if isinstance(f.value, list) else [])))
    verdict = _credit_verdict(names, actual)
    in_lead = [_may_direct(n, film.extract) if paired else n.split()[-1] in film.extract for n in names]
    if verdict == "contradicted" and (any(in_lead) or _other_version(ctx, film)):
        verdict = None
    return verdict, [f.evidence for f in facts[:2]], actual


# the credit words of a lead paragraph: "directed by A and written by B and C"
_LEAD_CREDIT = re.compile(
    r"\b(?:(?P<directed>(?:co-)?direct\w*|direction|filmmakers?)|written|co-written|writers?|screenplay|story|"
    r"produced|co-produced|producers?|starring|stars|starred|novel|book|based on|music|score|composed|edited|"
    r"narrated|voiced|voices|featuring|cast)\b",
    re.IGNORECASE,
)


def _may_direct(name: str, extract: str) -> bool:
    """Whether the lead paragraph names ``name`` (by surname) where it may be a director: after "directed by", or
    with no credit word before it in its sentence. "written by Derek Connolly and Colin Trevorrow" is not."""
    words = [w.strip(".,;:") for w in name.split() if w.strip(".,;:").lower() not in ("jr", "sr", "ii", "iii")]
    if not words:
        return True
    for m in re.finditer(rf"(?<!\w){re.escape(words[-1])}(?!\w)", extract):
        before = extract[: m.start()]
        before = before[before.rfind(". ") + 1 :][-200:]
        credits = list(_LEAD_CREDIT.finditer(before))
        if not credits or credits[-1].group("directed"):
            return True
    return False


def _check_active_director(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """``"Chris Columbus directed all three"``, ``"Ridley Scott directed Gladiator"``."""
    sentence = ctx.text[start:end]
    for m in _ACTIVE_DIRECTED.finditer(sentence):
        name, pos = _person(m.group("name")), start + m.end()
        if len(name.split()) < 2 or name.split()[0] in _PRONOUNS:
            continue
        if m.group("verb") in ("made", "shot") and not m.group("lead"):
            continue  # "X made Y" alone may be a producer or a studio; "Director X made Y" is a credit
        if m.group("group"):
            targets = ctx.previous_films if len(ctx.previous_films) >= 2 else []
        else:
            targets = [f for s, _, f in films if s == pos]
        results = [(f, *_director_verdict(ctx, [name], f)) for f in targets]
        if not results or any(v is None for _, v, _, _ in results):
            continue
        wrong = [r for r in results if r[1] == "contradicted"]
        span = (start + m.start(), start + m.end() + (0 if m.group("group") else _mention_len(films, pos)))
        if wrong:
            film, _, evidence, actual = wrong[0]
            ctx.claim(span, "contradicted", "director", evidence, f"{film.title}: {' & '.join(actual)}")
        else:
            ctx.claim(span, "supported", "director", [e for r in results for e in r[2][:1]])


def _mention_len(films: list[tuple[int, int, Film]], pos: int) -> int:
    return next((e - s for s, e, _ in films if s == pos), 0)


# between a credit verb and an episode title: "the Friends episode ", "the episode titled "
_EPISODE_PHRASE = r"(?:(?:the )?(?:[^\"“.,;]{0,40} )?episode,?(?: (?:titled|called|named))? )?"
_ACTIVE_EPISODE = re.compile(
    rf"(?P<name>{_NAME}){_WHO} (?:also )?(?P<verb>wrote the (?:script|teleplay) (?:for|of)|(?:co-)?wrote|penned|"
    r"scripted|(?:co-)?directed|helmed|handled|took charge of|"
    r"(?:was|is) (?:credited as )?the (?:director|writer) (?:of|behind)|(?:was|is) behind the camera (?:for|on)|"
    r"(?:served|serves) as (?:the )?director (?:on|of|for)|(?:is|was) credited with (?:writing|directing)|"
    r"(?:has|had|got) the (?:writing|directing) credit (?:on|for)) "
    rf"{_EPISODE_PHRASE}[\"“]?"
)  # "Conan O'Brien wrote "Marge vs. the Monorail"", "X directed the Friends episode "Y""
# "The writer of the Friends episode "X" is Y": the name comes after the title
_ROLE_OF_BEFORE = re.compile(
    rf"\b[Tt]he (?P<role>director|writer) of {_EPISODE_PHRASE}(?:[A-Z][^\"“.,;]{{0,40}}['’]s? )?[\"“]?$"
)
_ROLE_OF_AFTER = re.compile(r"^[.!?]?[\"”]?(?:\s*\([^)]{0,40}\))?,? (?:is|was) ")


def _check_active_episode(ctx: _Context, start: int, end: int, episodes: list[tuple[int, int, Episode]]) -> None:
    """``"Conan O'Brien wrote "Marge vs. the Monorail""``: an active-voice credit right before an episode title."""
    sentence = ctx.text[start:end]
    for m in _ACTIVE_EPISODE.finditer(sentence):
        name = _person(m.group("name"))
        target = next(((s, e, ep) for s, e, ep in episodes if s == start + m.end()), None)
        if target is None or len(name.split()) < 2 or name.split()[0] in _PRONOUNS:
            continue
        role = "writer" if _WRITER_ROLE.search(m.group("verb")) else "director"
        if m.group("verb") in ("handled", "took charge of") and not _asks_directors_only(ctx.prompt):
            continue  # "X handled "Money"": a director only when the question is about who directed episodes
        ep = target[2]
        actual = _credited(ep, role)
        verdict = _credit_verdict([name], actual)
        if verdict is not None:
            fix = _credit_fix(role, actual)
            ctx.claim((start + m.start(), target[1]), verdict, role, [ep.evidence()], fix)


_ACTIVE_IT = re.compile(
    rf"(?P<name>{_NAME}){_WHO} (?:also |then )?(?P<verb>(?:co-)?directed|(?:co-)?wrote|penned|scripted|helmed)"
    r"(?: and (?:co-)?(?:directed|wrote))? (?:it|the episode|that episode|the film|the movie)\b"
)


def _asks_directors_only(prompt: str) -> bool:
    return bool(_DIRECTING.search(prompt)) and not _WRITING.search(prompt)


def _check_active_pronoun(
    ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]], episodes: list[tuple[int, int, Episode]]
) -> None:
    """``"Greg Daniels wrote it and Ken Kwapis directed it"``: the episode or film the sentence before named."""
    sentence = ctx.text[start:end]
    for m in _ACTIVE_IT.finditer(sentence):
        name = _person(m.group("name"))
        if len(name.split()) < 2 or name.split()[0] in _PRONOUNS:
            continue
        here = {ep.id: ep for s, _, ep in episodes if s < start + m.start()}
        focus = list(here.values()) or ctx.focus_episodes
        one = "writer" if _WRITER_ROLE.search(m.group("verb")) else "director"
        roles = ["writer", "director"] if " and " in m.group() else [one]
        span = (start + m.start(), start + m.end())
        if len(focus) == 1 and not films:
            ep = focus[0]
            for role in roles:
                actual = _credited(ep, role)
                verdict = _credit_verdict([name], actual)
                if verdict is not None:
                    ctx.claim(span, verdict, role, [ep.evidence()], _credit_fix(role, actual))
        elif not here and not ctx.focus_episodes and roles == ["director"]:
            film = _sentence_film(ctx, start + m.start(), films)
            main = {f.id for _, _, f in ctx.films_seen[:1]} | {
                f.id for _, _, f in ctx.films_seen if normalize_title(f.title) in ctx.prompt_keys
            }
            if film is None or film.id not in main:
                continue  # "X directed the film" about a film mentioned in passing: too loose a link
            verdict, evidence, actual = _director_verdict(ctx, [name], film)
            if verdict is not None:
                ctx.claim(span, verdict, "director", evidence, f"{film.title}: {' & '.join(actual)}")


def _check_episode_role_of(ctx: _Context, start: int, end: int, episodes: list[tuple[int, int, Episode]]) -> None:
    """``"The director of the Friends episode "X" is Y"``: the role before the title, the name after it."""
    for s0, e0, ep in episodes:
        before = _ROLE_OF_BEFORE.search(ctx.text[max(start, s0 - 80) : s0])
        after = _ROLE_OF_AFTER.match(ctx.text[e0:end])
        names = leading_names(ctx.text[e0 + after.end() : end]) if before and after else []
        if not before or not after or not names:
            continue
        role = before.group("role")
        actual = _credited(ep, role)
        verdict = _credit_verdict(names, actual)
        if verdict is not None:
            stop = e0 + after.end() + ctx.text[e0 + after.end() : end].find(names[-1]) + len(names[-1])
            fix = _credit_fix(role, actual)
            ctx.claim((max(start, s0 - 80) + before.start(), stop), verdict, role, [ep.evidence()], fix)


# "Director: X" / "Writer: X" after a title (a list-style answer), "For the episode "Y", writing credit goes to X"
_LABEL = re.compile(
    r"(?:\b|^)(?P<role>[Dd]irector|[Dd]irected by|[Ww]riter|[Ww]ritten by|[Ss]creenplay|[Tt]eleplay)s?\s*:\s*"
    r"|\b(?P<role3>[Dd]ir)\.\s*"  # "(dir. Steven Spielberg, 1975)", "— dir. X"
    r"|\b(?P<role2>writing|directing) credit (?:goes|went) to "
)
# "Directed by X, Y arrived in 1994", "Written by X, "Y" is an episode of ..."
_FRONTED = re.compile(r"^\s*(?P<role>Directed|Co-directed|Helmed|Written|Co-written|Penned|Scripted) by ")


def _check_labelled_credits(
    ctx: _Context,
    start: int,
    end: int,
    films: list[tuple[int, int, Film]],
    episodes: list[tuple[int, int, Episode]],
) -> None:
    """A credit whose name and title are not joined by a verb: a label after the title, or a fronted participle."""
    sentence = ctx.text[start:end]
    titles: list[tuple[int, int, Film | Episode]] = sorted([*films, *episodes], key=lambda t: t[0])
    found: list[tuple[str, int, int, int, Film | Episode]] = []  # role, span start, names start and end, target
    for m in _LABEL.finditer(sentence):
        label = m.group("role") or m.group("role2") or m.group("role3")
        role = "writer" if _WRITER_ROLE.search(label.lower()) else "director"
        target = _label_target(ctx, start, m.start(), titles)
        if target is not None:
            found.append((role, m.start(), m.end(), len(sentence), target))
    fronted = _FRONTED.match(sentence)
    after = [t for t in titles if fronted and t[0] >= start + fronted.end()]
    if fronted and after:  # the names end at ", " right before the first title after them
        gap = re.search(r",\s*[\"“]?$", sentence[: after[0][0] - start])
        if gap:
            role = "writer" if _WRITER_ROLE.search(fronted.group("role").lower()) else "director"
            found.append((role, fronted.start("role"), fronted.end(), gap.start(), after[0][2]))
    for role, span_start, names_at, names_end, target in found:
        names = leading_names(sentence[names_at:names_end])
        if not names:
            continue
        stop = start + names_at + sentence[names_at:].find(names[-1]) + len(names[-1])
        if isinstance(target, Episode):
            actual = _credited(target, role)
            verdict = _credit_verdict(names, actual)
            evidence = [target.evidence()]
        elif role == "director":
            verdict, evidence, actual = _director_verdict(ctx, names, target)
        else:
            continue  # the film table has no writers
        if verdict:
            fix = _credit_fix(role, actual)
            ctx.claim((start + span_start, stop), verdict, role, evidence, fix)


def _label_target(
    ctx: _Context, start: int, at: int, titles: list[tuple[int, int, Film | Episode]]
) -> Film | Episode | None:
    """The film or episode a credit label at ``start + at`` speaks of: the title right before it, or, when the label
    opens the sentence, the one episode or film in focus."""
    before = [t for t in titles if t[1] <= start + at]
    if before and _close(ctx.text[before[-1][1] : start + at].lstrip(" —–-:,("), 60):
        return before[-1][2]
    if before or ctx.text[start : start + at].strip(" -*•\n"):
        return None
    one_episode = ctx.focus_episodes[0] if len(ctx.focus_episodes) == 1 else None
    target = one_episode or ctx.focus_film
    if target is ctx.asked_film and not only_asked_film_before(ctx, start):
        return None  # "Quick facts on The Maltese Falcon:" (two films, unresolved) moved away from the film asked
    return target


_HEADER_CREDIT = re.compile(r"^(?P<names>.+?)\s+(?P<role>directed|wrote|co-wrote|penned)\b[^:]*:\s*$")
_DIRECTING = re.compile(r"\bdirect(?:ed|s|ing|or|ors)?\b", re.IGNORECASE)
_WRITING = re.compile(r"\b(?:wr[io]te|written|writ(?:ing|ers?|es))\b", re.IGNORECASE)


def check_episode_layout(ctx: _Context, start: int, end: int, episodes: list[tuple[int, int, Episode]]) -> None:
    """An episode credit given by a list's layout, not by a verb in its line: the list's header names the person
    ("David Schwimmer directed these season 7 episodes:" over "1. The One with Joey's New Brain — aired ..."), or the
    line pairs one person with one episode ("- Rainn Wilson — "Sabre" (season 6)") and the prompt asks who directed
    (or wrote) episodes, not both. Only a line with one episode, no credit already read in it and, for the header
    form, no other name."""
    line_start = ctx.text.rfind("\n", 0, start) + 1
    item = LIST_LINE.match(ctx.text, line_start)
    if item is None or len({ep.id for _, _, ep in episodes}) != 1:
        return
    if any(c.kind in ("director", "writer") and c.span and start <= c.span[0] < end for c in ctx.claims):
        return
    s0, e0, ep = episodes[0]
    line_end = ctx.text.find("\n", start)
    line = ctx.text[item.end() : line_end if line_end >= 0 else len(ctx.text)]
    outside = (ctx.text[item.end() : s0] + " " + ctx.text[e0 : item.end() + len(line)]).strip(' —–-:"“”()')
    header = _list_header(ctx.text, line_start)
    by_header = _HEADER_CREDIT.match(header) if header else None
    if by_header is not None:
        role = "director" if by_header.group("role") == "directed" else "writer"
        names = leading_names(by_header.group("names").strip())
        if len(names) != 1 or re.search(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+", re.sub(_MONTH_DATE, "", outside)):
            return
        span = (s0, e0)
    else:
        directing, writing = _DIRECTING.search(ctx.prompt), _WRITING.search(ctx.prompt)
        if bool(directing) == bool(writing):
            return
        role = "director" if directing else "writer"
        names = leading_names(ctx.text[item.end() : s0].strip(' —–-:"“')) if item.end() < s0 else []
        if not names and e0 < item.end() + len(line):
            names = leading_names(ctx.text[e0 : item.end() + len(line)].lstrip(' "”—–-:'))
        if len(names) != 1:
            return
        at = ctx.text.find(names[0], item.end())
        span = (min(at, s0), max(at + len(names[0]), e0))
    verdict = _credit_verdict(names, _credited(ep, role))
    if verdict is not None:
        ctx.claim(span, verdict, role, [ep.evidence()], _credit_fix(role, _credited(ep, role)))


_MONTH_DATE = re.compile(rf"\b(?:{'|'.join(m.capitalize() for m in MONTHS)})\s+\d{{1,2}}")


def _list_header(text: str, line_start: int) -> str | None:
    """The line before a list's first item, when it ends with ":"."""
    line = list_heading(text, line_start)
    return line.strip() if line.rstrip().endswith(":") else None
