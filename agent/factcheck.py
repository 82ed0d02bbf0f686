"""Exact claim checks, no model: claims about entities the fact index covers, compared with the index.

For one response text this finds the titles it mentions (alias aware; see :func:`agent.kb.aliases.find_titles`),
reads the values it states next to them with fixed patterns (a year in parentheses or "released in 1999",
"directed by X", "written by X", "won Best Picture", "the ninth episode of season 3", "aired on ...", "N seasons",
"X played Y in T", "A was released before B", "Title (YYYY)" for a title the franchise notes do not know) and
returns :class:`agent.models.Claim` records with ``method="exact"``.

Precision comes first. A claim is only ``contradicted`` when the title resolves to one record (by year, franchise
words, people named nearby, award linkage) and the stated value clearly disagrees with that record, which is
cited as evidence; when the match is uncertain the check says nothing (or ``unverifiable`` for existence).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from agent.kb.aliases import (
    ARTICLES,
    TextMention,
    find_titles,
    is_weak_key,
    leading_names,
    normalize_name,
    normalize_title,
    same_person,
    tokens,
)
from agent.kb.facts import OSCAR_CATEGORIES, FactIndex, oscar_categories
from agent.kb.sources import Episode, Film, Oscar
from agent.models import Claim, ClaimStatus, Evidence, ResponseSide

logger = logging.getLogger(__name__)

CHECKER_VERSION = "exact-v1"
MAX_YEAR_GAP = 3  # a stated year further off than this may be another film of the same title (a remake)

_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bInc)(?<!\bJr)(?<!\bSr)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bSt)(?<!\bvs)(?<!\bNo)[.!?](?=\s+[\"“(A-Z0-9])|\n+"
)
_YEAR_AFTER = re.compile(
    r"^(?:\s*\((?P<p>\d{4})\)|,? (?:which |that )?(?:was |is |were )?(?:first |originally )?"
    r"(?:released|came out|premiered|opened)(?: in(?: theaters in)?)? (?P<r>\d{4})\b)"
)
_IS_A_YEAR = re.compile(
    r"^(?:\s*\([^)]{0,60}\))?,? (?:is|was) an? (?P<y>(?:18|19|20)\d\d) (?:[\w-]+ ){0,4}?(?:film|movie)\b"
)
_CREDIT = re.compile(r"\b(?P<role>(?:co-)?directed|written|(?:co-)?wrote)(?: and (?:co-)?(?:directed|written))? by ")
_ORDINALS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
        "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty-first twenty-second twenty-third "
        "twenty-fourth twenty-fifth".split(),
        start=1,
    )
}
_NUMBER_WORDS = {
    w: i for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), start=1)
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
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), start=1
    )
}
_SEASONS = re.compile(r"\b(?P<n>\d+|" + "|".join(_NUMBER_WORDS) + r") seasons\b", re.IGNORECASE)
_ONGOING = {"the-simpsons"}  # the guide is a snapshot: a higher count may be true today
_AWARD = re.compile(
    r"\b(?P<verb>won|wins|took|received|earned|picked up|(?:was |were |been )?nominated for|did not win|didn't win|"
    r"never won|(?:was|were) not nominated for)\s+(?:(?:the |an |a )?(?:Academy Award|Oscar)s?\s+for\s+)?"
    r"(?P<cat>Best (?:Makeup and Hairstyling|(?:Supporting )?[A-Z][a-z]+(?: (?:[A-Z][a-z]+|Feature|Film))*))"
)
_SUBJECT_END = re.compile(
    r"(?P<subj>\b[\w'’.,& -]+?)\s*(?:,\s*)?(?:\b(?:also|again|each|both|all|later|then|eventually|had|has|have|"
    r"himself|herself|themselves|too)\s+)*$"
)
_EMMY = re.compile(
    r"\b(?P<verb>won|received|(?:was |were )?nominated for)\s+(?:the |an |a )?(?:Primetime )?Emmys?(?: Awards?)?\s+"
    r"for\s+(?P<cat>Outstanding(?:\s+(?:[A-Z][\w-]*|in|a|an|for|or|and|the|of|by))+?)"
    r"(?=\s+in\s+\d{4}|[.,;]|\s+(?:for|with|at)\b|$)(?:\s+in\s+(?P<year>\d{4}))?"
)
_ACTIVE_DIRECTED = re.compile(
    r"(?P<name>(?:[A-Z][\w'’.-]+ ){1,3}?[A-Z][\w'’-]+) (?:also |later )?(?:co-)?directed "
    r"(?P<group>all (?:three|four|five|six|seven|of them)|both(?: films| of them)?|each of them)?"
)
_AWARD_WORDS = re.compile(r"\b(?:Oscars?|Academy Awards?|Emmys?|Golden Globes?|BAFTAs?|Best [A-Z]|won|nominat\w+)")
_PRONOUNS = frozenset({"He", "She", "They", "It", "This", "That", "These", "Both", "Who", "Which", "The"})
_FILM_PRONOUN = re.compile(r"(?:^|\b)(?:it|the film|the movie|which)$", re.IGNORECASE)
_ORDER = re.compile(
    r"\b(?P<what>was released|came out|premiered|is set|takes place|was set)\s+(?P<rel>before|after|earlier than|"
    r"later than)\s*$"
)
_PLAYED = re.compile(
    r"(?P<actor>(?:[A-Z][\w'’.-]+ ){1,3}?[A-Z][\w'’-]+) (?:played|plays|portrayed|portrays|voiced|voices|"
    r"starred as|stars as|as) (?P<char>(?:[A-Z][\w'’.-]+)(?: (?:[A-Z][\w'’.-]+|of|the|de))*)"
)


@dataclass
class _Context:
    """What one response is about so far: the film/episodes in focus, the series named, franchise words."""

    index: FactIndex
    text: str
    prompt: str
    side: ResponseSide
    series: str | None = None
    focus_film: Film | None = None
    focus_episodes: list[Episode] = field(default_factory=list)
    previous_films: list[Film] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def claim(
        self,
        span: tuple[int, int],
        status: str,
        kind: str,
        evidence: Sequence[Evidence],
        correction: str | None = None,
    ) -> None:
        start, end = span
        text = self.text[start:end].strip() or self.text[start:end]
        if status == "contradicted" and not evidence:
            status, correction = "unverifiable", None
        self.claims.append(
            Claim(
                text=text,
                status=cast(ClaimStatus, status),
                evidence=list(evidence),
                response=self.side,
                span=(start, end),
                method="exact",
                correction=correction,
                kind=kind,
            )
        )


def check_claims(text: str, index: FactIndex, *, prompt: str = "", response: ResponseSide = "a") -> list[Claim]:
    """Exact checks of one response; claims in text order, at most one per (kind, span).

    Args:
        text: the response text.
        index: the fact index.
        prompt: the task prompt, used only for context (which series or franchise the question is about).
        response: which side of a side-by-side task ``text`` is.
    """
    ctx = _Context(index=index, text=text, prompt=prompt, side=response)
    ctx.series = _series_in(index, prompt) or _series_in(index, text)
    mentions = find_titles(text, index.has_title_key)
    for start, end in _sentences(text):
        here = [m for m in mentions if start <= m.start < end]
        _check_sentence(ctx, start, end, here)
    seen: set[tuple[str | None, tuple[int, int] | None]] = set()
    out: list[Claim] = []
    for claim in sorted(ctx.claims, key=lambda c: c.span or (0, 0)):
        if (claim.kind, claim.span) not in seen:
            seen.add((claim.kind, claim.span))
            out.append(claim)
    return out


# ------------------------------------------------------------------------------------------------------------
# sentences and entities


def _sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start:
            out.append((start, match.end()))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _series_in(index: FactIndex, text: str) -> str | None:
    found = {index.series_slug(m.group()) for m in re.finditer(r"Game of Thrones|The Office|Friends|Simpsons", text)}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _resolve_film(ctx: _Context, mention: TextMention, sentence: str) -> Film | None:
    """The one film a mention names, or None when the match is uncertain."""
    key = mention.key
    if ctx.index.series_slug(key) or re.match(r"\s+(?:is|was) an upcoming\b", ctx.text[mention.end :]):
        return None
    matches = ctx.index.find_films(key)
    if " " not in key:  # one word: "Lion" is not "The Lion"
        has_article = ctx.text[mention.start : mention.end].split()[0].lower() in ARTICLES
        matches = [m for m in matches if (m.film.title.split()[0].lower() in ARTICLES) == has_article]
    year = mention.year or _stated_year(ctx.text[mention.end : mention.end + 80])
    if year is not None:
        exact = [m for m in matches if year in _film_years(m.film)]
        # A stated year far from every candidate: another film of the same title (a remake, a TV film).
        matches = exact or [m for m in matches if min(abs(y - year) for y in _film_years(m.film)) <= MAX_YEAR_GAP]
    if len(matches) > 1:
        rest = ctx.prompt + " " + ctx.text[: mention.start] + " " + ctx.text[mention.end :]
        context = " " + " ".join(tokens(rest)) + " "
        franchise = [m for m in matches if m.kind == "subtitle" and f" {_franchise_words(m.film.title)} " in context]
        people = [m for m in matches if _people_named(m.film, sentence)]
        exact_title = [m for m in matches if m.kind == "title"]
        for narrowed in (franchise, people, exact_title):
            if len(narrowed) == 1:
                return narrowed[0].film
        return None
    return matches[0].film if matches else None


def _stated_year(after: str) -> int | None:
    m = _YEAR_AFTER.match(after) or _IS_A_YEAR.match(after)
    value = (m.groupdict().get("p") or m.groupdict().get("r") or m.groupdict().get("y")) if m else None
    return int(value) if value else None


def _film_years(film: Film) -> set[int]:
    """The list year, and the year the lead paragraph or the article name gives (festival vs release year)."""
    years = {film.year}
    lead = re.search(r"\b(?:is|was) an? (?:\w+ ){0,3}?((?:18|19|20)\d\d)\b", film.extract[:300])
    if lead and film.extract_matches_year():
        years.add(int(lead.group(1)))
    href = re.search(r"\((\d{4})_", film.href or "")
    if href:
        years.add(int(href.group(1)))
    return years


def _franchise_words(title: str) -> str:
    return " ".join(tokens(re.split(r":| – | - ", title)[0]))


def _people_named(film: Film, sentence: str) -> bool:
    lead = film.directed_by()
    people = [*film.cast, *(lead[0] if lead else [])]
    return any(p and p in sentence for p in people)


# ------------------------------------------------------------------------------------------------------------
# one sentence


def _check_sentence(ctx: _Context, start: int, end: int, mentions: Sequence[TextMention]) -> None:
    sentence = ctx.text[start:end]
    films: list[tuple[int, int, Film]] = []
    episodes: list[tuple[int, int, Episode]] = []
    for m in mentions:
        eps = ctx.index.episodes_titled(m.key, ctx.series) if ctx.series else []
        if eps:
            if len(eps) == 1:
                episodes.append((m.start, m.end, eps[0]))
            continue
        film = _resolve_film(ctx, m, sentence)
        if film is not None:
            films.append((m.start, m.end, film))
        _check_year(ctx, m, film)
    _check_existence(ctx, start, end)
    _check_episode_facts(ctx, start, end, episodes)
    _check_film_credits(ctx, start, end, films)
    _check_active_director(ctx, start, end, films)
    _check_awards(ctx, start, end, films)
    _check_order(ctx, start, end, films)
    _check_cast(ctx, start, end, films)
    _check_seasons(ctx, start, end)
    _check_emmys(ctx, start, end)
    if episodes:
        ctx.focus_episodes = list({ep.id: ep for _, _, ep in episodes}.values())
    ctx.previous_films = list({f.id: f for _, _, f in films}.values())
    if films:
        distinct = list({f.id: f for _, _, f in films}.values())
        # "It"/"the film" in the next sentence is only resolved when this sentence named one film.
        ctx.focus_film = distinct[0] if len(distinct) == 1 else None


def _check_year(ctx: _Context, mention: TextMention, film: Film | None) -> None:
    s, e, key, year = mention.start, mention.end, mention.key, mention.year
    after = ctx.text[e : e + 80]
    stated, vend = year, e + (after.find(")") + 1 if year else 0)
    if stated is None:
        m = _YEAR_AFTER.match(after) or _IS_A_YEAR.match(after)
        if m is None or not (m.groupdict().get("r") or m.groupdict().get("y")):
            return
        stated = int(m.groupdict().get("r") or m.groupdict().get("y") or 0)
        vend = e + m.end()
    kinds = r"[^.]{0,40}\b(?:television|TV|short|documentary|stage|play|musical|series|miniseries)\b"
    if year is None and re.match(kinds, after):
        return  # "is a 1984 television film": another kind of work than the film of the table
    if ctx.index.series_slug(key) or any(r.type == "TV Show" for r in ctx.index.streaming_titles(key)):
        return
    candidates = [film] if film is not None else [m.film for m in ctx.index.find_films(key)]
    if not candidates:
        return
    hit = [f for f in candidates if stated in _film_years(f)]
    if hit:
        ctx.claim((s, vend), "supported", "year", [hit[0].evidence()])
        return
    if len(candidates) == 1 and film is not None:
        gap = abs(film.year - stated)
        before = ctx.text[max(ctx.text.rfind("\n", 0, s), ctx.text.rfind(". ", 0, s), 0) : s]
        if stated == film.year + 1 and _AWARD_WORDS.search(before):
            return  # "Best Director for The Revenant (2016)": the ceremony year of a 2015 film
        if len(ctx.index.find_films(key, kinds=("title",))) > 1:
            return  # several films share this title and none has this year: maybe yet another one
        if gap <= MAX_YEAR_GAP:
            ctx.claim((s, vend), "contradicted", "year", [film.evidence()], correction=f"{film.title} ({film.year})")


# ------------------------------------------------------------------------------------------------------------
# credits


def _credit_spans(sentence: str) -> Iterable[tuple[str, int, int, list[str]]]:
    for m in _CREDIT.finditer(sentence):
        names = leading_names(sentence[m.end() :])
        if names:
            last = names[-1]
            stop = sentence.find(last.split()[-1], m.end()) + len(last.split()[-1])
            role = "director" if "direct" in m.group("role") else "writer"
            if "directed" in m.group() and ("written" in m.group() or "wrote" in m.group()):
                yield "writer", m.start(), stop, names
                role = "director"
            yield role, m.start(), stop, names


def _close(gap: str, limit: int) -> bool:
    """A credit phrase belongs to the title before it: short gap, no other quoted title, no clause break."""
    gap = gap.lstrip("\"”’'")
    return len(gap) <= limit and not re.search(r"[\"“”;:]", gap)


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
    for role, cs, ce, names in _credit_spans(sentence):
        before = [t for t in targets if t[0] <= start + cs]
        if not before or (t_end := before[-1][1]) > start and not _close(ctx.text[t_end : start + cs], 120):
            continue
        bound = before if group else before[-1:]
        verdicts = {_credit_verdict(names, ep.directors if role == "director" else ep.writers) for _, _, ep in bound}
        verdict = verdicts.pop() if len(verdicts) == 1 else None
        if verdict is None:
            continue
        s0, _, ep = bound[-1]
        actual = ep.directors if role == "director" else ep.writers
        fix = f"{'directed' if role == 'director' else 'written'} by {' & '.join(actual)}"
        ctx.claim((min(s0, start + cs), start + ce), verdict, role, [e.evidence() for _, _, e in bound], fix)


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


def _iso_date(text: str) -> str | None:
    m = re.fullmatch(r"([A-Za-z]+) (\d{1,2}), (\d{4})", text) or re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", text)
    if not m:
        return None
    a, b, year = m.groups()
    month, day = (a, b) if a.isalpha() else (b, a)
    number = _MONTHS.get(month.lower())
    return f"{year}-{number:02d}-{int(day):02d}" if number else None


def _check_film_credits(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    sentence = ctx.text[start:end]
    for role, cs, ce, names in _credit_spans(sentence):
        if role != "director":
            continue
        before = [f for f in films if f[1] <= start + cs]
        if before:
            s0, e0, film = before[-1]
            if not _close(ctx.text[e0 : start + cs], 80) or re.search(r"\b(?:all|both|each)\s+$", sentence[:cs]):
                continue
        elif ctx.focus_film is not None and re.match(r"\s*(?:It|The film|The movie)\b", sentence) and not films:
            s0, film = start, ctx.focus_film
        else:
            continue
        facts = ctx.index.directors_of(film.title, film.year)
        actual = list(dict.fromkeys(n for f in facts for n in (f.value if isinstance(f.value, list) else [])))
        verdict = _credit_verdict(names, actual)
        if verdict == "contradicted" and any(n.split()[-1] in film.extract for n in names):
            verdict = None  # the lead paragraph names them somewhere: the parse may have missed a co-director
        if verdict:
            ctx.claim((s0, start + ce), verdict, "director", [f.evidence for f in facts[:2]], " & ".join(actual))


def _director_verdict(ctx: _Context, name: str, film: Film) -> tuple[str | None, list[Evidence], list[str]]:
    facts = ctx.index.directors_of(film.title, film.year)
    actual = list(dict.fromkeys(n for f in facts for n in (f.value if isinstance(f.value, list) else [])))
    verdict = _credit_verdict([name], actual)
    if verdict == "contradicted" and name.split()[-1] in film.extract:
        verdict = None
    return verdict, [f.evidence for f in facts[:2]], actual


def _check_active_director(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """``"Chris Columbus directed all three"``, ``"Ridley Scott directed Gladiator"``."""
    sentence = ctx.text[start:end]
    for m in _ACTIVE_DIRECTED.finditer(sentence):
        name, pos = m.group("name"), start + m.end()
        if len(name.split()) < 2 or name.split()[0] in _PRONOUNS:
            continue
        if m.group("group"):
            targets = ctx.previous_films if len(ctx.previous_films) >= 2 else []
        else:
            targets = [f for s, _, f in films if s == pos]
        results = [(f, *_director_verdict(ctx, name, f)) for f in targets]
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


# ------------------------------------------------------------------------------------------------------------
# awards


def _check_awards(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    sentence = ctx.text[start:end]
    for m in _AWARD.finditer(sentence):
        cat_key = normalize_name(m.group("cat"))
        while cat_key not in OSCAR_CATEGORIES and len(cat_key.split()) > 2:
            cat_key = cat_key.rsplit(" ", 1)[0]  # "Best Picture Oscar" -> "best picture"
        if cat_key not in OSCAR_CATEGORIES:
            continue
        cats = oscar_categories(cat_key)
        verb = m.group("verb")
        won = not re.search(r"nominated|not|n't|never", verb)
        negative = bool(re.search(r"not|n't|never", verb))
        after = sentence[m.end() : m.end() + 120]
        film = _film_after(ctx, start + m.end(), after, films)
        pre = sentence[: m.start()]
        subj_films = [f for f in films if f[1] <= start + m.start() and _only_list_between(sentence, f, start, m)]
        span_start = start + m.start()
        if subj_films:
            for s0, _, f in subj_films:
                _film_award(ctx, (s0, start + m.end()), f, cats, won, negative)
            continue
        subject = _SUBJECT_END.search(pre)
        subj = subject.group("subj").strip(" ,") if subject else ""
        subj = re.split(r"[,;:]| and ", subj)[-1].strip()
        if _FILM_PRONOUN.search(subj):
            pronoun_film = _sentence_film(ctx, span_start, films)
            if pronoun_film is not None and film is None:
                _film_award(ctx, (span_start, start + m.end()), pronoun_film, cats, won, negative)
        elif subj and subj[0].isupper() and subj.split()[0] not in _PRONOUNS:
            name = " ".join(w for w in subj.split() if w[0].isupper())
            context_film = film or _sentence_film(ctx, span_start, films)
            _person_award(ctx, (start + pre.rfind(subj), start + m.end()), name, context_film, cats, won, negative)


def _only_list_between(sentence: str, f: tuple[int, int, Film], start: int, m: re.Match[str]) -> bool:
    gap = sentence[f[1] - start : m.start()]
    return bool(
        re.fullmatch(r"(?:\s*\(\d{4}\))?(?:\s*(?:,|and|also|each|both|all|again|then)\s*|[^,.;]{0,0}\s*)*", gap)
    )


def _film_after(ctx: _Context, pos: int, after: str, films: list[tuple[int, int, Film]]) -> Film | None:
    m = re.match(r"\s+for\s+(?:his role in |her role in |playing [^,.]+ in )?", after)
    if m is None:
        return None
    if re.match(r"\s+for\s+(?:it|the film|the movie)\b", after):
        return _sentence_film(ctx, pos, films)
    target = pos + m.end()
    return next(
        (f for s, _, f in films if s == target or s == target + 4 and after[m.end() :].startswith("the ")), None
    )


def _sentence_film(ctx: _Context, pos: int, films: list[tuple[int, int, Film]]) -> Film | None:
    """The film "it" means at ``pos``: the one film named earlier in the sentence, else the focus film."""
    earlier = list({f.id: f for s, _, f in films if s < pos}.values())
    if earlier:
        return earlier[0] if len(earlier) == 1 else None
    return ctx.focus_film


def _category_rows(rows: Iterable[Oscar], cats: Sequence[str]) -> list[Oscar]:
    return [o for o in rows if any(o.canonical_category.startswith(c.rstrip("*")) for c in cats)]


def _winner_evidence(ctx: _Context, cats: Sequence[str], film_year: int) -> list[Evidence]:
    return [o.evidence() for o in ctx.index.oscar_winner(cats[0].rstrip("*"), film_year)[:1]]


def _film_award(
    ctx: _Context, span: tuple[int, int], film: Film, cats: Sequence[str], won: bool, negative: bool
) -> None:
    all_rows = ctx.index.oscars_for_film(film.title, film.year)
    if not all_rows:
        return  # the Oscar data does not know this title: no link, no verdict
    rows = _category_rows(all_rows, cats)
    winners = [o for o in rows if o.winner]
    label = cats[0].rstrip("*")
    if negative:
        target = winners if "nominated" not in ctx.text[span[0] : span[1]] else rows
        status = "contradicted" if target else "supported"
        ev = [o.evidence() for o in target[:1]] or _winner_evidence(ctx, cats, film.year)
        ctx.claim(span, status, "award", ev, correction=target[0].quote() if target else None)
    elif won:
        if winners:
            ctx.claim(span, "supported", "award", [winners[0].evidence()])
        else:
            ev = [o.evidence() for o in rows[:1]] + _winner_evidence(ctx, cats, film.year)
            fix = f"{film.title} {'was nominated for' if rows else 'did not win'} {label} but did not win"
            ctx.claim(span, "contradicted", "award", ev, correction=fix)
    elif rows:
        ctx.claim(span, "supported", "award", [rows[0].evidence()])
    elif ctx.index.oscars_in(label, film.year):
        ctx.claim(span, "contradicted", "award", _winner_evidence(ctx, cats, film.year), f"not nominated for {label}")


def _person_award(
    ctx: _Context,
    span: tuple[int, int],
    name: str,
    film: Film | None,
    cats: Sequence[str],
    won: bool,
    negative: bool,
) -> None:
    rows = _category_rows(ctx.index.oscars_for_person(name), cats) if len(name.split()) >= 2 else []
    if film is not None:
        film_rows = _category_rows(ctx.index.oscars_for_film(film.title, film.year), cats)
        mine = [o for o in film_rows if any(same_person(name, n) for n in (o.name, *o.nominees))]
        if not mine and film_rows and len(name.split()) >= 2 and not rows:
            return  # a person the category never named for this film: maybe another film; say nothing
        rows = mine or ([] if len(name.split()) < 2 else [])
        if not mine:
            return
    if not rows:
        return
    winners = [o for o in rows if o.winner]
    if negative:
        status = "contradicted" if winners else "supported"
        ctx.claim(span, status, "award", [(winners or rows)[0].evidence()], winners[0].quote() if winners else None)
    elif won:
        if winners:
            ctx.claim(span, "supported", "award", [winners[0].evidence()])
        else:
            ev = [rows[0].evidence()] + _winner_evidence(ctx, cats, rows[0].film_year)
            ctx.claim(span, "contradicted", "award", ev, correction=f"{rows[0].quote()}; did not win")
    else:
        ctx.claim(span, "supported", "award", [rows[0].evidence()])


# ------------------------------------------------------------------------------------------------------------
# order, cast, seasons, existence


def _note_for(ctx: _Context, *titles: str) -> object | None:
    from agent.kb import notes as notes_module

    found = [notes_module.franchise_for_title(ctx.index.notes, t) for t in titles]
    return found[0] if found and found[0] is not None and all(f is found[0] for f in found) else None


def _note_evidence(note: object, section: str, lines: Sequence[str]) -> Evidence:
    meta = note.meta  # type: ignore[attr-defined]
    path = note.path  # type: ignore[attr-defined]
    return Evidence(
        passage_id=f"note:{meta.id}:{section}#0", source=f"franchises/{path.name}", quote="; ".join(lines)[:1500]
    )


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


def _check_cast(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    if not ctx.index.notes:
        return
    from agent.kb import notes as notes_module

    sentence = ctx.text[start:end]
    for m in _PLAYED.finditer(sentence):
        after = [f for f in films if f[0] >= start + m.end()]
        before = [f for f in films if f[1] <= start + m.start()]
        film = (after or before)[0][2] if (after or before) else ctx.focus_film
        if film is None:
            continue
        note = _note_for(ctx, film.title)
        if note is None:
            continue
        actors = notes_module.actors_for(note, m.group("char"), film.title)  # type: ignore[arg-type]
        if not actors:
            continue
        status = "supported" if any(same_person(m.group("actor"), a) for a in actors) else "contradicted"
        lines = [f"{c.character} was played by {c.actor} in {', '.join(c.entries)}" for c in note.meta.cast]  # type: ignore[attr-defined]
        wanted = normalize_name(m.group("char"))
        lines = [ln for ln in lines if wanted in normalize_name(ln)]
        ctx.claim(
            (start + m.start(), start + m.end()),
            status,
            "cast",
            [_note_evidence(note, "who-played-whom", lines)],
            correction=" / ".join(actors),
        )


def _check_seasons(ctx: _Context, start: int, end: int) -> None:
    sentence = ctx.text[start:end]
    for m in _SEASONS.finditer(sentence):
        slug = _series_in(ctx.index, sentence) or ctx.series
        if slug is None:
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


_YEAR_PAREN = re.compile(r" ?\((?P<year>(?:19|20)\d\d)\)")
_TITLE_WORD = re.compile(r"^(?:[A-Z0-9][\w'’.!?&-]*:?|of|the|a|an|and|in|on|to|for|with|from|–|-|&|:)$")
_FILM_WORDS = re.compile(r"\b(?:films?|movies?|sequels?|prequels?|instal+ments?|entr(?:y|ies))\b", re.IGNORECASE)


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


def _check_emmys(ctx: _Context, start: int, end: int) -> None:
    sentence = ctx.text[start:end]
    for m in _EMMY.finditer(sentence):
        subject = re.search(
            r"((?:[A-Z][\w'’.&-]*\s+){0,5}?[A-Z][\w'’.&-]*)\s+(?:also\s+|has\s+|had\s+)?$", sentence[: m.start()]
        )
        if subject is None or subject.group(1).split()[0] in _PRONOUNS:
            continue
        name = subject.group(1)
        wanted = normalize_name(m.group("cat"))
        rows = [e for e in ctx.index.emmys_for(name) if normalize_name(e.category) == wanted]
        if not rows:
            continue
        year = int(m.group("year")) if m.group("year") else None
        in_year = [e for e in rows if year is None or e.year == year]
        winners = [e for e in in_year if e.winner]
        span = (start + subject.start(1), start + m.end())
        if "nominated" in m.group("verb"):
            if in_year:
                ctx.claim(span, "supported", "award", [in_year[0].evidence()])
            continue
        if winners:
            ctx.claim(span, "supported", "award", [winners[0].evidence()])
            continue
        won_years = sorted({e.year for e in rows if e.winner})
        evidence = [e.evidence() for e in (in_year[:1] or [r for r in rows if r.winner][:1])]
        fix = f"won in {', '.join(map(str, won_years))}" if won_years else "nominated, never won"
        ctx.claim(span, "contradicted", "award", evidence, correction=fix)
