"""Exact checks of awards: Oscar wins and nominations (films and people), Emmy wins and nominations."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agent.factcheck.context import (
    _NAME,
    _NUMBER_WORDS,
    _PRONOUNS,
    IT_OPENS,
    _Context,
    _sentence_film,
    markdown_tables,
)
from agent.kb.aliases import leading_names, normalize_name, normalize_title, same_person
from agent.kb.facts import OSCAR_CATEGORIES, oscar_categories
from agent.kb.sources import Film, Oscar
from agent.models import Evidence

logger = logging.getLogger(__name__)

_AWARD = re.compile(
    r"\b(?P<verb>won|wins|took(?: home)?|received|earned|picked up|collected|claimed|(?:was|were) awarded|"
    r"scooped|bagged|grabbed|landed|nabbed|went on to win|"  # not "was named": critics' awards use it too
    r"(?:is|was) (?:a|an|the)(?= Best [A-Z][\w ]{2,40}? (?:winner|recipient)\b)|"
    r"became an? (?:Academy Award|Oscar)[- ]winner for|(?:was|were) (?:honou?red|rewarded) with|"
    r"(?:was |were |been )?nominated(?: for|,? in(?= (?:the )?Best ))|did not win|didn't win|never won|"
    r"(?:was|were) not nominated for)\s+"
    r"(?:(?:the |an |a )?(?:Academy Award|Oscar)s?\s+(?:for\s+|\((?=Best ))|the (?=Best ))?"
    r"(?P<cat>Best (?:Makeup and Hairstyling|(?:Supporting )?[A-Z][a-z]+(?: (?:[A-Z][a-z]+|Feature|Film))*))"
)
# between the category and "for <film>": "won an Oscar (Best Actor) for", "won Best Actor at the Oscars for"
_AWARD_TAIL = re.compile(r"\)?(?:\s+at the (?:\d+(?:st|nd|rd|th) )?(?:Oscars|Academy Awards)(?: ceremony)?)?")
_SUBJECT_END = re.compile(
    r"(?P<subj>\b[\w'’.,& -]+?)\s*(?:,\s*)?(?:\b(?:also|again|each|both|all|later|then|eventually|had|has|have|"
    r"himself|herself|themselves|too)\s+)*$"
)
_EMMY = re.compile(
    r"\b(?P<verb>won|received|(?:was |were )?nominated for)\s+(?:the |an |a )?(?:Primetime )?Emmys?(?: Awards?)?\s+"
    r"for\s+(?P<cat>Outstanding(?:\s+(?:[A-Z][\w-]*|in|a|an|for|or|and|the|of|by))+?)"
    r"(?=\s+in\s+\d{4}|[.,;]|\s+(?:for|with|at)\b|$)(?:\s+in\s+(?P<year>\d{4}))?"
)
# between "won Best Actress" and the title: "for her role in", "thanks to", "for the 1996 film"
_ROLE_IN = r"(?:(?:his|her|their|a|the) (?:role|performance|turn|work) in )"
_FOR_FILM = rf"\s+(?:for|with|thanks to)\s+(?:{_ROLE_IN}|playing [^,.]+ in |the (?:(?:19|20)\d\d )?(?:film|movie) )?"
_PERFORMANCE_IN = re.compile(
    rf"(?P<name>{_NAME})['’]s? (?:performance|turn|role|portrayal|work)(?: as [^,.;]{{1,40}})? in "
    r"(?:the (?:film|movie) )?$"
)
_FILM_PRONOUN = re.compile(r"(?:^|\b)(?:it|the film|the movie|which)$", re.IGNORECASE)


def oscar_category_key(text: str) -> str | None:
    """The Oscar category a "Best ..." phrase names, trimmed of trailing words ("Best Picture Oscar winner" ->
    "best picture"), or None when it names none the checks know."""
    key = normalize_name(text)
    while key not in OSCAR_CATEGORIES and len(key.split()) > 2:
        key = key.rsplit(" ", 1)[0]
    return key if key in OSCAR_CATEGORIES else None


def _check_awards(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    sentence = ctx.text[start:end]
    for m in _AWARD.finditer(sentence):
        cat_key = oscar_category_key(m.group("cat"))
        if cat_key is None:
            continue
        cats = oscar_categories(cat_key)
        verb = m.group("verb")
        won = not re.search(r"nominated|not|n't|never", verb)
        negative = bool(re.search(r"not|n't|never", verb))
        tail = _AWARD_TAIL.match(sentence, m.end()).end() - m.end()  # type: ignore[union-attr]  # always matches
        after = sentence[m.end() + tail : m.end() + tail + 120]
        film = _film_after(ctx, start + m.end() + tail, after, films)
        named = re.match(rf"{_FOR_FILM}[\"“]?(?P<t>[A-Z0-9][^,.;()\"”\n]{{0,80}})", after)
        explicit = named.group("t") if named and not re.fullmatch(r"\d{4}\s*", named.group("t")) else None
        year_m = re.match(r"[^.;]{0,80}?\b(?:for|in|at the)\s+(?P<y>(?:19|20)\d\d)\b", after)
        ctx_year = int(year_m.group("y")) if year_m else None
        stop = start + m.end() + tail + (year_m.end() if year_m else named.end() if explicit and named else 0)
        pre = re.sub(r",?\s+(?:who|having)\s+$", " ", sentence[: m.start()])  # "X, who won ...", "X, having won"
        subj_films = [f for f in films if f[1] <= start + m.start() and _only_list_between(sentence, f, start, m)]
        span_start = start + m.start()
        performer = _PERFORMANCE_IN.search(ctx.text[start : subj_films[-1][0]]) if len(subj_films) == 1 else None
        if performer:  # "Stephanie Hsu's performance in Everything Everywhere All at Once won ...": her award
            claim = _AwardClaim(performer.group("name"), cats, won, negative, ctx_year, None)
            _person_award(ctx, (start + performer.start(), stop), claim, subj_films[0][2])
            continue
        if subj_films:
            for s0, _, f in subj_films:
                _film_award(ctx, (s0, stop), f, cats, won, negative, ctx_year)
            continue
        subject = _SUBJECT_END.search(pre)
        subj = subject.group("subj").strip(" ,") if subject else ""
        subj = re.split(r"[,;:]| and | that ", subj)[-1].strip()  # "The response is right that X won ..."
        subj = re.split(r" (?:is|was|has been) ", subj)[0]  # "X is an Oscar winner, having won ..."
        if _FILM_PRONOUN.search(subj):
            pronoun_film = _sentence_film(ctx, span_start, films)
            if pronoun_film is not None and film is None:
                _film_award(ctx, (span_start, stop), pronoun_film, cats, won, negative, ctx_year)
        elif subj and subj[0].isupper() and subj.split()[0] not in _PRONOUNS:
            name = " ".join(w for w in subj.split() if w[0].isupper())
            context_film = film or _sentence_film(ctx, span_start, films)
            part = _PART_AFTER.match(after)
            claim = _AwardClaim(name, cats, won, negative, ctx_year, None if film else explicit, part and part["part"])
            _person_award(ctx, (start + pre.rfind(subj), stop), claim, context_film)


_WIN_LIST = re.compile(
    r"\b(?P<count>(?:won|wins|took home|picked up|received|earned)\s+(?:(?P<n>\d{1,2}|"
    + "|".join(_NUMBER_WORDS)
    + r")\s+)?(?:Academy Awards|Oscars))(?:(?:\s*:[ \t]*|,?\s+(?:including|for)\s+)(?P<list>[^.;!?\n]+))?"
)
_CLAUSE_BREAK = re.compile(r",?\s+(?:(?:and|but)\s+)?(?:was|were|is|are|it|its|which|who|while|also|though|although)\b")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_NOT_COMPETITIVE = ("HONORARY", "SPECIAL", "SCIENTIFIC", "JEAN HERSHOLT", "IRVING G. THALBERG", "GORDON E. SAWYER")


def _check_win_list(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """``"It won three Oscars: Film Editing, Original Score and Best Picture."``: the count and each category."""
    sentence = ctx.text[start:end]
    for m in _WIN_LIST.finditer(sentence):
        if not (m.group("n") or m.group("list")):
            continue
        subject = [f for f in films if f[1] <= start + m.start() and _only_list_between(sentence, f, start, m)]
        if len({f.id for _, _, f in subject}) > 1:
            continue  # "A and B won four Oscars": whose count?
        if subject:
            film: Film | None = subject[-1][2]
        elif _FILM_PRONOUN.search(sentence[: m.start()].strip()):
            film = _sentence_film(ctx, start + m.start(), films)
        else:
            continue  # "Tom Hanks won two Oscars": a person's count, not the film's
        rows = ctx.index.oscars_for_film(film.title, film.year) if film is not None else []
        if film is None or not rows:
            continue
        wins, won_labels, summary = _film_wins(film, rows)
        raw = (m.group("n") or "").lower()
        if raw:
            stated = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
            specials = [o for o in rows if o.winner and o.canonical_category.startswith("SPECIAL")]
            ok = stated in (len(won_labels), len(won_labels) + len(specials))
            evidence = [o.evidence() for o in (wins or rows)[:3]]
            span = (start + m.start(), start + m.end("count"))
            ctx.claim(span, "supported" if ok else "contradicted", "award", evidence, None if ok else summary)
        _listed_wins(ctx, start, m.start("list"), m.group("list") or "", film, rows)


def check_listed_wins(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """A film's wins listed without a count: "..., winning Best Actor for Voight, Best Actress for Fonda and Best
    Director for Ashby" (the film named before, or "It" for the film in focus), or a label line "Wins: Best Picture,
    Best Director for Avildsen" (the film named before, else the one the prompt asks about)."""
    sentence = ctx.text[start:end]
    for w in _WINNING.finditer(sentence):  # "..., winning Best Actor for Voight, Best Actress for Fonda and ..."
        subject = {f.id: f for s, _, f in films if s < start + w.start()}
        list_end = start + w.start("list") + len(_CLAUSE_BREAK.split(w.group("list"), maxsplit=1)[0])
        if any(start + w.start() <= s < list_end for s, _, _ in films):
            continue  # "... winning Best Actor for Philadelphia": another film's win
        if len(subject) > 1 or not (_OSCAR_WORDS.search(sentence) or _OSCAR_WORDS.search(ctx.prompt)):
            continue
        film: Film | None
        if subject:
            film = next(iter(subject.values()))
        elif IT_OPENS.match(sentence):  # "It ... did very well, winning ..."
            film = _sentence_film(ctx, start + w.start(), films)
        else:
            continue
        rows = ctx.index.oscars_for_film(film.title, film.year) if film is not None else []
        if film is not None and rows:
            _listed_wins(ctx, start, w.start("list"), w.group("list"), film, rows)
    label = _WINS_LABEL.match(sentence)
    if label and (_OSCAR_WORDS.search(ctx.prompt) or _OSCAR_WORDS.search(sentence)):
        named = {f.id: f for s, _, f in films if s < start + label.start("list")}
        labelled = (
            next(iter(named.values())) if len(named) == 1 else None if named else ctx.asked_film or ctx.focus_film
        )
        rows = ctx.index.oscars_for_film(labelled.title, labelled.year) if labelled is not None else []
        if labelled is not None and rows:
            _listed_wins(ctx, start, label.start("list"), label.group("list"), labelled, rows)


