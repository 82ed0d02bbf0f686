"""Reading the explicit, measurable constraints of a prompt: limits, counts, formats, year ranges, spoilers.

Phrases are matched by patterns that accept numbers in digits or words ("five", "twenty-five"), and each match
becomes a :class:`PromptConstraint` with bounds. A phrase is read as a constraint only where it clearly is one: a
year next to a media noun or a release verb ("films released before 1980", not "the 1982 film Blade Runner"), a
count after a listing verb ("name five", not "give two sentences"). Checking responses is :mod:`agent.constraints`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.textmeasure import NUMBER, parse_number

__all__ = ["PromptConstraint", "extract_constraints"]


@dataclass(frozen=True)
class PromptConstraint:
    """One measurable constraint found in a prompt.

    Attributes:
        text: The phrase of the prompt that states it.
        kind: word_limit, sentence_limit, list_count, format, year_range or spoiler.
        low: Lower bound (words, sentences, items, year); None when open.
        high: Upper bound; None when open.
        approx: The bound is approximate ("a 100-word summary"): 20% slack before it counts as broken.
        fmt: For ``format``: bulleted, numbered, list, table, one_word, json, paragraphs.
    """

    text: str
    kind: str
    low: int | None = None
    high: int | None = None
    approx: bool = False
    fmt: str | None = None


_N = NUMBER  # a number in digits or words, captured by the caller
_UNIT = {"word": "word_limit", "sentence": "sentence_limit"}
_MAX_BEFORE = (
    r"(?:under|below|fewer than|less than|no more than|not more than|at most|max(?:imum)?(?: of)?|up to|within"
    r"|no longer than|not exceeding|limited to|keep it to|keep it under)"
)
_STRICT = ("under", "below", "fewer than", "less than", "keep it under")
_UNITS = r"(?P<u>word|sentence)"
_SUMMARY = r"(?:summary|answer|description|overview|pitch|reply|response|synopsis|review|explanation)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_LIMIT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_rx(rf"\b(?P<q>{_MAX_BEFORE})\s+(?P<n>{_N})\s+{_UNITS}s?\b"), "max"),
    (_rx(rf"\b(?P<n>{_N})\s+{_UNITS}s?\s+(?:or\s+(?:fewer|less|under)|max(?:imum)?|at most)\b"), "max"),
    (_rx(rf"\b(?P<n>{_N})(?:\s*[-–]\s*|\s+(?:or|to)\s+)(?P<m>{_N})\s+{_UNITS}s\b"), "upto"),
    (_rx(rf"\bat least\s+(?P<n>{_N})\s+{_UNITS}s?\b"), "min"),
    (_rx(rf"\bexactly\s+(?P<n>{_N})\s+{_UNITS}s?\b"), "exact"),
    (_rx(r"\bin\s+(?:a\s+single|one|a)\s+(?P<u>sentence)\b(?!\s+or\b)"), "one"),
    (_rx(r"\bin\s+a\s+(?P<u>sentence)\s+or\s+two\b"), "two"),
    (_rx(rf"\b(?:in|using|with|give(?:\s+me)?|write|just|only)\s+(?P<n>{_N})\s+{_UNITS}s\b"), "approx"),
    (_rx(rf"\b(?:an?\s+)?(?P<n>{_N})[\s-]{_UNITS}\s+{_SUMMARY}\b"), "approx"),
]
_VERB = (
    r"\b(?:name|list|give(?:\s+me|\s+us)?|recommend|suggest|pick|choose|provide|share|mention|rank|identify"
    r"|select|what\s+are)\s+(?:the\s+|your\s+|my\s+)?(?:first\s+|last\s+|main\s+)?"
)
# a count followed by one of these nouns is a length, not a list ("give two sentences")
_NOT_ITEMS = r"(?!\s*(?:words?|sentences?|paragraphs?|lines?|letters?|syllables?|minutes?|seconds?|hours?|years?)\b)"
_END_N = rf"\b{_NOT_ITEMS}(?![-\w])"
_COUNT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_rx(rf"{_VERB}at\s+least\s+(?P<n>{_N}){_END_N}"), "min"),
    (_rx(rf"{_VERB}(?P<n>{_N})\s+or\s+more\b{_NOT_ITEMS}"), "min"),
    (_rx(rf"{_VERB}(?:up\s+to|no\s+more\s+than|at\s+most)\s+(?P<n>{_N}){_END_N}"), "max"),
    (_rx(rf"{_VERB}(?:exactly\s+|only\s+|just\s+)?(?P<n>{_N})\s*(?:-|–|to|or)\s*(?P<m>{_N})\b{_NOT_ITEMS}"), "range"),
    (_rx(rf"{_VERB}(?:exactly\s+|only\s+|just\s+)?(?:top\s+)?(?P<n>{_N}){_END_N}"), "exact"),
    (_rx(rf"\btop[\s-](?P<n>{_N})\b(?![-\w])"), "exact"),
    (_rx(rf"\blist\s+of\s+(?:the\s+)?(?:top\s+)?(?P<n>{_N}){_END_N}"), "exact"),
]
_FORMAT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_rx(r"\bbullet(?:ed)?(?:[\s-]+(?:point|list))?s?\b|\bin\s+bullets\b"), "bulleted"),
    (_rx(r"\bnumbered\s+list\b|\bnumber\s+(?:them|each)\b"), "numbered"),
    (_rx(r"\b(?:as|in|into)\s+(?:a\s+)?list\b|\blist\s+form(?:at)?\b"), "list"),
    (_rx(r"\b(?:in|as|into|using)\s+a\s+(?:markdown\s+)?table\b|\btable\s+format\b|\btabular\b"), "table"),
    (
        _rx(r"\b(?:in|with|using)\s+(?:one|a\s+single|1)\s+word\b|\b(?:one|single)[\s-]word\s+(?:answer|reply)\b"),
        "one_word",
    ),
    (_rx(r"\b(?:in|as|using|return|output|formatted\s+as)\s+(?:valid\s+)?json\b|\bjson\s+(?:format|object)\b"), "json"),
    (_rx(rf"\b(?:one|a\s+single|(?:at\s+most|no\s+more\s+than)\s+(?P<n>{_N}))\s+paragraphs?\b"), "paragraphs"),
]
_Y = r"(?:18|19|20)\d{2}"
_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
                 "eighties": 80, "nineties": 90}  # fmt: skip
_MEDIA = (
    r"(?:films?|movies?|shows?|series|sitcoms?|dramas?|comedies|episodes?|titles?|releases?|cartoons?|classics?"
    r"|blockbusters?|thrillers?)"
)
_YEAR_ANCHOR = re.compile(rf"\b(?:{_MEDIA}|released|made|produced|premiered|aired|came\s+out|debuted)\b", re.I)
_YEAR_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\bbetween\s+(?P<a>{_Y})\s+and\s+(?P<b>{_Y})\b", re.I), "span"),
    (re.compile(rf"\bfrom\s+(?P<a>{_Y})\s*(?:to|through|until|-|–)\s*(?P<b>{_Y})\b", re.I), "span"),
    (re.compile(rf"\b(?P<a>{_Y})\s*[-–]\s*(?P<b>{_Y})\b"), "span"),
    (re.compile(r"\b(?:before|prior\s+to|earlier\s+than|pre-)\s*(?P<a>(?:18|19|20)\d{2})\b", re.I), "before"),
    (re.compile(r"\b(?:after|later\s+than|post-)\s*(?P<a>(?:18|19|20)\d{2})\b", re.I), "after"),
    (re.compile(r"\bsince\s+(?P<a>(?:18|19|20)\d{2})\b", re.I), "since"),
    (re.compile(r"(?<![\w'’])(?:(?P<c>18|19|20)|['’]?)(?P<d>\d)0['’]?s\b", re.I), "decade"),
    (re.compile(r"\b(?:the\s+)?(?P<w>" + "|".join(_DECADE_WORDS) + r")\b", re.I), "decade_word"),
]
_SPOIL = re.compile(r"\bspoil", re.I)
_SPOILER_LIMITS = [
    re.compile(rf"\b(?:past|beyond|after)\s+(?:the\s+end\s+of\s+)?season\s+(?P<n>{_N})\b", re.I),
    re.compile(rf"\b(?:up\s+to|through|until)\s+(?:the\s+end\s+of\s+)?season\s+(?P<n>{_N})\b", re.I),
    re.compile(rf"\b(?:watched|seen|finished|on|at)\s+(?:only\s+)?season\s+(?P<n>{_N})\b", re.I),
    re.compile(rf"\b(?:watched|seen|finished)\s+(?:only\s+)?(?:the\s+)?first\s+(?P<n>{_N})\s+seasons\b", re.I),
    re.compile(rf"\bfrom\s+season\s+(?P<f>{_N})\s+on", re.I),
]


def extract_constraints(prompt: str) -> list[PromptConstraint]:
    """The measurable constraints a prompt states (none when it states none).

    Args:
        prompt: The user's request (``task.prompt``).

    Returns:
        One :class:`PromptConstraint` per explicit constraint, in the order kinds are listed in the module doc.
    """
    found: list[PromptConstraint] = []
    found += _limits(prompt)
    found += _counts(prompt)
    found += _formats(prompt)
    found += _years(prompt)
    found += _spoilers(prompt)
    return found


def _matches(patterns: list[tuple[re.Pattern[str], str]], prompt: str) -> list[tuple[re.Match[str], str]]:
    """Every match of the patterns, earlier patterns first; a span already matched is not matched again."""
    out: list[tuple[re.Match[str], str]] = []
    for pattern, mode in patterns:
        for m in pattern.finditer(prompt):
            if not any(o.start() < m.end() and m.start() < o.end() for o, _ in out):
                out.append((m, mode))
    return out


def _limits(prompt: str) -> list[PromptConstraint]:
    out: list[PromptConstraint] = []
    for m, mode in _matches(_LIMIT_PATTERNS, prompt):
        kind = _UNIT[m.group("u").lower()]
        n = {"one": 1, "two": 2}.get(mode) or parse_number(m.group("n"))
        if n is None or n <= 0:
            continue
        text = m.group(0)
        if mode == "upto":  # "in two or three sentences": the larger number is the limit
            n = parse_number(m.group("m"))
            if n is not None:
                out.append(PromptConstraint(m.group(0), kind, high=n))
        elif mode in ("max", "one", "two"):
            strict = (m.groupdict().get("q") or "").lower() in _STRICT
            out.append(PromptConstraint(text, kind, high=n - 1 if strict and n > 1 else n))
        elif mode == "min":
            out.append(PromptConstraint(text, kind, low=n))
        elif mode == "exact":
            out.append(PromptConstraint(text, kind, low=n, high=n))
        else:
            out.append(PromptConstraint(text, kind, high=n, approx=True))
    return out


def _counts(prompt: str) -> list[PromptConstraint]:
    out: list[PromptConstraint] = []
    for m, mode in _matches(_COUNT_PATTERNS, prompt):
        n = parse_number(m.group("n"))
        if n is None or n < 2 or n > 100:  # "name one" is not a list; a count over 100 is not a list request
            continue
        bounds = {"min": (n, None), "max": (None, n), "exact": (n, n)}.get(mode)
        if mode == "range":
            hi = parse_number(m.group("m"))
            bounds = (n, hi) if hi is not None and hi > n else None
        if bounds is not None:
            out.append(PromptConstraint(m.group(0), "list_count", low=bounds[0], high=bounds[1]))
    return out


def _formats(prompt: str) -> list[PromptConstraint]:
    out: list[PromptConstraint] = []
    kinds: set[str] = set()
    for pattern, fmt in _FORMAT_PATTERNS:
        m = pattern.search(prompt)
        if m is None or (fmt == "list" and kinds & {"bulleted", "numbered"}):
            continue
        kinds.add(fmt)
        high = 1
        if fmt == "paragraphs" and m.group("n"):
            high = parse_number(m.group("n")) or 1
        out.append(PromptConstraint(m.group(0), "format", high=high if fmt == "paragraphs" else None, fmt=fmt))
    return out


def _years(prompt: str) -> list[PromptConstraint]:
    if re.match(r"\s*(?:was|were|is|are|did|does|do|has|had|have)\b", prompt, re.I):
        return []  # a yes/no question about a year is not a constraint on the answer's titles
    out: list[PromptConstraint] = []
    for m, mode in _matches(_YEAR_PATTERNS, prompt):
        lo, hi = _year_bounds(m, mode)
        if (lo is not None or hi is not None) and _anchored(prompt, m.start(), m.end()):
            out.append(PromptConstraint(m.group(0).strip(), "year_range", low=lo, high=hi))
    if len(out) > 1:  # "from the 1990s or the 2010s": which range a title must meet is for the model
        return [PromptConstraint(", ".join(c.text for c in out), "year_range")]
    return out


def _anchored(prompt: str, start: int, end: int) -> bool:
    """A year phrase constrains the answer only next to a media noun or a release verb."""
    return bool(_YEAR_ANCHOR.search(prompt[max(0, start - 60) : min(len(prompt), end + 25)]))


def _year_bounds(m: re.Match[str], mode: str) -> tuple[int | None, int | None]:
    if mode == "span":
        a, b = int(m.group("a")), int(m.group("b"))
        return (a, b) if a <= b else (None, None)
    if mode in ("before", "after", "since"):
        y = int(m.group("a"))
        return {"before": (None, y - 1), "after": (y + 1, None), "since": (y, None)}[mode]
    if mode == "decade_word":
        return 1900 + _DECADE_WORDS[m.group("w").lower()], 1909 + _DECADE_WORDS[m.group("w").lower()]
    century = m.group("c")
    d = int(m.group("d"))
    if century:
        start = int(century) * 100 + d * 10
    else:
        start = (2000 if d <= 2 else 1900) + d * 10
    return start, start + 9


def _spoilers(prompt: str) -> list[PromptConstraint]:
    if not _SPOIL.search(prompt):
        return []
    for pattern in _SPOILER_LIMITS:
        m = pattern.search(prompt)
        if m is None:
            continue
        if "f" in m.groupdict():
            first = parse_number(m.group("f"))
            if first is not None and first > 1:
                return [PromptConstraint(m.group(0), "spoiler", high=first - 1)]
            continue
        n = parse_number(m.group("n"))
        if n is not None and n >= 1:
            return [PromptConstraint(m.group(0), "spoiler", high=n)]
    m2 = re.search(r"[^.?!]*\bspoil\w*[^.?!]*", prompt, re.I)
    return [PromptConstraint((m2.group(0) if m2 else "no spoilers").strip(), "spoiler")]
