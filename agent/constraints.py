"""Explicit prompt constraints that code can measure, checked against each response (no model needed).

Kinds: ``word_limit`` ("in under 80 words", "50 words or fewer"), ``sentence_limit`` ("at most 3 sentences"),
``list_count`` ("name five", "top 10"), ``format`` (bulleted/numbered list, table, one word, JSON, one paragraph),
``year_range`` ("released between 2000 and 2010", "from the 1990s", "before 1980") and ``spoiler`` ("no spoilers
past season 2"). Every measurement is a range (a hyphenated word may count as one word or two); a check is
``satisfied=True``/``False`` only when the whole range agrees, otherwise ``None``, which hands the constraint to the
model stage. The code never flags on an uncertain measurement.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from agent.models import ConstraintCheck, Evaluation, ResponseSide
from agent.textmeasure import (
    NUMBER,
    ListShape,
    list_shape,
    paragraph_count,
    parse_number,
    release_years,
    season_mentions,
    sentence_count_range,
    word_count_range,
)

logger = logging.getLogger(__name__)

__all__ = ["PromptConstraint", "check_constraints", "check_response", "extract_constraints"]


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


# --------------------------------------------------------------------------------------------------------------
# Reading constraints from the prompt

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


# --------------------------------------------------------------------------------------------------------------
# Checking one response


def check_response(prompt: str, text: str, side: ResponseSide = "a") -> list[ConstraintCheck]:
    """Check every measurable constraint of ``prompt`` against one response text.

    Args:
        prompt: The user's request.
        text: The response text.
        side: Which response this is ("a", or "b" in side-by-side tasks).

    Returns:
        One :class:`ConstraintCheck` per constraint (``method="exact"``); ``satisfied=None`` where code cannot tell.
    """
    constraints = extract_constraints(prompt)
    several_counts = sum(c.kind == "list_count" for c in constraints) > 1
    checks: list[ConstraintCheck] = []
    for c in constraints:
        if c.kind == "list_count" and several_counts:
            check = _check(c, None, "the prompt asks for several lists; which list each count applies to is unclear")
        else:
            check = _CHECKERS[c.kind](c, text)
        checks.append(check.model_copy(update={"response": side}))
    logger.debug("constraints side %s: %s", side, [(c.kind, c.satisfied) for c in checks])
    return checks


def check_constraints(evaluation: Evaluation) -> list[ConstraintCheck]:
    """Check the prompt's measurable constraints against the response (and response B in side-by-side tasks)."""
    checks = check_response(evaluation.task.prompt, evaluation.response.text, "a")
    if evaluation.response_b is not None:
        checks += check_response(evaluation.task.prompt, evaluation.response_b.text, "b")
    return checks


def _check(c: PromptConstraint, satisfied: bool | None, detail: str, margin: float | None = None) -> ConstraintCheck:
    return ConstraintCheck(constraint=c.text, kind=c.kind, satisfied=satisfied, detail=detail, margin=margin)


def _bounded(c: PromptConstraint, lo_count: int, hi_count: int, unit: str) -> ConstraintCheck:
    """Judge a measured range [lo_count, hi_count] against the constraint's bounds."""
    measured = (
        f"{lo_count} {unit}" if lo_count == hi_count else f"{lo_count}-{hi_count} {unit} (counting conventions differ)"
    )
    if c.high is not None:
        allowed = c.high * 1.2 if c.approx else c.high
        if lo_count > allowed:
            return _check(c, False, f"{measured}; the limit is {c.high}", margin=round((lo_count - c.high) / c.high, 3))
        if hi_count > allowed:
            return _check(c, None, f"{measured}; at the limit of {c.high}, uncertain")
    if c.low is not None:
        if hi_count < c.low:
            return _check(c, False, f"{measured}; at least {c.low} asked", margin=round((c.low - hi_count) / c.low, 3))
        if lo_count < c.low:
            return _check(c, None, f"{measured}; at the minimum of {c.low}, uncertain")
    return _check(c, True, measured)


def _check_words(c: PromptConstraint, text: str) -> ConstraintCheck:
    lo, hi = word_count_range(text)
    return _bounded(c, lo, hi, "words")


def _check_sentences(c: PromptConstraint, text: str) -> ConstraintCheck:
    measured = sentence_count_range(text)
    if measured is None:
        return _check(c, None, "the response is a list or table; sentences cannot be counted reliably")
    return _bounded(c, measured[0], measured[1], "sentences")