_WINNING = re.compile(r"\b(?:winning|taking(?: home)?|picking up|collecting)\s+(?P<list>Best\s[^.;!?\n]+)")
# "**Wins:** Best Picture, Best Director for Avildsen and Best Film Editing" (the film in focus, or named before)
# ... or "- Oscars: won Best Costume Design (Jacqueline Durran) and Best Adapted Screenplay for Gerwig"
_WINS_LABEL = re.compile(
    r"\s*(?:[-*•]\s*)?(?:(?:Oscar |Academy Award )?(?:[Ww]ins|WINS|[Ww]on):|(?:Oscars?|Academy Awards?):\s*won\b)"
    r"\s*(?P<list>[^\n]+)"
)


def _film_wins(film: Film, rows: Sequence[Oscar]) -> tuple[list[Oscar], list[str], str]:
    """A film's competitive wins, their category labels, and the correction that lists them."""
    wins = [o for o in rows if o.winner and not o.canonical_category.startswith(_NOT_COMPETITIVE)]
    won_labels = sorted({o.canonical_category.title() for o in wins})
    return wins, won_labels, f"{film.title} won {len(won_labels)}: {', '.join(won_labels) or 'none'}"


def _listed_wins(ctx: _Context, start: int, offset: int, listed: str, film: Film, rows: Sequence[Oscar]) -> None:
    """Each category of a list of a film's wins: supported when the film won it, else contradicted."""
    sentence = ctx.text[start:]
    wins, _, summary = _film_wins(film, rows)
    listed = _CLAUSE_BREAK.split(listed, maxsplit=1)[0]  # "..., and was nominated for ..."
    for item in _LIST_SPLIT.split(listed):
        at = sentence.find(item, offset)
        offset = at + len(item)
        cats = _list_categories(ctx, item)
        if not item or cats is None:
            continue
        span = (start + at, start + at + len(item.rstrip(" .")))
        won = _category_rows(wins, cats)
        nominated = _category_rows(rows, cats)
        who = _named_winner(item)  # "Best Actor for Fredric March (as Al Stephenson)", "Best Score (Hugo Friedhofer)"
        if won and who is not None and not any(nominates(o, who) for o in won):
            # the film won the category, but not through this person: contradicted when they were a nominee in it
            # who lost; a name the category's rows do not give at all is left unconfirmed
            lost = [o for o in nominated if not o.winner and nominates(o, who)]
            if lost:
                ctx.claim(span, "contradicted", "award", [lost[0].evidence(), won[0].evidence()], won[0].quote())
            continue
        if won:
            ctx.claim(span, "supported", "award", [won[0].evidence()])
            continue
        evidence = [o.evidence() for o in nominated[:1]] + _winner_evidence(ctx, cats, film.year)
        ctx.claim(span, "contradicted", "award", evidence, summary)


