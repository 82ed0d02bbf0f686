"""Exact checks of comic characters' first appearances: "Wolverine first appeared in October 1974".

The comic tables (FiveThirtyEight's Marvel and DC wiki data, ``ComicCharacter``) give each character's first
appearance as a month and a year. A line of a response is read when the response is about comics (the prompt or
the response says "comic", "Marvel", "DC" or "X-Men"), a first-appearance cue is in the line, the prompt or the
table's header ("first appeared", "debut", "introduced", "First appearance"), the line says one year (a month with
it, before or after: "**1968** — Poison Ivy (Pamela Isley), June.") and names a character that resolves to one
record. Several characters share the date only as a plain list with no date inside it ("The Joker and Catwoman
(Selina Kyle), both in June"); a date between two characters, or any film or screen word, leaves the line alone.

A name resolves when its record is a main character: a name written "Alias (Real Name)" is looked up by the real
name and then the alias; among the records of a name, variants ("Storm (North Korean Mutate) (Earth-616)") are set
aside, the publisher the response names is kept, and the one left is the name's only record, or the only one with
at least ``MIN_APPEARANCES`` (a character a reader would ask about, not a namesake). The claim is contradicted when
the year differs from the record's (with the KB's corrections applied), or the year agrees and the month does not.
"""

from __future__ import annotations

import re

from agent.factcheck.context import _Context, _sentences, table_header
from agent.factcheck.credits import MONTHS
from agent.kb.sources import ComicCharacter

MIN_APPEARANCES = 50
# DC's wiki data gives the "New Earth" continuity's first appearance, which for a character older than Crisis on
# Infinite Earths is often its reintroduction in the reboot years (Superman: October 1986, James Gordon: February
# 1987; they debuted in 1938 and 1939): those years hold more than twice the records of the years around them. A DC
# record dated in them is only an upper bound: a later year said is contradicted, the same or an earlier one is
# left alone (neither confirmed nor contradicted).
DC_REBOOT = range(1986, 1989)
_MONTH = rf"(?:{'|'.join(m.capitalize() for m in MONTHS)})"
_YEAR = re.compile(r"(?<![\w$.,-])((?:19[3-9]|20[01])\d)(?![\w%-]|,\d)")
_MONTH_WORD = re.compile(rf"\b{_MONTH}\b")
_COMICS = re.compile(r"\b(?:[Cc]omics?|Marvel|DC|X-Men)\b")
_CUE = re.compile(
    r"\b(?:first (?:appear\w*|showed up|turned up|came)|debut\w*|introduc\w*|came along|turned up|showed up|"
    r"first appearance)",
    re.IGNORECASE,
)
# a film, a screen or an actor: another kind of first appearance
_SCREEN = re.compile(
    r"\b(?:film|movie|screen|series|show|episode|TV|television|played|plays|portray\w*|actor|actress|cast|season|"
    r"animated|cartoon|game)s?\b",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"(?P<alias>[A-Z][\w'’.-]*(?:\s+(?:(?:al|of|the|von|van|du|de|da|del|di|la|le|bin)\s+)?[A-Z][\w'’.-]*){0,3})"
    r"(?:\s*\((?P<real>[A-Z][^()]{1,40})\))?"
)
# words capitalised at a sentence's start that are also characters' names ("In", "It")
_NOT_A_NAME = frozenset(
    "in on at by as of to for from with after before during the a an it he she they this that these those his her "
    "its their and but or so yes no here there".split()
)
_LIST_GAP = re.compile(r"^(?:\s*(?:,|and|&)\s*)*$")


def check_comics(ctx: _Context) -> None:
    """Claims on the first appearances a response states (see the module docstring)."""
    about = f"{ctx.prompt}\n{ctx.text}"
    if not _COMICS.search(about):
        return
    publisher = _publisher(about)
    prompt_cue = bool(_CUE.search(ctx.prompt))
    for start, end in _sentences(ctx.text):
        for line_start, line in _lines(ctx.text, start, end):
            header = table_header(ctx.text, line_start)
            header_cue = header is not None and bool(_CUE.search(header))
            if not (prompt_cue or header_cue or _CUE.search(line)) or _SCREEN.search(line):
                continue
            _check_line(ctx, line_start, line, publisher)