def _check_count(c: PromptConstraint, text: str) -> ConstraintCheck:
    shape = list_shape(text)
    if not shape.blocks:
        return _check(c, None, "no list markup; the items cannot be counted reliably")
    total = sum(shape.blocks)
    if len(shape.blocks) == 1 or _within(c, total):
        return _bounded(c, total, total, "items")
    if any(_within(c, b) for b in shape.blocks):
        return _check(c, None, f"several lists ({shape.blocks} items); which one answers the request is unclear")
    return _check(c, False, f"lists of {shape.blocks} items; none has the {_bounds_text(c)} items asked")


def _within(c: PromptConstraint, n: int) -> bool:
    return (c.low is None or n >= c.low) and (c.high is None or n <= c.high)


def _bounds_text(c: PromptConstraint) -> str:
    if c.low == c.high:
        return str(c.low)
    return f"{c.low or 0}-{c.high}" if c.high is not None else f"at least {c.low}"


def _check_format(c: PromptConstraint, text: str) -> ConstraintCheck:
    shape = list_shape(text)
    fmt = c.fmt or ""
    if fmt in ("bulleted", "numbered", "list"):
        return _check_list_format(c, shape)
    if fmt == "table":
        has = bool(re.search(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$", text, re.M)) or "<table" in text
        return _check(c, has, "a markdown table is present" if has else "no table in the response")
    if fmt == "one_word":
        lo, hi = word_count_range(text)
        if hi <= 1:
            return _check(c, True, "one word")
        return _check(c, None if lo <= 2 else False, f"{lo} words")
    if fmt == "json":
        return _check_json(c, text)
    n = paragraph_count(text)
    limit = c.high or 1
    return _check(c, n <= limit, f"{n} paragraph(s); at most {limit} asked")


def _check_list_format(c: PromptConstraint, shape: ListShape) -> ConstraintCheck:
    want = c.fmt
    if shape.bulleted >= 2 and want in ("bulleted", "list"):
        return _check(c, True, f"a bulleted list of {shape.bulleted} items")
    if shape.numbered >= 2 and want in ("numbered", "list"):
        return _check(c, True, f"a numbered list of {shape.numbered} items")
    if shape.numbered >= 2 and want == "bulleted":
        return _check(c, None, "a numbered list where bullets were asked; a minor difference")
    if shape.bulleted >= 2 and want == "numbered":
        return _check(c, False, "a bulleted list where a numbered list was asked")
    return _check(c, False, f"no {want if want != 'list' else ''} list in the response".replace("  ", " "))


def _check_json(c: PromptConstraint, text: str) -> ConstraintCheck:
    body = text.strip()
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, re.S | re.I)
    if fence:
        body = fence.group(1)
    try:
        json.loads(body)
    except ValueError:
        if re.search(r"```(?:json)?\s*[\[{]", text, re.I):
            return _check(c, None, "JSON inside other text; the model stage decides")
        return _check(c, False, "the response is not valid JSON")
    return _check(c, True, "valid JSON")


def _check_years(c: PromptConstraint, text: str) -> ConstraintCheck:
    years = release_years(text)
    if c.low is None and c.high is None:
        return _check(c, None, "several year ranges in the prompt; the model stage decides")
    if not years:
        return _check(c, None, "no release years stated in the response")
    lo = c.low if c.low is not None else -10_000
    hi = c.high if c.high is not None else 10_000
    outside = [f"{a}" if a == b else f"{a}-{b}" for a, b in years if b < lo or a > hi]
    partial = [f"{a}-{b}" for a, b in years if a < lo <= b or a <= hi < b]
    if outside:
        return _check(c, False, f"release years outside the range: {', '.join(outside)}")
    if partial:
        return _check(c, None, f"runs that only overlap the range: {', '.join(partial)}")
    items = list_shape(text)
    if items.blocks and len(years) < sum(items.blocks):
        return _check(c, None, f"{len(years)} release years for {sum(items.blocks)} list items; the rest unknown")
    return _check(c, True, f"all stated release years in range: {', '.join(str(a) for a, _ in years)}")


def _check_spoilers(c: PromptConstraint, text: str) -> ConstraintCheck:
    if c.high is None:
        return _check(c, None, "a spoiler limit without a season number; the model stage judges the content")
    beyond = [(n, quote) for n, quote in season_mentions(text) if n > c.high]
    if beyond:
        quotes = "; ".join(q for _, q in beyond[:3])
        return _check(c, False, f"mentions seasons past {c.high}: {quotes}")
    return _check(c, None, f"no season past {c.high} named; plot spoilers need the model stage")


_CHECKERS: dict[str, Callable[[PromptConstraint, str], ConstraintCheck]] = {
    "word_limit": _check_words,
    "sentence_limit": _check_sentences,
    "list_count": _check_count,
    "format": _check_format,
    "year_range": _check_years,
    "spoiler": _check_spoilers,
}