def _named_winner(item: str) -> str | None:
    """The person a list item gives its category to: "Best Director for Wyler" -> Wyler, "Best Score (Hugo
    Friedhofer)" -> Hugo Friedhofer; None for "Best Picture" or "Best Actor (as Al Stephenson)"."""
    m = _WINNER_NAMED.search(item)
    names = leading_names((m.group("n") or m.group("b")).strip()) if m else []
    return names[0] if names else None


_WINNER_NAMED = re.compile(
    r"\s+for\s+(?!playing\b|the\b|its\b|his\b|her\b)(?P<n>[A-Z][^()]*)|\((?!as\b)(?P<b>[A-Z][^)]*)\)"
)


def nominates(row: Oscar, person: str) -> bool:
    """The Oscar row names ``person`` (as its nominee line or one of the people parsed from it)."""
    return any(same_person(person, n) for n in (row.name, *row.nominees))


def _list_categories(ctx: _Context, item: str) -> Sequence[str] | None:
    """The canonical categories a list item names ("Original Score for John Williams" -> MUSIC (Original Score))."""
    name = re.sub(r"\s*\([^)]*\)|\s+for\s+.*$|^(?:the|an?)\s+|\s+(?:Oscars?|awards?)$", "", item.strip())
    key = normalize_name(name)
    if key.startswith("best "):
        key = key[5:]
    if f"best {key}" in OSCAR_CATEGORIES:
        return oscar_categories(key)
    canonical = key.upper()
    return (canonical,) if canonical in ctx.index.oscar_categories_known else None


_WENT_TO = re.compile(
    r"\b(?:(?:[Tt]hat|[Tt]he) (?:award|Oscar|prize)|(?P<cat>Best [A-Z][a-z]+(?: [A-Z][a-z]+)*)"
    r"(?: for (?P<film>[\"“]?[A-Z0-9][^,.;()\"”\n]{0,80}?[\"”]?))?) (?:went to|was won by|was (?:awarded|given) to) "
    r"|\blost (?:out )?to "
)  # "Best Actress went to X for Y", "The Best Actress Oscar for Y went to X"


def _check_went_to(ctx: _Context, start: int, end: int, films: list[tuple[int, int, Film]]) -> None:
    """``"... did not win Best Picture: that award went to Shakespeare in Love"`` -> Shakespeare in Love won it."""
    sentence = ctx.text[start:end]
    for m in _WENT_TO.finditer(sentence):
        cat_text = m.group("cat")
        if cat_text is None:
            # the category named just before: in this sentence, else in the previous one
            before = ctx.text[max(0, ctx.text.rfind(".", 0, max(0, start - 1)) + 1) : start + m.start()]
            earlier = list(_AWARD.finditer(before))
            cat_text = earlier[-1].group("cat") if earlier else None
        cat_key = oscar_category_key(cat_text or "")
        target = next((f for s, e, f in films if s == start + m.end()), None)
        if cat_key is None:
            continue
        if target is None:  # "The award went to Tom Hanks for Philadelphia."
            rest = sentence[m.end() :]
            names = leading_names(rest)
            # "Alan J. Pakula for All the President's Men": an initial's full stop does not end the name
            named = re.match(r"(?:[^,.;]|(?<=\s[A-Z])\.){0,60}?\bfor\s+[\"“]?(?P<t>[A-Z0-9][^,.;()\"”\n]{0,80})", rest)
            title = named.group("t") if named else (m.group("film") or "").strip('"“”') or None
            if names and len(names[0].split()) >= 2 and title:
                claim = _AwardClaim(names[0], oscar_categories(cat_key), True, False, None, title)
                stop = start + m.end() + (named.end() if named else rest.find(names[0]) + len(names[0]))
                _person_award(ctx, (start + m.start(), stop), claim, None)
            continue
        film_end = next(e for s, e, f in films if s == start + m.end())
        _film_award(ctx, (start + m.start(), film_end), target, oscar_categories(cat_key), True, False)


def _only_list_between(sentence: str, f: tuple[int, int, Film], start: int, m: re.Match[str]) -> bool:
    gap = sentence[f[1] - start : m.start()]
    return bool(
        re.fullmatch(r"(?:\s*\(\d{4}\))?(?:\s*(?:,|and|also|each|both|all|again|then)\s*|[^,.;]{0,0}\s*)*", gap)
    )


def _film_after(ctx: _Context, pos: int, after: str, films: list[tuple[int, int, Film]]) -> Film | None:
    m = re.match(_FOR_FILM, after)
    if m is None:
        return None
    if re.match(r"\s+for\s+(?:it|the film|the movie)\b", after):
        return _sentence_film(ctx, pos, films)
    target = pos + m.end()
    return next(
        (f for s, _, f in films if s == target or s == target + 4 and after[m.end() :].startswith("the ")), None
    )


def _won_kindred(rows: Iterable[Oscar], cats: Sequence[str]) -> bool:
    """The film won a category of the same family ("MUSIC (Original Song Score)" for "MUSIC (Original Score)")."""
    families = {c.rstrip("*").split(" (")[0] for c in cats}
    return any(o.winner and o.canonical_category.split(" (")[0] in families for o in rows)


