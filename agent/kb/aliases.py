"""Normalisation of titles and names for exact matching, and the alias variants of a title.

Both sides of a comparison go through the same folding, so ``"Star Wars: Episode IV – A New Hope"``, ``"star wars
episode 4 a new hope"`` and ``"STAR WARS — EPISODE IV: A NEW HOPE"`` meet at one key. Folding: Unicode accents
dropped (``Amélie`` -> ``amelie``), case folded, ``&`` read as ``and``, apostrophes dropped inside words
(``Philosopher's`` -> ``philosophers``), any other punctuation a word break, Roman numerals II-XX read as numbers,
runs of initials joined (``D. B. Weiss`` == ``D.B. Weiss``), and for titles one leading article dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Final, Literal

AliasKind = Literal["title", "variant", "subtitle"]

ARTICLES: Final = frozenset({"the", "a", "an"})
_ROMAN: Final = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
    "xi": "11",
    "xii": "12",
    "xiii": "13",
    "xiv": "14",
    "xv": "15",
    "xvi": "16",
    "xvii": "17",
    "xviii": "18",
    "xix": "19",
    "xx": "20",
}
# Market titles that differ by a phrase (UK/US); applied to both titles and text, so either side matches.
_MARKET_PHRASES: Final = (("sorcerers stone", "philosophers stone"),)

_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`](?=\w)")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Separators between a franchise title and its subtitle: "Star Wars: X", "Star Wars – X", "Rogue One - X".
_SUBTITLE_SPLIT = re.compile(r"\s*(?::|\s[–—-]\s)\s*")

# Single words that are also everyday English: a one-word title made of these is only matched when quoted.
COMMON_WORDS: Final = frozenset(
    """a an the and or of in on at to for with by from up down out over under it he she they we you i me him her
    them us his its our their this that these those is was are were be been being have has had do does did will
    would can could should may might must shall not no yes all any some more most other such only own same so than
    too very just now then here there when where why how what which who whom whose if because as until while
    about against between into through during before after above below again further once both each few many
    much every also back still even new old good bad best first last next one two three four five ten home love
    life time man men woman women girl girls boy boys day days night nights year world war family house money
    friends friend people game games show film movie series season episode part story city king queen star stars
    light dark fire water gold blue black white red green death dead live alive big little great young always never
    again today tomorrow yesterday help run go stop wait away ever forever nothing everything something anything
    someone everyone fury heat speed frozen cars signs split glass""".split()
)


def fold(text: str) -> str:
    """Accents off, case folded, ``&`` -> ``and``, apostrophes inside words dropped."""
    if text.isascii():
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOSTROPHE.sub("", stripped.replace("&", " and ")).casefold()


def norm_token(token: str) -> str:
    """One word, folded; Roman numerals II-XX become digits."""
    folded = fold(token)
    return _ROMAN.get(folded, folded)


def tokens(text: str) -> list[str]:
    """The folded word tokens of ``text`` (initials joined: ``d b weiss`` -> ``db weiss``)."""
    out: list[str] = []
    run = ""
    for match in _TOKEN.finditer(fold(text)):
        tok = _ROMAN.get(match.group(), match.group())
        if len(tok) == 1 and tok.isalpha():
            run += tok
            continue
        if run:
            out.append(run)
            run = ""
        out.append(tok)
    if run:
        out.append(run)
    return out


def _market(key: str) -> str:
    for variant, canonical in _MARKET_PHRASES:
        if variant in key:
            key = key.replace(variant, canonical)
    return key


def normalize_title(text: str) -> str:
    """The match key of a title: folded tokens, one leading article dropped, UK/US phrases unified."""
    toks = [_ROMAN.get(m.group(), m.group()) for m in _TOKEN.finditer(fold(text))]
    if len(toks) > 1 and toks[0] in ARTICLES:
        toks = toks[1:]
    return _market(" ".join(toks))


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The match key of a person's or character's name (initials joined, no article handling)."""
    return " ".join(tokens(text))


def title_aliases(title: str) -> Iterator[tuple[str, AliasKind]]:
    """The keys a title is known by: the full title, and its subtitle after ``:`` or a dash.

    ``"Star Wars: Episode IV – A New Hope"`` yields the full key, ``"episode 4 a new hope"`` and ``"new hope"``.
    Subtitles are yielded with kind ``"subtitle"``; callers decide how much to trust them (a one-word subtitle,
    like ``Impossible`` of ``Mission: Impossible``, should not stand alone).
    """
    full = normalize_title(title)
    if full:
        yield full, "title"
    parts = _SUBTITLE_SPLIT.split(title)
    seen = {full}
    for i in range(1, len(parts)):
        key = normalize_title(" ".join(parts[i:]))
        if key and key not in seen:
            seen.add(key)
            yield key, "subtitle"


def is_weak_key(key: str) -> bool:
    """True when a title key is too short or too common to match unquoted (``"up"``, ``"home"``, ``"it"``)."""
    parts = key.split()
    if not parts:
        return True
    if len(parts) == 1:
        return len(parts[0]) < 4 or parts[0] in COMMON_WORDS or parts[0].isdigit()
    return all(p in COMMON_WORDS or p.isdigit() for p in parts)