def _lines(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The lines of a sentence (a table's rows are one line each)."""
    out, pos = [], start
    for part in text[start:end].split("\n"):
        if part.strip():
            out.append((pos, part))
        pos += len(part) + 1
    return out


def _publisher(text: str) -> str | None:
    marvel = bool(re.search(r"\b(?:Marvel|X-Men|Avengers)\b", text))
    dc = bool(re.search(r"\b(?:DC|Batman|Superman|Gotham)\b", text))
    return "marvel" if marvel and not dc else "dc" if dc and not marvel else None


def _check_line(ctx: _Context, line_start: int, line: str, publisher: str | None) -> None:
    years = list(_YEAR.finditer(line))
    months = list(_MONTH_WORD.finditer(line))
    if len({y.group(1) for y in years}) != 1 or len({m.group().lower() for m in months}) > 1:
        return
    month = months[0].group().lower() if months else None
    found: list[tuple[int, int, ComicCharacter]] = []
    for m in _NAME.finditer(line):
        if any(
            m.start() < e and s < m.end()
            for s, e in [(y.start(), y.end()) for y in years] + [(mo.start(), mo.end()) for mo in months]
        ):
            continue  # a date, not a name: "March" is also a character
        char = _resolve(ctx, m.group("alias"), m.group("real"), publisher)
        if char is not None:
            found.append((m.start(), m.end(), char))
    if not found:
        return
    dates = [(y.start(), y.end()) for y in years] + [(mo.start(), mo.end()) for mo in months]
    if len(found) > 1:  # a plain list of characters, no date inside it: "The Joker and Catwoman, both in June"
        first, last = found[0][0], found[-1][1]
        if any(first < d < last for d, _ in dates) or any(
            not _LIST_GAP.match(line[a[1] : b[0]]) for a, b in zip(found, found[1:], strict=False)
        ):
            return
    stated_year = int(years[0].group(1))
    for s, e, char in found:
        lo = min(s, *(d for d, _ in dates)) if len(found) == 1 else s
        _claim(ctx, (line_start + lo, line_start + max(e, *(d for _, d in dates))), char, stated_year, month)


def _resolve(ctx: _Context, alias: str, real: str | None, publisher: str | None) -> ComicCharacter | None:
    alias = re.sub(r"^(?:The|A)\s+", "", alias.strip())
    if alias.lower() in _NOT_A_NAME:
        return None
    if real:
        whole = _one(ctx, f"{alias} ({real.strip()})", publisher)  # the wiki's own "Wonder Woman (Diana Prince)"
        if whole is not None:
            return whole
    by_alias = _one(ctx, alias, publisher)
    if real is None:
        return by_alias
    if len(real.split()) == 1:  # "Wolverine (Logan)": a descriptor or a first name, read only inside the alias's record
        return by_alias if by_alias is not None and real.lower() in by_alias.name.lower() else None
    by_real = _one(ctx, real.strip(), publisher)
    if by_alias is not None and by_real is not None and by_alias.id != by_real.id:
        return None  # two names, two characters: say nothing
    return by_real or by_alias


def _one(ctx: _Context, name: str, publisher: str | None) -> ComicCharacter | None:
    """The one main character a name means: its only record, or the only one with ``MIN_APPEARANCES``."""
    rows = [
        c
        for c in ctx.index.comic_characters(name)
        if (publisher is None or c.publisher == publisher) and c.name.count("(") <= 1
    ]
    if len({c.publisher for c in rows}) > 1:
        return None
    if len(rows) == 1:
        return rows[0]
    big = [c for c in rows if (c.appearances or 0) >= MIN_APPEARANCES]
    return big[0] if len(big) == 1 else None


def _record_month(char: ComicCharacter) -> str | None:
    if any(fix.field == "year" for fix in char.corrections):
        return None  # the source's date was wrong; only the corrected year is known
    m = re.search(r"[A-Za-z]{3,}", char.first_appearance)
    if m is None:
        return None
    word = m.group().lower()
    return next((full for full in MONTHS if full.startswith(word[:3])), None)


def _claim(ctx: _Context, span: tuple[int, int], char: ComicCharacter, year: int, month: str | None) -> None:
    actual = char.first_year
    if actual is None:
        return
    if char.publisher == "dc" and actual in DC_REBOOT and year <= actual:
        return  # the record may give the post-Crisis reintroduction, not the debut (Superman's is October 1986)
    actual_month = _record_month(char)
    wrong = year != actual or (month is not None and actual_month is not None and month != actual_month)
    fix = f"{(actual_month or '').capitalize()} {actual}".strip()
    ctx.claim(span, "contradicted" if wrong else "supported", "comic", [char.evidence()], f"first appeared {fix}")