def _not_won(film: Film, label: str, nominated: bool) -> str:
    """The correction for a win the film did not have."""
    return (
        f"{film.title} was nominated for {label} but did not win" if nominated else f"{film.title} did not win {label}"
    )


def _category_rows(rows: Iterable[Oscar], cats: Sequence[str]) -> list[Oscar]:
    return [o for o in rows if any(o.canonical_category.startswith(c.rstrip("*")) for c in cats)]


def _winner_evidence(ctx: _Context, cats: Sequence[str], film_year: int) -> list[Evidence]:
    return [o.evidence() for o in ctx.index.oscar_winner(cats[0].rstrip("*"), film_year)[:1]]


def _film_award(
    ctx: _Context,
    span: tuple[int, int],
    film: Film,
    cats: Sequence[str],
    won: bool,
    negative: bool,
    year: int | None = None,
) -> None:
    all_rows = ctx.index.oscars_for_film(film.title, film.year)
    if not all_rows:
        return  # the Oscar data does not know this title: no link, no verdict
    rows = _category_rows(all_rows, cats)
    winners = [o for o in rows if o.winner]
    label = cats[0].rstrip("*").title()
    if negative:
        target = winners if "nominated" not in ctx.text[span[0] : span[1]] else rows
        status = "contradicted" if target else "supported"
        ev = [o.evidence() for o in target[:1]] or _winner_evidence(ctx, cats, film.year)
        ctx.claim(span, status, "award", ev, correction=target[0].quote() if target else None)
    elif won:
        in_year = [o for o in winners if year is None or year in (o.film_year, o.ceremony_year)]
        if in_year:
            ctx.claim(span, "supported", "award", [in_year[0].evidence()])
        elif winners:
            fix = f"won for {winners[0].year_label} films (ceremony {winners[0].ceremony_year})"
            ctx.claim(span, "contradicted", "award", [winners[0].evidence()], correction=fix)
        elif not rows and _won_kindred(all_rows, cats):
            return  # won "Original Song Score" and said "Original Score": the category's name changed over time
        else:
            ev = [o.evidence() for o in rows[:1]] + _winner_evidence(ctx, cats, film.year)
            ctx.claim(span, "contradicted", "award", ev, correction=_not_won(film, label, bool(rows)))
    elif rows:
        ctx.claim(span, "supported", "award", [rows[0].evidence()])
    elif ctx.index.oscars_in(label, film.year):
        ctx.claim(span, "contradicted", "award", _winner_evidence(ctx, cats, film.year), f"not nominated for {label}")


@dataclass(frozen=True)
class _AwardClaim:
    """What a sentence says about a person's Oscar: who, which categories, won or not, for when, for what."""

    name: str
    cats: Sequence[str]
    won: bool
    negative: bool
    year: int | None  # "won Best Actor in 1995": a film year or a ceremony year
    title: str | None  # "for The Entertainer" when that title did not resolve to a film
    part: str | None = None  # "for playing Russell Bufalino": the nomination's part, when no film is named


# The part a person's award was for, said after the category: "for playing Russell Bufalino", "as Vito Corleone".
_PART_AFTER = re.compile(
    r"[^.;:]{0,40}?\b(?:for playing|playing|for portraying|portraying|as|for (?:his|her|their) (?:role|turn|"
    r"performance) as)\s+(?P<part>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})"
)


def _person_award(ctx: _Context, span: tuple[int, int], claim: _AwardClaim, film: Film | None) -> None:
    name, cats = claim.name, claim.cats
    rows = _category_rows(ctx.index.oscars_for_person(name), cats) if len(name.split()) >= 2 else []
    if film is not None:
        film_rows = _category_rows(ctx.index.oscars_for_film(film.title, film.year), cats)
        rows = [o for o in film_rows if nominates(o, name)]
    elif claim.title is not None:
        wanted = normalize_title(claim.title)
        rows = [o for o in rows if any(wanted.startswith(normalize_title(t)) for t in o.films if normalize_title(t))]
    elif claim.part is not None:  # "won Best Supporting Actor for playing Russell Bufalino": that nomination only
        rows = [o for o in rows if plays_part(set(normalize_name(claim.part).split()), o)]
    if not rows:
        if film is not None:
            _no_nomination(ctx, span, claim, film)
        return  # otherwise nothing links this person, category and film: say nothing
    winners = [o for o in rows if o.winner]
    in_year = [o for o in winners if claim.year is None or claim.year in (o.film_year, o.ceremony_year)]
    if claim.negative:
        status = "contradicted" if winners else "supported"
        ctx.claim(span, status, "award", [(winners or rows)[0].evidence()], winners[0].quote() if winners else None)
    elif claim.won:
        if in_year:
            ctx.claim(span, "supported", "award", [in_year[0].evidence()])
        elif winners:
            fix = "; ".join(f"won for {o.year_label} films ({_ordinal_ceremony(o)})" for o in winners)
            ctx.claim(span, "contradicted", "award", [winners[0].evidence()], correction=fix)
        else:
            ev = [rows[0].evidence()] + _winner_evidence(ctx, cats, rows[0].film_year)
            ctx.claim(span, "contradicted", "award", ev, correction=f"{rows[0].quote()}; did not win")
    else:
        ctx.claim(span, "supported", "award", [rows[0].evidence()])


def _no_nomination(ctx: _Context, span: tuple[int, int], claim: _AwardClaim, film: Film) -> None:
    """A person the Oscar data knows, with no nomination in the category for this film, in a year whose nominees
    the data lists: "Steven Spielberg was not nominated for Best Director" (Jaws) is supported, "... was nominated
    for Best Director" and "... won Best Director" are contradicted. Only for the film's director or a member of its
    cast list (Spielberg directed Jaws); silent for a person the Oscar data does not know (a name spelled
    another way would read as absent) and for a film with no Oscar nomination at all."""
    if len(claim.name.split()) < 2 or not ctx.index.oscars_for_person(claim.name):
        return
    around = ctx.text[max(0, span[0] - 120) : span[1] + 120]
    if re.search(r"[A-Z][\w'’.-]*,?\s+and\s+$", ctx.text[max(0, span[0] - 40) : span[0]]) or "respectively" in around:
        return  # "John Lithgow and Glenn Close were respectively nominated for Best Actor ... and Best Actress ..."
    facts = ctx.index.directors_of(film.title, film.year)
    directors = [n for f in facts for n in (f.value if isinstance(f.value, list) else [])]
    if not any(same_person(claim.name, c) for c in (*film.cast, *directors)):
        return  # the film in context may not be the one meant: "Tom Hanks was nominated for Best Actor for his role"
        # after a sentence that ends on Shakespeare in Love; "John Wayne took Best Actor ... in the 1969 version"
    film_rows = ctx.index.oscars_for_film(film.title, film.year)
    if not film_rows or claim.year is not None and claim.year not in (film_rows[0].film_year, film.year):
        return
    evidence = [o.evidence() for o in ctx.index.oscar_winner(claim.cats[0].rstrip("*"), film_rows[0].film_year)[:1]]
    if not evidence:
        return  # the category had no winner that year (or the data does not cover it)
    if claim.negative:
        ctx.claim(span, "supported", "award", evidence)
        return
    label = claim.cats[0].rstrip("*").title()
    ctx.claim(span, "contradicted", "award", evidence, f"{claim.name} had no {label} nomination for {film.title}")


