"""Measuring response text the way a careful human reader would: words, sentences, list items, years, seasons.

Counts come back as ranges where human conventions differ (is "Spider-Man" one word or two?), so that callers
can decide only when the whole range agrees. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "NUMBER",
    "ListShape",
    "list_shape",
    "paragraph_count",
    "parse_number",
    "release_years",
    "season_mentions",
    "sentence_count_range",
    "strip_markdown",
    "word_count_range",
]

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(_TENS)
_SMALL = rf"(?:(?:{_TENS_RE})(?:[\s-](?:{_UNIT_RE}))?|{_UNIT_RE})"
NUMBER = rf"(?:\d{{1,4}}|a\s+dozen|dozen|(?:a|one|two|three|four|five)\s+hundred(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL})"
"""Regex (no groups) for a count written in digits or English words: "5", "five", "twenty-five", "a hundred"."""


def parse_number(text: str) -> int | None:
    """The value of a number written in digits or words ("12", "twelve", "twenty-five", "two hundred"), else None."""
    t = " ".join(text.lower().replace("-", " ").split())
    if t.isdigit():
        return int(t)
    if t in ("dozen", "a dozen"):
        return 12
    total = 0
    words = [w for w in t.split() if w != "and"]
    if words and words[0] == "a":
        words[0] = "one"
    for w in words:
        if w in _UNITS:
            total += _UNITS[w]
        elif w in _TENS:
            total += _TENS[w]
        elif w == "hundred":
            total = max(total, 1) * 100
        else:
            return None
    return total if words else None


# --------------------------------------------------------------------------------------------------------------
# Words, sentences, paragraphs

_LIST_MARKER = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+)?(?:[-*+•●▪][ \t]+|\d{1,3}[.)][ \t]+)", re.M)
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)
_ALNUM = re.compile(r"[^\W_]", re.U)


def strip_markdown(text: str) -> str:
    """The text a reader sees: list markers, heading hashes, emphasis, table pipes and link targets removed."""
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    t = _TABLE_RULE.sub("", t)
    t = _LIST_MARKER.sub("", t)
    t = _HEADING.sub("", t)
    t = re.sub(r"(\*\*|__|\*|`)", "", t)
    return t.replace("|", " ")


def word_count_range(text: str) -> tuple[int, int]:
    """Words as a human counts them, as (low, high).

    Low counts whitespace-separated tokens that contain a letter or digit (hyphenated words, "and/or" and
    "word—word" are one word, as word processors count them); high also splits on hyphens, dashes and slashes.
    Markdown syntax and bare punctuation ("—", "&") are not words.
    """
    tokens = [t for t in strip_markdown(text).split() if _ALNUM.search(t)]
    high = sum(len([p for p in re.split(r"[-–—/]", t) if _ALNUM.search(p)]) for t in tokens)
    return len(tokens), max(high, len(tokens))


# a period after these never ends a sentence; after the "maybe" ones it may ("... Monsters, Inc. It was ...")
_NEVER_END = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Gen|Lt|Col|Sgt|Capt|vs|approx|e\.g|i\.e|[A-Z]))\.$")
_MAYBE_END = re.compile(r"\b(?:Jr|Sr|etc|Inc|Ltd|Co|No|Vol|U\.S|U\.K)\.$")
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")


def sentence_count_range(text: str) -> tuple[int, int] | None:
    """Sentences as (low, high), or None when the text is a list or table (sentences are then ill-defined).

    A ., ! or ? followed by space ends a sentence, except after titles and initials ("Dr.", "J. R. R.") or
    before a lowercase word; after "Inc.", "U.S." and the like it may (high counts it, low does not). Lines
    without end punctuation (headings) count only in high.
    """
    if list_shape(text).blocks or _TABLE_RULE.search(text):
        return None
    low = high = 0
    for block in re.split(r"\n\s*\n|\n", text.strip()):
        line = strip_markdown(block).strip()
        if not _ALNUM.search(line):
            continue
        ends = list(_END.finditer(line))
        tail = line[ends[-1].end() :] if ends else line
        if not ends:  # a line without end punctuation: a heading or an unfinished sentence
            high += 1
            continue
        has_tail = 1 if _ALNUM.search(tail) else 0
        kinds = [_end_kind(line, m) for m in ends]
        low += kinds.count("end") + has_tail
        high += kinds.count("end") + kinds.count("maybe") + has_tail
    return max(low, 1 if high else 0), max(high, 1 if low else 0)


def _end_kind(line: str, m: re.Match[str]) -> str:
    """Whether an end mark ends a sentence: "end", "maybe" (after Inc., U.S. ...) or "not" (Dr., initials)."""
    nxt = line[m.end() :].lstrip()[:1]
    if not nxt:
        return "end"
    before = line[: m.start() + 1]
    if nxt.islower() or _NEVER_END.search(before):
        return "not"
    return "maybe" if _MAYBE_END.search(before) else "end"


def paragraph_count(text: str) -> int:
    """Blocks of text separated by blank lines."""
    return sum(1 for b in re.split(r"\n\s*\n", text) if _ALNUM.search(b))


# --------------------------------------------------------------------------------------------------------------
# Lists

_BULLET_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+•●▪][ \t]+(?=\S)")
_NUMBER_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?:#{1,6}[ \t]+)?(?:\*\*|__)?(?P<num>\d{1,3})[.)](?:\*\*|__)?[ \t]+(?=\S)"
)


@dataclass
class ListShape:
    """The top-level lists of a text: ``blocks`` holds the item count of each separate list."""

    blocks: list[int] = field(default_factory=list)
    bulleted: int = 0
    numbered: int = 0
    item_lines: list[int] = field(default_factory=list)


def _indent(s: str) -> int:
    return len(s.replace("\t", "    "))


def list_shape(text: str) -> ListShape:
    """Find the top-level list items of a markdown-ish text and group them into separate lists.

    Nested items (indented deeper than the outermost items) are not counted. A numbered list stays one list
    across description paragraphs as long as its numbers continue; a bullet list ends at an unindented prose line.
    """
    lines = text.splitlines()
    items: list[tuple[int, int, str, int | None]] = []  # (line index, indent, kind, number)
    for i, line in enumerate(lines):
        b = _BULLET_ITEM.match(line)
        n = _NUMBER_ITEM.match(line)
        if n:
            items.append((i, _indent(n.group("indent")), "n", int(n.group("num"))))
        elif b and not re.match(r"^\s*([-*_])(\s*\1){2,}\s*$", line):  # "- - -" / "***" is a horizontal rule
            items.append((i, _indent(b.group("indent")), "b", None))
    if not items:
        return ListShape()
    top = min(ind for _, ind, _, _ in items)
    top_items = [it for it in items if it[1] <= top + 1]
    shape = ListShape(item_lines=[it[0] for it in top_items])
    prev: tuple[int, int, str, int | None] | None = None
    for it in top_items:
        if prev is None or _starts_new_list(lines, prev, it, top):
            shape.blocks.append(0)
        shape.blocks[-1] += 1
        if it[2] == "b":
            shape.bulleted += 1
        else:
            shape.numbered += 1
        prev = it
    return shape


def _starts_new_list(
    lines: list[str], prev: tuple[int, int, str, int | None], cur: tuple[int, int, str, int | None], top: int
) -> bool:
    if prev[2] != cur[2]:
        return True
    if cur[2] == "n":
        return cur[3] != (prev[3] or 0) + 1
    between = lines[prev[0] + 1 : cur[0]]
    return any(ln.strip() and _indent(ln[: len(ln) - len(ln.lstrip())]) <= top for ln in between)


# --------------------------------------------------------------------------------------------------------------
# Years and seasons

_YEAR = r"(?:18[89]\d|19\d\d|20[0-3]\d)"
_PAREN = re.compile(r"\(([^()]{0,60})\)")
_PAREN_WORDS = {"film", "movie", "series", "tv", "miniseries", "animated", "american", "british", "released", "short"}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_NOT_RELEASE = re.compile(r"\b(?:born|died|b\.|d\.|aged?|set|founded|est\.?|ceremony)(?:\s|$)", re.I)
_RUN = re.compile(rf"^(?P<a>{_YEAR})(?:\s*[-–—]\s*(?P<b>{_YEAR}|present|\d{{2}}))?$", re.I)
_RELEASED = re.compile(
    r"\b(?:released|came\s+out|premiered|debuted)\s+(?:(?:in|on)\s+)?(?:(?:early|late|mid-?)\s+)?"
    rf"(?:{_MONTH}\s+(?:\d{{1,2}},?\s+)?)?(?P<y>{_YEAR})\b"
    rf"|\b(?:the|a|his|her|their)\s+(?P<z>{_YEAR})\s+(?:film|movie|release|sequel|remake|series|miniseries)\b",
    re.I,
)


def release_years(text: str) -> list[tuple[int, int]]:
    """Release years (or runs, for series) the text states for titles, as (start, end) pairs.

    Only unambiguous forms count: a parenthesis holding a year or run, optionally with "film"/"TV series" or after
    a comma ("(dir. Christopher Nolan, 2010)"), "released in 1994", "the 1994 film". Bare years may be plot or
    context years and are not used.
    """
    out: list[tuple[int, int]] = []
    for m in _PAREN.finditer(text):
        run = _year_run(m.group(1).split(",")[-1].strip())
        if run is not None and not _NOT_RELEASE.search(m.group(1)):
            out.append(run)
    for m in _RELEASED.finditer(text):
        y = int(m.group("y") or m.group("z"))
        out.append((y, y))
    return out


def _year_run(s: str) -> tuple[int, int] | None:
    words = " ".join(w for w in s.split() if w.lower().strip(".") not in _PAREN_WORDS)
    m = _RUN.match(words.strip())
    if m is None:
        return None
    a = int(m.group("a"))
    b = m.group("b")
    if b is None:
        return a, a
    if b.lower() == "present":
        return a, 2100
    end = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
    return (a, end) if end >= a else None


_SEASON_NUM = re.compile(
    rf"\bseasons?\s+(?P<n>\d{{1,2}}|{_UNIT_RE})\b(?:\s*(?:-|–|to|and|&)\s*(?P<m>\d{{1,2}}|{_UNIT_RE})\b)?"
    r"|\bS(?P<s>\d{1,2})(?:\s*E\d{1,3})?\b"
    rf"|\b(?P<o>{'|'.join(_ORDINALS)})\s+season\b",
    re.I,
)
_HEDGE = re.compile(r"\b(?:spoil\w*|avoid\w*|won'?t|will\s+not|without|not\s+(?:discuss|cover|reveal|mention))\b", re.I)


def season_mentions(text: str) -> list[tuple[int, str]]:
    """Season numbers the text names ("season 3", "S03E05", "the fourth season"), with the sentence around each.

    A mention in a sentence that says it avoids spoilers ("I won't discuss season 3") is not returned.
    """
    out: list[tuple[int, str]] = []
    for m in _SEASON_NUM.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        ends = [e for e in (text.find(".", m.end()), text.find("\n", m.end())) if e != -1]
        sentence = text[start : min(ends) if ends else len(text)].strip()
        if _HEDGE.search(sentence):
            continue
        for g in ("n", "m", "s", "o"):
            v = m.group(g)
            if v is None:
                continue
            n = _ORDINALS[v.lower()] if g == "o" else parse_number(v)
            if n is not None:
                out.append((n, sentence[:120]))
    return out
