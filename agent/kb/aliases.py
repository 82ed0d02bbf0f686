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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
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
    someone everyone fury heat speed frozen cars signs split glass oscar oscars emmy emmys academy award awards
    golden globe globes hollywood broadway disney pixar marvel netflix hbo netflix hulu amazon prime season finale
    pilot premiere sequel prequel trilogy saga""".split()
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


@lru_cache(maxsize=262144)
def normalize_title(text: str) -> str:
    """The match key of a title: folded tokens, one leading article dropped, UK/US phrases unified."""
    toks = _TOKEN.findall(fold(text))
    if _ROMAN.keys() & set(toks):
        toks = [_ROMAN.get(t, t) for t in toks]
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
    if len(parts) == 2 and parts[0].isalpha() and parts[1] in _SEQUEL_NUMBERS:
        return False  # "Cars 3", "Frozen 2": a sequel's number makes an everyday word a title
    return all(p in COMMON_WORDS or p.isdigit() for p in parts)


_SEQUEL_NUMBERS: Final = frozenset("2 3 4 5 6 7 8 9 ii iii iv v vi".split())


_PARTICLES: Final = frozenset({"de", "van", "von", "der", "la", "le", "da", "di", "del", "du", "dos"})
_SUFFIXES: Final = frozenset({"Jr.", "Sr.", "St.", "Jr", "Sr"})
_ABBREVIATIONS: Final = frozenset({"Dr", "Mr", "Ms", "Mt", "St", "Lt", "Co", "Jr", "Sr", "No", "Vs", "Ft"})


def leading_names(text: str) -> list[str]:
    """Names at the start of ``text``: capitalised words joined by ``,``/``and``/``&``, up to the first other word.

    ``"David Nutter, and both episodes were"`` -> ``["David Nutter"]``; ``"Jay Kogen and Wallace Wolodarsky."`` ->
    both names; ``"the Wachowskis"`` -> ``[]`` (starts with a lower-case word).
    """
    names: list[str] = []
    current: list[str] = []
    for raw in re.split(r"(\s+|,)", text):
        word = raw.strip()
        if not word:
            continue
        if word in {",", "and", "&"}:
            if current:
                names.append(" ".join(current))
                current = []
            continue
        if not (word[0].isupper() or word in _PARTICLES):
            break
        stem = word.rstrip(".")
        # "Frank Oz. The film ...", "Bong Joon Ho. It won ...": a two-letter surname ends the sentence too
        short_name = len(stem) == 2 and stem[1].islower() and stem not in _ABBREVIATIONS
        ends_sentence = word.endswith(".") and (len(stem) > 2 or short_name) and word not in _SUFFIXES
        current.append(word.rstrip(".") if ends_sentence else word)
        if ends_sentence or word[-1] in "!?;:":
            break
    if current:
        names.append(" ".join(current))
    return [n.strip(" ;:!?") for n in names if len(n) > 3]


def same_person(claimed: str, actual: str) -> bool:
    """Whether a name as written (``"Demme"``, ``"D.B. Weiss"``) can be the credited ``actual`` name."""
    a, b = normalize_name(claimed).split(), normalize_name(actual).split()
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == 1:
        return a[0] in (b[0], b[-1])
    return a[-1] == b[-1] and (a[0] == b[0] or a[0][0] == b[0][0])


# ------------------------------------------------------------------------------------------------------------
# Finding titles in running text

_POSSESSIVE = re.compile(r"\w['’ʼ]s$")
# What a film has, after a possessive title ("Gravity's director"); "Chaplin's wife" names a person, not the film.
_FILM_PART = re.compile(
    r"\s+(?:(?:original|first|main|lead|leading|theatrical|opening|final|official) )?(?:director|directors|cast|plot|"
    r"ending|sequel|prequel|screenplay|script|score|soundtrack|budget|release|premiere|box[- ]office|running time|"
    r"runtime|story|storyline|protagonist|villain|characters|setting|cinematography|production|reception)\b"
)
_TEXT_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*|&")
_QUOTES = "\"“”'‘’*_«»"
_ACRONYM = re.compile(r"[A-Z]{3,}")
_SMALL = frozenset(
    {"of", "the", "a", "an", "and", "in", "on", "at", "to", "for", "with", "from", "by", "v", "vs", "or"}
)
# Lowercase words a known title may hold inside it ("Wings over Honolulu", "Journey into Fear", "Maid o' the Storm",
# "Guillermo del Toro's Pinocchio"): the whole phrase must still be a title key.
_TITLE_SMALL = _SMALL | frozenset(
    "over into under upon through about across against among around beyond between behind near onto toward towards "
    "without within off out up down o' de del la le da di du von van der des y".split()
)
MAX_TITLE_TOKENS: Final = 16
_NOUNS_AFTER_ADJECTIVE: Final = frozenset(
    """series film films movie movies show shows actor actress actors director directors writer writers producer
    singer band comedy drama television tv government city company author novel novels version edition remake cast
    crew award awards premiere people team league army war documentary animation animated studio studios network
    channel language national musician artist poet player players model politician composer rapper comedian
    character characters franchise sitcom miniseries anthology broadcaster production productions""".split()
)


@dataclass(frozen=True)
class TextMention:
    """A span of text whose folded words are a known title key."""

    start: int
    end: int
    key: str
    quoted: bool
    year: int | None  # a "(1999)" written right after the title


def key_of_tokens(toks: Sequence[str]) -> str:
    """The title key of already-folded tokens (leading article dropped, UK/US phrases unified)."""
    if len(toks) > 1 and toks[0] in ARTICLES:
        toks = toks[1:]
    return _market(" ".join(toks))


def find_titles(text: str, is_key: Callable[[str], bool]) -> list[TextMention]:
    """Known titles in ``text``, longest match first, left to right, without overlaps.

    A match must look like a title where it stands: quoted, or capitalised (every word but small ones like "of"),
    not part of a longer capitalised name ("Elijah Wood", "Cries and Whispers"), and a short or everyday title
    (``"Up"``, ``"Home"``) only counts when quoted, followed by ``(YYYY)``, or written as an all-capitals acronym of
    three or more letters (``"JFK"``, ``"LBJ"``: "jfk" is a short key, but nobody writes an everyday word that way).
    """
    spans = [(m.start(), m.end(), norm_token(m.group()).strip() or m.group()) for m in _TEXT_TOKEN.finditer(text)]
    toks = [t for _, _, t in spans]
    out: list[TextMention] = []
    i = 0
    while i < len(spans):
        found = None
        for j in range(min(len(spans), i + MAX_TITLE_TOKENS), i, -1):
            key, cut = key_of_tokens(toks[i:j]), 0
            if not (key and is_key(key)):
                last = text[spans[j - 1][0] : spans[j - 1][1]]
                if _POSSESSIVE.search(last) and _FILM_PART.match(text, spans[j - 1][1]):
                    key, cut = key_of_tokens([*toks[i : j - 1], norm_token(last[:-2])]), 2  # "Gravity's director"
            if key and is_key(key):
                prev_end = out[-1].end if out else -1
                mention = _accept(text, spans[i][0], spans[j - 1][1] - cut, key, is_key, prev_end)
                if mention is not None:
                    found = (j, mention)
                    break
        if found is None:
            i += 1
            continue
        i, mention = found
        out.append(mention)
    return out


def _accept(
    text: str, start: int, end: int, key: str, is_key: Callable[[str], bool], prev_end: int
) -> TextMention | None:
    quoted = start > 0 and text[start - 1] in _QUOTES and end < len(text) and text[end] in _QUOTES
    year_match = re.match(r"\.?\s*\((\d{4})\)", text[end : end + 9])
    year = int(year_match.group(1)) if year_match else None
    words = text[start:end].split()
    if words and words[0].lower() in ARTICLES and len(words) > 1:
        words = words[1:]
    capitalised = all(
        w[0].isupper() or w[0].isdigit() or w.lower().strip(".,:;") in _TITLE_SMALL for w in words if w[0].isalnum()
    )
    if not (quoted or (capitalised and words and (words[0][0].isupper() or words[0][0].isdigit()))):
        return None
    if not quoted:
        if year is None and is_weak_key(key) and not _ACRONYM.fullmatch(text[start:end]):
            return None
        if _inside_longer_name(text, start, end, year is not None, is_key, prev_end):
            return None
        if year is None and " " not in key and _adjective_use(text, start, end):
            return None
    return TextMention(start=start, end=end, key=key, quoted=quoted, year=year)


_ROLE_IN = re.compile(
    r"\b(?:co-)?(?:starred|stars|starring|appeared|appears|cast) in (?:the (?:\d{4} )?(?:film|movie) )?$"
)
# Words capitalised only because they open a sentence: a preposition ("In Iron Man 2, ..."), or a question's or a
# request's first word ("Did Jaws win any Oscars?", "Was Heat a hit?", "Name the stars of Alien").
_OPENERS = frozenset(
    {"in", "on", "for", "from", "with", "after", "before", "during", "unlike", "like", "since"}
    | {"did", "does", "do", "is", "was", "were", "are", "has", "have", "had", "who", "whom", "what", "which", "when"}
    | {"where", "why", "how", "name", "list", "rank", "compare"}  # not "Will": Will Smith
)


def _inside_longer_name(
    text: str, start: int, end: int, has_year: bool, is_key: Callable[[str], bool], prev_end: int
) -> bool:
    """Part of a longer capitalised name: "Elijah Wood", "Human Development Report (2020)", "My Life" of "My Life
    as a Dog", "Whispers" of "Cries and Whispers". A list of known titles ("Ratatouille and WALL-E") is not."""
    window = text[max(0, start - 40) : start]
    before = re.search(r"(\S+)[ \t]+$", window)
    prev = before.group(1) if before else ""
    opener = prev.lower() in _OPENERS and re.search(r"(?:^|[.!?:]\s+|\n\s*)\S+[ \t]+$", window)
    if prev and prev[0].isupper() and prev[-1].isalnum() and not re.search(r"['’]s$", prev) and not opener:
        return True  # "In Iron Man 2, ...", "Did Jaws ...": the opener is capitalised for the sentence, not a name
    if has_year:
        return False
    after = re.match(r"[ \t]+(\S+)", text[end : end + 40])
    if after and after.group(1)[0].isupper() and text[end - 1].isalnum() and after.group(1).lower() not in _SMALL:
        return True
    joined = re.match(
        r"[ \t]+(?P<w>as|of|and|or|in|on|at|to|for|from|with)[ \t]+"
        r"(?P<rest>(?:(?:a|an|the)[ \t]+)?[A-Z][^,.;:()\n]{0,60})",
        text[end : end + 80],
    )
    if joined and joined.group("w") == "as" and _ROLE_IN.search(window):
        joined = None  # "Carrie Fisher starred in Star Wars: The Force Awakens as Leia": "as" names the role
    if joined and (joined.group("w") not in ("and", "or") or not _starts_with_title(joined.group("rest"), is_key)):
        return True
    left = re.search(r"[A-Z][\w'’]*([ \t]+(?:and|of|the|or)[ \t]+)$", window)
    return bool(left) and prev_end != start - len(left.group(1)) if left else False


def _starts_with_title(text: str, is_key: Callable[[str], bool]) -> bool:
    toks = tokens(text)[:MAX_TITLE_TOKENS]
    keys = (key_of_tokens(toks[:n]) for n in range(len(toks), 0, -1))
    return any(is_key(k) and not is_weak_key(k) for k in keys)


def _adjective_use(text: str, start: int, end: int) -> bool:
    """A one-word title used as a word: "a Canadian film", "2013 Canadian", "Oscar-nominated", "the Canadian
    2012-2014 series", the start of "Beyond the Gates"."""
    before = re.search(r"(\S+)[ \t]+$", text[max(0, start - 40) : start])
    prev = before.group(1) if before else ""
    if prev.lower() in ARTICLES or prev.isdigit() or text[end : end + 1] == "-" or text[start - 1 : start] == "-":
        return True
    after = re.match(r"[ \t]+(\S+)", text[end : end + 40])
    nxt = after.group(1).lower().strip(".,;:") if after else ""
    return nxt[:1].isdigit() or nxt in _NOUNS_AFTER_ADJECTIVE