def _ordinal_ceremony(o: Oscar) -> str:
    return f"ceremony {o.ceremony_year}"


def _check_emmys(ctx: _Context, start: int, end: int) -> None:
    sentence = ctx.text[start:end]
    for m in _EMMY.finditer(sentence):
        subject = re.search(
            r"((?:[A-Z][\w'’.&-]*\s+(?:(?:of|the|and|in|on)\s+)?){0,5}?[A-Z][\w'’.&-]*)\s+(?:also\s+|has\s+|had\s+)?$",
            sentence[: m.start()],
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


_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+(?P<item>\S[^\n]*?)[ \t]*$", re.MULTILINE)
_WIN_HEADER = re.compile(r"\b(?:won|wins|winners?|took home|swept|picked up|collected|victories)\b", re.IGNORECASE)
_OSCAR_WORDS = re.compile(r"\b(?:Oscars?|Academy Awards?)\b")
_BEST = re.compile(r"\bBest (?:Makeup and Hairstyling|(?:[A-Z][a-z]+)(?: (?:[A-Z][a-z]+|Feature|Film))*)")
_ITEM_PARTS = re.compile(r"\s+[—–-]\s+|:\s+")
_CHARACTER = re.compile(r"\b(?:as|playing|for playing|in the role of)\s+(?P<c>[A-Z][\w.'’ -]{1,40}?)\s*(?:[,;)]|$)")


@dataclass(frozen=True)
class _ListItem:
    """One line of a list of Oscar wins: ``"Peter Finch — Best Actor, for playing Howard Beale"``."""

    span: tuple[int, int]
    cats: Sequence[str]
    person: str | None
    character: str | None


def check_award_lists(ctx: _Context, films: Sequence[tuple[int, int, Film]]) -> None:
    """Bullet or numbered lists of a film's Oscar wins under a header line such as ``"It won four Oscars:"``.

    Each item names a category, often a person and the part they played; an item is supported when the film won
    that category (by that person), contradicted when it only had a nomination or none, or when the winner played
    another part. ``films``: every film mention of the response, in text order.
    """
    text = ctx.text
    for header, items in _lists(text):
        h0, h1 = header
        line = text[h0:h1]
        around = text[max(0, h0 - 300) : h1] + " " + ctx.prompt
        # the last clause that speaks of wins: "went in with 14 nominations and came away with six wins:"
        # ("won two Oscars, and was nominated for five more:" lists nominations: its last clause decides too)
        if not _wins_header(line):
            continue
        read = [x for x in (_read_item(ctx, text, span) for span in items) if x is not None]
        if not read or not (
            _OSCAR_WORDS.search(around) or all(_BEST.search(text[x.span[0] : x.span[1]]) for x in read)
        ):
            continue
        in_header = {f.id: f for s, _, f in films if h0 <= s < h1}
        before = {f.id: f for s, _, f in films if s < h0}
        chosen = in_header or (before if len(before) == 1 else {})
        if len(chosen) != 1:
            continue
        film = next(iter(chosen.values()))
        rows = ctx.index.oscars_for_film(film.title, film.year)
        if rows:
            for item in read:
                _list_item_claim(ctx, film, rows, item)


_OTHER_AWARDS = re.compile(r"\b(?:Golden Globes?|BAFTAs?|Annie|Emmys?|SAG|Screen Actors|Critics|Cannes|Razzies?)\b")
_ITEM_LEAD = re.compile(r"[\s*_`]*(?:(?:19|20)\d\d(?:/\d\d)?\s*[:—–-]?\s*[*_`]*)?")  # "2003 — Finding Nemo"


def check_winner_lists(ctx: _Context, films: Sequence[tuple[int, int, Film]]) -> None:
    """Lists that give the winners of Oscar categories, each item naming its film: "Pixar has won Best Animated
    Feature 11 times:" over "1. Finding Nemo (2003)", "2. ..." (every film listed must have won the category), and
    "- **Best Director (Dramatic Picture):** King Vidor for *The Crowd*" in an answer to "What won at the first
    Academy Awards?" (the film named must have won the category, by the person named).

    The header (or, for category lines, the header or the prompt) must speak of wins in its last clause and of the
    Oscars (header, the prompt, or the text just before); no other award may be named. Items that name no film, or
    several, are left alone; so are lists whose header names a film (``check_award_lists`` reads those).
    """
    text = ctx.text
    for header, items in _lists(text):
        h0, h1 = header
        line = text[h0:h1]
        around = text[max(0, h0 - 300) : h1] + " " + ctx.prompt
        if not _OSCAR_WORDS.search(around) or _OTHER_AWARDS.search(around):
            continue
        if any(h0 <= s < h1 for s, _, _ in films):
            continue
        named = _categories_named(ctx, line)
        if len(named) == 1 and _wins_header(line):
            _films_won(ctx, items, films, next(iter(named)))
        elif not named and (_wins_header(line) or _wins_header(ctx.prompt)):
            for span in items:
                item = _read_item(ctx, text, span)
                inside = [f for f in films if span[0] <= f[0] < span[1]]
                if item is None or len({f.id for _, _, f in inside}) != 1 or inside[0][0] < item.span[0]:
                    continue
                film = inside[0][2]
                rows = ctx.index.oscars_for_film(film.title, film.year)
                if rows and _category_rows(rows, item.cats):
                    _list_item_claim(ctx, film, rows, item)


def check_winner_tables(ctx: _Context, films: Sequence[tuple[int, int, Film]]) -> None:
    """Markdown tables of one Oscar category's winners, one film per row: "| 2005 | *Brokeback Mountain* | ... |"
    under "Here are the Original Screenplay winners, by film year:" in answer to "List the Best Original Screenplay
    Oscar winners for the films of 2003 through 2008": every row's film must have won the category.

    The category must be the one category the line before the table names, else the one the prompt names (a
    category in the table's own header row is a column, often of yes / no, and is not read); that line or the
    prompt must speak of wins, and one of them of the Oscars; no other award may be named in either. Rows that
    name no film or several, or that speak of nominations or losses, are left alone.
    """
    text = ctx.text
    for before, _, rows in markdown_tables(text):
        line = text[before[0] : before[1]]
        where = line + " " + ctx.prompt
        if not _OSCAR_WORDS.search(where) or _OTHER_AWARDS.search(where) or _ROW_NOT_A_WIN.search(line):
            continue  # "The other nominees:" above a table: not a table of winners, whatever the prompt asks
        cats = _one_category(ctx, line) if _wins_header(line) else None
        if cats is None and _wins_header(ctx.prompt) and not _BEST.search(line):
            cats = _one_category(ctx, ctx.prompt)
        if cats is None:
            continue
        for r0, r1 in rows:
            inside = [f for f in films if r0 <= f[0] < r1]
            if len({f.id for _, _, f in inside}) != 1 or _ROW_NOT_A_WIN.search(text[r0:r1]):
                continue
            s, e, film = inside[0]
            _category_won(
                ctx, (s, e), film, _category_rows(ctx.index.oscars_for_film(film.title, film.year), cats), cats
            )


_ROW_NOT_A_WIN = re.compile(r"nominat|\blost\b|\bno\b|didn't|did not|✗|❌", re.IGNORECASE)


def _categories_named(ctx: _Context, words: str) -> set[tuple[str, ...]]:
    """The Oscar categories ("Best ...") the words name, each as its canonical categories."""
    return {tuple(c) for m in _BEST.finditer(words) if (c := _list_categories(ctx, m.group()))}


def _one_category(ctx: _Context, words: str) -> Sequence[str] | None:
    named = _categories_named(ctx, words)
    return next(iter(named)) if len(named) == 1 else None


def _wins_header(line: str) -> bool:
    """The last clause that speaks of wins is not about nominations or losses ("won two Oscars, and was nominated
    for five more:" lists nominations)."""
    line = _OUT_OF_NOMINATIONS.sub("", line)  # "won five Oscars from 11 nominations:" lists wins
    parts = re.split(r",|;|\s+and\s+|\s+but\s+", line)
    clauses = [c for c in parts if _WIN_HEADER.search(c)]
    return bool(clauses) and not any(re.search(r"nominat|\blost\b|didn't|did not", c) for c in (clauses[-1], parts[-1]))


_OUT_OF_NOMINATIONS = re.compile(
    r"\s+(?:from|out of|of)\s+(?:its\s+|their\s+|the\s+)?(?:\d+|[a-z]+)\s+(?:Oscar\s+|Academy Award\s+)?nominations\b"
)


def _films_won(
    ctx: _Context, items: list[tuple[int, int]], films: Sequence[tuple[int, int, Film]], cats: Sequence[str]
) -> None:
    """Each item that opens with a film: the film won ``cats``, or it did not (nominated, or not even that)."""
    for i0, i1 in items:
        item = ctx.text[i0:i1]
        lead = _ITEM_LEAD.match(item)
        at = i0 + (lead.end() if lead else 0)
        inside = [f for f in films if i0 <= f[0] < i1]
        if not inside or inside[0][0] != at or _BEST.search(item) or len({f.id for _, _, f in inside}) != 1:
            continue
        s, e, film = inside[0]
        year = re.match(r"\s*\((?:19|20)\d\d\)", ctx.text[e:i1])
        span = (s, e + year.end() if year else e)
        _category_won(ctx, span, film, _category_rows(ctx.index.oscars_for_film(film.title, film.year), cats), cats)


def _category_won(
    ctx: _Context, span: tuple[int, int], film: Film, in_cat: Sequence[Oscar], cats: Sequence[str]
) -> None:
    """The film's nominations in ``cats``: supported by its win, else contradicted (nominated only, or not at all)."""
    winners = [o for o in in_cat if o.winner]
    if winners:
        ctx.claim(span, "supported", "award", [winners[0].evidence()])
        return
    evidence = [o.evidence() for o in in_cat[:1]] + _winner_evidence(ctx, cats, film.year)
    ctx.claim(span, "contradicted", "award", evidence, _not_won(film, cats[0].rstrip("*").title(), bool(in_cat)))


def _lists(text: str) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    """(header line span, item spans) of every list whose item lines follow a header line ending in ``:``."""
    out: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
    items: list[tuple[int, int]] = []
    last_end = -1
    for m in _LIST_ITEM.finditer(text):
        if items and text[last_end : m.start()].strip() == "":
            items.append(m.span("item"))
        else:
            if items:
                out.append(_with_header(text, items))
            items = [m.span("item")]
        last_end = m.end()
    if items:
        out.append(_with_header(text, items))
    return [(h, i) for h, i in out if h[1] > h[0] and text[h[0] : h[1]].rstrip().endswith(":")]


def _with_header(text: str, items: list[tuple[int, int]]) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    first = text.rfind("\n", 0, items[0][0])
    head_text = text[:first].rstrip() if first > 0 else ""
    h0 = head_text.rfind("\n") + 1
    return (h0, len(head_text)), items


def _read_item(ctx: _Context, text: str, span: tuple[int, int]) -> _ListItem | None:
    item = text[span[0] : span[1]]
    lead, trail = len(item) - len(item.lstrip("*_` ")), len(item) - len(item.rstrip("*_` ."))
    span = (span[0] + lead, span[1] - trail)  # the claim reads "Best Actress** — X", not "**Best Actress** — X"
    plain = re.sub(r"[*_`]", " ", item)
    cats: Sequence[str] | None = None
    person: str | None = None
    for part in _ITEM_PARTS.split(plain.strip(), maxsplit=1):
        part = part.strip()
        head = re.split(r",|\s+for\s+(?!playing)", part)[0]
        found = _list_categories(ctx, head) if cats is None else None
        if found is not None:
            cats = found
            inside = re.search(r"\((?P<p>[^)]+)\)", part)
            if inside and _qualifies_category(ctx, inside.group("p")):
                inside = None  # "Best Director (Comedy Picture)": the category's own words, not a winner
            inside = inside or re.search(r"\s+for\s+(?P<p>[A-Z][^,;]+)", part)
            if inside and person is None:
                names = leading_names(inside.group("p"))
                person = names[0] if names else None
        elif person is None:
            names = leading_names(part)
            person = names[0] if names and not _BEST.match(names[0]) else None
    if cats is None:
        return None
    character = _CHARACTER.search(plain)
    return _ListItem(span, cats, person, character.group("c").strip() if character else None)


def _qualifies_category(ctx: _Context, words: str) -> bool:
    """Words in brackets that a category name carries ("Comedy Picture" of "DIRECTING (Comedy Picture)")."""
    wanted = f"({words.strip().upper()})"
    return any(wanted in c.upper() for c in ctx.index.oscar_categories_known)


def _list_item_claim(ctx: _Context, film: Film, rows: Sequence[Oscar], item: _ListItem) -> None:
    in_cat = _category_rows(rows, item.cats)
    winners = [o for o in in_cat if o.winner]
    if item.person:
        theirs = [o for o in in_cat if nominates(o, item.person)]
        if theirs:
            in_cat, winners = theirs, [o for o in theirs if o.winner]
        elif winners and len(item.person.split()) >= 2:
            ctx.claim(item.span, "contradicted", "award", [winners[0].evidence()], winners[0].quote())
            return
    if not winners:
        _category_won(ctx, item.span, film, in_cat, item.cats)
        return
    won = winners[0]
    if item.character and won.award_class == "Acting" and won.detail:
        said = set(normalize_name(item.character).split())
        # another nominee's part ("Peter Finch — Best Actor, for playing Max Schumacher": William Holden's)
        other = part_of_another(said, rows, [won])
        if other and not plays_part(said, won):
            fix = f"{won.name} played {', '.join(won.detail)}; {other.name} played {', '.join(other.detail)}"
            ctx.claim(item.span, "contradicted", "cast", [won.evidence(), other.evidence()], fix)
            return
    ctx.claim(item.span, "supported", "award", [won.evidence()])


def plays_part(said: set[str], nomination: Oscar) -> bool:
    """An acting nomination's part shares a word with the part said (``said``: its words, normalised)."""
    return any(said & set(normalize_name(d).split()) for d in nomination.detail)


def part_of_another(said: set[str], rows: Sequence[Oscar], skip: Sequence[Oscar]) -> Oscar | None:
    """The nomination outside ``skip`` whose part holds every word of the part said: whose part it really is."""
    return next(
        (o for o in rows if o not in skip and any(said <= set(normalize_name(d).split()) for d in o.detail)), None
    )


_EMMY_CATEGORY = re.compile(
    r"\b(?:Outstanding\s+)?(?P<cat>(?:Lead|Supporting|Guest)\s+(?:Actor|Actress)(?:\s+in\s+an?\s+(?:Drama|Comedy)"
    r"(?:\s+Series)?)?|(?:Drama|Comedy)\s+Series)\b"
)
_EMMY_NEGATIVE = re.compile(
    r"(?i:nominat|did(?:n't| not) win|never won|without winning|\bsnub)|\blost\b"
)  # not "Lost", the series
_EMMY_WON = re.compile(r"\b(?:won|wins|took(?: home)?|picked up|earned|collected|received)\b")


def check_emmy_statements(ctx: _Context, start: int, end: int) -> None:
    """Emmy wins said without "the Emmy for" (``"Willis won Outstanding Guest Actor in 2000"``), and the lines
    of a list of wins (``"- Jonathan Banks (Mike Ehrmantraut): Supporting Actor in 2013"`` under "Acting wins:").

    The subject is the name right before "won" (or, in a list line, the name that starts it; a person or a
    programme); the category is read as a prefix of the data's ("Guest Actress" is "Outstanding Guest Actress in a
    Comedy Series"); each year said must be a winning year. Statements about nominations or losses are left alone.
    """
    if not re.search(r"\bEmmys?\b", ctx.prompt + " " + ctx.text):
        return
    sentence = ctx.text[start:end]
    if _EMMY.search(sentence):
        return
    listed = _under_wins_header(ctx.text, start) or _label_line_asked_win(ctx, start)
    previous = 0
    for cat in _EMMY_CATEGORY.finditer(sentence):
        tail = sentence[cat.end() :]
        if _EMMY_NEGATIVE.search(sentence[previous : cat.end() + _year_tail(tail)]):
            previous = cat.end()  # "was nominated for Lead Actor": a nomination, not a win; its own clause only
            continue
        verbs = list(_EMMY_WON.finditer(sentence, previous, cat.start()))
        if verbs:
            before = re.sub(r"[*_`]", "", sentence[previous : verbs[-1].start()])
            named = re.search(r"((?:[A-Z][\w'’.&-]*\s+){0,3}[A-Z][\w'’.&-]*)\s*(?:also\s+)?$", before.rstrip())
            name = named.group(1) if named else None
            performer = _PERFORMANCE_IN.search(before[: named.start(1)]) if named else None
            if performer:  # "John Mahoney's performance in Frasier earned ...": his nomination, not the series'
                name = performer.group("name")
        elif listed and previous == 0:
            plain = re.sub(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+|[*_`]", "", sentence[: cat.start()])
            name = next(iter(leading_names(plain)), None)
        else:
            name = None
        previous = cat.end()
        if name is None or name.split()[0] in _PRONOUNS:
            continue
        _emmy_claim(ctx, start, sentence, name, cat)


def _emmy_claim(ctx: _Context, start: int, sentence: str, name: str, cat: re.Match[str]) -> None:
    wanted = normalize_name(cat.group("cat"))
    # the category's head: "Drama Series" is Outstanding Drama Series, not "... Supporting Actor in a Drama Series"
    rows = [
        e
        for e in ctx.index.emmys_for(name)
        if re.match(rf"(?:outstanding )?{re.escape(wanted)}\b", normalize_name(e.category))
    ]
    if not rows:
        return
    tail = sentence[cat.end() :]
    tail = tail[: _year_tail(tail)]
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", tail)]
    winners = [e for e in rows if e.winner]
    won_years = sorted({e.year for e in winners})
    first = sentence.rfind(name.split()[0], 0, cat.start())
    span = (start + first, start + cat.end() + len(tail))
    fix = f"won in {', '.join(map(str, won_years))}" if won_years else "nominated, never won"
    wrong = [y for y in years if y not in won_years]
    stated = _stated_times(tail)
    if not winners or wrong or stated is not None and not years and stated != len(won_years):
        bad = [e for e in rows if e.year in wrong] or rows
        ctx.claim(span, "contradicted", "award", [bad[0].evidence()], fix)
        return
    ctx.claim(span, "supported", "award", [w.evidence() for w in winners if not years or w.year in years][:1])


def _year_tail(tail: str) -> int:
    """How far a category's years and counts run: " four times - 2008, 2009, 2010 and 2014", " twice: 2013, 2014",
    " four times for Tyrion Lannister: in 2011, 2015, 2018 and 2019", " for Gene Cousineau in 2018 and again in
    2019", " for the title role in both 2018 and 2019"."""
    m = re.match(
        r"(?:\s*(?:,|:|-|–|—|in|and|again|both|\d{4}|\d{1,2}|times|twice|\w+ times|\(|\)|for the title role"
        r"|(?:for (?:playing )?|as )[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*))*",  # "for Tyrion Lannister: in 2011"
        tail,
    )
    run = m.group() if m else ""
    return len(re.sub(r"(?:\s|,|:|-|–|—|\(|\.|\band|\bin)*$", "", run))


def _stated_times(tail: str) -> int | None:
    m = re.match(r"\s*(?P<n>\w+) times\b|\s*(?P<t>twice)\b", tail)
    if m is None:
        return None
    if m.group("t"):
        return 2
    raw = m.group("n").lower()
    return int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)


_LABEL_LINE = re.compile(
    r"\s*(?:[-*•]\s+)?[A-Z][^—–:\n]{2,80}?\s+[—–]\s+(?:Outstanding\s+)?(?:Lead|Supporting|Guest)\b"
)


def _label_line_asked_win(ctx: _Context, pos: int) -> bool:
    """``pos`` opens a line "Name (Part) — Category ..." and the prompt asks who won: the line names a win."""
    line_start = ctx.text.rfind("\n", 0, pos) + 1
    line = ctx.text[line_start : ctx.text.find("\n", pos) if "\n" in ctx.text[pos:] else len(ctx.text)]
    return bool(re.search(r"\bw(?:o|i)n(?:s|ner|ners)?\b", ctx.prompt, re.IGNORECASE) and _LABEL_LINE.match(line))


_HEADING = re.compile(r"\s*(?:#{1,6}\s+\S|\*\*[^*\n]+\*\*\s*$)")  # a markdown heading, or a line that is all bold


def _under_wins_header(text: str, pos: int) -> bool:
    """``pos`` is in a list line whose list starts under a header line about wins ("Acting wins:")."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not re.match(r"\s*(?:[-*•]|\d{1,2}[.)])\s", text[line_start:]):
        return False
    lines = text[:line_start].rstrip("\n").split("\n")
    for line in reversed(lines):
        if not line.strip() or re.match(r"\s*(?:[-*•]|\d{1,2}[.)])\s", line):
            continue
        header = line.rstrip().endswith(":") or _HEADING.match(line)  # "Acting wins:", "### Acting wins"
        return bool(header) and bool(_WIN_HEADER.search(line)) and not _EMMY_NEGATIVE.search(line)
    return False


# "Other guest nominations included Tom Selleck (Dr. Richard Burke, 2000), Gary Oldman and Susan Sarandon (2001)":
# one or two names, then a bracket that holds a year (and maybe the part)
_NOMINEE_ITEM = re.compile(
    r"(?P<names>(?:[A-Z][\w'’.-]+ ){1,3}[A-Z][\w'’-]+(?: and (?:[A-Z][\w'’.-]+ ){1,3}[A-Z][\w'’-]+)?)"
    r" \((?P<inside>[^()]{0,60}?\b(?P<year>(?:19|20)\d\d)\b[^()]{0,60}?)\)"
)
_NOMINATIONS = re.compile(r"\bnomin(?:at\w*|ees?)\b", re.IGNORECASE)


def check_emmy_nominee_lists(ctx: _Context, start: int, end: int) -> None:
    """People listed as Emmy nominees with a year in brackets, for a programme the prompt or the response names.

    Supported when the person has a nomination for that programme in that year (as that part, when the bracket
    names one); contradicted when the person has nominations for the programme but none that year. A person the
    data has no nomination for is left alone (a name the data writes otherwise)."""
    sentence = ctx.text[start:end]
    if not (_NOMINATIONS.search(sentence) and re.search(r"\bEmmys?\b", ctx.prompt + " " + ctx.text)):
        return
    if re.search(r"\b(?:Oscars?|Academy Awards?|Golden Globes?|BAFTAs?)\b", sentence):
        return
    about = f" {normalize_title(ctx.prompt + ' ' + ctx.text)} "
    for m in _NOMINEE_ITEM.finditer(sentence):
        year = int(m.group("year"))
        part = re.search(r"\bas ([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*)", m.group("inside"))
        names = [n.strip() for n in m.group("names").split(" and ")]
        for name in names:
            name = re.sub(r"^(?:Other|Also|And|But|Nominees?|Included|Including)\s+", "", name)
            if len(name.split()) < 2:
                continue
            rows = [
                e
                for e in ctx.index.emmys_for(name)
                if f" {normalize_title(e.nominee)} " in about and not same_person(name, e.nominee)
            ]  # the programme named, not a category whose nominee is the person
            if not rows:
                continue
            that_year = [e for e in rows if e.year == year]
            if part is not None:
                that_year = [e for e in that_year if any(_same_part(part.group(1), c.character) for c in e.credits)]
            s0 = start + m.start("names") + m.group("names").find(name)
            span = (s0, start + m.end()) if len(names) == 1 or name == names[-1] else (s0, s0 + len(name))
            if that_year:
                ctx.claim(span, "supported", "award", [that_year[0].evidence()])
            elif part is None or not [e for e in rows if e.year == year]:
                years = ", ".join(str(y) for y in sorted({e.year for e in rows}))
                ctx.claim(span, "contradicted", "award", [rows[0].evidence()], f"nominated in {years}")


def _same_part(said: str, credited: str) -> bool:
    """ "David" and "David", "Richard Burke" and "Dr. Richard Burke": the words said are the credit's words."""
    a, b = set(normalize_name(said).split()), set(normalize_name(credited).split())
    return bool(a) and a <= b
